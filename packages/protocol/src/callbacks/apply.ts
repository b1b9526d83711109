// How a before-callback's answer applies to what the operation is about to write: declared once per
// hook (its `answer`), applied by one function. The same field map names a value's fields in the
// request body (`wireFields`), so a renamed key (nickName for nickname) is written down once.

/** Answer (wire) key -> the operation's field it sets. */
export type FieldMap = Readonly<Record<string, string>>;

/** How a hook's answer applies. */
export type AnswerSpec =
  /** The answer's set fields over one value. */
  | { kind: 'fields'; fields: FieldMap }
  /** Entries of the answer's `list`, each over the value with the same `key`; `unknown` says why another key is refused. */
  | { kind: 'entries'; list: string; key: string; fields: FieldMap; unknown: string }
  /** The answer's `list` of IDs leaves those out of the values; `unknown` says why another ID is refused. */
  | { kind: 'remove'; list: string; unknown: string };

/** A map whose wire keys are the operation's own. */
export const sameNames = (keys: readonly string[]): FieldMap => Object.fromEntries(keys.map((k) => [k, k]));

/** A body's fields from a value: each wire key takes the value's field, in the map's order. */
export function wireFields(fields: FieldMap, value: object): Record<string, unknown> {
  const from = value as Record<string, unknown>;
  return Object.fromEntries(Object.entries(fields).map(([wire, own]) => [wire, from[own]]));
}

/**
 * A rule only the operation knows (say, no owner's role changes), asked per answer entry, in order:
 * the entry, the value before it and after it; a reason refuses the whole answer.
 */
export type Refusal<T> = (answer: Record<string, unknown>, before: T, after: T) => string | undefined;

export type Applied<T> = { ok: true; value: T } | { ok: false; reason: string };

function over<T>(fields: FieldMap, value: T, answer: Record<string, unknown>): T {
  const out = { ...(value as object) } as Record<string, unknown>;
  // Absent and null fields (and "" where the schema reads it as unchanged) parse to undefined.
  for (const [wire, own] of Object.entries(fields)) if (answer[wire] !== undefined) out[own] = answer[wire];
  return out as T;
}

/**
 * A validated answer (the hook's `modifiable`) over the operation's value(s); undefined leaves them
 * as they are. Refused as a whole (nothing applied) when an entry names something not asked about,
 * or `refuse` says no.
 */
export function applyModification<T>(spec: AnswerSpec, value: T[], answer: unknown, refuse?: Refusal<T>): Applied<T[]>;
export function applyModification<T>(spec: AnswerSpec, value: T, answer: unknown, refuse?: Refusal<T>): Applied<T>;
export function applyModification<T>(
  spec: AnswerSpec,
  value: T | T[],
  answer: unknown,
  refuse?: Refusal<T>,
): Applied<T | T[]> {
  if (answer === undefined || answer === null) return { ok: true, value };
  const a = answer as Record<string, unknown>;
  if (spec.kind === 'fields') {
    const after = over(spec.fields, value as T, a);
    const reason = refuse?.(a, value as T, after);
    return reason === undefined ? { ok: true, value: after } : { ok: false, reason };
  }
  const values = value as T[];
  if (spec.kind === 'remove') {
    // The values are the IDs asked about.
    const ids = a[spec.list] as string[];
    const stranger = ids.find((id) => !(values as unknown[]).includes(id));
    if (stranger !== undefined) return { ok: false, reason: `${spec.list} names ${stranger}, ${spec.unknown}` };
    return { ok: true, value: values.filter((v) => !ids.includes(v as string)) };
  }
  const keyOf = (v: T) => (v as Record<string, unknown>)[spec.key] as string;
  const entries = a[spec.list] as Record<string, unknown>[];
  if (entries.length === 0) return { ok: true, value };
  const byKey = new Map(values.map((v) => [keyOf(v), v]));
  for (const entry of entries) {
    const id = entry[spec.key] as string;
    const before = byKey.get(id);
    if (!before) return { ok: false, reason: `${spec.list} names ${id}, ${spec.unknown}` };
    const after = over(spec.fields, before, entry);
    const reason = refuse?.(entry, before, after);
    if (reason !== undefined) return { ok: false, reason };
    byKey.set(id, after);
  }
  return { ok: true, value: values.map((v) => byKey.get(keyOf(v))!) };
}
