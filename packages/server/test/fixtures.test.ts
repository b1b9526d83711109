// The golden callback bodies against the hook declarations: one fixture per hook in CALLBACKS, fitting its view,
// with the keys and value types the hook's own body builder produces; the seed pages' examples
// key for key; and example answers that each before-hook's `modifiable` schema accepts (or refuses).

import fs from 'node:fs';
import path from 'node:path';
import {
  EXAMPLE_TENCENT_CONTEXT,
  CALLBACK_KEYS,
  CALLBACKS,
  openimBody,
  tencentBodies,
  readOpenIMAnswer,
  SchemaError,
  type EventOf,
  type CallbackDefinition,
  type CallbackKey,
  type Callbacks,
} from '@huddle/protocol';
import { describe, expect, it } from 'vitest';
import { checkJson } from './json-schema.js';
import {
  FIXTURE_DIR,
  fixturePath,
  jsonType,
  loadFixture,
  loadResponse,
  RESPONSE_DIR,
  responsePath,
  shapeDiff,
  TENCENT_FIXTURE_DIR,
  toFixture,
  type Fixture,
} from './shape.js';
import { itWithSeeds, readSeed } from './seeds.js';

const hooks = CALLBACK_KEYS.map((key) => [key, CALLBACKS[key] as CallbackDefinition] as const);
const beforeHooks = hooks.filter(([, h]) => h.phase === 'before');
const commandOf = (key: CallbackKey) => CALLBACKS[key].openim.command;

// ---------------------------------------------------------------------------------------------
// A representative event per hook (its declaration's example, which `huddle callbacks test` sends), and, for hooks with nullable
// fields, the same event with every optional field "not part of the change".

const EVENTS = Object.fromEntries(CALLBACK_KEYS.map((key) => [key, CALLBACKS[key].example])) as {
  [K in CallbackKey]: EventOf<Callbacks[K]>;
};
const infoUnset = {
  ...EVENTS.beforeSetGroupInfo,
  groupName: null,
  notification: null,
  introduction: null,
  faceURL: null,
  ex: null,
  needVerification: null,
  lookMemberInfo: null,
  applyMemberFriend: null,
};
const memberUnset = { ...EVENTS.beforeSetGroupMemberInfo, nickname: null, faceURL: null, roleLevel: null, ex: null };
const profileUnset = { ...EVENTS.beforeUpdateUserInfoEx, nickname: null, faceURL: null, ex: null };

const UNSET: { [K in CallbackKey]?: EventOf<Callbacks[K]> } = {
  beforeSetGroupInfo: infoUnset,
  afterSetGroupInfo: infoUnset,
  beforeSetGroupInfoEx: infoUnset,
  afterSetGroupInfoEx: infoUnset,
  beforeSetGroupMemberInfo: memberUnset,
  afterSetGroupMemberInfo: memberUnset,
  beforeUpdateUserInfoEx: profileUnset,
  afterUpdateUserInfoEx: profileUnset,
};

const bodyOf = (key: CallbackKey, event: unknown) => openimBody(CALLBACKS[key] as CallbackDefinition, event as object);

// ---------------------------------------------------------------------------------------------
// The seed pages' example request bodies, as printed (../shared/seeds/000, 002, 003, 004).

const SEED_EXAMPLES: Record<string, { seed: string; example: Record<string, unknown> }> = {
  callbackAfterCreateGroupCommand: {
    seed: '000',
    example: {
      callbackCommand: 'callbackAfterCreateGroupCommand',
      groupID: '12345',
      groupName: 'MyGroup',
      notification: 'Welcome to MyGroup!',
      introduction: 'This is a group for discussing example topics.',
      faceURL: 'http://example.com/path/to/face/image.png',
      ownerUserID: 'user123',
      createTime: 1673048592000,
      memberCount: 10,
      ex: 'Extra data',
      status: 1,
      creatorUserID: 'user123',
      groupType: 1,
      needVerification: 1,
      lookMemberInfo: 1,
      applyMemberFriend: 0,
      notificationUpdateTime: 1673048592000,
      notificationUserID: 'user456',
      initMemberList: [
        { userID: 'user789', roleLevel: 60 },
        { userID: 'user101112', roleLevel: 20 },
      ],
    },
  },
  callbackAfterQuitGroupCommand: {
    seed: '002',
    example: { callbackCommand: 'callbackAfterQuitGroupCommand', groupID: 'G001', userID: 'user123' },
  },
  callbackAfterMemberJoinGroupCommand: {
    seed: '003',
    example: {
      callbackCommand: 'CallbackAfterMemberJoinGroupCommand',
      groupID: '12345',
      userID: 'user789',
      ex: 'Extra data',
      groupEx: 'GroupExtra data',
    },
  },
  callbackBeforeSetGroupMemberInfoCommand: {
    seed: '004',
    example: {
      callbackCommand: 'callbackBeforeSetGroupMemberInfoCommand',
      groupID: '12345',
      userID: 'user789',
      nickName: 'user',
      faceURL: 'http://example.com/path/to/face/image.png',
      roleLevel: 20,
      ex: 'Extra data',
    },
  },
};

/** Sorted key paths of a JSON value (`a`, `list[].b`), for exact key-set comparison. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((v) => keyPaths(v, `${prefix}[]`)))].sort();
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value)
    .flatMap(([k, v]) => {
      const p = prefix ? `${prefix}.${k}` : k;
      return [p, ...keyPaths(v, p)];
    })
    .sort();
}

/** Where a fixture's nulls, empty lists, uneven list elements or dangling $nullable paths are. */
function fixtureFlaws(f: Fixture): string[] {
  const flaws: string[] = [];
  const walk = (v: unknown, at: string, pattern: string) => {
    if (v === null) flaws.push(`${at} is null (show a representative value; list the path in $nullable)`);
    else if (Array.isArray(v)) {
      if (v.length === 0) flaws.push(`${at} is an empty list (its element type is unknown)`);
      v.forEach((item, i) => {
        const uneven = shapeDiff(item, {
          command: '',
          body: v[0] as Record<string, unknown>,
          nullable: new Set(),
          optional: new Set(),
          comment: undefined,
        });
        if (uneven.length > 0) flaws.push(`${at}[${i}] differs from ${at}[0]: ${uneven.join('; ')}`);
        walk(item, `${at}[${i}]`, `${pattern}[]`);
      });
    } else if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k, pattern ? `${pattern}.${k}` : k);
    }
  };
  walk(f.body, '', '');
  const paths = new Set(keyPaths(f.body));
  for (const p of f.nullable) if (!paths.has(p)) flaws.push(`$nullable names ${p}, which is not in the body`);
  return flaws;
}

function topLevelNulls(body: Record<string, unknown>): string[] {
  return Object.keys(body)
    .filter((k) => body[k] === null)
    .sort();
}

// ---------------------------------------------------------------------------------------------

describe('the fixture directory', () => {
  it('holds exactly one request fixture per hook in CALLBACKS, named by its OpenIM command', () => {
    const files = fs
      .readdirSync(FIXTURE_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files).toEqual(CALLBACK_KEYS.map((k) => `${commandOf(k)}.json`).sort());
    expect(files).toHaveLength(CALLBACK_KEYS.length);
    expect(fs.existsSync(path.join(FIXTURE_DIR, 'README.md'))).toBe(true);
  });

  it('holds allow, reject, modify and invalid answers for the before-hooks only', () => {
    const expected = beforeHooks.flatMap(([, h]) => [
      `${h.openim.command}.allow.json`,
      `${h.openim.command}.reject.json`,
      ...(h.modifiable ? [`${h.openim.command}.modify.json`, `${h.openim.command}.invalid.json`] : []),
    ]);
    expect(fs.readdirSync(RESPONSE_DIR).sort()).toEqual(expected.sort());
  });

  it('commands are distinct, so every fixture file belongs to one hook', () => {
    expect(new Set(CALLBACK_KEYS.map(commandOf)).size).toBe(CALLBACK_KEYS.length);
  });
});

describe.each(hooks)('%s', (key, hook) => {
  const command = hook.openim.command;

  it(`has test/fixtures/openim/${command}.json, well-formed`, () => {
    expect(fs.existsSync(fixturePath(command)), `missing fixture ${fixturePath(command)}`).toBe(true);
    const raw = JSON.parse(fs.readFileSync(fixturePath(command), 'utf8')) as Record<string, unknown>;
    for (const k of Object.keys(raw)) if (k.startsWith('$')) expect(['$comment', '$nullable']).toContain(k);
    const f = loadFixture(command);
    expect(Object.keys(f.body)[0]).toBe('callbackCommand');
    expect(f.body.callbackCommand).toBe(command);
    expect(fixtureFlaws(f)).toEqual([]);
  });

  it("has the keys and value types of the hook's own body builder", () => {
    const body = bodyOf(key, EVENTS[key]);
    const f = loadFixture(command);
    expect(Object.keys(f.body).sort()).toEqual(
      ['callbackCommand', ...Object.keys(hook.openim.body(EVENTS[key] as never))].sort(),
    );
    expect(keyPaths(body)).toEqual(keyPaths(f.body));
    expect(shapeDiff(body, f)).toEqual([]);
    // The representative event has no nulls: every type is pinned down.
    expect(topLevelNulls(body)).toEqual([]);
  });

  it('lists in $nullable exactly the fields the builder leaves null when they are not part of the change', () => {
    const unset = UNSET[key];
    const f = loadFixture(command);
    const body = bodyOf(key, unset ?? EVENTS[key]);
    expect(topLevelNulls(body)).toEqual([...f.nullable].sort());
    expect(shapeDiff(body, f)).toEqual([]);
  });

  it('carries real values where OpenIM sends wrong ones', () => {
    const f = loadFixture(command);
    if ('groupType' in f.body) expect(f.body.groupType).toBe(2);
    if ('operationID' in f.body) expect(f.body.operationID).toMatch(/^\S+$/);
    if (Array.isArray(f.body.initMemberList)) {
      const ids = (f.body.initMemberList as { userID: string }[]).map((m) => m.userID);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});

describe('the seed pages', () => {
  it.each(Object.entries(SEED_EXAMPLES))(
    '%s matches its seed example key for key, type for type',
    (command, { example }) => {
      const f = loadFixture(command);
      expect(keyPaths(f.body)).toEqual(keyPaths(example));
      expect(shapeDiff(example, f)).toEqual([]);
    },
  );

  it('covers the four seed callbacks, each declared in CALLBACKS', () => {
    expect(Object.keys(SEED_EXAMPLES).sort()).toEqual(
      ['afterCreateGroup', 'afterQuitGroup', 'afterMemberJoinGroup', 'beforeSetGroupMemberInfo']
        .map((k) => commandOf(k as CallbackKey))
        .sort(),
    );
  });

  it('000: groupType is the number 2 and initMemberList holds each initial member once, with its real roleLevel', () => {
    const f = loadFixture('callbackAfterCreateGroupCommand');
    expect(f.body.groupType).toBe(2);
    const list = f.body.initMemberList as { userID: string; roleLevel: number }[];
    expect(list).toContainEqual({ userID: f.body.ownerUserID, roleLevel: 100 });
    expect(new Set(list.map((m) => m.userID)).size).toBe(list.length);
    for (const m of list) expect([100, 60, 20]).toContain(m.roleLevel);
    expect(list.filter((m) => m.roleLevel === 100)).toHaveLength(1);
  });

  it("003: callbackCommand is callbackAfterMemberJoinGroupCommand (the page's capital C is a typo)", () => {
    expect(loadFixture('callbackAfterMemberJoinGroupCommand').body.callbackCommand).toBe(
      'callbackAfterMemberJoinGroupCommand',
    );
    expect(CALLBACKS.afterMemberJoinGroup.openim.command).toBe('callbackAfterMemberJoinGroupCommand');
  });

  it('004: the modify example is the page\'s "Allow Modification" answer', () => {
    expect(loadResponse('callbackBeforeSetGroupMemberInfoCommand', 'modify')).toEqual({
      actionCode: 0,
      errCode: 0,
      errMsg: '',
      errDlt: '',
      nextCode: 0,
      ex: 'Some extra data',
      nickName: 'user',
      faceURL: 'http://example.com/path/to/face/image.png',
      roleLevel: 20,
    });
  });

  // When the seed pages are there (see seeds.ts), the examples above must be the ones printed there.
  itWithSeeds('the examples above are the ones printed on the seed pages', () => {
    for (const { seed, example } of Object.values(SEED_EXAMPLES)) {
      const text = readSeed(seed);
      const start = text.indexOf('{', text.search(/Request (Package|Packet) Example/));
      expect(JSON.parse(firstJsonObject(text, start))).toEqual(example);
    }
  });
});

/** The balanced {...} starting at `start` (the seed pages hold no braces inside strings). */
function firstJsonObject(text: string, start: number): string {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error('unbalanced JSON in seed page');
}

const COMMON_ANSWER_KEYS = ['actionCode', 'errCode', 'errMsg', 'errDlt', 'nextCode'];

describe.each(beforeHooks)('%s answers', (_key, hook) => {
  const command = hook.openim.command;

  it('allow: continues, changing nothing', () => {
    const answer = loadResponse(command, 'allow');
    const verdict = readOpenIMAnswer(200, JSON.stringify(answer), hook.modifiable);
    expect(verdict.kind).toBe('allow');
    if (verdict.kind !== 'allow') return;
    const changed = Object.entries((verdict.modification ?? {}) as Record<string, unknown>).filter(
      ([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0),
    );
    expect(changed).toEqual([]);
  });

  it('reject: actionCode 0 and nextCode 1 with a code in 5000-9999', () => {
    const answer = loadResponse(command, 'reject');
    expect(answer).toMatchObject({ actionCode: 0, nextCode: 1 });
    expect(answer.errCode).toBeGreaterThanOrEqual(5000);
    expect(answer.errCode).toBeLessThanOrEqual(9999);
    expect(readOpenIMAnswer(200, JSON.stringify(answer), hook.modifiable)).toEqual({
      kind: 'reject',
      errCode: answer.errCode,
      errMsg: answer.errMsg,
      errDlt: answer.errDlt,
      custom: true,
    });
  });

  const modifiable = hook.modifiable;
  if (modifiable) {
    it("modify: parses with the hook's modifiable schema, every field kept", () => {
      const answer = loadResponse(command, 'modify');
      const extra = Object.fromEntries(Object.entries(answer).filter(([k]) => !COMMON_ANSWER_KEYS.includes(k)));
      expect(Object.keys(extra).length).toBeGreaterThan(0);
      const parsed = modifiable.parse(answer, '') as Record<string, unknown>;
      // A field the schema does not know would be dropped: every field of the answer must survive.
      for (const [k, v] of Object.entries(extra)) expect(parsed[k], k).toEqual(v);
      expect(readOpenIMAnswer(200, JSON.stringify(answer), modifiable)).toEqual({
        kind: 'allow',
        modification: parsed,
      });
    });

    it('invalid: refused by the schema, so the callback counts as failed', () => {
      const answer = loadResponse(command, 'invalid');
      expect(() => modifiable.parse(answer, '')).toThrow(SchemaError);
      const verdict = readOpenIMAnswer(200, JSON.stringify(answer), modifiable);
      expect(verdict).toMatchObject({ kind: 'fail', cause: 'data' });
      expect(verdict.kind === 'fail' && verdict.reason).toMatch(/^invalid modification: /);
    });
  } else {
    it('has no modifiable fields, so no modify or invalid answer', () => {
      expect(fs.existsSync(responsePath(command, 'modify'))).toBe(false);
      expect(fs.existsSync(responsePath(command, 'invalid'))).toBe(false);
    });
  }
});

describe('shapeDiff', () => {
  const f = toFixture({
    callbackCommand: 'c',
    a: 'x',
    n: 1,
    list: [{ id: 'u', role: 20 }],
    ids: ['u'],
    maybe: 'y',
    $nullable: ['maybe'],
  });
  const good = { callbackCommand: 'c', a: '', n: 0, list: [], ids: [], maybe: null };

  it('accepts the same keys and types, empty lists, and null where $nullable allows it', () => {
    expect(shapeDiff(good, f)).toEqual([]);
    expect(shapeDiff({ ...good, maybe: 'z', list: [{ id: 'v', role: 60 }], ids: ['a', 'b'] }, f)).toEqual([]);
  });

  it('reports missing and unexpected keys, wrong types, unexpected nulls, nested differences', () => {
    const { a: _a, ...missing } = good;
    expect(shapeDiff(missing, f)).toEqual(['a: missing']);
    expect(shapeDiff({ ...good, extra: 1 }, f)).toEqual(['extra: unexpected key (number)']);
    expect(shapeDiff({ ...good, n: '1' }, f)).toEqual(['n: expected number, got string']);
    expect(shapeDiff({ ...good, a: null }, f)).toEqual(['a: expected string, got null']);
    expect(shapeDiff({ ...good, maybe: 3 }, f)).toEqual(['maybe: expected string or null, got number']);
    expect(shapeDiff({ ...good, list: [{ id: 'v', role: '60' }, { id: 'w' }] }, f)).toEqual([
      'list[0].role: expected number, got string',
      'list[1].role: missing',
    ]);
    expect(shapeDiff({ ...good, ids: [1] }, f)).toEqual(['ids[0]: expected string, got number']);
    expect(shapeDiff('text', f)).toEqual(['(body): expected object, got string']);
  });

  it('treats groupType "\\u0002" (OpenIM\'s one-character string) as a wrong type', () => {
    const dismiss = loadFixture('callbackAfterDisMissGroupCommand');
    expect(shapeDiff({ ...dismiss.body, groupType: '\u0002' }, dismiss)).toEqual([
      'groupType: expected number, got string',
    ]);
  });

  it('reports JSON types', () => {
    expect([null, [], {}, '', 0, false, undefined].map(jsonType)).toEqual([
      'null',
      'array',
      'object',
      'string',
      'number',
      'boolean',
      'undefined',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The declarations' runtime views are what the API document shows: each golden fixture (both
// dialects) fits its hook's view, each body built from a hook's example fits it key for key, and
// each answerExample is a modification the hook accepts.

describe('hook declarations: body views, examples and answer examples', () => {
  const withoutAnnotations = (doc: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('$')));
  const withCommand = (key: string, schema: Record<string, unknown>) => ({
    ...schema,
    properties: { [key]: { type: 'string' }, ...(schema.properties as object) },
    required: [key, ...(schema.required as string[])],
  });
  const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

  /** The fixture's `$nullable` fields are the view's nullable ones, its `$optional` ones the view's optional ones. */
  const expectMarks = (doc: Record<string, unknown>, schema: Record<string, unknown>) => {
    const properties = schema.properties as Record<string, { type: unknown }>;
    const nullable = Object.keys(properties).filter(
      (k) => Array.isArray(properties[k]!.type) && (properties[k]!.type as string[]).includes('null'),
    );
    expect(nullable.sort()).toEqual([...((doc.$nullable as string[] | undefined) ?? [])].sort());
    const optional = Object.keys(properties).filter((k) => !(schema.required as string[]).includes(k));
    expect(optional.sort()).toEqual([...((doc.$optional as string[] | undefined) ?? [])].sort());
  };

  it.each(hooks)('%s: the OpenIM fixture and the example body fit the view', (key, hook) => {
    const schema = withCommand('callbackCommand', hook.openim.view.jsonSchema());
    const doc = readJson(fixturePath(commandOf(key)));
    expect(checkJson(schema, schema, withoutAnnotations(doc))).toEqual([]);
    expectMarks(doc, schema);
    const body = bodyOf(key, EVENTS[key]);
    expect(checkJson(schema, schema, body)).toEqual([]);
    expect(Object.keys(body)).toEqual(['callbackCommand', ...Object.keys(hook.openim.view.fields)]);
    const unset = UNSET[key];
    if (unset) expect(checkJson(schema, schema, bodyOf(key, unset))).toEqual([]);
  });

  it.each(hooks.filter(([, h]) => h.tencent))(
    '%s: the Tencent fixture and the example body fit the view',
    (key, hook) => {
      const schema = withCommand('CallbackCommand', hook.tencent!.view.jsonSchema());
      const doc = readJson(path.join(TENCENT_FIXTURE_DIR, `${hook.tencent!.command}.json`));
      expect(checkJson(schema, schema, withoutAnnotations(doc))).toEqual([]);
      expectMarks(doc, schema);
      for (const { body } of tencentBodies(hook, [EVENTS[key]], EXAMPLE_TENCENT_CONTEXT))
        expect(checkJson(schema, schema, body)).toEqual([]);
    },
  );

  it.each(beforeHooks)(
    '%s: answerExample is a modification the hook accepts, and only hooks that modify have one',
    (_key, hook) => {
      expect(hook.answerExample !== undefined).toBe(hook.modifiable !== undefined);
      expect(hook.answer !== undefined).toBe(hook.modifiable !== undefined);
      if (hook.modifiable) expect(() => hook.modifiable!.parse(hook.answerExample, '')).not.toThrow();
    },
  );
});
