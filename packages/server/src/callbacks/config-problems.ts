// Every error of a webhooks document, not just the first, for `huddle config check` and the admin
// API (/callback/check_config, set_config's refusal). The server's parser stops at the first
// error, so after each one the offending entry is taken out of a copy of the document and the parse
// runs again, until it passes, an error cannot be taken out, or the same key fails twice. Keys
// name entries of the document as written (indexes in lists are those of the file).

import {
  CallbackConfigError,
  DEFAULT_DELIVERY_CONCURRENCY,
  parseCallbackConfig,
  type CallbackConfig,
} from './config-file.js';

export interface ConfigProblem {
  /** The key as the server names it: `endpoints[0].hooks.afterQuitGroup.timeout`, `(file)`, … */
  key: string;
  /** What is wrong and what was expected, in the server's words. */
  message: string;
  /** How to fix it, where there is something more to say. */
  hint: string;
}

const MAX_PROBLEMS = 20;
/** Fields that make an endpoint what it is: when one is wrong, the whole endpoint is set aside. */
const IDENTITY_FIELDS = new Set(['name', 'dialect', 'sdkAppId']);

type Segment = string | number;

function segments(key: string): Segment[] | undefined {
  if (!/^[\w.$-]+(\[\d+\])?(\.[\w$-]+|\[\d+\])*$/.test(key)) return undefined;
  return [...key.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

/** Removes the entry at `path` from `doc`; false when it is not there. */
function remove(doc: unknown, path: Segment[]): boolean {
  let at: unknown = doc;
  for (const s of path.slice(0, -1)) {
    if (typeof at !== 'object' || at === null) return false;
    at = (at as Record<string, unknown>)[s as string];
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(at) && typeof last === 'number' && last < at.length) {
    at.splice(last, 1);
    return true;
  }
  if (typeof at === 'object' && at !== null && !Array.isArray(at) && Object.hasOwn(at, last)) {
    delete (at as Record<string, unknown>)[last as string];
    return true;
  }
  return false;
}

/** The server's message without its `callback configuration: KEY: ` prefix. */
export function problemText(err: CallbackConfigError): string {
  const prefix = `callback configuration: ${err.key}: `;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

export function problemOf(err: CallbackConfigError, key = err.key): ConfigProblem {
  const message = problemText(err);
  return { key, message, hint: hintFor(key, message) };
}

/** Validates a document as the server does; on failure, every error found. */
export function collectProblems(document: unknown): { config: CallbackConfig } | { problems: ConfigProblem[] } {
  const doc: unknown = structuredClone(document);
  const problems: ConfigProblem[] = [];
  // Original indexes taken out of each top-level list, so later keys name the file's own indexes.
  const removed = new Map<string, number[]>();
  const original = (path: Segment[]): Segment[] => {
    const [list, index, ...rest] = path;
    if (typeof list !== 'string' || typeof index !== 'number') return path;
    let i = index;
    for (const r of (removed.get(list) ?? []).sort((a, b) => a - b)) if (r <= i) i++;
    return [list, i, ...rest];
  };
  const keyOf = (path: Segment[]) =>
    path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  const seen = new Set<string>();
  for (;;) {
    try {
      const config = parseCallbackConfig(doc);
      return problems.length === 0 ? { config } : { problems };
    } catch (err) {
      if (!(err instanceof CallbackConfigError)) throw err;
      let path = segments(err.key);
      const key = path ? keyOf(original(path)) : err.key;
      problems.push(problemOf(err, key));
      if (!path || seen.has(key) || problems.length >= MAX_PROBLEMS) return { problems };
      seen.add(key);
      if (
        path[0] === 'endpoints' &&
        typeof path[1] === 'number' &&
        IDENTITY_FIELDS.has(String(path[2])) &&
        path.length === 3
      )
        path = path.slice(0, 2);
      const before = original(path);
      if (!remove(doc, path)) return { problems };
      if (path.length === 2 && typeof path[1] === 'number') {
        const list = path[0] as string;
        removed.set(list, [...(removed.get(list) ?? []), before[1] as number]);
      }
    }
  }
}

const HINTS: [RegExp, string][] = [
  [/did you mean/, '`huddle callbacks list` lists every hook key'],
  [/duration/, 'write 5s, 5m, 2h, 1d, 250ms, or a number of seconds'],
  [/at most 3600 seconds/, 'a before-callback holds its API call this long: keep it to seconds'],
  [/true or false/, 'write true or false, without quotes'],
  [
    /http:\/\/ or https:\/\//,
    "the business server's address, e.g. http://127.0.0.1:10006/callbackExample (`huddle receiver --port 10006` serves one to try)",
  ],
  [/whsec_/, 'generate one with: echo "whsec_$(openssl rand -base64 32)"'],
  [/Tencent Cloud Chat has no callback/, '`huddle callbacks list` shows which hooks Tencent has'],
  [/a before-hook asks one endpoint/, 'set enable: false on all but one of these endpoints'],
  [/names two endpoints/, 'give each endpoint its own name'],
  [/expected a name of letters/, 'e.g. name: billing'],
  [/top-level url's endpoint/, 'the top-level url is the endpoint "default"; name the others differently'],
  [
    /expected one of openim, tencent/,
    "openim: OpenIM's callbacks ({url}/{command}); tencent: Tencent Cloud Chat's (?CallbackCommand=…)",
  ],
  [
    /SDKAppID|required for a tencent endpoint/,
    'the SDKAppID of your Tencent Cloud Chat app, e.g. sdkAppId: 1400123456',
  ],
  [
    /list of at most 50 delays/,
    'e.g. retrySchedule: [5s, 5m, 30m, 2h]; [] dead-letters after the first failed attempt',
  ],
  [/integer from 1 to 4096/, `after-callbacks in flight at once; the default is ${DEFAULT_DELIVERY_CONCURRENCY}`],
  [/at most 32 endpoints/, 'endpoints: a YAML list of mappings (- name: …)'],
  [/at most 128 characters/, 'the callback token from the Tencent Cloud Chat console'],
  [/not valid YAML/, 'check the indentation (spaces, not tabs) and the quoting near the line named'],
  [/cannot read/, "check the path and the file's permissions"],
  [/expected a mapping with enable/, 'e.g. afterCreateGroup: {enable: true, timeout: 5}'],
];

function hintFor(key: string, message: string): string {
  for (const [pattern, hint] of HINTS) if (pattern.test(message)) return hint;
  if (message.startsWith('unknown key')) {
    if (/^endpoints\[\d+\]\.[^.]+$/.test(key))
      return 'an endpoint takes name, url, dialect, sdkAppId, token, signingSecret and hooks';
    if (/^endpoints\[\d+\]\.hooks\.[^.]+$/.test(key)) return '`huddle callbacks list` lists the hook keys';
    if (!key.includes('.'))
      return 'the top level takes url, signingSecret, retrySchedule, deliveryConcurrency, endpoints and hook keys (`huddle callbacks list`)';
    return 'a hook takes enable, timeout and failedContinue';
  }
  return '';
}

/**
 * set_config's errDlt for a refused document: the first problem as the parser words it
 * (`callback configuration: KEY: message`, what clients already match), then the others.
 */
export function problemsDetail(problems: readonly ConfigProblem[]): string {
  const [first, ...rest] = problems.map((p) => `${p.key}: ${p.message}`);
  return `callback configuration: ${first}${rest.length ? `; and ${rest.length} more: ${rest.join('; ')}` : ''}`;
}
