// Shapes of what the server answers (an envelope's `data`), each declared once: a view gives the
// TypeScript type the server builds and the JSON Schema the API document shows. Unlike request
// Schemas, which ignore unknown keys and fill in missing ones, an answer always carries exactly its
// keys, so objects are closed (additionalProperties: false) and every key is required.
// Only a type import: the console type-checks delivery-log.ts, which declares its views here.

import type { JsonSchema } from './schema.js';

export interface View<T> {
  jsonSchema(): JsonSchema;
  /** Type-only: never set; carries T for ViewType. */
  readonly _type?: T;
}
export type ViewType<V> = V extends View<infer T> ? T : never;

type Fields = Record<string, View<unknown>>;
type ObjectOf<F extends Fields> = { [K in keyof F]: ViewType<F[K]> };

export interface ObjectView<F extends Fields> extends View<ObjectOf<F>> {
  readonly fields: F;
  /** The same keys and more (or some replaced), as a view of its own. */
  extend<G extends Fields>(more: G, title?: string): ObjectView<Omit<F, keyof G> & G>;
}

const described = (schema: JsonSchema, description: string | undefined): JsonSchema =>
  description ? { ...schema, description } : schema;

/** A view of any JSON Schema, for values this module has no builder for (a free-form document). */
export function schemaView<T>(schema: JsonSchema): View<T> {
  return { jsonSchema: () => structuredClone(schema) };
}

export const string = (description?: string): View<string> => schemaView(described({ type: 'string' }, description));

export const integer = (description?: string): View<number> => schemaView(described({ type: 'integer' }, description));

export const boolean = (description?: string): View<boolean> => schemaView(described({ type: 'boolean' }, description));

/** An object used as a map: any keys, each value of the view. */
export function record<T>(item: View<T>, description?: string): View<Record<string, T>> {
  return { jsonSchema: () => described({ type: 'object', additionalProperties: item.jsonSchema() }, description) };
}

/** One of a fixed set of strings. */
export const oneOf = <const V extends readonly string[]>(values: V, description?: string): View<V[number]> =>
  schemaView(described({ type: 'string', enum: [...values] }, description));

/** Any JSON value. */
export const anything = (description: string): View<unknown> => schemaView({ description });

export function array<T>(item: View<T>): View<T[]> {
  return { jsonSchema: () => ({ type: 'array', items: item.jsonSchema() }) };
}

/** The view's value, or null: its schema's `type` gains 'null'. */
export function nullable<T>(inner: View<T>, description?: string): View<T | null> {
  return {
    jsonSchema() {
      const schema = inner.jsonSchema();
      if (typeof schema.type !== 'string') throw new Error('nullable() needs a view with a single type');
      return described({ ...schema, type: [schema.type, 'null'] }, description);
    },
  };
}

/**
 * An object with exactly these keys, in this order; `title` names a shape that recurs. `optional`
 * keys may be left out (a callback body that reports only what changed).
 */
export function object<F extends Fields>(
  fields: F,
  title?: string,
  optional: readonly (keyof F & string)[] = [],
): ObjectView<F> {
  return {
    fields,
    jsonSchema: () => ({
      type: 'object',
      ...(title ? { title } : {}),
      properties: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.jsonSchema()])),
      required: Object.keys(fields).filter((k) => !optional.includes(k)),
      additionalProperties: false,
    }),
    extend: <G extends Fields>(more: G, moreTitle?: string) =>
      object({ ...fields, ...more } as Omit<F, keyof G> & G, moreTitle),
  };
}

/** One page of a paginated list: the count over all pages, and this page's items under `key`. */
export function paged<K extends string, T>(key: K, item: View<T>, title?: string) {
  return object(
    { total: integer('matches over all pages'), ...({ [key]: array(item) } as { [P in K]: View<T[]> }) },
    title,
  );
}

/**
 * Exactly the view's keys, in its order, from `source` (anything that has them), with `overrides`
 * for keys the source does not hold or that are answered otherwise: an answer never leaks a
 * record's other fields, and no builder lists the view's keys again.
 */
export function pick<F extends Fields, O extends Partial<ObjectOf<F>> = Record<never, never>>(
  v: ObjectView<F>,
  source: Pick<ObjectOf<F>, Exclude<keyof F, keyof O>>,
  overrides?: O,
): ObjectOf<F> {
  const from = source as Record<string, unknown>;
  const over = (overrides ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(v.fields).map((k) => [k, k in over ? over[k] : from[k]])) as ObjectOf<F>;
}
