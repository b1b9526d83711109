// Example bodies and answers of every callback for the API document, from the golden fixtures in
// test/fixtures/openim/ (which fixtures.test.ts keeps equal, key for key, to what each hook's body
// builder produces). The body types are TypeScript-only, so the request schemas are read off these
// examples: every key is always sent, and `$nullable` names the fields that may be null.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonSchema } from '@huddle/protocol';

const FIXTURE_DIR = fileURLToPath(new URL('../../../test/fixtures/openim/', import.meta.url));
const ANSWER_KINDS = ['allow', 'reject', 'modify'] as const;

export interface CallbackExamples {
  /** The request body a business server receives; undefined when the fixture is missing. */
  body: Record<string, unknown> | undefined;
  /** JSON Schema read off `body`. */
  bodySchema: JsonSchema;
  /** Example answers by kind (allow, reject, modify), where the fixtures have them. */
  answers: Partial<Record<(typeof ANSWER_KINDS)[number], Record<string, unknown>>>;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Drops the `$` annotations ($comment, $nullable) that are not part of the body. */
function withoutAnnotations(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('$')));
}

/** `pattern` is the fixture's path notation: `a.b`, `list[].field`. */
function schemaOf(value: unknown, pattern: string, nullable: ReadonlySet<string>): JsonSchema {
  const orNull = (type: string) => (nullable.has(pattern) ? [type, 'null'] : type);
  if (Array.isArray(value)) {
    return { type: orNull('array'), ...(value.length ? { items: schemaOf(value[0], `${pattern}[]`, nullable) } : {}) };
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const prefix = pattern ? `${pattern}.` : '';
    return {
      type: orNull('object'),
      properties: Object.fromEntries(keys.map((k) => [k, schemaOf((value as Record<string, unknown>)[k], `${prefix}${k}`, nullable)])),
      required: keys,
    };
  }
  if (typeof value === 'number') return { type: orNull(Number.isInteger(value) ? 'integer' : 'number') };
  return { type: orNull(typeof value) };
}

export function callbackExamples(command: string): CallbackExamples {
  const doc = readJson(path.join(FIXTURE_DIR, `${command}.json`));
  const answers: CallbackExamples['answers'] = {};
  for (const kind of ANSWER_KINDS) {
    const answer = readJson(path.join(FIXTURE_DIR, 'responses', `${command}.${kind}.json`));
    if (answer) answers[kind] = withoutAnnotations(answer);
  }
  if (!doc) return { body: undefined, bodySchema: { type: 'object' }, answers };
  const body = withoutAnnotations(doc);
  const nullable = new Set(Array.isArray(doc.$nullable) ? (doc.$nullable as string[]) : []);
  return { body, bodySchema: schemaOf(body, '', nullable), answers };
}
