// Every class of bad input, through real HTTP: headers, bodies that are not JSON objects, wrong JSON
// types, missing fields, over-long fields, too many list entries, oversized bodies, key case, unknown
// keys, unknown routes and methods, and CORS preflight. Each refusal must be a clean 1001 ArgsError
// (HTTP 200) whose errDlt names the field, with no `data` key, no leaked internals, and nothing written.

import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, page, startServer, TEST_SECRET, type Envelope, type TestServer } from './harness.js';

let s: TestServer;

beforeAll(async () => {
  s = await startServer();
});

afterAll(async () => {
  await s?.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers

const RUN = Math.random().toString(36).slice(2, 7);
let seq = 0;
const uid = (tag = 'v') => `${tag}${RUN}_${++seq}`;

const MIB = 1024 * 1024;

function expectClean(env: { errMsg?: unknown; errDlt?: unknown }): void {
  const text = `${String(env.errMsg)} ${String(env.errDlt)}`;
  expect(text).not.toContain('    at ');
  expect(text).not.toMatch(/\b(SELECT|INSERT|UPDATE|DELETE FROM|CREATE TABLE)\b/);
  expect(text.toLowerCase()).not.toContain('sqlite');
  expect(text).not.toMatch(/\.ts:\d+|node_modules|file:\/\//);
}

/** A 1001 ArgsError whose detail names `field`, without data or internals. */
function expectArgs(env: Envelope | undefined, field: string | RegExp): void {
  expect(env, 'response body is JSON').toBeDefined();
  expect(env!.errCode, JSON.stringify(env)).toBe(1001);
  expect(env!.errMsg).toBe('ArgsError');
  if (typeof field === 'string') expect(env!.errDlt).toContain(field);
  else expect(env!.errDlt).toMatch(field);
  expect(env).not.toHaveProperty('data');
  expectClean(env!);
}

function expectOk(env: Envelope | undefined): void {
  expect(env?.errCode, JSON.stringify(env)).toBe(0);
}

/** POST with HTTP status checked to be 200 (every handled outcome is HTTP 200). */
async function call(
  path: string,
  body: unknown,
  token: string | null,
  extra: { operationID?: string | null; headers?: Record<string, string> } = {},
) {
  const res = await s.client.raw(path, body, { token, ...extra });
  expect(res.status, res.text).toBe(200);
  return res.body as Envelope;
}

const ok = <T = any>(path: string, body: unknown, token: string) => s.client.ok<T>(path, body, token);

async function groupOf(groupID: string) {
  return (await ok('/group/get_groups_info', { groupIDs: [groupID] }, s.adminToken)).groupInfos[0];
}
async function usersOf(...userIDs: string[]) {
  return (await ok('/user/get_users_info', { userIDs }, s.adminToken)).usersInfo;
}
async function membersOf(groupID: string) {
  return (await ok('/group/get_group_member_list', { groupID, pagination: page(1, 1000) }, s.adminToken)).members;
}

interface Fixture {
  gid: string;
  O: string;
  A: string;
  M: string;
  N: string;
  tO: string;
  tM: string;
  tN: string;
}

async function fixture(): Promise<Fixture> {
  const p = uid('f');
  const [O, A, M, N] = [`${p}_o`, `${p}_a`, `${p}_m`, `${p}_n`];
  await s.register(O, A, M, N);
  const gid = `g${p}`;
  await createGroup(s, { owner: O, admins: [A], members: [M], groupID: gid });
  const [tO, tM, tN] = await Promise.all([O, M, N].map((u) => s.tokenFor(u)));
  return { gid, O, A, M, N, tO: tO!, tM: tM!, tN: tN! };
}

/** Everything a refused call against the fixture could have changed. */
async function snapshot(f: Fixture) {
  return {
    group: await groupOf(f.gid),
    members: await membersOf(f.gid),
    users: await usersOf(f.O, f.A, f.M, f.N),
    request: (await ok('/group/get_specified_user_group_request_info', { groupID: f.gid, userID: f.N }, s.adminToken))
      .groupRequests,
    joined: (await ok('/group/get_joined_group_list', { fromUserID: f.N, pagination: page() }, s.adminToken)).total,
  };
}

type Case = [label: string, path: string, body: unknown, field: string | RegExp, token?: 'O' | 'M' | 'N' | 'S'];

/** Runs refused cases against one fixture; the fixture's state must be unchanged afterwards. */
async function runCases(f: Fixture, cases: Case[]): Promise<void> {
  const before = await snapshot(f);
  const tokens = { O: f.tO, M: f.tM, N: f.tN, S: s.adminToken };
  for (const [label, path, body, field, who] of cases) {
    const env = await call(path, body, tokens[who ?? 'S']);
    try {
      expectArgs(env, field);
    } catch (err) {
      throw new Error(`${label}: ${(err as Error).message}`);
    }
  }
  expect(await snapshot(f)).toEqual(before);
}

/** A raw HTTP/1.1 exchange with node:http, for bodies undici would not send (chunked, huge). */
function rawHttp(
  path: string,
  options: { method?: string; headers?: Record<string, string>; chunks?: (string | Buffer)[] },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    let responded = false;
    const req = http.request(
      new URL(path, s.client.url),
      { method: options.method ?? 'POST', headers: options.headers },
      (res) => {
        responded = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    // The server may answer (and close) before it has read an oversized body; a write error after
    // the response is expected then.
    req.on('error', (err) => {
      if (!responded) reject(err);
    });
    for (const c of options.chunks ?? []) req.write(c);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Headers and check order

describe('headers', () => {
  it('a missing or empty operationID header is 1001, on public and private routes; nothing is written', async () => {
    const newUser = uid();
    const env = await call('/user/user_register', { users: [{ userID: newUser, nickname: 'x' }] }, s.adminToken, {
      operationID: null,
    });
    expectArgs(env, 'operationID');
    expect(await usersOf(newUser)).toEqual([]);
    expectArgs(
      await call('/user/user_register', { users: [{ userID: newUser, nickname: 'x' }] }, s.adminToken, {
        operationID: '',
      }),
      'operationID',
    );
    expect(await usersOf(newUser)).toEqual([]);
    expectArgs(
      await call('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' }, null, { operationID: null }),
      'operationID',
    );
    expectArgs(await call('/auth/parse_token', { token: s.adminToken }, null, { operationID: null }), 'operationID');
  });

  it('a missing token header is 1001 on every private route; nothing is written', async () => {
    const f = await fixture();
    const before = await snapshot(f);
    const privateCalls: [string, unknown][] = [
      ['/user/user_register', { users: [{ userID: uid(), nickname: 'x' }] }],
      ['/group/create_group', { ownerUserID: f.O, groupInfo: { groupID: uid('g'), groupType: 2 } }],
      ['/group/set_group_info_ex', { groupID: f.gid, groupName: 'changed' }],
      ['/group/join_group', { groupID: f.gid, joinSource: 3, inviterUserID: f.N }],
      ['/group/dismiss_group', { groupID: f.gid }],
      ['/group/get_groups_info', { groupIDs: [f.gid] }],
      ['/auth/get_user_token', { userID: f.M, platformID: 5 }],
      ['/auth/force_logout', { userID: f.M, platformID: 5 }],
    ];
    for (const [path, body] of privateCalls) {
      expectArgs(await call(path, body, null), 'token');
      expectArgs(await call(path, body, null, { headers: { token: '' } }), 'token');
    }
    expect(await snapshot(f)).toEqual(before);
    // force_logout did not run: the member's token still works.
    expectOk(await call('/group/get_group_member_user_id', { groupID: f.gid }, f.tM));
  });

  it('the public routes need no token', async () => {
    expectOk(await call('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' }, null));
    expectOk(await call('/auth/parse_token', { token: s.adminToken }, null));
  });

  it('checks run in OpenIM order: operationID, then token, then JSON, then fields', async () => {
    expectArgs(await call('/group/get_groups_info', '{not json', null, { operationID: null }), 'operationID');
    expectArgs(await call('/group/get_groups_info', '{not json', null), 'token');
    // A bad token is reported before a bad body.
    const env = await call('/group/get_groups_info', '{not json', 'garbage');
    expect(env.errCode).toBe(1503);
    expectArgs(await call('/group/get_groups_info', '{not json', s.adminToken), /JSON/);
  });

  it('Content-Type is not checked: a JSON body sent as text/plain is decoded', async () => {
    const env = await call('/group/get_groups_info', JSON.stringify({ groupIDs: [uid('g')] }), s.adminToken, {
      headers: { 'content-type': 'text/plain' },
    });
    expectOk(env);
    expect(env.data.groupInfos).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Bodies that are not JSON objects

describe('body shape', () => {
  it('malformed JSON is 1001 without Go/JS error internals; nothing is written', async () => {
    const newUser = uid();
    for (const body of [
      `{"users":[{"userID":"${newUser}","nickname":"x"}]`,
      `{"users":[{"userID":"${newUser}",}]}`,
      "{'users': []}",
      '{"users": [}',
      'users=1',
    ]) {
      const env = await call('/user/user_register', body, s.adminToken);
      expectArgs(env, /JSON/);
      expect(env.errDlt).not.toMatch(/Unexpected token|position \d+|SyntaxError/);
    }
    expect(await usersOf(newUser)).toEqual([]);
  });

  it('an empty or whitespace-only body is 1001', async () => {
    for (const body of ['', '   ', '\n']) {
      expectArgs(await call('/group/get_groups_info', body, s.adminToken), /JSON|body/);
    }
  });

  it('a body that is not an object is 1001 naming the body', async () => {
    for (const body of ['[]', '[{"groupIDs":["x"]}]', '"text"', '42', 'true', 'null']) {
      expectArgs(await call('/group/get_groups_info', body, s.adminToken), 'body');
    }
    // Public routes too.
    expectArgs(await call('/auth/get_admin_token', '[]', null), 'body');
  });

  it('a body over 1 MiB is 1001 with HTTP 200 and nothing is written; exactly 1 MiB is accepted', async () => {
    const tooBig = uid();
    const body = JSON.stringify({ users: [{ userID: tooBig, nickname: 'x' }], pad: 'x'.repeat(MIB) });
    const res = await rawHttp('/user/user_register', {
      headers: { 'content-type': 'application/json', operationID: 'big-1', token: s.adminToken },
      chunks: [body],
    });
    expect(res.status).toBe(200);
    const env = JSON.parse(res.text) as Envelope;
    expectArgs(env, /body|large|size/i);
    expect(await usersOf(tooBig)).toEqual([]);

    // Same through the harness client (content-length declared).
    const viaClient = await call('/user/user_register', body, s.adminToken);
    expectArgs(viaClient, /body|large|size/i);
    expect(await usersOf(tooBig)).toEqual([]);

    // Exactly at the limit: accepted (unknown keys are ignored).
    const fits = uid();
    const base = JSON.stringify({ users: [{ userID: fits, nickname: 'x' }], pad: '' });
    const exact = JSON.stringify({ users: [{ userID: fits, nickname: 'x' }], pad: 'x'.repeat(MIB - base.length) });
    expect(Buffer.byteLength(exact)).toBe(MIB);
    expectOk(await call('/user/user_register', exact, s.adminToken));
    expect((await usersOf(fits)).map((u: any) => u.userID)).toEqual([fits]);
  });

  it('a chunked body (no Content-Length) over 1 MiB is refused the same way', async () => {
    const tooBig = uid();
    const head = `{"users":[{"userID":"${tooBig}","nickname":"x"}],"pad":"`;
    const chunk = 'y'.repeat(64 * 1024);
    const res = await rawHttp('/user/user_register', {
      headers: {
        'content-type': 'application/json',
        operationID: 'big-2',
        token: s.adminToken,
        'transfer-encoding': 'chunked',
      },
      chunks: [head, ...Array.from({ length: 18 }, () => chunk), '"}'],
    });
    expect(res.status).toBe(200);
    expectArgs(JSON.parse(res.text) as Envelope, /body|large|size/i);
    expect(await usersOf(tooBig)).toEqual([]);
    // The server is still healthy afterwards.
    expectOk(await call('/group/get_groups_info', { groupIDs: ['x'] }, s.adminToken));
  });
});

// ---------------------------------------------------------------------------------------------
// Wrong JSON types

describe('wrong JSON types', () => {
  it('string for int, number for string, object/string for array, array for object, bool mix-ups, null for required', async () => {
    const f = await fixture();
    const g = f.gid;
    await runCases(f, [
      [
        'string for int (wrapper)',
        '/group/set_group_info_ex',
        { groupID: g, groupName: 'changed', needVerification: '1' },
        'needVerification',
      ],
      ['number for string', '/group/set_group_info_ex', { groupID: g, groupName: 42 }, 'groupName'],
      ['number for groupID', '/group/kick_group', { groupID: 123, kickedUserIDs: [f.M] }, 'groupID'],
      ['number for userID', '/group/quit_group', { groupID: g, userID: 12 }, 'userID'],
      ['object for array', '/group/invite_user_to_group', { groupID: g, invitedUserIDs: { 0: f.N } }, 'invitedUserIDs'],
      ['string for array', '/group/invite_user_to_group', { groupID: g, invitedUserIDs: f.N }, 'invitedUserIDs'],
      [
        'number inside a string array',
        '/group/invite_user_to_group',
        { groupID: g, invitedUserIDs: [f.N, 7] },
        'invitedUserIDs[1]',
      ],
      ['array for object', '/group/get_group_member_list', { groupID: g, pagination: [1, 10] }, 'pagination'],
      ['string for object', '/group/set_group_info', { groupInfoForSet: 'x' }, 'groupInfoForSet'],
      [
        'number for nested string',
        '/group/set_group_info',
        { groupInfoForSet: { groupID: g, groupName: 'changed', ex: 5 } },
        'groupInfoForSet.ex',
      ],
      [
        'array for string',
        '/group/transfer_group',
        { groupID: g, oldOwnerUserID: f.O, newOwnerUserID: [f.M] },
        'newOwnerUserID',
      ],
      ['string for bool', '/group/dismiss_group', { groupID: g, deleteMember: 'true' }, 'deleteMember'],
      ['number for bool', '/group/dismiss_group', { groupID: g, deleteMember: 1 }, 'deleteMember'],
      ['bool for int', '/group/get_group_member_list', { groupID: g, pagination: page(), filter: true }, 'filter'],
      ['string for int', '/group/mute_group_member', { groupID: g, userID: f.M, mutedSeconds: '60' }, 'mutedSeconds'],
      ['string for int (required)', '/group/join_group', { groupID: g, joinSource: '3' }, 'joinSource', 'N'],
      [
        'string for handleResult',
        '/group/group_application_response',
        { groupID: g, fromUserID: f.N, handleResult: '1' },
        'handleResult',
      ],
      [
        'number for nested member string',
        '/group/set_group_member_info',
        { members: [{ groupID: g, userID: f.M, nickname: 5 }] },
        'members[0].nickname',
      ],
      [
        'object for members array',
        '/group/set_group_member_info',
        { members: { groupID: g, userID: f.M, nickname: 'x' } },
        'members',
      ],
      ['string for member object', '/group/set_group_member_info', { members: ['x'] }, 'members[0]'],
      ['null for a required string', '/group/dismiss_group', { groupID: null }, 'groupID'],
      [
        'string for sendMessage',
        '/group/invite_user_to_group',
        { groupID: g, invitedUserIDs: [f.N], sendMessage: 'yes' },
        'sendMessage',
      ],
    ]);
  });

  it('floats for ints and int32 / uint32 overflow', async () => {
    const f = await fixture();
    const g = f.gid;
    await runCases(f, [
      [
        'float pageNumber',
        '/group/get_group_member_list',
        { groupID: g, pagination: { pageNumber: 1.5, showNumber: 10 } },
        'pagination.pageNumber',
      ],
      [
        'float mutedSeconds',
        '/group/mute_group_member',
        { groupID: g, userID: f.M, mutedSeconds: 1.5 },
        'mutedSeconds',
      ],
      [
        'float roleLevel',
        '/group/set_group_member_info',
        { members: [{ groupID: g, userID: f.M, roleLevel: 60.5 }] },
        'members[0].roleLevel',
      ],
      ['float joinSource', '/group/join_group', { groupID: g, joinSource: 2.5 }, 'joinSource', 'N'],
      [
        'int32 overflow pageNumber',
        '/group/get_group_member_list',
        { groupID: g, pagination: { pageNumber: 2147483648, showNumber: 10 } },
        'pagination.pageNumber',
      ],
      [
        'int32 overflow roleLevel',
        '/group/set_group_member_info',
        { members: [{ groupID: g, userID: f.M, roleLevel: 2147483648 }] },
        'members[0].roleLevel',
      ],
      [
        'int32 underflow roleLevel',
        '/group/set_group_member_info',
        { members: [{ groupID: g, userID: f.M, roleLevel: -2147483649 }] },
        'members[0].roleLevel',
      ],
      ['int32 overflow joinSource', '/group/join_group', { groupID: g, joinSource: 2147483651 }, 'joinSource', 'N'],
      [
        'uint32 overflow mutedSeconds',
        '/group/mute_group_member',
        { groupID: g, userID: f.M, mutedSeconds: 4294967296 },
        'mutedSeconds',
      ],
      [
        'huge number',
        '/group/set_group_info_ex',
        { groupID: g, groupName: 'changed', lookMemberInfo: 1e300 },
        'lookMemberInfo',
      ],
      ['int32 overflow platformID', '/auth/get_user_token', { userID: f.M, platformID: 4294967301 }, 'platformID'],
    ]);
  });

  it('string for int in create_group and user_register creates nothing', async () => {
    const o = uid();
    await s.register(o);
    const gid = uid('g');
    expectArgs(
      await call(
        '/group/create_group',
        { ownerUserID: o, groupInfo: { groupID: gid, groupName: 'x', groupType: '2' } },
        s.adminToken,
      ),
      'groupInfo.groupType',
    );
    expectArgs(
      await call(
        '/group/create_group',
        { ownerUserID: o, memberUserIDs: 'a,b', groupInfo: { groupID: gid, groupType: 2 } },
        s.adminToken,
      ),
      'memberUserIDs',
    );
    expectArgs(await call('/group/create_group', { ownerUserID: o, groupInfo: [gid] }, s.adminToken), 'groupInfo');
    expect(await groupOf(gid)).toBeUndefined();
    const u = uid();
    expectArgs(
      await call('/user/user_register', { users: [{ userID: u, nickname: 'x', appMangerLevel: '1' }] }, s.adminToken),
      'users[0].appMangerLevel',
    );
    expectArgs(
      await call('/user/user_register', { users: [{ userID: u, nickname: 7 }] }, s.adminToken),
      'users[0].nickname',
    );
    expectArgs(await call('/user/user_register', { users: { userID: u, nickname: 'x' } }, s.adminToken), 'users');
    expect(await usersOf(u)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Missing required fields and values outside their set

describe('missing fields and invalid values', () => {
  it('group endpoints name the missing field', async () => {
    const f = await fixture();
    const g = f.gid;
    await runCases(f, [
      ['member list without groupID', '/group/get_group_member_list', { pagination: page() }, 'groupID'],
      ['member list without pagination', '/group/get_group_member_list', { groupID: g }, 'pagination'],
      [
        'pagination without pageNumber',
        '/group/get_group_member_list',
        { groupID: g, pagination: { showNumber: 10 } },
        'pagination.pageNumber',
      ],
      [
        'pageNumber 0',
        '/group/get_group_member_list',
        { groupID: g, pagination: { pageNumber: 0, showNumber: 10 } },
        'pagination.pageNumber',
      ],
      [
        'showNumber over the list limit',
        '/group/get_group_member_list',
        { groupID: g, pagination: { pageNumber: 1, showNumber: 1001 } },
        'pagination.showNumber',
      ],
      ['filter outside 0..5', '/group/get_group_member_list', { groupID: g, pagination: page(), filter: 6 }, 'filter'],
      ['joined list without pagination', '/group/get_joined_group_list', { fromUserID: f.N }, 'pagination'],
      ['joined list without fromUserID', '/group/get_joined_group_list', { pagination: page() }, 'fromUserID'],
      ['groups info without groupIDs', '/group/get_groups_info', {}, 'groupIDs'],
      ['members info without userIDs', '/group/get_group_members_info', { groupID: g }, 'userIDs'],
      ['members info with empty userIDs', '/group/get_group_members_info', { groupID: g, userIDs: [] }, 'userIDs'],
      ['join without joinSource', '/group/join_group', { groupID: g }, 'joinSource', 'N'],
      ['join without groupID', '/group/join_group', { joinSource: 3 }, 'groupID', 'N'],
      ['joinSource 0', '/group/join_group', { groupID: g, joinSource: 0 }, 'joinSource', 'N'],
      ['joinSource 5', '/group/join_group', { groupID: g, joinSource: 5 }, 'joinSource', 'N'],
      ['quit without groupID', '/group/quit_group', {}, 'groupID', 'M'],
      ['invite without invitedUserIDs', '/group/invite_user_to_group', { groupID: g }, 'invitedUserIDs'],
      [
        'invite with empty invitedUserIDs',
        '/group/invite_user_to_group',
        { groupID: g, invitedUserIDs: [] },
        'invitedUserIDs',
      ],
      [
        'invite with an empty userID',
        '/group/invite_user_to_group',
        { groupID: g, invitedUserIDs: [''] },
        'invitedUserIDs[0]',
      ],
      ['kick with empty kickedUserIDs', '/group/kick_group', { groupID: g, kickedUserIDs: [] }, 'kickedUserIDs'],
      ['kick without groupID', '/group/kick_group', { kickedUserIDs: [f.M] }, 'groupID'],
      [
        'transfer without oldOwnerUserID',
        '/group/transfer_group',
        { groupID: g, newOwnerUserID: f.M },
        'oldOwnerUserID',
      ],
      [
        'transfer without newOwnerUserID',
        '/group/transfer_group',
        { groupID: g, oldOwnerUserID: f.O },
        'newOwnerUserID',
      ],
      ['transfer without groupID', '/group/transfer_group', { oldOwnerUserID: f.O, newOwnerUserID: f.M }, 'groupID'],
      ['dismiss without groupID', '/group/dismiss_group', {}, 'groupID'],
      ['mute without groupID', '/group/mute_group', {}, 'groupID'],
      ['cancel mute with empty groupID', '/group/cancel_mute_group', { groupID: '' }, 'groupID'],
      ['mute member without mutedSeconds', '/group/mute_group_member', { groupID: g, userID: f.M }, 'mutedSeconds'],
      [
        'mute member for 0 seconds',
        '/group/mute_group_member',
        { groupID: g, userID: f.M, mutedSeconds: 0 },
        'mutedSeconds',
      ],
      ['mute member without userID', '/group/mute_group_member', { groupID: g, mutedSeconds: 60 }, 'userID'],
      ['cancel mute member without userID', '/group/cancel_mute_group_member', { groupID: g }, 'userID'],
      ['member info without members', '/group/set_group_member_info', {}, 'members'],
      ['member info with empty members', '/group/set_group_member_info', { members: [] }, 'members'],
      [
        'member entry without groupID',
        '/group/set_group_member_info',
        { members: [{ userID: f.M, nickname: 'x' }] },
        'members[0].groupID',
      ],
      [
        'member entry without userID',
        '/group/set_group_member_info',
        { members: [{ groupID: g, nickname: 'x' }] },
        'members[0].userID',
      ],
      ['set info without groupInfoForSet', '/group/set_group_info', {}, 'groupInfoForSet'],
      [
        'set info without groupID',
        '/group/set_group_info',
        { groupInfoForSet: { groupName: 'x' } },
        'groupInfoForSet.groupID',
      ],
      [
        'set info needVerification 3',
        '/group/set_group_info',
        { groupInfoForSet: { groupID: g, needVerification: 3 } },
        'groupInfoForSet.needVerification',
      ],
      ['set info ex without groupID', '/group/set_group_info_ex', { groupName: 'x' }, 'groupID'],
      [
        'set info ex applyMemberFriend 2',
        '/group/set_group_info_ex',
        { groupID: g, applyMemberFriend: 2 },
        'applyMemberFriend',
      ],
      [
        'response without fromUserID',
        '/group/group_application_response',
        { groupID: g, handleResult: 1 },
        'fromUserID',
      ],
      [
        'response with handleResult 2',
        '/group/group_application_response',
        { groupID: g, fromUserID: f.N, handleResult: 2 },
        'handleResult',
      ],
      ['recv list without fromUserID', '/group/get_recv_group_applicationList', { pagination: page() }, 'fromUserID'],
      ['recv list without pagination', '/group/get_recv_group_applicationList', { fromUserID: f.O }, 'pagination'],
      [
        'recv list handleResults 5',
        '/group/get_recv_group_applicationList',
        { fromUserID: f.O, pagination: page(), handleResults: [5] },
        'handleResults[0]',
      ],
      ['req list without userID', '/group/get_user_req_group_applicationList', { pagination: page() }, 'userID'],
      ['specified without userID', '/group/get_specified_user_group_request_info', { groupID: g }, 'userID'],
      ['specified without groupID', '/group/get_specified_user_group_request_info', { userID: f.N }, 'groupID'],
    ]);
  });

  it('create_group names its missing fields and out-of-set values; nothing is created', async () => {
    const o = uid();
    await s.register(o);
    const gid = uid('g');
    const info = { groupID: gid, groupName: 'x', groupType: 2 };
    const cases: [unknown, string][] = [
      [{ groupInfo: info }, 'ownerUserID'],
      [{ ownerUserID: '', groupInfo: info }, 'ownerUserID'],
      [{ ownerUserID: o }, 'groupInfo'],
      [{ ownerUserID: o, groupInfo: null }, 'groupInfo'],
      [{ ownerUserID: o, groupInfo: { ...info, groupType: 3 } }, 'groupInfo.groupType'],
      [{ ownerUserID: o, groupInfo: { ...info, needVerification: 3 } }, 'groupInfo.needVerification'],
      [{ ownerUserID: o, groupInfo: { ...info, needVerification: -1 } }, 'groupInfo.needVerification'],
      [{ ownerUserID: o, groupInfo: { ...info, lookMemberInfo: 2 } }, 'groupInfo.lookMemberInfo'],
      [{ ownerUserID: o, memberUserIDs: [''], groupInfo: info }, 'memberUserIDs[0]'],
    ];
    for (const [body, field] of cases) expectArgs(await call('/group/create_group', body, s.adminToken), field);
    expect(await groupOf(gid)).toBeUndefined();
    expect((await ok('/group/get_joined_group_list', { fromUserID: o, pagination: page() }, s.adminToken)).total).toBe(
      0,
    );
  });

  it('auth and user endpoints name their missing fields; nothing is registered', async () => {
    const u = uid();
    const cases: [string, unknown, string, string | null][] = [
      ['/auth/get_admin_token', { userID: 'imAdmin' }, 'secret', null],
      ['/auth/get_admin_token', { secret: TEST_SECRET }, 'userID', null],
      ['/auth/parse_token', {}, 'token', null],
      ['/auth/get_user_token', { userID: 'x' }, 'platformID', s.adminToken],
      ['/auth/get_user_token', { platformID: 5 }, 'userID', s.adminToken],
      ['/auth/get_user_token', { userID: 'x', platformID: 0 }, 'platformID', s.adminToken],
      ['/auth/get_user_token', { userID: 'x', platformID: 12 }, 'platformID', s.adminToken],
      ['/auth/force_logout', { userID: 'x' }, 'platformID', s.adminToken],
      ['/user/user_register', {}, 'users', s.adminToken],
      ['/user/user_register', { users: [] }, 'users', s.adminToken],
      ['/user/user_register', { users: [{ userID: u }] }, 'users[0].nickname', s.adminToken],
      ['/user/user_register', { users: [{ userID: u, nickname: '' }] }, 'users[0].nickname', s.adminToken],
      ['/user/user_register', { users: [{ nickname: 'x' }] }, 'users[0].userID', s.adminToken],
      ['/user/user_register', { users: [{ userID: `${u}:x`, nickname: 'x' }] }, 'users[0].userID', s.adminToken],
      ['/user/user_register', { users: [{ userID: `${u} x`, nickname: 'x' }] }, 'users[0].userID', s.adminToken],
      ['/user/get_users_info', {}, 'userIDs', s.adminToken],
      ['/user/update_user_info_ex', {}, 'userInfo', s.adminToken],
      ['/user/update_user_info_ex', { userInfo: { nickname: 'x' } }, 'userInfo.userID', s.adminToken],
    ];
    for (const [path, body, field, token] of cases) expectArgs(await call(path, body, token), field);
    expect(await usersOf(u, `${u}:x`, `${u} x`)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Over-long fields

describe('over-long fields', () => {
  const x = (n: number) => 'x'.repeat(n);

  it('user_register: userID 64, nickname/faceURL 255, ex 1024 are the limits; one more is 1001 and nothing is registered', async () => {
    const long = (n: number) => `${uid()}_${x(n)}`.slice(0, n);
    const over = long(65);
    const cases: [Record<string, unknown>, string][] = [
      [{ userID: over, nickname: 'n' }, 'users[0].userID'],
      [{ userID: uid(), nickname: x(256) }, 'users[0].nickname'],
      [{ userID: uid(), nickname: 'n', faceURL: x(256) }, 'users[0].faceURL'],
      [{ userID: uid(), nickname: 'n', ex: x(1025) }, 'users[0].ex'],
    ];
    for (const [user, field] of cases) {
      expectArgs(await call('/user/user_register', { users: [user] }, s.adminToken), field);
      expect(await usersOf(user.userID as string).catch(() => [])).toEqual([]);
    }
    // One over-long entry refuses the whole batch.
    const fine = uid();
    expectArgs(
      await call(
        '/user/user_register',
        {
          users: [
            { userID: fine, nickname: 'n' },
            { userID: over, nickname: 'n' },
          ],
        },
        s.adminToken,
      ),
      'users[1].userID',
    );
    expect(await usersOf(fine)).toEqual([]);

    const atLimit = long(64);
    expectOk(
      await call(
        '/user/user_register',
        { users: [{ userID: atLimit, nickname: x(255), faceURL: x(255), ex: x(1024) }] },
        s.adminToken,
      ),
    );
    expect((await usersOf(atLimit))[0]).toMatchObject({
      userID: atLimit,
      nickname: x(255),
      faceURL: x(255),
      ex: x(1024),
    });
  });

  it('update_user_info_ex: over-long nickname, faceURL or ex is 1001 and the profile is unchanged', async () => {
    const u = uid();
    await s.register(u);
    const before = await usersOf(u);
    for (const [patch, field] of [
      [{ nickname: x(256) }, 'userInfo.nickname'],
      [{ faceURL: x(256) }, 'userInfo.faceURL'],
      [{ ex: x(1025) }, 'userInfo.ex'],
    ] as const) {
      expectArgs(
        await call('/user/update_user_info_ex', { userInfo: { userID: u, nickname: 'ok', ...patch } }, s.adminToken),
        field,
      );
    }
    expectArgs(
      await call('/user/update_user_info_ex', { userInfo: { userID: `${u}${x(64)}`, nickname: 'ok' } }, s.adminToken),
      'userInfo.userID',
    );
    expect(await usersOf(u)).toEqual(before);
  });

  it('create_group: groupID 64, groupName/faceURL 255, ex 1024, notification/introduction 4096; over is 1001, nothing created', async () => {
    const o = uid();
    await s.register(o);
    const longID = `g${uid()}${x(64)}`;
    const over = longID.slice(0, 65);
    const create = (groupInfo: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      call(
        '/group/create_group',
        { ownerUserID: o, groupInfo: { groupType: 2, groupName: 'n', ...groupInfo }, ...extra },
        s.adminToken,
      );
    const gid = uid('g');
    const cases: [Record<string, unknown>, string][] = [
      [{ groupID: over }, 'groupInfo.groupID'],
      [{ groupID: gid, groupName: x(256) }, 'groupInfo.groupName'],
      [{ groupID: gid, faceURL: x(256) }, 'groupInfo.faceURL'],
      [{ groupID: gid, ex: x(1025) }, 'groupInfo.ex'],
      [{ groupID: gid, notification: x(4097) }, 'groupInfo.notification'],
      [{ groupID: gid, introduction: x(4097) }, 'groupInfo.introduction'],
    ];
    for (const [info, field] of cases) expectArgs(await create(info), field);
    expectArgs(await create({ groupID: gid }, { ownerUserID: `${o}${x(64)}` }), 'ownerUserID');
    expectArgs(await create({ groupID: gid }, { memberUserIDs: [x(65)] }), 'memberUserIDs[0]');
    expectArgs(await create({ groupID: gid }, { adminUserIDs: [x(65)] }), 'adminUserIDs[0]');
    expect(await groupOf(gid)).toBeUndefined();
    expect((await ok('/group/get_joined_group_list', { fromUserID: o, pagination: page() }, s.adminToken)).total).toBe(
      0,
    );

    const atLimit = longID.slice(0, 64);
    const full = {
      groupID: atLimit,
      groupName: x(255),
      faceURL: x(255),
      ex: x(1024),
      notification: x(4096),
      introduction: x(4096),
    };
    expectOk(await create(full));
    expect(await groupOf(atLimit)).toMatchObject(full);
  });

  it('lengths are counted in characters, not UTF-16 units or bytes', async () => {
    const o = uid();
    await s.register(o);
    const gid = uid('g');
    const emoji = '\u{1F600}';
    expectArgs(
      await call(
        '/group/create_group',
        { ownerUserID: o, groupInfo: { groupID: gid, groupType: 2, groupName: emoji.repeat(256) } },
        s.adminToken,
      ),
      'groupInfo.groupName',
    );
    expect(await groupOf(gid)).toBeUndefined();
    expectOk(
      await call(
        '/group/create_group',
        { ownerUserID: o, groupInfo: { groupID: gid, groupType: 2, groupName: emoji.repeat(255) } },
        s.adminToken,
      ),
    );
    expect((await groupOf(gid)).groupName).toBe(emoji.repeat(255));
  });

  it('a lone surrogate (a "\\ud800" escape without its pair) is 1001: it could not be stored as sent', async () => {
    const o = uid();
    await s.register(o);
    const gid = uid('g');
    // JSON.stringify writes a lone surrogate as the escape "\ud800", as a hostile client would.
    expectArgs(
      await call(
        '/group/create_group',
        { ownerUserID: o, groupInfo: { groupID: `${gid}\ud800`, groupType: 2 } },
        s.adminToken,
      ),
      'groupInfo.groupID',
    );
    expectArgs(
      await call('/user/update_user_info_ex', { userInfo: { userID: o, nickname: 'a\udc00b' } }, s.adminToken),
      'userInfo.nickname',
    );
    expect((await s.query(`SELECT group_id FROM "groups" WHERE group_id LIKE '${gid}%'`)).length).toBe(0);
    expect((await usersOf(o))[0].nickname).toBe(o);
  });

  it('group and member writes: over-long values are 1001 and nothing changes', async () => {
    const f = await fixture();
    const g = f.gid;
    await runCases(f, [
      [
        'set_group_info groupName',
        '/group/set_group_info',
        { groupInfoForSet: { groupID: g, groupName: x(256) } },
        'groupInfoForSet.groupName',
      ],
      [
        'set_group_info notification',
        '/group/set_group_info',
        { groupInfoForSet: { groupID: g, groupName: 'ok', notification: x(4097) } },
        'groupInfoForSet.notification',
      ],
      [
        'set_group_info introduction',
        '/group/set_group_info',
        { groupInfoForSet: { groupID: g, introduction: x(4097) } },
        'groupInfoForSet.introduction',
      ],
      [
        'set_group_info faceURL',
        '/group/set_group_info',
        { groupInfoForSet: { groupID: g, faceURL: x(256) } },
        'groupInfoForSet.faceURL',
      ],
      [
        'set_group_info ex',
        '/group/set_group_info',
        { groupInfoForSet: { groupID: g, ex: x(1025) } },
        'groupInfoForSet.ex',
      ],
      [
        'set_group_info groupID',
        '/group/set_group_info',
        { groupInfoForSet: { groupID: `${g}${x(64)}`, groupName: 'ok' } },
        'groupInfoForSet.groupID',
      ],
      [
        'set_group_info_ex groupName',
        '/group/set_group_info_ex',
        { groupID: g, groupName: x(256), introduction: 'ok' },
        'groupName',
      ],
      [
        'set_group_info_ex notification',
        '/group/set_group_info_ex',
        { groupID: g, notification: x(4097) },
        'notification',
      ],
      [
        'set_group_info_ex introduction',
        '/group/set_group_info_ex',
        { groupID: g, introduction: x(4097) },
        'introduction',
      ],
      ['set_group_info_ex faceURL', '/group/set_group_info_ex', { groupID: g, faceURL: x(256) }, 'faceURL'],
      ['set_group_info_ex ex', '/group/set_group_info_ex', { groupID: g, groupName: 'ok', ex: x(1025) }, 'ex'],
      [
        'member nickname',
        '/group/set_group_member_info',
        { members: [{ groupID: g, userID: f.M, nickname: x(256) }] },
        'members[0].nickname',
      ],
      [
        'member faceURL',
        '/group/set_group_member_info',
        { members: [{ groupID: g, userID: f.M, faceURL: x(256) }] },
        'members[0].faceURL',
      ],
      [
        'member ex',
        '/group/set_group_member_info',
        {
          members: [
            { groupID: g, userID: f.M, nickname: 'ok' },
            { groupID: g, userID: f.A, ex: x(1025) },
          ],
        },
        'members[1].ex',
      ],
      [
        'member userID',
        '/group/set_group_member_info',
        { members: [{ groupID: g, userID: x(65), nickname: 'ok' }] },
        'members[0].userID',
      ],
      ['join ex', '/group/join_group', { groupID: g, joinSource: 3, ex: x(1025) }, 'ex', 'N'],
      ['join reqMessage', '/group/join_group', { groupID: g, joinSource: 3, reqMessage: x(1025) }, 'reqMessage', 'N'],
      ['join groupID', '/group/join_group', { groupID: `${g}${x(64)}`, joinSource: 3 }, 'groupID', 'N'],
      [
        'invite userID',
        '/group/invite_user_to_group',
        { groupID: g, invitedUserIDs: [f.N, x(65)] },
        'invitedUserIDs[1]',
      ],
      ['kick userID', '/group/kick_group', { groupID: g, kickedUserIDs: [x(65)] }, 'kickedUserIDs[0]'],
      [
        'transfer userID',
        '/group/transfer_group',
        { groupID: g, oldOwnerUserID: f.O, newOwnerUserID: x(65) },
        'newOwnerUserID',
      ],
      ['mute userID', '/group/mute_group_member', { groupID: g, userID: x(65), mutedSeconds: 60 }, 'userID'],
      [
        'response handledMsg',
        '/group/group_application_response',
        { groupID: g, fromUserID: f.N, handleResult: 1, handledMsg: x(1025) },
        'handledMsg',
      ],
      ['groups info groupID', '/group/get_groups_info', { groupIDs: [g, x(65)] }, 'groupIDs[1]'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Too many list entries

describe('too many list entries', () => {
  const ids = (n: number, prefix = 'x') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  it('more than 1000 entries is 1001 naming the list; nothing is written', async () => {
    const f = await fixture();
    const g = f.gid;
    await runCases(f, [
      [
        'invitedUserIDs',
        '/group/invite_user_to_group',
        { groupID: g, invitedUserIDs: [f.N, ...ids(1000)] },
        'invitedUserIDs',
      ],
      ['kickedUserIDs', '/group/kick_group', { groupID: g, kickedUserIDs: [f.M, ...ids(1000)] }, 'kickedUserIDs'],
      ['groupIDs', '/group/get_groups_info', { groupIDs: ids(1001) }, 'groupIDs'],
      ['userIDs', '/group/get_group_members_info', { groupID: g, userIDs: ids(1001) }, 'userIDs'],
      [
        'members',
        '/group/set_group_member_info',
        { members: Array.from({ length: 1001 }, () => ({ groupID: g, userID: f.M, nickname: 'x' })) },
        'members',
      ],
      [
        'recv groupIDs',
        '/group/get_recv_group_applicationList',
        { fromUserID: f.O, pagination: page(), groupIDs: ids(1001) },
        'groupIDs',
      ],
      ['users info', '/user/get_users_info', { userIDs: ids(1001) }, 'userIDs'],
    ]);
  });

  it('create_group and user_register with more than 1000 entries create nothing; 1000 are accepted', async () => {
    const o = uid();
    await s.register(o);
    const gid = uid('g');
    for (const key of ['memberUserIDs', 'adminUserIDs']) {
      const env = await call(
        '/group/create_group',
        { ownerUserID: o, [key]: ids(1001, uid('m')), groupInfo: { groupID: gid, groupType: 2 } },
        s.adminToken,
      );
      expectArgs(env, key);
    }
    expect(await groupOf(gid)).toBeUndefined();

    const prefix = uid('bulk');
    const users = ids(1001, prefix).map((userID) => ({ userID, nickname: 'n' }));
    expectArgs(await call('/user/user_register', { users }, s.adminToken), 'users');
    expect(await usersOf(`${prefix}0`, `${prefix}1000`)).toEqual([]);

    expectOk(await call('/user/user_register', { users: users.slice(0, 1000) }, s.adminToken));
    expectOk(
      await call(
        '/group/create_group',
        {
          ownerUserID: o,
          memberUserIDs: users.slice(0, 1000).map((u) => u.userID),
          groupInfo: { groupID: gid, groupType: 2 },
        },
        s.adminToken,
      ),
    );
    expect((await groupOf(gid)).memberCount).toBe(1001);
  });
});

// ---------------------------------------------------------------------------------------------
// Key case, unknown keys

describe('keys', () => {
  it('keys in another letter case are accepted (GroupID, nickName, PAGINATION...)', async () => {
    const f = await fixture();
    expectOk(
      await call(
        '/group/set_group_member_info',
        { Members: [{ GroupID: f.gid, UserID: f.M, nickName: 'nick', FaceUrl: 'f.png' }] },
        f.tM,
      ),
    );
    const m = (await membersOf(f.gid)).find((x: any) => x.userID === f.M);
    expect(m).toMatchObject({ nickname: 'nick', faceURL: 'f.png' });

    const list = await call(
      '/group/get_group_member_list',
      { GROUPID: f.gid, Pagination: { PageNumber: 1, SHOWNUMBER: 2 } },
      f.tM,
    );
    expectOk(list);
    expect(list.data.total).toBe(3);
    expect(list.data.members).toHaveLength(2);

    const gid = uid('g');
    expectOk(
      await call(
        '/group/create_group',
        { OwnerUserID: f.O, memberuserids: [f.N], GroupInfo: { GroupID: gid, GROUPNAME: 'cased', GroupType: 2 } },
        s.adminToken,
      ),
    );
    expect(await groupOf(gid)).toMatchObject({ groupName: 'cased', ownerUserID: f.O, memberCount: 2 });

    expectOk(
      await call(
        '/group/set_group_info_ex',
        { groupid: gid, Introduction: 'intro', NEEDVERIFICATION: 2 },
        s.adminToken,
      ),
    );
    expect(await groupOf(gid)).toMatchObject({ introduction: 'intro', needVerification: 2 });
  });

  it('wrong-case keys are validated like the canonical ones', async () => {
    const f = await fixture();
    const before = await snapshot(f);
    expectArgs(await call('/group/set_group_info_ex', { GroupID: f.gid, GROUPNAME: 42 }, s.adminToken), 'groupName');
    expectArgs(
      await call(
        '/group/set_group_member_info',
        { members: [{ groupID: f.gid, userID: f.M, NickName: 'x'.repeat(256) }] },
        s.adminToken,
      ),
      'members[0].nickname',
    );
    expect(await snapshot(f)).toEqual(before);
  });

  it('when a key appears twice in different case, the later one wins (Go encoding/json)', async () => {
    const f = await fixture();
    const a = await call(
      '/group/get_group_member_user_id',
      JSON.parse(`{"GroupID":"${uid('nosuch')}","groupID":"${f.gid}"}`),
      f.tM,
    );
    expectOk(a);
    const b = await call(
      '/group/get_group_member_user_id',
      `{"groupID":"${f.gid}","GROUPID":"${uid('nosuch')}"}`,
      f.tM,
    );
    expect(b.errCode).toBe(1004);
  });

  it('unknown keys (including __proto__ and constructor) are ignored', async () => {
    const f = await fixture();
    const body = `{"groupID":"${f.gid}","groupName":"renamed","unknown":1,"isAppAdmin":true,"__proto__":{"groupName":"polluted","isAppAdmin":true},"constructor":{"prototype":{"x":1}},"nested":{"a":[1,2]}}`;
    expectOk(await call('/group/set_group_info_ex', body, f.tO));
    expect((await groupOf(f.gid)).groupName).toBe('renamed');
    // __proto__ did not grant anything: an ordinary member is still refused.
    const env = await call('/group/set_group_info_ex', body.replace('renamed', 'byMember'), f.tM);
    expect(env.errCode).toBe(1002);
    expect((await groupOf(f.gid)).groupName).toBe('renamed');
    // Unknown keys inside nested objects too.
    const u = uid();
    expectOk(
      await call(
        '/user/user_register',
        { users: [{ userID: u, nickname: 'n', password: 'p', createTime: 1 }] },
        s.adminToken,
      ),
    );
    expect((await usersOf(u))[0].createTime).not.toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Routes, methods, CORS

describe('routes and methods', () => {
  it('an unknown route is HTTP 404 with an envelope and no data', async () => {
    for (const path of [
      '/group/no_such_thing',
      '/nope',
      '/',
      '/group/Create_Group',
      '/GROUP/create_group',
      '/group/create_group/extra',
    ]) {
      const res = await s.client.raw(path, {}, { token: s.adminToken });
      expect(res.status, path).toBe(404);
      expect(res.body, path).toMatchObject({ errCode: 404, errMsg: expect.any(String), errDlt: expect.any(String) });
      expect(res.body).not.toHaveProperty('data');
      expectClean(res.body);
    }
  });

  it('GET (and other methods) on a POST route is 404 and does nothing', async () => {
    const res = await s.client.raw('/group/get_groups_info', undefined, { method: 'GET', token: s.adminToken });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ errCode: 404 });
    expect(res.body).not.toHaveProperty('data');

    const u = uid();
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const body = JSON.stringify({ users: [{ userID: u, nickname: 'n' }] });
      const r = await rawHttp('/user/user_register', {
        method,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          operationID: 'm',
          token: s.adminToken,
        },
        chunks: [body],
      });
      expect(r.status, method).toBe(404);
      expect(JSON.parse(r.text)).toMatchObject({ errCode: 404 });
    }
    expect(await usersOf(u)).toEqual([]);
  });

  it("OPTIONS preflight answers 200 with OpenIM's body and permissive CORS headers", async () => {
    for (const path of ['/group/create_group', '/auth/get_admin_token', '/anything']) {
      const res = await fetch(`${s.client.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://example.test',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'token,operationid',
        },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toBe('Options Request!');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-methods')).toBe('*');
      expect(res.headers.get('access-control-allow-headers')).toBe('*');
    }
  });

  it('errors carry CORS headers and JSON content type too', async () => {
    const res = await fetch(`${s.client.url}/group/get_groups_info`, {
      method: 'POST',
      headers: { operationID: 'c' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expectArgs((await res.json()) as Envelope, 'token');
  });
});
