// The callback configuration: OpenIM's config/webhooks.yml as it is (top-level `url`, per hook
// `enable`, `timeout` in seconds, `failedContinue`), plus huddle's own keys, among them `endpoints:`,
// a list of named endpoints, each speaking OpenIM's or Tencent Cloud Chat's dialect. The top-level
// `url` is shorthand for one OpenIM endpoint named "default". One parser serves the file at
// start-up and the admin API at runtime, so both accept exactly the same document.

import fs from 'node:fs';
import { CALLBACK_KEYS, CALLBACKS, isValidSigningSecret, type CallbackKey } from '@huddle/protocol';
import { parse as parseYaml } from 'yaml';

export interface CallbackSettings {
  enable: boolean;
  timeoutMs: number;
  /** Before-hooks: proceed unmodified when the callback fails (true) or refuse the operation (false). */
  failedContinue: boolean;
  /** Message hooks only: contentTypes never called back (OpenIM's `deniedTypes`). */
  deniedTypes?: number[];
  /** Message after-hooks only: when not empty, only messages to these groups or users (OpenIM's `attentionIds`). */
  attentionIds?: string[];
}

export type Dialect = 'openim' | 'tencent';
export const DIALECTS: readonly Dialect[] = ['openim', 'tencent'];

export interface EndpointConfig {
  /** Names the endpoint in the delivery log; "default" is the top-level `url`. */
  name: string;
  /** OpenIM: base URL, each callback goes to `${url}/${command}?contenttype=json`. Tencent: the one
   *  callback URL, the command in the query string. "" sends nothing. */
  url: string;
  dialect: Dialect;
  /** Tencent: `SdkAppid` in every request, which the business server checks. */
  sdkAppId: string;
  /** Tencent: when set, requests carry `Sign` and `RequestTime`. */
  token: string;
  /** `whsec_…`: when set, every request carries a Standard Webhooks `webhook-signature`. */
  signingSecret: string | undefined;
  /** Paused by an operator: sends nothing, as without a URL; its after-events wait until resumed. */
  paused: boolean;
  hooks: Record<CallbackKey, CallbackSettings>;
}

export interface CallbackConfig {
  /** The "default" endpoint (top-level `url`) first, then the listed ones. */
  endpoints: EndpointConfig[];
  /** Delays before retry 1, 2, …, in milliseconds; when spent, the event is dead-lettered. */
  retrySchedule: number[];
  /** After-callbacks in flight at once (at most one per group and endpoint). */
  deliveryConcurrency: number;
  /** Keys of the file that name callbacks huddle does not send (OpenIM's message, friend hooks). */
  ignoredKeys: string[];
  /** Those of ignoredKeys whose entry says `enable: true`: someone expects them, so a warning. */
  ignoredEnabledKeys: string[];
}

/** An endpoint with a URL records its after-events, paused or not (paused ones wait). */
export const hasUrl = (endpoint: EndpointConfig): boolean => endpoint.url !== '';

/** An endpoint sends something only when its URL is set and it is not paused. */
export const isActive = (endpoint: EndpointConfig): boolean => hasUrl(endpoint) && !endpoint.paused;

/** Endpoints that send something. */
export const activeEndpoints = (config: CallbackConfig): EndpointConfig[] => config.endpoints.filter(isActive);

export class CallbackConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`callback configuration: ${key}: ${message}`);
    this.name = 'CallbackConfigError';
  }
}

export const DEFAULT_RETRY_SCHEDULE_MS = [5, 300, 1800, 7200, 18000, 36000, 36000].map((s) => s * 1000);
/** After-callbacks in flight by default: 256 drains 2,000 callbacks over 200 groups to a 100 ms receiver at ≥ 1,000/s (64 gave 299/s); the after pool holds as many sockets per origin. */
export const DEFAULT_DELIVERY_CONCURRENCY = 256;
export const DEFAULT_ENDPOINT = 'default';
/** OpenIM's default timeout is 5 s; Tencent's is a fixed 2 s, and it proceeds when a callback fails. */
const DEFAULT_HOOK: Record<Dialect, CallbackSettings> = {
  openim: { enable: false, timeoutMs: 5000, failedContinue: true },
  tencent: { enable: false, timeoutMs: 2000, failedContinue: true },
};
/** A hook's defaults in a dialect, with empty filter lists where the hook has OpenIM's message filters. */
function defaultHook(dialect: Dialect, key: CallbackKey): CallbackSettings {
  const filter = CALLBACKS[key].messageFilter;
  return {
    ...DEFAULT_HOOK[dialect],
    ...(filter ? { deniedTypes: [] } : {}),
    ...(filter?.attention ? { attentionIds: [] } : {}),
  };
}
/** Keys OpenIM's per-hook entries may carry that mean nothing for group callbacks. */
const OPENIM_HOOK_FIELDS = new Set([
  'enable',
  'timeout',
  'failedContinue',
  'attentionIds',
  'deniedTypes',
  'allowedTypes',
]);
const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function defaultHooks(dialect: Dialect): Record<CallbackKey, CallbackSettings> {
  return Object.fromEntries(CALLBACK_KEYS.map((k) => [k, defaultHook(dialect, k)])) as Record<
    CallbackKey,
    CallbackSettings
  >;
}

function newEndpoint(name: string, dialect: Dialect): EndpointConfig {
  return {
    name,
    url: '',
    dialect,
    sdkAppId: '',
    token: '',
    signingSecret: undefined,
    paused: false,
    hooks: defaultHooks(dialect),
  };
}

export function defaultCallbackConfig(): CallbackConfig {
  return {
    endpoints: [newEndpoint(DEFAULT_ENDPOINT, 'openim')],
    retrySchedule: [...DEFAULT_RETRY_SCHEDULE_MS],
    deliveryConcurrency: DEFAULT_DELIVERY_CONCURRENCY,
    ignoredKeys: [],
    ignoredEnabledKeys: [],
  };
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** "5s", "5m", "2h", "1d", "250ms", or a number of seconds -> milliseconds. */
export function parseDuration(value: unknown, key: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.round(value * 1000);
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
    if (m) {
      const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's']!;
      return Math.round(Number(m[1]) * unit);
    }
  }
  throw new CallbackConfigError(
    key,
    `expected a duration such as 5s, 5m, 2h or a number of seconds, got ${JSON.stringify(value)}`,
  );
}

function bool(value: unknown, key: string): boolean {
  if (typeof value !== 'boolean')
    throw new CallbackConfigError(key, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** OpenIM ≤ 3.6 names (inside `callback:`) for hooks that now have other keys. */
const LEGACY_KEYS: Record<string, CallbackKey> = {
  quitGroup: 'afterQuitGroup',
  killGroupMember: 'afterKickGroupMember',
  dismissGroup: 'afterDismissGroup',
  transferGroupOwner: 'afterTransferGroupOwner',
  joinGroupAfter: 'afterJoinGroup',
  setGroupInfoBefore: 'beforeSetGroupInfo',
  setGroupInfoAfter: 'afterSetGroupInfo',
};

/** Levenshtein distance, to tell a misspelt group hook from another module's hook. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** `deniedTypes`: contentTypes, as OpenIM lists them. */
function contentTypes(value: unknown, key: string): number[] {
  if (!Array.isArray(value) || value.length > 1000 || !value.every((t) => Number.isInteger(t) && t >= 0 && t < 2 ** 31))
    throw new CallbackConfigError(key, 'expected a list of contentTypes, such as [102, 103]');
  return value as number[];
}

/** `attentionIds`: groupIDs and userIDs. */
function attentionIDs(value: unknown, key: string): string[] {
  if (!Array.isArray(value) || value.length > 10_000 || !value.every((id) => typeof id === 'string' && id !== ''))
    throw new CallbackConfigError(key, 'expected a list of groupIDs and userIDs');
  return value as string[];
}

function hookSettings(value: unknown, key: string, dialect: Dialect, hook: CallbackKey): CallbackSettings {
  if (value == null) return defaultHook(dialect, hook);
  if (!isMapping(value))
    throw new CallbackConfigError(key, 'expected a mapping with enable, timeout and failedContinue');
  const out = defaultHook(dialect, hook);
  const filter = CALLBACKS[hook].messageFilter;
  for (const [field, v] of Object.entries(value)) {
    const path = `${key}.${field}`;
    // An empty value (`failedContinue:`) keeps the default, as OpenIM's loader does.
    if (v == null) continue;
    if (field === 'enable') out.enable = bool(v, path);
    else if (field === 'failedContinue') out.failedContinue = bool(v, path);
    else if (field === 'timeout') {
      const ms = parseDuration(v, path);
      // No hidden cap (OpenIM silently stops at 15 s); only nonsense is refused. 0 is OpenIM's
      // "no per-call timeout", which its HTTP client ends at 15 s: we keep that 15 s, openly.
      if (ms > 3_600_000) throw new CallbackConfigError(path, 'must be at most 3600 seconds');
      out.timeoutMs = ms === 0 ? 15_000 : ms;
    } else if (field === 'deniedTypes' && filter) out.deniedTypes = contentTypes(v, path);
    else if (field === 'attentionIds' && filter?.attention) out.attentionIds = attentionIDs(v, path);
    else if (!OPENIM_HOOK_FIELDS.has(field)) throw new CallbackConfigError(path, 'unknown key');
  }
  return out;
}

function url(value: unknown, key: string): string {
  if (typeof value !== 'string') throw new CallbackConfigError(key, 'expected a string');
  if (value !== '' && !/^https?:\/\/[^\s]+$/.test(value))
    throw new CallbackConfigError(key, `expected an http:// or https:// URL, got ${JSON.stringify(value)}`);
  return value;
}

function signingSecret(value: unknown, key: string): string | undefined {
  if (value == null || value === '') return undefined;
  if (typeof value !== 'string' || !isValidSigningSecret(value)) {
    throw new CallbackConfigError(key, 'expected whsec_ followed by the base64 of 24 to 64 random bytes');
  }
  return value;
}

/**
 * A hook entry of an endpoint (`prefix` is "" for the top level). Returns false for a key that is
 * not a group hook but looks like one of OpenIM's other hooks (message, user, friend): ignored.
 */
function readHook(endpoint: EndpointConfig, key: string, value: unknown, prefix: string): boolean {
  const path = `${prefix}${key}`;
  if (Object.hasOwn(CALLBACKS, key)) {
    const settings = hookSettings(value, path, endpoint.dialect, key as CallbackKey);
    if (settings.enable && endpoint.dialect === 'tencent' && !CALLBACKS[key as CallbackKey].tencent) {
      throw new CallbackConfigError(
        path,
        'Tencent Cloud Chat has no callback for this hook; enable it on an openim endpoint',
      );
    }
    endpoint.hooks[key as CallbackKey] = settings;
    return true;
  }
  if (isMapping(value) && Object.keys(value).every((f) => OPENIM_HOOK_FIELDS.has(f))) {
    const near = CALLBACK_KEYS.find((k) => distance(k, key) <= 2);
    if (near) throw new CallbackConfigError(path, `unknown key (did you mean ${near}?)`);
    return false;
  }
  throw new CallbackConfigError(path, 'unknown key');
}

/** Notes a key huddle ignores, and whether its entry enables it. */
function ignore(
  config: Pick<CallbackConfig, 'ignoredKeys' | 'ignoredEnabledKeys'>,
  path: string,
  value: unknown,
): void {
  config.ignoredKeys.push(path);
  if (isMapping(value) && value.enable === true) config.ignoredEnabledKeys.push(path);
}

function readEndpoint(
  value: unknown,
  key: string,
  ignored: Pick<CallbackConfig, 'ignoredKeys' | 'ignoredEnabledKeys'>,
): EndpointConfig {
  if (!isMapping(value)) throw new CallbackConfigError(key, 'expected a mapping with name, url, dialect and hooks');
  const { name, dialect = 'openim' } = value;
  if (typeof name !== 'string' || !ENDPOINT_NAME.test(name)) {
    throw new CallbackConfigError(`${key}.name`, 'expected a name of letters, digits, ".", "_" or "-" (at most 64)');
  }
  if (name === DEFAULT_ENDPOINT)
    throw new CallbackConfigError(
      `${key}.name`,
      `"${DEFAULT_ENDPOINT}" is the top-level url's endpoint; choose another name`,
    );
  if (typeof dialect !== 'string' || !DIALECTS.includes(dialect as Dialect)) {
    throw new CallbackConfigError(
      `${key}.dialect`,
      `expected one of ${DIALECTS.join(', ')}, got ${JSON.stringify(dialect)}`,
    );
  }
  const endpoint = newEndpoint(name, dialect as Dialect);
  for (const [field, v] of Object.entries(value)) {
    const path = `${key}.${field}`;
    if (field === 'name' || field === 'dialect') continue;
    if (field === 'url') endpoint.url = url(v, path);
    else if (field === 'signingSecret') endpoint.signingSecret = signingSecret(v, path);
    else if (field === 'paused') endpoint.paused = v == null ? false : bool(v, path);
    else if (field === 'sdkAppId') {
      const id = typeof v === 'number' ? String(v) : v;
      if (typeof id !== 'string' || !/^\d{1,20}$/.test(id))
        throw new CallbackConfigError(path, 'expected the SDKAppID, a number');
      endpoint.sdkAppId = id;
    } else if (field === 'token') {
      if (v == null || v === '') continue;
      if (typeof v !== 'string' || v.length > 128)
        throw new CallbackConfigError(path, 'expected a string of at most 128 characters');
      endpoint.token = v;
    } else if (field === 'hooks') {
      if (v == null) continue;
      if (!isMapping(v))
        throw new CallbackConfigError(path, 'expected a mapping from hook names to {enable, timeout, failedContinue}');
      for (const [hook, settings] of Object.entries(v))
        if (!readHook(endpoint, hook, settings, `${path}.`)) ignore(ignored, `${path}.${hook}`, settings);
    } else throw new CallbackConfigError(path, 'unknown key');
  }
  if (endpoint.dialect === 'tencent' && endpoint.sdkAppId === '') {
    throw new CallbackConfigError(
      `${key}.sdkAppId`,
      'required for a tencent endpoint: receivers check it against their own',
    );
  }
  return endpoint;
}

/** Rules across endpoints: distinct names, and a before-hook asks one business server only. */
function checkEndpoints(endpoints: EndpointConfig[], listKey: (i: number) => string): void {
  const seen = new Map<string, number>();
  endpoints.forEach((e, i) => {
    if (seen.has(e.name)) throw new CallbackConfigError(`${listKey(i)}.name`, `"${e.name}" names two endpoints`);
    seen.set(e.name, i);
  });
  for (const key of CALLBACK_KEYS) {
    if (CALLBACKS[key].phase !== 'before') continue;
    // Paused ones count: resuming must not make a configuration invalid.
    const on = endpoints.filter((e) => hasUrl(e) && e.hooks[key].enable);
    if (on.length > 1) {
      throw new CallbackConfigError(
        key,
        `enabled on endpoints ${on.map((e) => `"${e.name}"`).join(' and ')}; a before-hook asks one endpoint only`,
      );
    }
  }
}

/**
 * Refuses U+0000 anywhere in the document, naming its key: it would reach the database (the saved
 * configuration; PostgreSQL text cannot hold it) and the business server's URL and headers.
 */
function refuseNul(value: unknown, key: string): void {
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new CallbackConfigError(key, 'must not contain NUL');
  } else if (Array.isArray(value)) value.forEach((v, i) => refuseNul(v, `${key}[${i}]`));
  else if (isMapping(value)) {
    for (const [k, v] of Object.entries(value)) {
      const path = key === '' ? k : `${key}.${k}`;
      if (k.includes('\0'))
        throw new CallbackConfigError(key || '(top level)', `a key must not contain NUL (${JSON.stringify(k)})`);
      refuseNul(v, path);
    }
  }
}

/** Ignored keys split as start-up and `huddle config check` report them: enabled ones warn. */
export function ignoredHooks(config: CallbackConfig): { enabled: string[]; off: string[] } {
  return {
    enabled: config.ignoredEnabledKeys,
    off: config.ignoredKeys.filter((k) => !config.ignoredEnabledKeys.includes(k)),
  };
}

/** Validates a configuration document (the YAML file's content, or the admin API's JSON). */
export function parseCallbackConfig(doc: unknown): CallbackConfig {
  if (doc == null) return defaultCallbackConfig();
  if (!isMapping(doc)) throw new CallbackConfigError('(top level)', 'expected a mapping');
  refuseNul(doc, '');
  // OpenIM ≤ 3.6 nested everything under `callback:`, with some older hook names.
  if (isMapping(doc.callback) && doc.url === undefined) {
    return parseCallbackConfig(
      Object.fromEntries(Object.entries(doc.callback).map(([k, v]) => [LEGACY_KEYS[k] ?? k, v])),
    );
  }
  const config = defaultCallbackConfig();
  const shorthand = config.endpoints[0]!;
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'url') shorthand.url = url(value, key);
    else if (key === 'signingSecret') shorthand.signingSecret = signingSecret(value, key);
    else if (key === 'paused') shorthand.paused = value == null ? false : bool(value, key);
    else if (key === 'retrySchedule') {
      if (!Array.isArray(value) || value.length > 50)
        throw new CallbackConfigError(key, 'expected a list of at most 50 delays, such as [5s, 5m, 30m, 2h]');
      config.retrySchedule = value.map((v, i) => parseDuration(v, `${key}[${i}]`));
    } else if (key === 'deliveryConcurrency') {
      if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 4096) {
        throw new CallbackConfigError(key, 'expected an integer from 1 to 4096');
      }
      config.deliveryConcurrency = value as number;
    } else if (key === 'endpoints') {
      if (value == null) continue;
      if (!Array.isArray(value) || value.length > 32)
        throw new CallbackConfigError(key, 'expected a list of at most 32 endpoints');
      value.forEach((v, i) => config.endpoints.push(readEndpoint(v, `endpoints[${i}]`, config)));
    } else if (!readHook(shorthand, key, value, '')) ignore(config, key, value);
  }
  checkEndpoints(config.endpoints, (i) => (i === 0 ? '(top level)' : `endpoints[${i - 1}]`));
  return config;
}

/** A callbacks file read and parsed as YAML, not yet validated; an unreadable file or bad YAML names HUDDLE_CALLBACKS. */
export function readCallbackDocument(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CallbackConfigError(
      'HUDDLE_CALLBACKS',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  try {
    return parseYaml(text);
  } catch (err) {
    throw new CallbackConfigError(
      'HUDDLE_CALLBACKS',
      `${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}

export function loadCallbackFile(file: string): { config: CallbackConfig; document: unknown } {
  const document = readCallbackDocument(file);
  return { config: parseCallbackConfig(document), document };
}

function hooksDocument(endpoint: EndpointConfig): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const key of CALLBACK_KEYS) {
    // A Tencent endpoint lists only the hooks Tencent has.
    if (endpoint.dialect === 'tencent' && !CALLBACKS[key].tencent) continue;
    const h = endpoint.hooks[key];
    const filter = CALLBACKS[key].messageFilter;
    doc[key] = {
      enable: h.enable,
      timeout: h.timeoutMs / 1000,
      ...(CALLBACKS[key].phase === 'before' ? { failedContinue: h.failedContinue } : {}),
      ...(filter?.attention ? { attentionIds: h.attentionIds ?? [] } : {}),
      ...(filter ? { deniedTypes: h.deniedTypes ?? [] } : {}),
    };
  }
  return doc;
}

/** The configuration as a document in the file's own vocabulary (seconds, key names). */
export function callbackDocument(config: CallbackConfig): Record<string, unknown> {
  const [shorthand, ...named] = config.endpoints;
  const doc: Record<string, unknown> = {
    url: shorthand!.url,
    ...(shorthand!.signingSecret ? { signingSecret: shorthand!.signingSecret } : {}),
    ...(shorthand!.paused ? { paused: true } : {}),
    retrySchedule: config.retrySchedule.map((ms) => ms / 1000),
    deliveryConcurrency: config.deliveryConcurrency,
    ...hooksDocument(shorthand!),
  };
  if (named.length > 0) {
    doc.endpoints = named.map((e) => ({
      name: e.name,
      url: e.url,
      dialect: e.dialect,
      ...(e.dialect === 'tencent' ? { sdkAppId: e.sdkAppId } : {}),
      ...(e.token ? { token: e.token } : {}),
      ...(e.signingSecret ? { signingSecret: e.signingSecret } : {}),
      ...(e.paused ? { paused: true } : {}),
      hooks: hooksDocument(e),
    }));
  }
  return doc;
}
