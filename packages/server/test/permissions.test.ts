// Every permission rule of the reference's matrix (openim-group-spec.md §4.1) and the write rules of
// §4.2/§4.3, as huddle implements them (including its §7 fixes), through real HTTP. Roles: O owner
// (100), A admin (60), M ordinary member (20), N non-member, S app admin (imAdmin). After every
// refused write the group's state is read back and must be unchanged.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, page, startServer, TEST_SECRET, type Envelope, type TestServer } from './harness.js';
import { badTokens, claimsFor, forgeJwt } from './tokens.js';

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
/** A fresh prefix for userIDs and groupIDs (letters, digits and _ only). */
const uid = (tag = 'u') => `${tag}${RUN}_${++seq}`;

const ERR_NAMES: Record<number, string> = {
  1001: 'ArgsError',
  1002: 'NoPermissionError',
  1004: 'RecordNotFoundError',
  1101: 'UserIDNotFoundError',
  1201: 'GroupIDNotFoundError',
  1202: 'GroupIDExisted',
  1204: 'DismissedAlreadyError',
  1206: 'GroupRequestHandled',
  1501: 'TokenExpiredError',
  1502: 'TokenInvalidError',
  1503: 'TokenMalformedError',
  1504: 'TokenNotValidYetError',
  1506: 'TokenKickedError',
  1507: 'TokenNotExistError',
};

/** Error details must never leak internals. */
function expectClean(env: Envelope): void {
  const text = `${env.errMsg} ${env.errDlt}`;
  expect(text).not.toContain('    at ');
  expect(text).not.toMatch(/\b(SELECT|INSERT|UPDATE|DELETE FROM)\b/);
  expect(text.toLowerCase()).not.toContain('sqlite');
  expect(text).not.toMatch(/https?:\/\//);
}

function expectErr(env: Envelope, code: number): void {
  expect(env.errCode, JSON.stringify(env)).toBe(code);
  expect(env.errMsg).toBe(ERR_NAMES[code]);
  expect(typeof env.errDlt).toBe('string');
  expect(env).not.toHaveProperty('data');
  expectClean(env);
}

function expectOk(env: Envelope): void {
  expect(env.errCode, JSON.stringify(env)).toBe(0);
  expect(env.errMsg).toBe('');
  expect(env.errDlt).toBe('');
}

const post = (path: string, body: unknown, token: string) => s.client.post(path, body, token);
const ok = <T = any>(path: string, body: unknown, token: string) => s.client.ok<T>(path, body, token);

async function groupOf(groupID: string) {
  const data = await ok('/group/get_groups_info', { groupIDs: [groupID] }, s.adminToken);
  return data.groupInfos[0];
}

async function membersOf(groupID: string): Promise<any[]> {
  const data = await ok('/group/get_group_member_list', { groupID, pagination: page(1, 1000) }, s.adminToken);
  return data.members ?? [];
}

async function memberOf(groupID: string, userID: string) {
  return (await membersOf(groupID)).find((m) => m.userID === userID);
}

async function requestOf(groupID: string, userID: string) {
  const data = await ok('/group/get_specified_user_group_request_info', { groupID, userID }, s.adminToken);
  return data.groupRequests[0];
}

/** Everything a refused write could have touched: the group, its members, and the named users' requests. */
async function snapshot(groupIDs: string[], applicants: string[] = []) {
  const out: unknown[] = [];
  for (const g of groupIDs) {
    out.push(await groupOf(g), await membersOf(g));
    for (const u of applicants) out.push(await requestOf(g, u));
  }
  return out;
}

/** Calls a write that must be refused with `code`, and checks that nothing changed. */
async function refused(
  code: number,
  groupIDs: string | string[],
  call: () => Promise<Envelope>,
  applicants: string[] = [],
): Promise<Envelope> {
  const ids = Array.isArray(groupIDs) ? groupIDs : [groupIDs];
  const before = await snapshot(ids, applicants);
  const env = await call();
  expectErr(env, code);
  expect(await snapshot(ids, applicants)).toEqual(before);
  return env;
}

/** A live group has exactly one owner and memberCount equals its member rows. */
async function checkInvariants(groupID: string): Promise<void> {
  const group = await groupOf(groupID);
  const members = await membersOf(groupID);
  expect(group.memberCount).toBe(members.length);
  expect(new Set(members.map((m) => m.userID)).size).toBe(members.length);
  if (group.status !== 2) {
    const owners = members.filter((m) => m.roleLevel === 100);
    expect(owners.map((m) => m.userID)).toEqual([group.ownerUserID]);
  }
}

interface Fixture {
  gid: string;
  /** owner, admins, ordinary members, non-members */
  O: string;
  A: string;
  A2: string;
  M: string;
  M2: string;
  N: string;
  N2: string;
  t: { O: string; A: string; A2: string; M: string; M2: string; N: string; N2: string; S: string };
}

/** A group with an owner, two admins, two ordinary members, plus two registered non-members. */
async function fixture(options: { needVerification?: number } = {}): Promise<Fixture> {
  const p = uid('f');
  const [O, A, A2, M, M2, N, N2] = ['o', 'a', 'a2', 'm', 'm2', 'n', 'n2'].map((r) => `${p}_${r}`) as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  await s.register(O, A, A2, M, M2, N, N2);
  const gid = `g${p}`;
  await createGroup(s, {
    owner: O,
    admins: [A, A2],
    members: [M, M2],
    groupID: gid,
    needVerification: options.needVerification ?? 0,
  });
  const [tO, tA, tA2, tM, tM2, tN, tN2] = await Promise.all([O, A, A2, M, M2, N, N2].map((u) => s.tokenFor(u)));
  return {
    gid,
    O,
    A,
    A2,
    M,
    M2,
    N,
    N2,
    t: { O: tO!, A: tA!, A2: tA2!, M: tM!, M2: tM2!, N: tN!, N2: tN2!, S: s.adminToken },
  };
}

// ---------------------------------------------------------------------------------------------
// Auth

describe('auth', () => {
  it('get_admin_token: wrong secret is 1002, a non-admin userID is 1001, the right pair works', async () => {
    const bad = await s.client.raw('/auth/get_admin_token', { secret: 'not-the-secret-xxxxxxxx', userID: 'imAdmin' });
    expect(bad.status).toBe(200);
    expectErr(bad.body, 1002);
    expect(bad.body.errDlt).not.toContain(TEST_SECRET);

    const u = uid();
    await s.register(u);
    const notAdmin = await s.client.raw('/auth/get_admin_token', { secret: TEST_SECRET, userID: u });
    expectErr(notAdmin.body, 1001);

    const good = await s.client.raw('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' });
    expectOk(good.body);
    expect(typeof good.body.data.token).toBe('string');
    expect(good.body.data.expireTimeSeconds).toBeGreaterThan(0);
  });

  it('get_user_token: only an app admin may call it; platform 10 and admin users are refused; unknown user 1004', async () => {
    const u = uid();
    const v = uid();
    await s.register(u, v);
    const tu = await s.tokenFor(u);

    expectErr(await post('/auth/get_user_token', { userID: v, platformID: 5 }, tu), 1002);
    expectErr(await post('/auth/get_user_token', { userID: u, platformID: 5 }, tu), 1002);
    expectErr(await post('/auth/get_user_token', { userID: v, platformID: 10 }, s.adminToken), 1002);
    expectErr(await post('/auth/get_user_token', { userID: 'imAdmin', platformID: 5 }, s.adminToken), 1002);
    expectErr(await post('/auth/get_user_token', { userID: uid('ghost'), platformID: 5 }, s.adminToken), 1004);

    // A notification account (appMangerLevel >= 3) gets no user token.
    const bot = uid('bot');
    await ok('/user/user_register', { users: [{ userID: bot, nickname: 'bot', appMangerLevel: 3 }] }, s.adminToken);
    expectErr(await post('/auth/get_user_token', { userID: bot, platformID: 5 }, s.adminToken), 1001);

    const data = await ok('/auth/get_user_token', { userID: v, platformID: 2 }, s.adminToken);
    const parsed = await s.client.ok('/auth/parse_token', { token: data.token });
    expect(parsed).toMatchObject({ userID: v, platformID: 2 });
  });

  it('force_logout revokes that platform at once; another platform keeps working; only app admins may call it', async () => {
    const u = uid();
    await s.register(u);
    const web = await s.tokenFor(u, 5);
    const ios = await s.tokenFor(u, 1);
    const read = (token: string) => post('/group/get_joined_group_list', { fromUserID: u, pagination: page() }, token);
    expectOk(await read(web));

    // A user cannot log themselves (or anybody) out through this admin call; nothing is revoked.
    expectErr(await post('/auth/force_logout', { userID: u, platformID: 1 }, web), 1002);
    expectOk(await read(ios));

    expectOk(await post('/auth/force_logout', { userID: u, platformID: 5 }, s.adminToken));
    expectErr(await read(web), 1506);
    expectErr(await s.client.post('/auth/parse_token', { token: web }), 1506);
    expectOk(await read(ios));

    // A token issued after the logout works.
    const fresh = await s.tokenFor(u, 5);
    expectOk(await read(fresh));
    expectErr(await read(web), 1506);
  });

  it('garbage, foreign, unregistered, expired and not-yet-valid tokens are refused with 150x', async () => {
    const u = uid();
    await s.register(u);
    const body = { fromUserID: u, pagination: page() };
    for (const bad of badTokens(u)) expectErr(await post('/group/get_joined_group_list', body, bad.token), bad.code);
    // An admin's claims in an unregistered token give no admin rights.
    const fakeAdmin = forgeJwt({ ...claimsFor(u), UserID: 'imAdmin', PlatformID: 10 });
    expectErr(await post('/user/user_register', { users: [{ userID: uid(), nickname: 'x' }] }, fakeAdmin), 1507);
  });

  it('user_register: only an app admin; nothing is created otherwise', async () => {
    const u = uid();
    await s.register(u);
    const tu = await s.tokenFor(u);
    const newID = uid();
    expectErr(await post('/user/user_register', { users: [{ userID: newID, nickname: 'n' }] }, tu), 1002);
    const info = await ok('/user/get_users_info', { userIDs: [newID] }, s.adminToken);
    expect(info.usersInfo).toEqual([]);
  });

  it('update_user_info_ex: self or app admin; anyone else 1002 and nothing changes', async () => {
    const u = uid();
    const v = uid();
    await s.register(u, v);
    const tu = await s.tokenFor(u);
    expectErr(await post('/user/update_user_info_ex', { userInfo: { userID: v, nickname: 'hacked' } }, tu), 1002);
    expect((await ok('/user/get_users_info', { userIDs: [v] }, tu)).usersInfo[0].nickname).toBe(v);
    expectOk(await post('/user/update_user_info_ex', { userInfo: { userID: u, nickname: 'me' } }, tu));
    expectOk(await post('/user/update_user_info_ex', { userInfo: { userID: v, nickname: 'byAdmin' } }, s.adminToken));
    const users = (await ok('/user/get_users_info', { userIDs: [u, v] }, tu)).usersInfo;
    expect(users.map((x: any) => x.nickname)).toEqual(['me', 'byAdmin']);
  });
});

// ---------------------------------------------------------------------------------------------
// create_group

describe('create_group', () => {
  const body = (
    owner: string,
    extra: { admins?: string[]; members?: string[]; groupID?: string; groupType?: number } = {},
  ) => ({
    ownerUserID: owner,
    adminUserIDs: extra.admins ?? [],
    memberUserIDs: extra.members ?? [],
    groupInfo: { groupID: extra.groupID ?? '', groupName: 'g', groupType: extra.groupType ?? 2 },
  });
  const exists = async (groupID: string) =>
    (await ok('/group/get_groups_info', { groupIDs: [groupID] }, s.adminToken)).groupInfos.length > 0;

  it('the owner-to-be may create; someone else naming another owner gets 1002 and nothing is created', async () => {
    const [o, x, m] = [uid(), uid(), uid()];
    await s.register(o, x, m);
    const tx = await s.tokenFor(x);
    const gid = uid('g');
    expectErr(await post('/group/create_group', body(o, { members: [m], groupID: gid }), tx), 1002);
    expect(await exists(gid)).toBe(false);

    const to = await s.tokenFor(o);
    const data = await ok('/group/create_group', body(o, { members: [m], groupID: gid }), to);
    expect(data.groupInfo).toMatchObject({ groupID: gid, ownerUserID: o, memberCount: 2, status: 0 });
    await checkInvariants(gid);
  });

  it('an app admin may create a group for anyone, without becoming a member; memberCount is exact', async () => {
    const [o, a, m] = [uid(), uid(), uid()];
    await s.register(o, a, m);
    const data = await ok('/group/create_group', body(o, { admins: [a], members: [m] }), s.adminToken);
    expect(data.groupInfo.memberCount).toBe(3);
    expect(data.groupInfo.ownerUserID).toBe(o);
    const members = await membersOf(data.groupInfo.groupID);
    expect(members.map((x) => [x.userID, x.roleLevel])).toEqual([
      [o, 100],
      [a, 60],
      [m, 20],
    ]);
    await checkInvariants(data.groupInfo.groupID);
  });

  it('a user listed twice (owner as member, admin as member, member twice) gives 1001 and nothing is created', async () => {
    const [o, a, m] = [uid(), uid(), uid()];
    await s.register(o, a, m);
    for (const extra of [{ members: [o] }, { admins: [o] }, { admins: [a], members: [a] }, { members: [m, m] }]) {
      const gid = uid('g');
      expectErr(await post('/group/create_group', body(o, { ...extra, groupID: gid }), s.adminToken), 1001);
      expect(await exists(gid)).toBe(false);
    }
  });

  it('an unregistered owner, admin or member gives 1101 and nothing is created', async () => {
    const [o, m] = [uid(), uid()];
    await s.register(o, m);
    const ghost = uid('ghost');
    for (const b of [body(ghost, { members: [m] }), body(o, { admins: [ghost] }), body(o, { members: [m, ghost] })]) {
      const gid = uid('g');
      b.groupInfo.groupID = gid;
      expectErr(await post('/group/create_group', b, s.adminToken), 1101);
      expect(await exists(gid)).toBe(false);
    }
    expect((await ok('/group/get_joined_group_list', { fromUserID: m, pagination: page() }, s.adminToken)).total).toBe(
      0,
    );
  });

  it('an existing groupID gives 1202 and the existing group is untouched', async () => {
    const f = await fixture();
    const o2 = uid();
    await s.register(o2);
    await refused(1202, f.gid, () =>
      post('/group/create_group', body(o2, { groupID: f.gid, members: [f.N] }), s.adminToken),
    );
    expect((await ok('/group/get_joined_group_list', { fromUserID: o2, pagination: page() }, s.adminToken)).total).toBe(
      0,
    );
  });

  it('groupType other than 2 gives 1001', async () => {
    const o = uid();
    await s.register(o);
    for (const groupType of [0, 1]) {
      const gid = uid('g');
      expectErr(await post('/group/create_group', body(o, { groupID: gid, groupType }), s.adminToken), 1001);
      expect(await exists(gid)).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// join_group

describe('join_group', () => {
  const join = (gid: string, token: string, extra: Record<string, unknown> = {}) =>
    post('/group/join_group', { groupID: gid, joinSource: 3, reqMessage: 'hi', ...extra }, token);

  it('needVerification 2: the caller joins at once as an ordinary member, with joinSource recorded', async () => {
    const f = await fixture({ needVerification: 2 });
    expectOk(await join(f.gid, f.t.N, { joinSource: 4 }));
    expect(await memberOf(f.gid, f.N)).toMatchObject({ roleLevel: 20, joinSource: 4, operatorUserID: f.N });
    expect(await requestOf(f.gid, f.N)).toBeUndefined();
    // Naming oneself as the applicant is the same thing.
    expectOk(await join(f.gid, f.t.N2, { inviterUserID: f.N2 }));
    expect((await memberOf(f.gid, f.N2))?.roleLevel).toBe(20);
    await checkInvariants(f.gid);
  });

  it.each([0, 1])('needVerification %i: joining creates a pending application, not a member', async (nv) => {
    const f = await fixture({ needVerification: nv });
    const before = await groupOf(f.gid);
    expectOk(await join(f.gid, f.t.N, { ex: 'e1' }));
    expect(await memberOf(f.gid, f.N)).toBeUndefined();
    expect((await groupOf(f.gid)).memberCount).toBe(before.memberCount);
    expect(await requestOf(f.gid, f.N)).toMatchObject({
      handleResult: 0,
      reqMsg: 'hi',
      ex: 'e1',
      joinSource: 3,
      inviterUserID: '',
      userInfo: { userID: f.N },
    });
  });

  it('a user naming another user as the applicant gets 1002; nothing is written (§7 fix)', async () => {
    for (const nv of [2, 0]) {
      const f = await fixture({ needVerification: nv });
      await refused(1002, f.gid, () => join(f.gid, f.t.N, { inviterUserID: f.N2 }), [f.N, f.N2]);
      // Not even a member may enrol someone else.
      await refused(1002, f.gid, () => join(f.gid, f.t.M, { inviterUserID: f.N2 }), [f.N2]);
    }
  });

  it('an app admin may join on behalf of another user (direct on 2, application on 0)', async () => {
    const f2 = await fixture({ needVerification: 2 });
    expectOk(await join(f2.gid, f2.t.S, { inviterUserID: f2.N, joinSource: 1 }));
    expect(await memberOf(f2.gid, f2.N)).toMatchObject({ roleLevel: 20, joinSource: 1, operatorUserID: 'imAdmin' });
    await checkInvariants(f2.gid);

    const f0 = await fixture({ needVerification: 0 });
    expectOk(await join(f0.gid, f0.t.S, { inviterUserID: f0.N }));
    expect(await memberOf(f0.gid, f0.N)).toBeUndefined();
    expect((await requestOf(f0.gid, f0.N))?.handleResult).toBe(0);
  });

  it('an app admin naming an unregistered applicant gets 1004', async () => {
    const f = await fixture({ needVerification: 2 });
    await refused(1004, f.gid, () => join(f.gid, f.t.S, { inviterUserID: uid('ghost') }));
  });

  it('an existing member (any role) gets 1001 and nothing is written', async () => {
    for (const nv of [2, 0]) {
      const f = await fixture({ needVerification: nv });
      for (const [who, token] of [
        [f.O, f.t.O],
        [f.A, f.t.A],
        [f.M, f.t.M],
      ] as const) {
        await refused(1001, f.gid, () => join(f.gid, token), [who]);
      }
      await refused(1001, f.gid, () => join(f.gid, f.t.S, { inviterUserID: f.M }), [f.M]);
    }
  });

  it('an unknown group gives 1004', async () => {
    const u = uid();
    await s.register(u);
    expectErr(await join(uid('nogroup'), await s.tokenFor(u)), 1004);
  });

  it('a dismissed group gives 1204, whatever its needVerification', async () => {
    for (const nv of [2, 0]) {
      const f = await fixture({ needVerification: nv });
      expectOk(await post('/group/dismiss_group', { groupID: f.gid }, f.t.O));
      await refused(1204, f.gid, () => join(f.gid, f.t.N), [f.N]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// quit_group

describe('quit_group', () => {
  const quit = (gid: string, token: string, userID?: string) =>
    post('/group/quit_group', { groupID: gid, ...(userID ? { userID } : {}) }, token);

  it('an ordinary member or an admin may quit; memberCount follows', async () => {
    const f = await fixture();
    expectOk(await quit(f.gid, f.t.M));
    expectOk(await quit(f.gid, f.t.A, f.A));
    const ids = (await membersOf(f.gid)).map((m) => m.userID);
    expect(ids).not.toContain(f.M);
    expect(ids).not.toContain(f.A);
    await checkInvariants(f.gid);
  });

  it('the owner can never quit (1002), not even through an app admin', async () => {
    const f = await fixture();
    await refused(1002, f.gid, () => quit(f.gid, f.t.O));
    await refused(1002, f.gid, () => quit(f.gid, f.t.S, f.O));
  });

  it('quitting on behalf of someone else is 1002 unless the caller is an app admin', async () => {
    const f = await fixture();
    await refused(1002, f.gid, () => quit(f.gid, f.t.M, f.M2));
    await refused(1002, f.gid, () => quit(f.gid, f.t.O, f.M));
    await refused(1002, f.gid, () => quit(f.gid, f.t.N, f.M));
    expectOk(await quit(f.gid, f.t.S, f.M));
    expect(await memberOf(f.gid, f.M)).toBeUndefined();
    await checkInvariants(f.gid);
  });

  it('a non-member gets 1004; an unknown group gives 1004', async () => {
    const f = await fixture();
    await refused(1004, f.gid, () => quit(f.gid, f.t.N));
    await refused(1004, f.gid, () => quit(f.gid, f.t.S, f.N));
    expectErr(await quit(uid('nogroup'), f.t.M), 1004);
  });
});

// ---------------------------------------------------------------------------------------------
// invite_user_to_group

describe('invite_user_to_group', () => {
  const invite = (gid: string, token: string, invitedUserIDs: string[]) =>
    post('/group/invite_user_to_group', { groupID: gid, invitedUserIDs, reason: 'come' }, token);

  it('needVerification 0: any member (O, A, M) and the app admin add invitees directly', async () => {
    const f = await fixture({ needVerification: 0 });
    const extra = [uid(), uid()];
    await s.register(...extra);
    expectOk(await invite(f.gid, f.t.M, [f.N]));
    expect(await memberOf(f.gid, f.N)).toMatchObject({
      roleLevel: 20,
      joinSource: 2,
      inviterUserID: f.M,
      operatorUserID: f.M,
    });
    expectOk(await invite(f.gid, f.t.A, [f.N2]));
    expectOk(await invite(f.gid, f.t.O, [extra[0]!]));
    expectOk(await invite(f.gid, f.t.S, [extra[1]!]));
    expect(await memberOf(f.gid, extra[1]!)).toMatchObject({ inviterUserID: 'imAdmin', joinSource: 2 });
    await checkInvariants(f.gid);
  });

  it('a non-member gets 1002 and nothing is written', async () => {
    const f = await fixture({ needVerification: 2 });
    await refused(1002, f.gid, () => invite(f.gid, f.t.N, [f.N2]), [f.N2]);
    await refused(1002, f.gid, () => invite(f.gid, f.t.N, [f.N]), [f.N]);
  });

  it('needVerification 1: an ordinary member creates applications, not members', async () => {
    const f = await fixture({ needVerification: 1 });
    const before = await groupOf(f.gid);
    expectOk(await invite(f.gid, f.t.M, [f.N, f.N2]));
    expect(await memberOf(f.gid, f.N)).toBeUndefined();
    expect(await memberOf(f.gid, f.N2)).toBeUndefined();
    expect((await groupOf(f.gid)).memberCount).toBe(before.memberCount);
    for (const u of [f.N, f.N2]) {
      expect(await requestOf(f.gid, u)).toMatchObject({
        handleResult: 0,
        joinSource: 2,
        inviterUserID: f.M,
        reqMsg: 'come',
      });
    }
    // Such an application is then approved by a manager, keeping its inviter and joinSource.
    expectOk(
      await post('/group/group_application_response', { groupID: f.gid, fromUserID: f.N, handleResult: 1 }, f.t.A),
    );
    expect(await memberOf(f.gid, f.N)).toMatchObject({
      roleLevel: 20,
      joinSource: 2,
      inviterUserID: f.M,
      operatorUserID: f.A,
    });
    await checkInvariants(f.gid);
  });

  it('needVerification 1: the owner, an admin and the app admin add directly', async () => {
    const f = await fixture({ needVerification: 1 });
    const extra = uid();
    await s.register(extra);
    expectOk(await invite(f.gid, f.t.O, [f.N]));
    expectOk(await invite(f.gid, f.t.A, [f.N2]));
    expectOk(await invite(f.gid, f.t.S, [extra]));
    for (const u of [f.N, f.N2, extra]) {
      expect((await memberOf(f.gid, u))?.roleLevel).toBe(20);
      expect(await requestOf(f.gid, u)).toBeUndefined();
    }
    await checkInvariants(f.gid);
  });

  it('inviting an existing member gives 1001 and nobody in the list is added (all or nothing)', async () => {
    const f = await fixture({ needVerification: 0 });
    await refused(1001, f.gid, () => invite(f.gid, f.t.O, [f.N, f.M]), [f.N]);
    await refused(1001, f.gid, () => invite(f.gid, f.t.S, [f.O]));
    // The application path is all or nothing too.
    const g = await fixture({ needVerification: 1 });
    await refused(1001, g.gid, () => invite(g.gid, g.t.M, [g.N, g.M2]), [g.N]);
  });

  it('an unregistered invitee gives 1004 and nobody is added', async () => {
    const f = await fixture();
    await refused(1004, f.gid, () => invite(f.gid, f.t.O, [f.N, uid('ghost')]), [f.N]);
  });

  it('a duplicate invitee gives 1001; an unknown group 1004', async () => {
    const f = await fixture();
    await refused(1001, f.gid, () => invite(f.gid, f.t.O, [f.N, f.N]), [f.N]);
    expectErr(await invite(uid('nogroup'), f.t.S, [f.N]), 1004);
  });
});

// ---------------------------------------------------------------------------------------------
// kick_group

describe('kick_group', () => {
  const kick = (gid: string, token: string, kickedUserIDs: string[]) =>
    post('/group/kick_group', { groupID: gid, kickedUserIDs, reason: 'bye' }, token);

  it('the owner may kick admins and ordinary members', async () => {
    const f = await fixture();
    expectOk(await kick(f.gid, f.t.O, [f.A, f.M]));
    const ids = (await membersOf(f.gid)).map((m) => m.userID);
    expect(ids).toEqual([f.O, f.A2, f.M2]);
    await checkInvariants(f.gid);
  });

  it('an admin may kick ordinary members only', async () => {
    const f = await fixture();
    await refused(1002, f.gid, () => kick(f.gid, f.t.A, [f.A2]));
    await refused(1002, f.gid, () => kick(f.gid, f.t.A, [f.M, f.A2]));
    await refused(1001, f.gid, () => kick(f.gid, f.t.A, [f.O]));
    expectOk(await kick(f.gid, f.t.A, [f.M]));
    expect(await memberOf(f.gid, f.M)).toBeUndefined();
    await checkInvariants(f.gid);
  });

  it('an ordinary member and a non-member may kick nobody (1002)', async () => {
    const f = await fixture();
    await refused(1002, f.gid, () => kick(f.gid, f.t.M, [f.M2]));
    await refused(1002, f.gid, () => kick(f.gid, f.t.N, [f.M]));
  });

  it('kicking oneself or the owner is 1001, for every role including the app admin', async () => {
    const f = await fixture();
    await refused(1001, f.gid, () => kick(f.gid, f.t.O, [f.O]));
    await refused(1001, f.gid, () => kick(f.gid, f.t.A, [f.A]));
    await refused(1001, f.gid, () => kick(f.gid, f.t.M, [f.M]));
    await refused(1001, f.gid, () => kick(f.gid, f.t.S, [f.O]));
    await refused(1001, f.gid, () => kick(f.gid, f.t.O, [f.M, f.O]));
  });

  it('the app admin may kick admins and members', async () => {
    const f = await fixture();
    expectOk(await kick(f.gid, f.t.S, [f.A, f.M2]));
    expect((await membersOf(f.gid)).map((m) => m.userID)).toEqual([f.O, f.A2, f.M]);
    await checkInvariants(f.gid);
  });

  it('a target who is not a member gives 1101 and nobody in the list is kicked', async () => {
    const f = await fixture();
    const env = await refused(1101, f.gid, () => kick(f.gid, f.t.O, [f.M, f.N]));
    expect(env.errDlt).toContain(f.N);
    await refused(1101, f.gid, () => kick(f.gid, f.t.S, [uid('ghost')]));
  });

  it('duplicates give 1001; an unknown group 1004', async () => {
    const f = await fixture();
    await refused(1001, f.gid, () => kick(f.gid, f.t.O, [f.M, f.M]));
    expectErr(await kick(uid('nogroup'), f.t.S, [f.M]), 1004);
  });
});

// ---------------------------------------------------------------------------------------------
// set_group_info / set_group_info_ex

describe('set_group_info and set_group_info_ex', () => {
  it('the owner, an admin and the app admin may change group info', async () => {
    const f = await fixture();
    const t0 = Date.now();
    expectOk(await post('/group/set_group_info', { groupInfoForSet: { groupID: f.gid, groupName: 'byOwner' } }, f.t.O));
    expect((await groupOf(f.gid)).groupName).toBe('byOwner');
    expectOk(await post('/group/set_group_info', { groupInfoForSet: { groupID: f.gid, notification: 'news' } }, f.t.A));
    const g = await groupOf(f.gid);
    expect(g).toMatchObject({ notification: 'news', notificationUserID: f.A });
    expect(g.notificationUpdateTime).toBeGreaterThanOrEqual(t0 - 1000);
    expectOk(
      await post('/group/set_group_info_ex', { groupID: f.gid, introduction: 'byAdmin', needVerification: 2 }, f.t.A),
    );
    expectOk(
      await post('/group/set_group_info_ex', { groupID: f.gid, groupName: 'byS', faceURL: 'http://x/y.png' }, f.t.S),
    );
    expect(await groupOf(f.gid)).toMatchObject({
      groupName: 'byS',
      introduction: 'byAdmin',
      needVerification: 2,
      faceURL: 'http://x/y.png',
    });
  });

  it('an ordinary member gets 1002 and a non-member 1004; nothing changes', async () => {
    const f = await fixture();
    await refused(1002, f.gid, () =>
      post('/group/set_group_info', { groupInfoForSet: { groupID: f.gid, groupName: 'x' } }, f.t.M),
    );
    await refused(1002, f.gid, () => post('/group/set_group_info_ex', { groupID: f.gid, groupName: 'x' }, f.t.M));
    await refused(1004, f.gid, () =>
      post('/group/set_group_info', { groupInfoForSet: { groupID: f.gid, groupName: 'x' } }, f.t.N),
    );
    await refused(1004, f.gid, () => post('/group/set_group_info_ex', { groupID: f.gid, groupName: 'x' }, f.t.N));
  });

  // A blank groupName is no error (group-names.test.ts), in set_group_info_ex as in create_group.

  it('an unknown group gives 1004 for the app admin', async () => {
    expectErr(await post('/group/set_group_info_ex', { groupID: uid('nogroup'), groupName: 'x' }, s.adminToken), 1004);
    expectErr(
      await post(
        '/group/set_group_info',
        { groupInfoForSet: { groupID: uid('nogroup'), groupName: 'x' } },
        s.adminToken,
      ),
      1004,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// transfer_group

describe('transfer_group', () => {
  const transfer = (gid: string, token: string, oldOwnerUserID: string, newOwnerUserID: string) =>
    post('/group/transfer_group', { groupID: gid, oldOwnerUserID, newOwnerUserID }, token);

  it('the owner hands over to an admin: roles swap, exactly one owner after', async () => {
    const f = await fixture();
    expectOk(await transfer(f.gid, f.t.O, f.O, f.A));
    expect((await memberOf(f.gid, f.A))?.roleLevel).toBe(100);
    expect((await memberOf(f.gid, f.O))?.roleLevel).toBe(60);
    expect((await groupOf(f.gid)).ownerUserID).toBe(f.A);
    const owners = await ok('/group/get_group_member_list', { groupID: f.gid, filter: 1, pagination: page() }, f.t.A);
    expect(owners.total).toBe(1);
    await checkInvariants(f.gid);
    // The old owner has lost the owner's rights, the new one has them.
    await refused(1002, f.gid, () => post('/group/dismiss_group', { groupID: f.gid }, f.t.O));
    await refused(1002, f.gid, () => transfer(f.gid, f.t.O, f.O, f.M));
  });

  it('the owner hands over to an ordinary member, who is unmuted; the old owner becomes ordinary', async () => {
    const f = await fixture();
    expectOk(await post('/group/mute_group_member', { groupID: f.gid, userID: f.M, mutedSeconds: 600 }, f.t.O));
    expect((await memberOf(f.gid, f.M))?.muteEndTime).toBeGreaterThan(Date.now());
    expectOk(await transfer(f.gid, f.t.O, f.O, f.M));
    expect(await memberOf(f.gid, f.M)).toMatchObject({ roleLevel: 100, muteEndTime: 0 });
    expect((await memberOf(f.gid, f.O))?.roleLevel).toBe(20);
    await checkInvariants(f.gid);
  });

  it('anyone but the owner gets 1002 and nothing changes', async () => {
    const f = await fixture();
    await refused(1002, f.gid, () => transfer(f.gid, f.t.A, f.O, f.A));
    await refused(1002, f.gid, () => transfer(f.gid, f.t.A, f.A, f.M));
    await refused(1002, f.gid, () => transfer(f.gid, f.t.M, f.O, f.M));
    await refused(1002, f.gid, () => transfer(f.gid, f.t.M, f.M, f.M2));
    await refused(1002, f.gid, () => transfer(f.gid, f.t.N, f.O, f.A));
    // The owner may not hand over somebody else's (non-existent) ownership either.
    await refused(1002, f.gid, () => transfer(f.gid, f.t.O, f.A, f.M));
  });

  it('an app admin must name the real owner (1001 otherwise, never two owners); naming it works', async () => {
    const f = await fixture();
    await refused(1001, f.gid, () => transfer(f.gid, f.t.S, f.A, f.M));
    await refused(1001, f.gid, () => transfer(f.gid, f.t.S, f.M, f.A));
    expectOk(await transfer(f.gid, f.t.S, f.O, f.M2));
    expect((await groupOf(f.gid)).ownerUserID).toBe(f.M2);
    expect((await memberOf(f.gid, f.O))?.roleLevel).toBe(20);
    await checkInvariants(f.gid);
  });

  it('old = new, or a party who is not a member, gives 1001', async () => {
    const f = await fixture();
    await refused(1001, f.gid, () => transfer(f.gid, f.t.O, f.O, f.O));
    await refused(1001, f.gid, () => transfer(f.gid, f.t.O, f.O, f.N));
    await refused(1001, f.gid, () => transfer(f.gid, f.t.S, f.N, f.M));
    expectErr(await transfer(uid('nogroup'), f.t.S, f.O, f.A), 1004);
  });
});

// ---------------------------------------------------------------------------------------------
// dismiss_group, and dismissed as a terminal state

describe('dismiss_group', () => {
  it('admins, ordinary members and non-members get 1002; nothing changes', async () => {
    const f = await fixture();
    for (const token of [f.t.A, f.t.M, f.t.N]) {
      await refused(1002, f.gid, () => post('/group/dismiss_group', { groupID: f.gid }, token));
      await refused(1002, f.gid, () => post('/group/dismiss_group', { groupID: f.gid, deleteMember: true }, token));
    }
    expect((await groupOf(f.gid)).status).toBe(0);
  });

  it('the owner may dismiss; members are kept unless deleteMember', async () => {
    const f = await fixture();
    expectOk(await post('/group/dismiss_group', { groupID: f.gid }, f.t.O));
    expect(await groupOf(f.gid)).toMatchObject({ status: 2, memberCount: 5 });
    expect(await membersOf(f.gid)).toHaveLength(5);
    await checkInvariants(f.gid);
  });

  it('the app admin may dismiss; deleteMember removes every member and memberCount is 0', async () => {
    const f = await fixture();
    expectOk(await post('/group/dismiss_group', { groupID: f.gid, deleteMember: true }, f.t.S));
    expect(await groupOf(f.gid)).toMatchObject({ status: 2, memberCount: 0 });
    expect(await membersOf(f.gid)).toEqual([]);
    // Dismissed is terminal, deleted members or not.
    await refused(1204, f.gid, () => post('/group/dismiss_group', { groupID: f.gid, deleteMember: true }, f.t.S));
    await refused(1204, f.gid, () => post('/group/cancel_mute_group', { groupID: f.gid }, f.t.S));
    await refused(1204, f.gid, () =>
      post('/group/invite_user_to_group', { groupID: f.gid, invitedUserIDs: [f.N] }, f.t.S),
    );
    await refused(1204, f.gid, () => post('/group/set_group_info_ex', { groupID: f.gid, groupName: 'back' }, f.t.S));
  });

  it('after dismissal every write gives 1204, reads still work, and quit works', async () => {
    const f = await fixture({ needVerification: 0 });
    // A pending application made before the dismissal.
    expectOk(await post('/group/join_group', { groupID: f.gid, joinSource: 3 }, f.t.N2));
    expectOk(await post('/group/dismiss_group', { groupID: f.gid }, f.t.O));
    const applicants = [f.N, f.N2];
    const writes: [string, unknown, string][] = [
      ['/group/dismiss_group', { groupID: f.gid }, f.t.O],
      ['/group/dismiss_group', { groupID: f.gid, deleteMember: true }, f.t.S],
      ['/group/set_group_info', { groupInfoForSet: { groupID: f.gid, groupName: 'x' } }, f.t.O],
      ['/group/set_group_info_ex', { groupID: f.gid, introduction: 'x' }, f.t.A],
      ['/group/transfer_group', { groupID: f.gid, oldOwnerUserID: f.O, newOwnerUserID: f.A }, f.t.O],
      ['/group/mute_group', { groupID: f.gid }, f.t.O],
      ['/group/cancel_mute_group', { groupID: f.gid }, f.t.O],
      ['/group/cancel_mute_group', { groupID: f.gid }, f.t.S],
      ['/group/join_group', { groupID: f.gid, joinSource: 3 }, f.t.N],
      ['/group/invite_user_to_group', { groupID: f.gid, invitedUserIDs: [f.N] }, f.t.O],
      ['/group/kick_group', { groupID: f.gid, kickedUserIDs: [f.M] }, f.t.O],
      [
        '/group/set_group_member_info',
        { members: [{ groupID: f.gid, userID: f.M, nickname: 'x', roleLevel: 60 }] },
        f.t.O,
      ],
      ['/group/mute_group_member', { groupID: f.gid, userID: f.M, mutedSeconds: 60 }, f.t.O],
      ['/group/cancel_mute_group_member', { groupID: f.gid, userID: f.M }, f.t.O],
      ['/group/group_application_response', { groupID: f.gid, fromUserID: f.N2, handleResult: 1 }, f.t.O],
      ['/group/group_application_response', { groupID: f.gid, fromUserID: f.N2, handleResult: -1 }, f.t.S],
    ];
    for (const [path, body, token] of writes) {
      const env = await refused(1204, f.gid, () => post(path, body, token), applicants);
      expect(env.errCode, path).toBe(1204);
    }
    expect((await groupOf(f.gid)).status).toBe(2);

    // Reads still work for members.
    expect((await ok('/group/get_groups_info', { groupIDs: [f.gid] }, f.t.M)).groupInfos[0].status).toBe(2);
    expect((await ok('/group/get_group_member_list', { groupID: f.gid, pagination: page() }, f.t.M)).total).toBe(5);
    expect((await ok('/group/get_group_members_info', { groupID: f.gid, userIDs: [f.O] }, f.t.M)).members).toHaveLength(
      1,
    );
    expect((await ok('/group/get_group_member_user_id', { groupID: f.gid }, f.t.M)).userIDs).toHaveLength(5);
    const joined = await ok('/group/get_joined_group_list', { fromUserID: f.M, pagination: page() }, f.t.M);
    expect(joined.groups.map((g: any) => g.groupID)).toContain(f.gid);
    expect(
      (await ok('/group/get_specified_user_group_request_info', { groupID: f.gid, userID: f.N2 }, f.t.N2)).total,
    ).toBe(1);

    // Quitting still works (for oneself and through the app admin).
    expectOk(await post('/group/quit_group', { groupID: f.gid }, f.t.M));
    expectOk(await post('/group/quit_group', { groupID: f.gid, userID: f.A2 }, f.t.S));
    expect((await membersOf(f.gid)).map((m) => m.userID)).toEqual([f.O, f.A, f.M2]);
    expect((await groupOf(f.gid)).memberCount).toBe(3);
  });
});

// ---------------------------------------------------------------------------------------------
// mute_group / cancel_mute_group

describe('mute_group and cancel_mute_group', () => {
  it('the owner, an admin and the app admin may mute and unmute the group', async () => {
    const f = await fixture();
    for (const token of [f.t.O, f.t.A, f.t.S]) {
      expectOk(await post('/group/mute_group', { groupID: f.gid }, token));
      expect((await groupOf(f.gid)).status).toBe(3);
      expectOk(await post('/group/cancel_mute_group', { groupID: f.gid }, token));
      expect((await groupOf(f.gid)).status).toBe(0);
    }
  });

  it('an ordinary member and a non-member get 1002; the status does not change', async () => {
    const f = await fixture();
    for (const token of [f.t.M, f.t.N]) {
      await refused(1002, f.gid, () => post('/group/mute_group', { groupID: f.gid }, token));
    }
    expectOk(await post('/group/mute_group', { groupID: f.gid }, f.t.O));
    for (const token of [f.t.M, f.t.N]) {
      await refused(1002, f.gid, () => post('/group/cancel_mute_group', { groupID: f.gid }, token));
    }
    expect((await groupOf(f.gid)).status).toBe(3);
  });

  it('an unknown group gives 1004 for the app admin', async () => {
    expectErr(await post('/group/mute_group', { groupID: uid('nogroup') }, s.adminToken), 1004);
  });
});

// ---------------------------------------------------------------------------------------------
// mute_group_member / cancel_mute_group_member

describe('mute_group_member and cancel_mute_group_member', () => {
  const mute = (gid: string, token: string, userID: string, mutedSeconds = 600) =>
    post('/group/mute_group_member', { groupID: gid, userID, mutedSeconds }, token);
  const unmute = (gid: string, token: string, userID: string) =>
    post('/group/cancel_mute_group_member', { groupID: gid, userID }, token);

  it('the owner may mute admins and ordinary members; muteEndTime is set, then cleared', async () => {
    const f = await fixture();
    const t0 = Date.now();
    expectOk(await mute(f.gid, f.t.O, f.A, 600));
    expectOk(await mute(f.gid, f.t.O, f.M, 60));
    const a = await memberOf(f.gid, f.A);
    expect(a.muteEndTime).toBeGreaterThanOrEqual(t0 + 600_000 - 1000);
    expect(a.muteEndTime).toBeLessThanOrEqual(Date.now() + 600_000 + 1000);
    expectOk(await unmute(f.gid, f.t.O, f.A));
    expect((await memberOf(f.gid, f.A))?.muteEndTime).toBe(0);
    expect((await memberOf(f.gid, f.M))?.muteEndTime).toBeGreaterThan(Date.now());
  });

  it('an admin may mute and unmute ordinary members, but not the owner, other admins or itself', async () => {
    const f = await fixture();
    expectOk(await mute(f.gid, f.t.A, f.M));
    expect((await memberOf(f.gid, f.M))?.muteEndTime).toBeGreaterThan(Date.now());
    expectOk(await unmute(f.gid, f.t.A, f.M));
    expect((await memberOf(f.gid, f.M))?.muteEndTime).toBe(0);
    await refused(1002, f.gid, () => mute(f.gid, f.t.A, f.O));
    await refused(1002, f.gid, () => mute(f.gid, f.t.A, f.A2));
    await refused(1002, f.gid, () => mute(f.gid, f.t.A, f.A));
    expectOk(await mute(f.gid, f.t.O, f.A2));
    await refused(1002, f.gid, () => unmute(f.gid, f.t.A, f.A2));
  });

  it('an ordinary member may mute nobody, not even itself; the owner cannot mute itself', async () => {
    const f = await fixture();
    await refused(1002, f.gid, () => mute(f.gid, f.t.M, f.M2));
    await refused(1002, f.gid, () => mute(f.gid, f.t.M, f.M));
    await refused(1002, f.gid, () => mute(f.gid, f.t.M, f.A));
    await refused(1002, f.gid, () => mute(f.gid, f.t.O, f.O));
    expectOk(await mute(f.gid, f.t.O, f.M2));
    await refused(1002, f.gid, () => unmute(f.gid, f.t.M, f.M2));
  });

  it('a non-member operator gets 1004; a target who is not a member gets 1004', async () => {
    const f = await fixture();
    await refused(1004, f.gid, () => mute(f.gid, f.t.N, f.M));
    await refused(1004, f.gid, () => unmute(f.gid, f.t.N, f.M));
    await refused(1004, f.gid, () => mute(f.gid, f.t.O, f.N));
    await refused(1004, f.gid, () => mute(f.gid, f.t.S, f.N));
  });

  it('the app admin may mute anyone, the owner included', async () => {
    const f = await fixture();
    expectOk(await mute(f.gid, f.t.S, f.O));
    expect((await memberOf(f.gid, f.O))?.muteEndTime).toBeGreaterThan(Date.now());
    await refused(1002, f.gid, () => unmute(f.gid, f.t.A, f.O));
    expectOk(await unmute(f.gid, f.t.S, f.O));
    expect((await memberOf(f.gid, f.O))?.muteEndTime).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// set_group_member_info (§4.3)

describe('set_group_member_info', () => {
  const set = (token: string, ...members: Record<string, unknown>[]) =>
    post('/group/set_group_member_info', { members }, token);

  it('the owner may edit anyone and move others between admin and ordinary', async () => {
    const f = await fixture();
    expectOk(
      await set(
        f.t.O,
        { groupID: f.gid, userID: f.A, roleLevel: 20, nickname: 'demoted' },
        { groupID: f.gid, userID: f.M, roleLevel: 60, ex: 'promoted' },
        { groupID: f.gid, userID: f.O, nickname: 'boss', faceURL: 'f.png' },
      ),
    );
    expect(await memberOf(f.gid, f.A)).toMatchObject({ roleLevel: 20, nickname: 'demoted' });
    expect(await memberOf(f.gid, f.M)).toMatchObject({ roleLevel: 60, ex: 'promoted' });
    expect(await memberOf(f.gid, f.O)).toMatchObject({ roleLevel: 100, nickname: 'boss', faceURL: 'f.png' });
    await checkInvariants(f.gid);
  });

  it('the owner cannot change its own role (1001)', async () => {
    const f = await fixture();
    await refused(1001, f.gid, () => set(f.t.O, { groupID: f.gid, userID: f.O, roleLevel: 60 }));
    await refused(1001, f.gid, () => set(f.t.O, { groupID: f.gid, userID: f.O, roleLevel: 20, nickname: 'x' }));
  });

  it('roleLevel 100 is refused with 1002 for everyone (ownership moves only by transfer)', async () => {
    const f = await fixture();
    await refused(1002, f.gid, () => set(f.t.O, { groupID: f.gid, userID: f.A, roleLevel: 100 }));
    await refused(1002, f.gid, () => set(f.t.S, { groupID: f.gid, userID: f.M, roleLevel: 100 }));
    await refused(1002, f.gid, () => set(f.t.M, { groupID: f.gid, userID: f.M, roleLevel: 100 }));
  });

  it('an invalid roleLevel gives 1001', async () => {
    const f = await fixture();
    for (const roleLevel of [0, 1, 50, 99, -20]) {
      await refused(1001, f.gid, () => set(f.t.O, { groupID: f.gid, userID: f.M, roleLevel }));
    }
  });

  it('an admin may edit and promote ordinary members, and edit or demote itself', async () => {
    const f = await fixture();
    expectOk(await set(f.t.A, { groupID: f.gid, userID: f.M, nickname: 'mm', roleLevel: 60 }));
    expect(await memberOf(f.gid, f.M)).toMatchObject({ nickname: 'mm', roleLevel: 60 });
    expectOk(await set(f.t.A, { groupID: f.gid, userID: f.A, nickname: 'me' }));
    expectOk(await set(f.t.A, { groupID: f.gid, userID: f.A, roleLevel: 60 }));
    expect(await memberOf(f.gid, f.A)).toMatchObject({ nickname: 'me', roleLevel: 60 });
    expectOk(await set(f.t.A, { groupID: f.gid, userID: f.A, roleLevel: 20 }));
    expect((await memberOf(f.gid, f.A))?.roleLevel).toBe(20);
    await checkInvariants(f.gid);
  });

  it('an admin may not touch the owner or another admin (1002)', async () => {
    const f = await fixture();
    await refused(1002, f.gid, () => set(f.t.A, { groupID: f.gid, userID: f.O, nickname: 'x' }));
    await refused(1002, f.gid, () => set(f.t.A, { groupID: f.gid, userID: f.O, roleLevel: 20 }));
    await refused(1002, f.gid, () => set(f.t.A, { groupID: f.gid, userID: f.A2, roleLevel: 20 }));
    await refused(1002, f.gid, () => set(f.t.A, { groupID: f.gid, userID: f.A2, nickname: 'x' }));
  });

  it('an ordinary member may edit its own nickname, faceURL and ex, but not raise its role or touch others', async () => {
    const f = await fixture();
    expectOk(await set(f.t.M, { groupID: f.gid, userID: f.M, nickname: 'me', faceURL: 'me.png', ex: 'mine' }));
    expect(await memberOf(f.gid, f.M)).toMatchObject({ nickname: 'me', faceURL: 'me.png', ex: 'mine', roleLevel: 20 });
    await refused(1002, f.gid, () => set(f.t.M, { groupID: f.gid, userID: f.M, roleLevel: 60 }));
    await refused(1002, f.gid, () => set(f.t.M, { groupID: f.gid, userID: f.M2, nickname: 'x' }));
    await refused(1002, f.gid, () => set(f.t.M, { groupID: f.gid, userID: f.A, nickname: 'x' }));
    await refused(1002, f.gid, () => set(f.t.M, { groupID: f.gid, userID: f.O, nickname: 'x' }));
  });

  it('a non-member gets 1002; a target who is not a member gets 1001', async () => {
    const f = await fixture();
    await refused(1002, f.gid, () => set(f.t.N, { groupID: f.gid, userID: f.M, nickname: 'x' }));
    await refused(1001, f.gid, () => set(f.t.O, { groupID: f.gid, userID: f.N, nickname: 'x' }));
    await refused(1001, f.gid, () => set(f.t.S, { groupID: f.gid, userID: f.N, nickname: 'x' }));
    expectErr(await set(f.t.S, { groupID: uid('nogroup'), userID: f.M, nickname: 'x' }), 1004);
  });

  it("the app admin may edit anyone and re-role admins and members, but not the owner's role", async () => {
    const f = await fixture();
    expectOk(
      await set(
        f.t.S,
        { groupID: f.gid, userID: f.A, roleLevel: 20 },
        { groupID: f.gid, userID: f.O, nickname: 'boss' },
      ),
    );
    expect((await memberOf(f.gid, f.A))?.roleLevel).toBe(20);
    expect((await memberOf(f.gid, f.O))?.nickname).toBe('boss');
    await refused(1002, f.gid, () => set(f.t.S, { groupID: f.gid, userID: f.O, roleLevel: 60 }));
    await refused(1002, f.gid, () => set(f.t.S, { groupID: f.gid, userID: f.O, roleLevel: 20 }));
    await checkInvariants(f.gid);
  });

  it('a batch is all or nothing: one refused entry leaves every entry unapplied', async () => {
    const f = await fixture();
    await refused(1002, f.gid, () =>
      set(
        f.t.A,
        { groupID: f.gid, userID: f.M, nickname: 'would-be' },
        { groupID: f.gid, userID: f.A2, nickname: 'x' },
      ),
    );
    await refused(1001, f.gid, () =>
      set(f.t.O, { groupID: f.gid, userID: f.M, nickname: 'a' }, { groupID: f.gid, userID: f.M, nickname: 'b' }),
    );
    const g = await fixture();
    // Across groups too: allowed in one, refused in the other.
    await refused(1002, [f.gid, g.gid], () =>
      set(f.t.S, { groupID: f.gid, userID: f.M, nickname: 'ok' }, { groupID: g.gid, userID: g.O, roleLevel: 60 }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// group_application_response

describe('group_application_response', () => {
  const respond = (gid: string, token: string, fromUserID: string, handleResult: number, handledMsg = '') =>
    post('/group/group_application_response', { groupID: gid, fromUserID, handleResult, handledMsg }, token);
  const apply = async (f: Fixture, token: string) =>
    expectOk(await post('/group/join_group', { groupID: f.gid, joinSource: 3, reqMessage: 'let me in' }, token));

  it('an ordinary member gets 1002 and a non-member 1004; the application stays pending', async () => {
    const f = await fixture();
    await apply(f, f.t.N);
    await refused(1002, f.gid, () => respond(f.gid, f.t.M, f.N, 1), [f.N]);
    await refused(1004, f.gid, () => respond(f.gid, f.t.N2, f.N, 1), [f.N]);
    await refused(1004, f.gid, () => respond(f.gid, f.t.N, f.N, 1), [f.N]);
    expect((await requestOf(f.gid, f.N))?.handleResult).toBe(0);
  });

  it('an admin approves: the applicant joins, and who, when and the message are recorded; a second answer is 1206', async () => {
    const f = await fixture();
    await apply(f, f.t.N);
    const t0 = Date.now();
    expectOk(await respond(f.gid, f.t.A, f.N, 1, 'welcome'));
    const t1 = Date.now();
    const req = await requestOf(f.gid, f.N);
    expect(req).toMatchObject({ handleResult: 1, handleMsg: 'welcome', handleUserID: f.A, reqMsg: 'let me in' });
    expect(req.handleTime).toBeGreaterThanOrEqual(t0 - 1000);
    expect(req.handleTime).toBeLessThanOrEqual(t1 + 1000);
    expect(await memberOf(f.gid, f.N)).toMatchObject({ roleLevel: 20, joinSource: 3, operatorUserID: f.A });
    await checkInvariants(f.gid);

    await refused(1206, f.gid, () => respond(f.gid, f.t.O, f.N, 1), [f.N]);
    await refused(1206, f.gid, () => respond(f.gid, f.t.S, f.N, -1), [f.N]);
  });

  it('the owner refuses: no member, the refusal is recorded, and it cannot be handled again', async () => {
    const f = await fixture();
    await apply(f, f.t.N2);
    expectOk(await respond(f.gid, f.t.O, f.N2, -1, 'no thanks'));
    expect(await memberOf(f.gid, f.N2)).toBeUndefined();
    expect(await requestOf(f.gid, f.N2)).toMatchObject({ handleResult: -1, handleMsg: 'no thanks', handleUserID: f.O });
    await refused(1206, f.gid, () => respond(f.gid, f.t.A, f.N2, 1), [f.N2]);
    // A new application replaces the handled one and can be answered again.
    await apply(f, f.t.N2);
    expect(await requestOf(f.gid, f.N2)).toMatchObject({
      handleResult: 0,
      handleMsg: '',
      handleUserID: '',
      handleTime: 0,
    });
    expectOk(await respond(f.gid, f.t.A, f.N2, 1, 'ok now'));
    expect((await memberOf(f.gid, f.N2))?.roleLevel).toBe(20);
    await checkInvariants(f.gid);
  });

  it('the app admin may answer; a handleResult of 0 is 1001; no application is 1004', async () => {
    const f = await fixture();
    await apply(f, f.t.N);
    await refused(1001, f.gid, () => respond(f.gid, f.t.O, f.N, 0), [f.N]);
    await refused(1004, f.gid, () => respond(f.gid, f.t.O, f.N2, 1), [f.N2]);
    expectOk(await respond(f.gid, f.t.S, f.N, 1, 'by admin'));
    expect(await requestOf(f.gid, f.N)).toMatchObject({
      handleResult: 1,
      handleUserID: 'imAdmin',
      handleMsg: 'by admin',
    });
    expect((await memberOf(f.gid, f.N))?.operatorUserID).toBe('imAdmin');
  });
});

// ---------------------------------------------------------------------------------------------
// Application lists

describe('application lists', () => {
  const recv = (token: string, fromUserID: string, extra: Record<string, unknown> = {}) =>
    post('/group/get_recv_group_applicationList', { fromUserID, pagination: page(), ...extra }, token);
  const sent = (token: string, userID: string) =>
    post('/group/get_user_req_group_applicationList', { userID, pagination: page() }, token);
  const specified = (token: string, groupID: string, userID: string) =>
    post('/group/get_specified_user_group_request_info', { groupID, userID }, token);

  it('get_recv_group_applicationList: a manager reads its own inbox; others 1002 unless app admin', async () => {
    const f = await fixture();
    expectOk(await post('/group/join_group', { groupID: f.gid, joinSource: 3 }, f.t.N));
    for (const [who, token] of [
      [f.O, f.t.O],
      [f.A, f.t.A],
    ] as const) {
      const env = await recv(token, who);
      expectOk(env);
      expect(env.data.total).toBe(1);
      expect(env.data.groupRequests[0]).toMatchObject({
        userInfo: { userID: f.N },
        groupInfo: { groupID: f.gid },
        handleResult: 0,
      });
    }
    const mine = await recv(f.t.M, f.M);
    expectOk(mine);
    expect(mine.data.total).toBe(0);
    expectErr(await recv(f.t.M, f.O), 1002);
    expectErr(await recv(f.t.N, f.O), 1002);
    expectErr(await recv(f.t.A, f.O), 1002);
    const byAdmin = await recv(s.adminToken, f.O);
    expectOk(byAdmin);
    expect(byAdmin.data.total).toBe(1);
  });

  it('get_recv_group_applicationList with groupIDs the caller does not manage is 1002; unknown groupIDs 1201', async () => {
    const f = await fixture();
    const g = await fixture();
    expectOk(await post('/group/join_group', { groupID: f.gid, joinSource: 3 }, f.t.N));
    expectOk(await recv(f.t.O, f.O, { groupIDs: [f.gid] }));
    expectErr(await recv(f.t.O, f.O, { groupIDs: [f.gid, g.gid] }), 1002);
    expectErr(await recv(f.t.M, f.M, { groupIDs: [f.gid] }), 1002);
    expectErr(await recv(f.t.N, f.N, { groupIDs: [f.gid] }), 1002);
    expectErr(await recv(f.t.O, f.O, { groupIDs: [uid('nogroup')] }), 1201);
    const env = await recv(s.adminToken, f.O, { groupIDs: [f.gid, g.gid] });
    expectOk(env);
    expect(env.data.total).toBe(1);
  });

  it('get_user_req_group_applicationList: self or app admin', async () => {
    const f = await fixture();
    expectOk(await post('/group/join_group', { groupID: f.gid, joinSource: 3 }, f.t.N));
    const own = await sent(f.t.N, f.N);
    expectOk(own);
    expect(own.data.total).toBe(1);
    expectErr(await sent(f.t.O, f.N), 1002);
    expectErr(await sent(f.t.N2, f.N), 1002);
    const byAdmin = await sent(s.adminToken, f.N);
    expectOk(byAdmin);
    expect(byAdmin.data.total).toBe(1);
  });

  it("get_specified_user_group_request_info: the applicant, the group's managers and the app admin", async () => {
    const f = await fixture();
    expectOk(await post('/group/join_group', { groupID: f.gid, joinSource: 3 }, f.t.N));
    for (const token of [f.t.N, f.t.O, f.t.A, s.adminToken]) {
      const env = await specified(token, f.gid, f.N);
      expectOk(env);
      expect(env.data.total).toBe(1);
    }
    expectErr(await specified(f.t.M, f.gid, f.N), 1002);
    expectErr(await specified(f.t.N2, f.gid, f.N), 1002);
  });
});

// ---------------------------------------------------------------------------------------------
// Reads

describe('reads', () => {
  it('get_joined_group_list: self or app admin, else 1002', async () => {
    const f = await fixture();
    const own = await post('/group/get_joined_group_list', { fromUserID: f.M, pagination: page() }, f.t.M);
    expectOk(own);
    expect(own.data.groups.map((g: any) => g.groupID)).toEqual([f.gid]);
    expectErr(await post('/group/get_joined_group_list', { fromUserID: f.M, pagination: page() }, f.t.O), 1002);
    expectErr(await post('/group/get_joined_group_list', { fromUserID: f.M, pagination: page() }, f.t.N), 1002);
    const byAdmin = await post('/group/get_joined_group_list', { fromUserID: f.M, pagination: page() }, s.adminToken);
    expectOk(byAdmin);
    expect(byAdmin.data.total).toBe(1);
  });

  it('member reads: any member or the app admin; a non-member gets 1002; an unknown group 1004', async () => {
    const f = await fixture();
    const reads: [string, Record<string, unknown>][] = [
      ['/group/get_group_member_list', { groupID: f.gid, pagination: page() }],
      ['/group/get_group_members_info', { groupID: f.gid, userIDs: [f.O, f.M] }],
      ['/group/get_group_member_user_id', { groupID: f.gid }],
    ];
    for (const [path, body] of reads) {
      for (const token of [f.t.O, f.t.A, f.t.M, s.adminToken]) expectOk(await post(path, body, token));
      expectErr(await post(path, body, f.t.N), 1002);
      expectErr(await post(path, { ...body, groupID: uid('nogroup') }, s.adminToken), 1004);
    }
  });

  it('get_groups_info: any user with a token (matrix §4.1)', async () => {
    const f = await fixture();
    const env = await post('/group/get_groups_info', { groupIDs: [f.gid] }, f.t.N);
    expectOk(env);
    expect(env.data.groupInfos[0]).toMatchObject({ groupID: f.gid, ownerUserID: f.O, memberCount: 5 });
  });
});
