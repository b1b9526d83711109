// The webhook configuration: OpenIM's config/webhooks.yml as it is (top-level `url`, per hook
// `enable`, `timeout` in seconds, `failedContinue`), plus huddle's own keys. One parser serves the
// file at start-up and the admin API at runtime, so both accept exactly the same document.

import fs from 'node:fs';
import { HOOK_KEYS, HOOKS, isValidSigningSecret, type HookKey } from '@huddle/protocol';
import { parse as parseYaml } from 'yaml';

export interface HookSettings {
  enable: boolean;
  timeoutMs: number;
  /** Before-hooks: proceed unmodified when the callback fails (true) or refuse the operation (false). */
  failedContinue: boolean;
}

export interface WebhookConfig {
  /** Base URL; each callback goes to `${url}/${command}?contenttype=json`. "" sends nothing. */
  url: string;
  /** `whsec_…`: when set, every request carries a Standard Webhooks `webhook-signature`. */
  signingSecret: string | undefined;
  /** Delays before retry 1, 2, …, in milliseconds; when spent, the event is dead-lettered. */
  retrySchedule: number[];
  /** After-callbacks in flight at once (at most one per group). */
  deliveryConcurrency: number;
  hooks: Record<HookKey, HookSettings>;
  /** Keys of the file that name callbacks huddle does not send (OpenIM's message, user, friend hooks). */
  ignoredKeys: string[];
}

export class WebhookConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`webhook configuration: ${key}: ${message}`);
    this.name = 'WebhookConfigError';
  }
}

export const DEFAULT_RETRY_SCHEDULE_MS = [5, 300, 1800, 7200, 18000, 36000, 36000].map((s) => s * 1000);
export const DEFAULT_DELIVERY_CONCURRENCY = 64;
const DEFAULT_HOOK: HookSettings = { enable: false, timeoutMs: 5000, failedContinue: true };
/** Keys OpenIM's per-hook entries may carry that mean nothing for group callbacks. */
const OPENIM_HOOK_FIELDS = new Set(['enable', 'timeout', 'failedContinue', 'attentionIds', 'deniedTypes', 'allowedTypes']);

export function defaultWebhookConfig(): WebhookConfig {
  const hooks = Object.fromEntries(HOOK_KEYS.map((k) => [k, { ...DEFAULT_HOOK }])) as Record<HookKey, HookSettings>;
  return { url: '', signingSecret: undefined, retrySchedule: [...DEFAULT_RETRY_SCHEDULE_MS], deliveryConcurrency: DEFAULT_DELIVERY_CONCURRENCY, hooks, ignoredKeys: [] };
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
  throw new WebhookConfigError(key, `expected a duration such as 5s, 5m, 2h or a number of seconds, got ${JSON.stringify(value)}`);
}

function bool(value: unknown, key: string): boolean {
  if (typeof value !== 'boolean') throw new WebhookConfigError(key, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** OpenIM ≤ 3.6 names (inside `callback:`) for hooks that now have other keys. */
const LEGACY_KEYS: Record<string, HookKey> = {
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
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function hookSettings(value: unknown, key: string): HookSettings {
  if (value == null) return { ...DEFAULT_HOOK };
  if (!isMapping(value)) throw new WebhookConfigError(key, 'expected a mapping with enable, timeout and failedContinue');
  const out = { ...DEFAULT_HOOK };
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
      if (ms > 3_600_000) throw new WebhookConfigError(path, 'must be at most 3600 seconds');
      out.timeoutMs = ms === 0 ? 15_000 : ms;
    } else if (!OPENIM_HOOK_FIELDS.has(field)) throw new WebhookConfigError(path, 'unknown key');
  }
  return out;
}

/** Validates a configuration document (the YAML file's content, or the admin API's JSON). */
export function parseWebhookConfig(doc: unknown): WebhookConfig {
  if (doc == null) return defaultWebhookConfig();
  if (!isMapping(doc)) throw new WebhookConfigError('(top level)', 'expected a mapping');
  // OpenIM ≤ 3.6 nested everything under `callback:`, with some older hook names.
  if (isMapping(doc.callback) && doc.url === undefined) {
    return parseWebhookConfig(Object.fromEntries(Object.entries(doc.callback).map(([k, v]) => [LEGACY_KEYS[k] ?? k, v])));
  }
  const config = defaultWebhookConfig();
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'url') {
      if (typeof value !== 'string') throw new WebhookConfigError(key, 'expected a string');
      if (value !== '' && !/^https?:\/\/[^\s]+$/.test(value)) throw new WebhookConfigError(key, `expected an http:// or https:// URL, got ${JSON.stringify(value)}`);
      config.url = value;
    } else if (key === 'signingSecret') {
      if (value == null || value === '') continue;
      if (typeof value !== 'string' || !isValidSigningSecret(value)) {
        throw new WebhookConfigError(key, 'expected whsec_ followed by the base64 of 24 to 64 random bytes');
      }
      config.signingSecret = value;
    } else if (key === 'retrySchedule') {
      if (!Array.isArray(value) || value.length > 50) throw new WebhookConfigError(key, 'expected a list of at most 50 delays, such as [5s, 5m, 30m, 2h]');
      config.retrySchedule = value.map((v, i) => parseDuration(v, `${key}[${i}]`));
    } else if (key === 'deliveryConcurrency') {
      if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 4096) {
        throw new WebhookConfigError(key, 'expected an integer from 1 to 4096');
      }
      config.deliveryConcurrency = value as number;
    } else if (Object.hasOwn(HOOKS, key)) {
      config.hooks[key as HookKey] = hookSettings(value, key);
    } else if (isMapping(value) && Object.keys(value).every((f) => OPENIM_HOOK_FIELDS.has(f))) {
      const near = HOOK_KEYS.find((k) => distance(k, key) <= 2);
      if (near) throw new WebhookConfigError(key, `unknown key (did you mean ${near}?)`);
      config.ignoredKeys.push(key);
    } else {
      throw new WebhookConfigError(key, 'unknown key');
    }
  }
  return config;
}

export function loadWebhookFile(file: string): { config: WebhookConfig; document: unknown } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new WebhookConfigError('HUDDLE_WEBHOOKS', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (err) {
    throw new WebhookConfigError('HUDDLE_WEBHOOKS', `${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return { config: parseWebhookConfig(document), document };
}

/** The configuration as a document in the file's own vocabulary (seconds, key names). */
export function webhookDocument(config: WebhookConfig): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    url: config.url,
    ...(config.signingSecret ? { signingSecret: config.signingSecret } : {}),
    retrySchedule: config.retrySchedule.map((ms) => ms / 1000),
    deliveryConcurrency: config.deliveryConcurrency,
  };
  for (const key of HOOK_KEYS) {
    const h = config.hooks[key];
    doc[key] = HOOKS[key].phase === 'before'
      ? { enable: h.enable, timeout: h.timeoutMs / 1000, failedContinue: h.failedContinue }
      : { enable: h.enable, timeout: h.timeoutMs / 1000 };
  }
  return doc;
}

