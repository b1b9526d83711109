// The configuration document as editable fields, without knowing its keys: scalars and lists of
// scalars, lists of objects (endpoints), and hook entries (anything with `enable`). set_config's
// errors name a key path (`afterQuitGroup.timeout`, `retrySchedule[2]`, `endpoints[0].url`); each is
// shown next to the field with the longest path that contains it.

export type Doc = Record<string, unknown>;
export type Scalar = string | number | boolean;

export const isScalar = (v: unknown): v is Scalar =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
export const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A hook's entry (enable, timeout, failedContinue): any object with `enable`. */
export const isHookEntry = (v: unknown): v is Doc => isObject(v) && 'enable' in v;
export const isScalarList = (v: unknown): v is Scalar[] => Array.isArray(v) && v.every(isScalar);
export const isObjectList = (v: unknown): v is Doc[] => Array.isArray(v) && v.length > 0 && v.every(isObject);

export type Kind = 'scalar' | 'scalarList' | 'objectList' | 'hook' | 'other';

export function kindOf(value: unknown): Kind {
  if (isScalar(value)) return 'scalar';
  if (isHookEntry(value)) return 'hook';
  if (isObjectList(value)) return 'objectList';
  if (isScalarList(value)) return 'scalarList';
  return 'other';
}

/** Every path the form shows a field for. */
export function fieldPaths(doc: Doc): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    paths.push(key);
    if (kindOf(value) === 'hook') for (const f of Object.keys(value as Doc)) paths.push(`${key}.${f}`);
    if (kindOf(value) === 'objectList')
      (value as Doc[]).forEach((item, i) => Object.keys(item).forEach((f) => paths.push(`${key}[${i}].${f}`)));
  }
  return paths;
}

/** `callback configuration: <key>: <message>` (CallbackConfigError) as key and message. */
export function parseConfigError(errDlt: string): { key: string; message: string } {
  const m = /^callback configuration: (.+?): ([\s\S]*)$/.exec(errDlt);
  return m ? { key: m[1]!, message: m[2]! } : { key: '', message: errDlt };
}

/** The field path an error key belongs to, or '' when no field shows it. */
export function ownerOf(errorKey: string, paths: readonly string[]): string {
  const contains = (p: string) => errorKey === p || errorKey.startsWith(`${p}.`) || errorKey.startsWith(`${p}[`);
  return paths.filter(contains).sort((a, b) => b.length - a.length)[0] ?? '';
}

/** Text typed into a field: a number where it reads as one (durations such as "5m" stay strings). */
export function fromText(text: string, previous: unknown): Scalar {
  if (typeof previous === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  return text;
}

/** "5, 5m, 30m" -> [5, "5m", "30m"]. */
export function listFromText(text: string): Scalar[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (Number.isFinite(Number(s)) ? Number(s) : s));
}

/** A new entry for a list of objects: the first entry's keys, emptied. */
export function blankLike(item: Doc | undefined): Doc {
  if (!item) return {};
  return Object.fromEntries(
    Object.entries(item).map(([k, v]) => [
      k,
      typeof v === 'boolean' ? false : typeof v === 'number' ? 0 : isScalar(v) ? '' : v,
    ]),
  );
}
