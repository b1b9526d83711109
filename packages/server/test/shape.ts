// Golden callback bodies (test/fixtures/openim and test/fixtures/tencent, convention in
// fixtures/openim/README.md) and the shape comparison the callback tests use: the same keys,
// recursively, and the same JSON value types; a field the fixture lists in `$nullable` may also be
// null, one it lists in `$optional` may be absent. A Tencent command (`Group.…`, `Profile.…`) names a file in
// fixtures/tencent, any other command one in fixtures/openim.
//
//   const [req] = await receiver.waitForCount(1, 'callbackAfterQuitGroupCommand');
//   expectShape(req.body, 'callbackAfterQuitGroupCommand');

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'openim');
export const RESPONSE_DIR = path.join(FIXTURE_DIR, 'responses');
export const TENCENT_FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'tencent');

/** The fixture directory of a command's dialect. */
const dirOf = (command: string) => (command.startsWith('callback') ? FIXTURE_DIR : TENCENT_FIXTURE_DIR);

/** Annotation keys a fixture file may carry beside the body; every other key is part of the body. */
export const ANNOTATIONS = ['$comment', '$nullable', '$optional'] as const;

export type JsonType = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null';

export function jsonType(value: unknown): JsonType | 'undefined' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'object') return t;
  return 'undefined';
}

export interface Fixture {
  /** The OpenIM command (the file's name). */
  command: string;
  /** The example body, annotations removed. */
  body: Record<string, unknown>;
  /** Paths that may be null: `key`, `key.sub`, `list[].key`. */
  nullable: Set<string>;
  /** Paths that may be absent (Tencent sends some fields only when they changed). */
  optional: Set<string>;
  comment: string | undefined;
}

function pathList(doc: Record<string, unknown>, key: string, command: string): Set<string> {
  const list = doc[key];
  if (list !== undefined && !(Array.isArray(list) && list.every((p) => typeof p === 'string'))) {
    throw new Error(`fixture ${command}: ${key} must be a list of paths`);
  }
  return new Set((list as string[] | undefined) ?? []);
}

/** Splits a fixture document into its body and its annotations. */
export function toFixture(doc: Record<string, unknown>, command = String(doc.callbackCommand ?? '')): Fixture {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('$')) body[k] = v;
  return {
    command,
    body,
    nullable: pathList(doc, '$nullable', command),
    optional: pathList(doc, '$optional', command),
    comment: doc.$comment as string | undefined,
  };
}

export function fixturePath(command: string): string {
  return path.join(dirOf(command), `${command}.json`);
}

/** Reads test/fixtures/{openim,tencent}/<command>.json. */
export function loadFixture(command: string): Fixture {
  const doc = JSON.parse(fs.readFileSync(fixturePath(command), 'utf8')) as Record<string, unknown>;
  return toFixture(doc, command);
}

/** Tencent's answers add `deny-custom` (a 10100–10200 code passed to the caller). */
export type ResponseKind = 'allow' | 'reject' | 'modify' | 'invalid' | 'deny-custom';

export function responsePath(command: string, kind: ResponseKind): string {
  return path.join(dirOf(command), 'responses', `${command}.${kind}.json`);
}

/** Reads test/fixtures/openim/responses/<command>.<kind>.json, annotations removed: a receiver's answer. */
export function loadResponse(command: string, kind: ResponseKind): Record<string, unknown> {
  const doc = JSON.parse(fs.readFileSync(responsePath(command, kind), 'utf8')) as Record<string, unknown>;
  return toFixture(doc, command).body;
}

function compare(
  actual: unknown,
  expected: unknown,
  shown: string,
  pattern: string,
  f: Pick<Fixture, 'nullable' | 'optional'>,
  out: string[],
) {
  const { nullable } = f;
  const at = shown || '(body)';
  const want = jsonType(expected);
  const got = jsonType(actual);
  if (got === 'null' && want !== 'null') {
    if (!nullable.has(pattern)) out.push(`${at}: expected ${want}, got null`);
    return;
  }
  if (got !== want) {
    out.push(`${at}: expected ${want}${nullable.has(pattern) ? ' or null' : ''}, got ${got}`);
    return;
  }
  if (want === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const prefix = shown ? `${shown}.` : '';
    const patternPrefix = pattern ? `${pattern}.` : '';
    for (const k of Object.keys(e))
      if (!Object.hasOwn(a, k) && !f.optional.has(`${patternPrefix}${k}`)) out.push(`${prefix}${k}: missing`);
    for (const k of Object.keys(a))
      if (!Object.hasOwn(e, k)) out.push(`${prefix}${k}: unexpected key (${jsonType(a[k])})`);
    for (const k of Object.keys(e)) {
      if (Object.hasOwn(a, k)) compare(a[k], e[k], `${prefix}${k}`, `${patternPrefix}${k}`, f, out);
    }
  } else if (want === 'array') {
    const e = expected as unknown[];
    // The fixture's first element is the template for every element (fixtures never hold empty lists).
    if (e.length === 0) return;
    (actual as unknown[]).forEach((item, i) => compare(item, e[0], `${shown}[${i}]`, `${pattern}[]`, f, out));
  }
}

/**
 * Every difference between a body and a fixture: missing keys, unexpected keys, and values whose
 * JSON type differs (string, number, boolean, array, object, null), recursively through objects
 * and the elements of arrays. Values themselves are not compared. `fixture` is a command name, a
 * loaded Fixture, or a fixture document (with its `$` annotations).
 */
export function shapeDiff(actual: unknown, fixture: string | Fixture | Record<string, unknown>): string[] {
  const f = asFixture(fixture);
  const out: string[] = [];
  compare(actual, f.body, '', '', f, out);
  return out;
}

/** Fails the test, listing every difference, unless `actual` has exactly the fixture's shape. */
export function expectShape(actual: unknown, fixture: string | Fixture | Record<string, unknown>): void {
  const f = asFixture(fixture);
  expect(
    shapeDiff(actual, f),
    `body does not have the shape of fixture ${f.command || '(inline)'}: ${JSON.stringify(actual)}`,
  ).toEqual([]);
}

function asFixture(fixture: string | Fixture | Record<string, unknown>): Fixture {
  if (typeof fixture === 'string') return loadFixture(fixture);
  if (isFixture(fixture)) return fixture;
  return toFixture(fixture);
}

function isFixture(value: object): value is Fixture {
  return 'body' in value && 'nullable' in value && (value as Fixture).nullable instanceof Set;
}
