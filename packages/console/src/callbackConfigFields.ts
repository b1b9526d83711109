// The configuration document as the form edits it: the endpoint "default" (the top-level url,
// signingSecret, paused and hook entries) and each entry of `endpoints`, the retry schedule in
// human units, and the problems /callback/check_config names by key path
// (`endpoints[1].hooks.afterQuitGroup.timeout`, `retrySchedule[2]`), each placed at the field with
// the longest path that contains it. Every change copies the document and sets one key, so keys
// the form does not show stay as they were.

export type Doc = Record<string, unknown>;

export const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A hook's entry (enable, timeout, failedContinue): any object with `enable`. */
export const isHookEntry = (v: unknown): v is Doc => isObject(v) && 'enable' in v;

/** Each hook, from get_config: its phase and the dialects that have it. */
export interface HookInfo {
  key: string;
  phase: 'before' | 'after';
  dialects: string[];
}

/** check_config's answer. */
export interface ConfigProblem {
  key: string;
  message: string;
  hint: string;
}

export const DIALECTS = ['openim', 'tencent'] as const;
export const DEFAULT_ENDPOINT = 'default';

/** One endpoint of the document: `index` in `endpoints`, undefined for the top-level one. */
export interface EndpointRef {
  index: number | undefined;
  /** Its fields' key prefix: "" at the top level, `endpoints[1].` for the second listed one. */
  prefix: string;
  /** Where its hook entries are: `hooks.` in a listed endpoint, at the top level otherwise. */
  hooksPrefix: string;
  entry: Doc;
  name: string;
  dialect: string;
  hooks: Doc;
}

/** What each part of an endpoint's form is given: the endpoint, every hook, its problems by field. */
export interface EndpointFormParts {
  endpoint: EndpointRef;
  hooks: readonly HookInfo[];
  problemsAt: (path: string) => ConfigProblem[] | undefined;
}

export const listedEndpoints = (doc: Doc): unknown[] => (Array.isArray(doc.endpoints) ? doc.endpoints : []);

export function endpointRefs(doc: Doc): EndpointRef[] {
  const listed = listedEndpoints(doc).map((raw, index): EndpointRef => {
    const entry = isObject(raw) ? raw : {};
    return {
      index,
      prefix: `endpoints[${index}].`,
      hooksPrefix: `endpoints[${index}].hooks.`,
      entry,
      name: typeof entry.name === 'string' ? entry.name : '',
      dialect: typeof entry.dialect === 'string' ? entry.dialect : 'openim',
      hooks: isObject(entry.hooks) ? entry.hooks : {},
    };
  });
  return [
    {
      index: undefined,
      prefix: '',
      hooksPrefix: '',
      entry: doc,
      name: DEFAULT_ENDPOINT,
      dialect: 'openim',
      hooks: doc,
    },
    ...listed,
  ];
}

/** The document with `change` applied to one endpoint's own keys; an undefined value removes its key. */
export function withEndpointFields(doc: Doc, index: number | undefined, change: Doc): Doc {
  const apply = (target: Doc) => {
    const next = { ...target, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete next[k];
    return next;
  };
  if (index === undefined) return apply(doc);
  return { ...doc, endpoints: listedEndpoints(doc).map((e, i) => (i === index ? apply(isObject(e) ? e : {}) : e)) };
}

/** The document with one hook entry of an endpoint changed (created when the endpoint had none). */
export function withHook(doc: Doc, ref: EndpointRef, key: string, change: Doc): Doc {
  const entry = { ...(isObject(ref.hooks[key]) ? (ref.hooks[key] as Doc) : { enable: false }), ...change };
  if (ref.index === undefined) return { ...doc, [key]: entry };
  return withEndpointFields(doc, ref.index, { hooks: { ...ref.hooks, [key]: entry } });
}

/** A listed endpoint switched to `dialect`: hooks the dialect lacks go; tencent's fields go when empty. */
export function withDialect(doc: Doc, ref: EndpointRef, dialect: string, hooks: readonly HookInfo[]): Doc {
  const kept = Object.fromEntries(
    Object.entries(ref.hooks).filter(([k]) => hooks.find((h) => h.key === k)?.dialects.includes(dialect) ?? true),
  );
  const change: Doc = { dialect, hooks: kept };
  if (dialect !== 'tencent') {
    if (!ref.entry.sdkAppId) change.sdkAppId = undefined;
    if (!ref.entry.token) change.token = undefined;
  }
  return withEndpointFields(doc, ref.index, change);
}

export function withoutEndpoint(doc: Doc, index: number): Doc {
  return { ...doc, endpoints: listedEndpoints(doc).filter((_, i) => i !== index) };
}

/** A new listed endpoint, to be named: OpenIM's dialect, every hook off. */
export const withNewEndpoint = (doc: Doc): Doc => ({
  ...doc,
  endpoints: [...listedEndpoints(doc), { name: '', url: '', dialect: 'openim', hooks: {} }],
});

/** Text typed where a number goes: a number when it reads as one, else the text (the server says what is wrong). */
export function numberFromText(text: string): number | string {
  // Only text that reads back the same becomes a number: "1." or "0.0" stay text while being typed
  // (as numbers they would show as "1" and "0", and 1.5 could never be typed).
  const t = text.trim();
  return t !== '' && String(Number(t)) === t ? Number(t) : text;
}

// The retry schedule: each delay as an amount and a unit. The server reads "30s", "5m", "2h",
// "1d", "250ms" or seconds; get_config answers seconds.
export const UNITS = [
  { unit: 's', label: 's', seconds: 1 },
  { unit: 'min', label: 'min', seconds: 60 },
  { unit: 'h', label: 'h', seconds: 3600 },
  { unit: 'd', label: 'd', seconds: 86_400 },
] as const;
export type Unit = (typeof UNITS)[number]['unit'];
const SUFFIX: Record<Unit, string> = { s: 's', min: 'm', h: 'h', d: 'd' };
const FROM_SUFFIX: Record<string, Unit> = { s: 's', m: 'min', h: 'h', d: 'd' };

/** A delay of the document as amount and unit: the largest unit that divides a number of seconds. */
export function delayParts(value: unknown): { amount: string; unit: Unit } {
  if (typeof value === 'number') {
    const fit = [...UNITS].reverse().find((u) => value > 0 && value % u.seconds === 0);
    return fit ? { amount: String(value / fit.seconds), unit: fit.unit } : { amount: String(value), unit: 's' };
  }
  const text = String(value ?? '');
  const m = /^\s*(\d*\.?\d*)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return { amount: text, unit: 's' };
  if (m[2] === 'ms') return { amount: String(Number(m[1]) / 1000), unit: 's' };
  return { amount: m[1]!, unit: FROM_SUFFIX[m[2] ?? 's']! };
}

/**
 * Amount and unit as the document's delay: "5m"; text that is no amount goes as typed. An emptied
 * amount keeps its unit ("m", which check_config refuses) so the next digits typed keep it too.
 */
export function delayValue(amount: string, unit: Unit): string {
  return /^\d*\.?\d*$/.test(amount.trim()) ? `${amount.trim()}${SUFFIX[unit]}` : amount;
}

/** Every field path the form shows, for placing problems. */
export function fieldPaths(doc: Doc, hooks: readonly HookInfo[]): string[] {
  const paths = ['retrySchedule', 'deliveryConcurrency', 'endpoints'];
  if (Array.isArray(doc.retrySchedule)) doc.retrySchedule.forEach((_, i) => paths.push(`retrySchedule[${i}]`));
  for (const ref of endpointRefs(doc)) {
    if (ref.index !== undefined) paths.push(`endpoints[${ref.index}]`, `${ref.prefix}hooks`);
    for (const f of ['name', 'url', 'dialect', 'sdkAppId', 'token', 'signingSecret', 'paused'])
      paths.push(`${ref.prefix}${f}`);
    // Only the hooks the endpoint's dialect has are shown; another's problem shows at `hooks`.
    for (const h of hooks.filter((h) => h.dialects.includes(ref.dialect))) {
      const at = `${ref.hooksPrefix}${h.key}`;
      paths.push(at, `${at}.enable`, `${at}.timeout`, `${at}.failedContinue`);
    }
  }
  return paths;
}

/** The field path a problem's key belongs to, or '' when no field shows it. */
export function ownerOf(errorKey: string, paths: readonly string[]): string {
  const contains = (p: string) => errorKey === p || errorKey.startsWith(`${p}.`) || errorKey.startsWith(`${p}[`);
  return paths.filter(contains).sort((a, b) => b.length - a.length)[0] ?? '';
}

/** Problems by the field that shows them. */
export function problemsByField(problems: readonly ConfigProblem[], paths: readonly string[]) {
  const byField = new Map<string, ConfigProblem[]>();
  for (const p of problems) {
    const owner = ownerOf(p.key, paths);
    if (owner) byField.set(owner, [...(byField.get(owner) ?? []), p]);
  }
  return byField;
}

/** The DOM id of a field's control, so the summary can take the operator there. */
export const fieldId = (path: string) => `cfg-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
