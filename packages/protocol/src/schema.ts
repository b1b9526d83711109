// Schemas for JSON shapes: request bodies, and the fields a business server may modify in a
// before-callback (validated exactly like user input). The parsed value is fully typed; every
// failure is a SchemaError whose message names the field and the rule.
//
// Decoding follows Go's encoding/json, which OpenIM clients rely on: object keys match
// case-insensitively (an exact match wins), unknown keys are ignored, a missing or null scalar
// takes its zero value, and a value of the wrong JSON type is an error.

/** A value that does not fit its schema; `message` names the field and the rule. */
export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

const args = (message: string) => new SchemaError(message);

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it) describing what a Schema accepts. */
export type JsonSchema = { [keyword: string]: unknown };

export interface Schema<T> {
  parse(value: unknown, path: string): T;
  /** What `parse` accepts, as JSON Schema: the API document is generated from the validators. */
  jsonSchema(): JsonSchema;
}
export type Infer<S> = S extends Schema<infer T> ? T : never;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Length in Unicode code points, counted only when the UTF-16 length could exceed the limit. */
function tooLong(s: string, max: number): boolean {
  if (s.length <= max) return false;
  let n = 0;
  for (const _ of s) if (++n > max) return true;
  return false;
}

interface StringRules {
  /** Maximum length in characters (code points). */
  max: number;
  /** Reject a missing or empty value with "<path> is empty". */
  required?: boolean;
  pattern?: { re: RegExp; message: string };
}

function checkString(value: string, path: string, rules: StringRules): string {
  if (rules.required && value === '') throw args(`${path} is empty`);
  if (tooLong(value, rules.max)) throw args(`${path} is too long (max ${rules.max} characters)`);
  if (rules.pattern && value !== '' && !rules.pattern.re.test(value)) throw args(`${path} ${rules.pattern.message}`);
  return value;
}

function stringSchema(rules: StringRules, nullable: boolean): JsonSchema {
  return {
    type: nullable ? ['string', 'null'] : 'string',
    maxLength: rules.max,
    ...(rules.required ? { minLength: 1 } : {}),
    ...(rules.pattern ? { pattern: rules.pattern.re.source, description: rules.pattern.message } : {}),
  };
}

/**
 * A lone UTF-16 surrogate (a JSON "\ud800" escape without its pair) has no UTF-8 form: the database
 * would store U+FFFD instead, and the stored value would differ from the one answered and reported.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw args(`${path} must be a string, got ${describe(value)}`);
  if (LONE_SURROGATE.test(value)) throw args(`${path} is not valid Unicode (a lone surrogate)`);
  // PostgreSQL's text cannot hold U+0000 (the write fails), and SQLite would store a value no search
  // finds as typed: refused alike on both engines, by name.
  if (value.includes('\0')) throw args(`${path} must not contain NUL`);
  return value;
}

/** A string field; missing or null reads as "" (Go's zero value). */
export function str(rules: StringRules): Schema<string> {
  return {
    parse(value, path) {
      return checkString(value == null ? '' : expectString(value, path), path, rules);
    },
    jsonSchema: () => stringSchema(rules, false),
  };
}

/** A nullable string (OpenIM's StringValue wrapper): missing or null means "do not change". */
export function optStr(rules: StringRules): Schema<string | undefined> {
  return {
    parse(value, path) {
      if (value == null) return undefined;
      return checkString(expectString(value, path), path, rules);
    },
    jsonSchema: () => ({ ...stringSchema(rules, true), description: 'missing or null: unchanged' }),
  };
}

interface IntRules {
  min?: number;
  max?: number;
  /** Reject a missing value with "<path> is empty". */
  required?: boolean;
  /** Extra detail appended to range errors, e.g. the meaning of the allowed values. */
  hint?: string;
  /** The only values accepted (checked after the range). */
  oneOf?: readonly number[];
}

function checkInt(value: unknown, path: string, rules: IntRules): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw args(`${path} must be an integer, got ${typeof value === 'number' ? value : describe(value)}`);
  }
  const min = rules.min ?? INT32_MIN;
  const max = rules.max ?? INT32_MAX;
  if (value < min || value > max) {
    throw args(`${path} is invalid: ${value} is outside ${min}..${max}${rules.hint ? ` (${rules.hint})` : ''}`);
  }
  if (rules.oneOf && !rules.oneOf.includes(value))
    throw args(`${path} is invalid: ${value} is not one of ${rules.oneOf.join(', ')}`);
  return value;
}

function intSchema(rules: IntRules, nullable: boolean): JsonSchema {
  return {
    type: nullable ? ['integer', 'null'] : 'integer',
    minimum: rules.min ?? INT32_MIN,
    maximum: rules.max ?? INT32_MAX,
    ...(rules.oneOf ? { enum: [...rules.oneOf] } : {}),
    ...(rules.hint ? { description: rules.hint } : {}),
  };
}

/** An int32 field; missing or null reads as 0 unless required. */
export function int(rules: IntRules = {}): Schema<number> {
  return {
    parse(value, path) {
      if (value == null) {
        if (rules.required) throw args(`${path} is empty`);
        return 0;
      }
      return checkInt(value, path, rules);
    },
    jsonSchema: () => intSchema(rules, false),
  };
}

/** A nullable int32 (OpenIM's Int32Value wrapper): missing or null means "do not change". */
export function optInt(rules: IntRules = {}): Schema<number | undefined> {
  return {
    parse(value, path) {
      return value == null ? undefined : checkInt(value, path, rules);
    },
    jsonSchema: () => intSchema(rules, true),
  };
}

/** An int64 millisecond or count field (safe-integer range). */
export function int64(rules: { min?: number } = {}): Schema<number> {
  return {
    parse(value, path) {
      if (value == null) return 0;
      return checkInt(value, path, { min: rules.min ?? Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
    },
    jsonSchema: () => ({
      type: 'integer',
      minimum: rules.min ?? Number.MIN_SAFE_INTEGER,
      maximum: Number.MAX_SAFE_INTEGER,
    }),
  };
}

export function bool(): Schema<boolean> {
  return {
    parse(value, path) {
      if (value == null) return false;
      if (typeof value !== 'boolean') throw args(`${path} must be a boolean, got ${describe(value)}`);
      return value;
    },
    jsonSchema: () => ({ type: 'boolean' }),
  };
}

export function optBool(): Schema<boolean | undefined> {
  return {
    parse(value, path) {
      return value == null ? undefined : bool().parse(value, path);
    },
    jsonSchema: () => ({ type: ['boolean', 'null'], description: 'missing or null: unchanged' }),
  };
}

interface ArrayRules {
  max: number;
  /** Reject a missing (or null) array with "<path> is empty". */
  required?: boolean;
  /** Also reject an empty array. */
  nonEmpty?: boolean;
}

export function arr<T>(item: Schema<T>, rules: ArrayRules): Schema<T[]> {
  return {
    parse(value, path) {
      if (value == null) {
        if (rules.required || rules.nonEmpty) throw args(`${path} is empty`);
        return [];
      }
      if (!Array.isArray(value)) throw args(`${path} must be an array, got ${describe(value)}`);
      if (rules.nonEmpty && value.length === 0) throw args(`${path} is empty`);
      if (value.length > rules.max) throw args(`${path} has too many entries (max ${rules.max})`);
      return value.map((v, i) => item.parse(v, `${path}[${i}]`));
    },
    jsonSchema: () => ({
      type: 'array',
      items: item.jsonSchema(),
      maxItems: rules.max,
      ...(rules.nonEmpty ? { minItems: 1 } : {}),
    }),
  };
}

type Shape = Record<string, Schema<unknown>>;
type ObjectOf<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

function parseObject<S extends Shape>(
  shape: S,
  lower: Map<string, keyof S>,
  value: unknown,
  path: string,
): ObjectOf<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw args(`${path || 'body'} must be a JSON object, got ${describe(value)}`);
  }
  // Go semantics: each input key binds to the exact field, else to a case-insensitive match; a later
  // duplicate overwrites an earlier one. Unknown keys are dropped, so __proto__ never reaches us.
  const picked = new Map<keyof S, unknown>();
  for (const [key, v] of Object.entries(value)) {
    const field = Object.hasOwn(shape, key) ? key : lower.get(key.toLowerCase());
    if (field !== undefined) picked.set(field, v);
  }
  const out = {} as ObjectOf<S>;
  for (const field of Object.keys(shape) as (keyof S & string)[]) {
    out[field] = shape[field]!.parse(picked.get(field), path ? `${path}.${field}` : field) as ObjectOf<S>[typeof field];
  }
  return out;
}

/** A field is required exactly when its own schema refuses a missing value. */
function refusesMissing(schema: Schema<unknown>): boolean {
  try {
    schema.parse(undefined, '');
    return false;
  } catch (err) {
    if (err instanceof SchemaError) return true;
    throw err;
  }
}

/** Unknown keys are ignored and keys match case-insensitively, so extra properties are allowed. */
function objectSchema(shape: Shape, nullable: boolean): JsonSchema {
  const required = Object.keys(shape).filter((k) => refusesMissing(shape[k]!));
  return {
    type: nullable ? ['object', 'null'] : 'object',
    properties: Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, s.jsonSchema()])),
    ...(required.length ? { required } : {}),
  };
}

function lowerIndex<S extends Shape>(shape: S): Map<string, keyof S> {
  return new Map(Object.keys(shape).map((k) => [k.toLowerCase(), k]));
}

/** A required object: missing or null is "<path> is empty". */
export function obj<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  const lower = lowerIndex(shape);
  return {
    parse(value, path) {
      if (value == null) throw args(`${path || 'body'} is empty`);
      return parseObject(shape, lower, value, path);
    },
    jsonSchema: () => objectSchema(shape, false),
  };
}

/**
 * A JSON object of any shape (a message's content), kept as parsed; `maxBytes` bounds its JSON
 * text. Missing or null is "<path> is empty".
 */
export function jsonObject(rules: { maxBytes: number }): Schema<Record<string, unknown>> {
  return {
    parse(value, path) {
      if (value == null) throw args(`${path} is empty`);
      if (typeof value !== 'object' || Array.isArray(value))
        throw args(`${path} must be an object, got ${describe(value)}`);
      const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
      if (bytes > rules.maxBytes)
        throw args(`${path} is ${bytes} bytes of JSON; at most ${rules.maxBytes} are accepted`);
      return value as Record<string, unknown>;
    },
    jsonSchema: () => ({ type: 'object', description: `any JSON object, at most ${rules.maxBytes} bytes as JSON` }),
  };
}

/** OpenIM's message options: a map of flags; missing or null is {} (every flag then reads true). */
export function flagMap(): Schema<Record<string, boolean>> {
  return {
    parse(value, path) {
      if (value == null) return {};
      if (typeof value !== 'object' || Array.isArray(value))
        throw args(`${path} must be an object, got ${describe(value)}`);
      const out: Record<string, boolean> = {};
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'boolean') throw args(`${path}.${k} must be a boolean, got ${describe(v)}`);
        if (tooLong(k, 64) || k.includes('\0')) throw args(`${path} has an unusable key`);
        out[k] = v;
      }
      return out;
    },
    jsonSchema: () => ({ type: 'object', additionalProperties: { type: 'boolean' } }),
  };
}

/** An object that may be missing or null (then undefined). */
export function optObj<S extends Shape>(shape: S): Schema<ObjectOf<S> | undefined> {
  const lower = lowerIndex(shape);
  return {
    parse(value, path) {
      if (value == null) return undefined;
      return parseObject(shape, lower, value, path);
    },
    jsonSchema: () => objectSchema(shape, true),
  };
}

/** Field limits shared by every route, so one rule has one number. */
export const LIMITS = {
  id: 64,
  nickname: 255,
  faceURL: 255,
  ex: 1024,
  groupName: 255,
  notification: 4096,
  introduction: 4096,
  message: 1024,
  list: 1000,
  token: 2048,
  secret: 1024,
} as const;

export const userID = (required = true) => str({ max: LIMITS.id, required });
export const groupID = (required = true) => str({ max: LIMITS.id, required });
export const idList = (rules: Omit<ArrayRules, 'max'> & { max?: number } = {}) =>
  arr(str({ max: LIMITS.id, required: true }), { max: LIMITS.list, ...rules });

export const pagination = () =>
  obj({
    pageNumber: int({ min: 1, required: true }),
    showNumber: int({ min: 0, max: LIMITS.list }),
  });
export type Pagination = Infer<ReturnType<typeof pagination>>;
