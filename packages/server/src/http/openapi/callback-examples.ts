// Example bodies and answers of every callback for the API document, from the golden fixtures in
// test/fixtures/openim/ and test/fixtures/tencent/ (which fixtures.test.ts and dialects.test.ts keep
// equal, key for key, to what huddle sends). The body types are TypeScript-only, so the request schemas are read off these
// examples: every key is always sent, and `$nullable` names the fields that may be null.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonSchema } from '@huddle/protocol';

const FIXTURE_DIR = fileURLToPath(new URL('../../../test/fixtures/openim/', import.meta.url));
const TENCENT_FIXTURE_DIR = fileURLToPath(new URL('../../../test/fixtures/tencent/', import.meta.url));
const ANSWER_KINDS = ['allow', 'reject', 'deny-custom', 'modify'] as const;

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
function schemaOf(value: unknown, pattern: string, nullable: ReadonlySet<string>, optional: ReadonlySet<string>): JsonSchema {
  const orNull = (type: string) => (nullable.has(pattern) ? [type, 'null'] : type);
  if (Array.isArray(value)) {
    return { type: orNull('array'), ...(value.length ? { items: schemaOf(value[0], `${pattern}[]`, nullable, optional) } : {}) };
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const prefix = pattern ? `${pattern}.` : '';
    return {
      type: orNull('object'),
      properties: Object.fromEntries(keys.map((k) => [k, schemaOf((value as Record<string, unknown>)[k], `${prefix}${k}`, nullable, optional)])),
      required: keys.filter((k) => !optional.has(`${prefix}${k}`)),
    };
  }
  if (typeof value === 'number') return { type: orNull(Number.isInteger(value) ? 'integer' : 'number') };
  return { type: orNull(typeof value) };
}

const paths = (doc: Record<string, unknown>, key: string) => new Set(Array.isArray(doc[key]) ? (doc[key] as string[]) : []);

/** `command` is OpenIM's (`callback…Command`) or Tencent's (`Group.Callback…`, `Profile.Callback…`). */
export function callbackExamples(command: string): CallbackExamples {
  const dir = command.startsWith('callback') ? FIXTURE_DIR : TENCENT_FIXTURE_DIR;
  const doc = readJson(path.join(dir, `${command}.json`));
  const answers: CallbackExamples['answers'] = {};
  for (const kind of ANSWER_KINDS) {
    const answer = readJson(path.join(dir, 'responses', `${command}.${kind}.json`));
    if (answer) answers[kind] = withoutAnnotations(answer);
  }
  if (!doc) return { body: undefined, bodySchema: { type: 'object' }, answers };
  const body = withoutAnnotations(doc);
  return { body, bodySchema: schemaOf(body, '', paths(doc, '$nullable'), paths(doc, '$optional')), answers };
}
