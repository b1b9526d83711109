// The happy path of every endpoint, through real HTTP, with the response shapes OpenIM clients parse.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, page, startServer, type TestServer } from './harness.js';

const GROUP_INFO_KEYS = [
  'groupID',
  'groupName',
  'notification',
  'introduction',
  'faceURL',
  'ownerUserID',
  'createTime',
  'memberCount',
  'ex',
  'status',
  'creatorUserID',
  'groupType',
  'needVerification',
  'lookMemberInfo',
  'applyMemberFriend',
  'notificationUpdateTime',
  'notificationUserID',
];
const MEMBER_KEYS = [
  'groupID',
  'userID',
  'roleLevel',
  'joinTime',
  'nickname',
  'faceURL',
  'appMangerLevel',
  'joinSource',
  'operatorUserID',
  'ex',
  'muteEndTime',
  'inviterUserID',
];
const REQUEST_KEYS = [
  'userInfo',
  'groupInfo',
  'handleResult',
  'reqMsg',
  'handleMsg',
  'reqTime',
  'handleUserID',
  'handleTime',
  'ex',
  'joinSource',
  'inviterUserID',
];

let s: TestServer;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s.close();
});

describe('auth', () => {
  it('issues an admin token that parse_token reads back', async () => {
    const parsed = await s.client.ok('/auth/parse_token', { token: s.adminToken });
    expect(parsed).toMatchObject({ userID: 'imAdmin', platformID: 10 });
    expect(parsed.expireTimeSeconds).toBeGreaterThan(Date.now() / 1000);
  });

  it('issues user tokens per platform and revokes them with force_logout', async () => {
    const u = uid('auth');
    await s.register(u);
    const res = await s.client.ok('/auth/get_user_token', { userID: u, platformID: 1 }, s.adminToken);
    expect(typeof res.token).toBe('string');
    expect(res.expireTimeSeconds).toBe(90 * 86400);
    const web = await s.tokenFor(u, 5);
    expect(
      (await s.client.post('/group/get_joined_group_list', { fromUserID: u, pagination: page() }, res.token)).errCode,
    ).toBe(0);

    const logout = await s.client.post('/auth/force_logout', { userID: u, platformID: 1 }, s.adminToken);
    expect(logout).toEqual({ errCode: 0, errMsg: '', errDlt: '' });
    const after = await s.client.post('/group/get_joined_group_list', { fromUserID: u, pagination: page() }, res.token);
    expect(after.errCode).toBe(1506);
    expect(
      (await s.client.post('/group/get_joined_group_list', { fromUserID: u, pagination: page() }, web)).errCode,
    ).toBe(0);
  });
});

describe('users', () => {
  it('registers, reads and updates users', async () => {
    const a = uid('user');
    const b = uid('user');
    await s.client.ok(
      '/user/user_register',
      {
        users: [
          { userID: a, nickname: 'Alice', faceURL: 'https://f/a.png', ex: '{"k":1}' },
          { userID: b, nickname: 'Bob' },
        ],
      },
      s.adminToken,
    );
    const info = await s.client.ok('/user/get_users_info', { userIDs: [a, b, 'nobody'] }, s.adminToken);
    expect(info.usersInfo).toHaveLength(2);
    expect(info.usersInfo[0]).toEqual({
      userID: a,
      nickname: 'Alice',
      faceURL: 'https://f/a.png',
      ex: '{"k":1}',
      createTime: expect.any(Number),
      appMangerLevel: 0,
      globalRecvMsgOpt: 0,
    });

    const tokenA = await s.tokenFor(a);
    await s.client.ok('/user/update_user_info_ex', { userInfo: { userID: a, nickname: 'Alicia' } }, tokenA);
    const [updated] = (await s.client.ok('/user/get_users_info', { userIDs: [a] }, tokenA)).usersInfo;
    expect(updated).toMatchObject({ nickname: 'Alicia', faceURL: 'https://f/a.png', ex: '{"k":1}' });

    const dup = await s.client.post('/user/user_register', { users: [{ userID: a, nickname: 'again' }] }, s.adminToken);
    expect(dup.errCode).toBe(1102);
  });
});

describe('groups', () => {
  it('creates a group and returns the full GroupInfo', async () => {
    const [o, ad, m] = [uid('o'), uid('a'), uid('m')];
    await s.register(o, ad, m);
    const tokenO = await s.tokenFor(o);
    const res = await s.client.post(
      '/group/create_group',
      {
        ownerUserID: o,
        adminUserIDs: [ad],
        memberUserIDs: [m],
        groupInfo: {
          groupName: 'Hikers',
          notification: 'Be kind',
          introduction: 'We hike',
          faceURL: 'https://f/g.png',
          ex: 'x',
          groupType: 2,
          needVerification: 1,
          lookMemberInfo: 1,
          applyMemberFriend: 1,
        },
      },
      tokenO,
    );
    expect(res.errCode).toBe(0);
    const g = res.data.groupInfo;
    expect(Object.keys(g)).toEqual(GROUP_INFO_KEYS);
    expect(g).toMatchObject({
      groupName: 'Hikers',
      notification: 'Be kind',
      introduction: 'We hike',
      faceURL: 'https://f/g.png',
      ex: 'x',
      ownerUserID: o,
      memberCount: 3,
      status: 0,
      creatorUserID: o,
      groupType: 2,
      needVerification: 1,
      lookMemberInfo: 1,
      applyMemberFriend: 1,
      notificationUserID: o,
    });
    expect(g.groupID).toMatch(/^\d{19}$/);
    expect(g.createTime).toBeGreaterThan(0);
    expect(g.notificationUpdateTime).toBe(g.createTime);

    const info = await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID, 'missing'] }, tokenO);
    expect(info.groupInfos).toEqual([g]);
  });

  it('keeps a caller-chosen groupID and generates sortable ones otherwise', async () => {
    const o = uid('o');
    await s.register(o);
    const chosen = await createGroup(s, { owner: o, groupID: `custom-${n}` });
    expect(chosen.groupID).toBe(`custom-${n}`);
    const first = await createGroup(s, { owner: o });
    const second = await createGroup(s, { owner: o });
    expect(second.groupID > first.groupID).toBe(true);
  });

  it('set_group_info changes only non-empty strings and given wrappers', async () => {
    const o = uid('o');
    await s.register(o);
    const g = await createGroup(s, { owner: o, groupName: 'before' });
    const token = await s.tokenFor(o);
    const res = await s.client.post(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: g.groupID, groupName: 'after', introduction: '', needVerification: 2, ex: 'e' } },
      token,
    );
    expect(res).toEqual({ errCode: 0, errMsg: '', errDlt: '' });
    const [now] = (await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, token)).groupInfos;
    expect(now).toMatchObject({ groupName: 'after', introduction: '', needVerification: 2, ex: 'e', notification: '' });
  });

  it('set_group_info_ex clears with "" and stamps notification changes', async () => {
    const o = uid('o');
    await s.register(o);
    const g = await createGroup(s, { owner: o });
    const token = await s.tokenFor(o);
    await s.client.ok(
      '/group/set_group_info_ex',
      { groupID: g.groupID, introduction: 'intro', notification: '  hello  ', faceURL: 'f' },
      token,
    );
    let [now] = (await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, token)).groupInfos;
    expect(now).toMatchObject({ introduction: 'intro', notification: 'hello', faceURL: 'f', notificationUserID: o });
    expect(now.notificationUpdateTime).toBeGreaterThan(0);
    await s.client.ok('/group/set_group_info_ex', { groupID: g.groupID, introduction: '', faceURL: null }, token);
    [now] = (await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, token)).groupInfos;
    expect(now).toMatchObject({ introduction: '', faceURL: 'f' });
  });

  it('transfers ownership: roles swap and the new owner is unmuted', async () => {
    const [o, a] = [uid('o'), uid('a')];
    await s.register(o, a);
    const g = await createGroup(s, { owner: o, admins: [a] });
    const token = await s.tokenFor(o);
    await s.client.ok('/group/mute_group_member', { groupID: g.groupID, userID: a, mutedSeconds: 600 }, token);
    await s.client.ok('/group/transfer_group', { groupID: g.groupID, oldOwnerUserID: o, newOwnerUserID: a }, token);
    const { members } = await s.client.ok(
      '/group/get_group_members_info',
      { groupID: g.groupID, userIDs: [o, a] },
      token,
    );
    expect(members.map((m: any) => [m.userID, m.roleLevel, m.muteEndTime])).toEqual([
      [a, 100, 0],
      [o, 60, 0],
    ]);
    const [info] = (await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, token)).groupInfos;
    expect(info.ownerUserID).toBe(a);
  });

  it('mutes and unmutes the whole group', async () => {
    const o = uid('o');
    await s.register(o);
    const g = await createGroup(s, { owner: o });
    const token = await s.tokenFor(o);
    await s.client.ok('/group/mute_group', { groupID: g.groupID }, token);
    expect((await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, token)).groupInfos[0].status).toBe(
      3,
    );
    await s.client.ok('/group/cancel_mute_group', { groupID: g.groupID }, token);
    expect((await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, token)).groupInfos[0].status).toBe(
      0,
    );
  });

  it('dismisses a group, optionally deleting its members', async () => {
    const [o, m] = [uid('o'), uid('m')];
    await s.register(o, m);
    const keep = await createGroup(s, { owner: o, members: [m] });
    const drop = await createGroup(s, { owner: o, members: [m] });
    const token = await s.tokenFor(o);
    await s.client.ok('/group/dismiss_group', { groupID: keep.groupID }, token);
    await s.client.ok('/group/dismiss_group', { groupID: drop.groupID, deleteMember: true }, s.adminToken);
    const { groupInfos } = await s.client.ok(
      '/group/get_groups_info',
      { groupIDs: [keep.groupID, drop.groupID] },
      token,
    );
    const byID = Object.fromEntries(groupInfos.map((g: any) => [g.groupID, g]));
    expect(byID[keep.groupID]).toMatchObject({ status: 2, memberCount: 2, ownerUserID: o });
    expect(byID[drop.groupID]).toMatchObject({ status: 2, memberCount: 0, ownerUserID: '' });
  });
});

describe('members', () => {
  it('direct join (needVerification 2) and quit keep memberCount exact', async () => {
    const [o, j] = [uid('o'), uid('j')];
    await s.register(o, j);
    const g = await createGroup(s, { owner: o, needVerification: 2 });
    const token = await s.tokenFor(j);
    const join = await s.client.post(
      '/group/join_group',
      { groupID: g.groupID, joinSource: 3, reqMessage: 'hi' },
      token,
    );
    expect(join).toEqual({ errCode: 0, errMsg: '', errDlt: '' });
    const { members } = await s.client.ok('/group/get_group_members_info', { groupID: g.groupID, userIDs: [j] }, token);
    expect(Object.keys(members[0])).toEqual(MEMBER_KEYS);
    expect(members[0]).toMatchObject({
      userID: j,
      roleLevel: 20,
      joinSource: 3,
      operatorUserID: j,
      nickname: j,
      appMangerLevel: 0,
    });
    expect(
      (await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, token)).groupInfos[0].memberCount,
    ).toBe(2);

    await s.client.ok('/group/quit_group', { groupID: g.groupID }, token);
    expect(
      (await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, token)).groupInfos[0].memberCount,
    ).toBe(1);
  });

  it('invites directly and kicks', async () => {
    const [o, x, y] = [uid('o'), uid('x'), uid('y')];
    await s.register(o, x, y);
    const g = await createGroup(s, { owner: o });
    const token = await s.tokenFor(o);
    await s.client.ok(
      '/group/invite_user_to_group',
      { groupID: g.groupID, invitedUserIDs: [x, y], reason: 'come' },
      token,
    );
    const ids = await s.client.ok('/group/get_group_member_user_id', { groupID: g.groupID }, token);
    expect(ids.userIDs).toEqual([o, x, y]);
    const { members } = await s.client.ok('/group/get_group_members_info', { groupID: g.groupID, userIDs: [x] }, token);
    expect(members[0]).toMatchObject({ joinSource: 2, inviterUserID: o, operatorUserID: o });

    await s.client.ok('/group/kick_group', { groupID: g.groupID, kickedUserIDs: [x], reason: 'bye' }, token);
    expect((await s.client.ok('/group/get_group_member_user_id', { groupID: g.groupID }, token)).userIDs).toEqual([
      o,
      y,
    ]);
    expect(
      (await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, token)).groupInfos[0].memberCount,
    ).toBe(2);
  });

  it('lists members with keyword search, role filter and paging', async () => {
    const [o, a] = [uid('o'), uid('a')];
    const ms = [uid('m'), uid('m'), uid('m')];
    await s.register(
      { userID: o, nickname: 'Olga' },
      { userID: a, nickname: 'Arthur' },
      { userID: ms[0]!, nickname: 'Maria_x' },
      { userID: ms[1]!, nickname: 'Mario' },
      { userID: ms[2]!, nickname: '100%' },
    );
    const g = await createGroup(s, { owner: o, admins: [a], members: ms });
    const token = await s.tokenFor(a);
    const list = (body: object) =>
      s.client.ok('/group/get_group_member_list', { groupID: g.groupID, pagination: page(), ...body }, token);

    const all = await list({});
    expect(all.total).toBe(5);
    expect(all.members.map((m: any) => m.roleLevel)).toEqual([100, 60, 20, 20, 20]);
    expect((await list({ keyword: 'mari' })).members.map((m: any) => m.nickname)).toEqual(['Maria_x', 'Mario']);
    // LIKE wildcards in the keyword are literal.
    expect((await list({ keyword: '%' })).members.map((m: any) => m.nickname)).toEqual(['100%']);
    expect((await list({ keyword: 'a_x' })).members.map((m: any) => m.nickname)).toEqual(['Maria_x']);
    expect((await list({ keyword: ms[1] })).total).toBe(1);
    expect((await list({ filter: 1 })).members.map((m: any) => m.userID)).toEqual([o]);
    expect((await list({ filter: 2 })).members.map((m: any) => m.userID)).toEqual([a]);
    expect((await list({ filter: 3 })).total).toBe(3);
    expect((await list({ filter: 4 })).total).toBe(4);
    expect((await list({ filter: 5 })).total).toBe(2);
    const p2 = await list({ pagination: page(2, 2) });
    expect(p2.total).toBe(5);
    expect(p2.members.map((m: any) => m.userID)).toEqual([ms[0], ms[1]]);
    const none = await list({ pagination: page(1, 0) });
    expect(none).toEqual({ total: 5, members: [] });
  });

  it('lists the groups a user joined, newest first', async () => {
    const [o, u] = [uid('o'), uid('u')];
    await s.register(o, u);
    const g1 = await createGroup(s, { owner: o, members: [u] });
    const g2 = await createGroup(s, { owner: o, members: [u] });
    const token = await s.tokenFor(u);
    const res = await s.client.ok('/group/get_joined_group_list', { fromUserID: u, pagination: page() }, token);
    expect(res.total).toBe(2);
    expect(res.groups.map((g: any) => g.groupID)).toEqual([g2.groupID, g1.groupID]);
  });

  it('sets member info: nickname, face, ex and role', async () => {
    const [o, m] = [uid('o'), uid('m')];
    await s.register(o, m);
    const g = await createGroup(s, { owner: o, members: [m] });
    const token = await s.tokenFor(o);
    const res = await s.client.post(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, nickName: 'In-group', faceURL: 'f', ex: 'e', roleLevel: 60 }] },
      token,
    );
    expect(res).toEqual({ errCode: 0, errMsg: '', errDlt: '' });
    const { members } = await s.client.ok('/group/get_group_members_info', { groupID: g.groupID, userIDs: [m] }, token);
    expect(members[0]).toMatchObject({ nickname: 'In-group', faceURL: 'f', ex: 'e', roleLevel: 60 });
    // An empty in-group nickname falls back to the profile nickname.
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, nickname: '' }] },
      token,
    );
    expect(
      (await s.client.ok('/group/get_group_members_info', { groupID: g.groupID, userIDs: [m] }, token)).members[0]
        .nickname,
    ).toBe(m);
  });

  it('mutes and unmutes a member', async () => {
    const [o, m] = [uid('o'), uid('m')];
    await s.register(o, m);
    const g = await createGroup(s, { owner: o, members: [m] });
    const token = await s.tokenFor(o);
    const before = Date.now();
    await s.client.ok('/group/mute_group_member', { groupID: g.groupID, userID: m, mutedSeconds: 60 }, token);
    let [member] = (await s.client.ok('/group/get_group_members_info', { groupID: g.groupID, userIDs: [m] }, token))
      .members;
    expect(member.muteEndTime).toBeGreaterThanOrEqual(before + 60_000);
    expect(member.muteEndTime).toBeLessThan(Date.now() + 61_000);
    await s.client.ok('/group/cancel_mute_group_member', { groupID: g.groupID, userID: m }, token);
    [member] = (
      await s.client.ok('/group/get_group_members_info', { groupID: g.groupID, userIDs: [m] }, token)
    ).members;
    expect(member.muteEndTime).toBe(0);
  });
});

describe('applications', () => {
  it('apply, list in the inbox and as the applicant, approve, and record the handling', async () => {
    const [o, a, j] = [uid('o'), uid('a'), uid('j')];
    await s.register(o, a, j);
    const g = await createGroup(s, { owner: o, admins: [a], needVerification: 0 });
    const tokenJ = await s.tokenFor(j);
    const tokenA = await s.tokenFor(a);
    await s.client.ok(
      '/group/join_group',
      { groupID: g.groupID, joinSource: 4, reqMessage: 'let me in', ex: 'q' },
      tokenJ,
    );
    // Not a member yet.
    expect(
      (await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, tokenJ)).groupInfos[0].memberCount,
    ).toBe(2);

    const inbox = await s.client.ok(
      '/group/get_recv_group_applicationList',
      { fromUserID: a, pagination: page() },
      tokenA,
    );
    expect(inbox.total).toBe(1);
    const req = inbox.groupRequests[0];
    expect(Object.keys(req)).toEqual(REQUEST_KEYS);
    expect(req).toMatchObject({
      userInfo: { userID: j, nickname: j, faceURL: '', ex: '' },
      handleResult: 0,
      reqMsg: 'let me in',
      ex: 'q',
      joinSource: 4,
      handleUserID: '',
      handleTime: 0,
    });
    expect(req.groupInfo.groupID).toBe(g.groupID);

    const mine = await s.client.ok(
      '/group/get_user_req_group_applicationList',
      { userID: j, pagination: page() },
      tokenJ,
    );
    expect(mine.total).toBe(1);

    await s.client.ok(
      '/group/group_application_response',
      { groupID: g.groupID, fromUserID: j, handleResult: 1, handledMsg: 'welcome' },
      tokenA,
    );
    const spec = await s.client.ok(
      '/group/get_specified_user_group_request_info',
      { groupID: g.groupID, userID: j },
      tokenJ,
    );
    expect(spec.total).toBe(1);
    expect(spec.groupRequests[0]).toMatchObject({ handleResult: 1, handleMsg: 'welcome', handleUserID: a });
    expect(spec.groupRequests[0].handleTime).toBeGreaterThan(0);
    const { members } = await s.client.ok(
      '/group/get_group_members_info',
      { groupID: g.groupID, userIDs: [j] },
      tokenJ,
    );
    expect(members[0]).toMatchObject({ joinSource: 4, operatorUserID: a, roleLevel: 20 });
    expect(
      (await s.client.ok('/group/get_groups_info', { groupIDs: [g.groupID] }, tokenJ)).groupInfos[0].memberCount,
    ).toBe(3);

    const pending = await s.client.ok(
      '/group/get_recv_group_applicationList',
      { fromUserID: a, pagination: page(), handleResults: [0] },
      tokenA,
    );
    expect(pending.total).toBe(0);
  });

  it('a refused application leaves the group unchanged', async () => {
    const [o, j] = [uid('o'), uid('j')];
    await s.register(o, j);
    const g = await createGroup(s, { owner: o, needVerification: 1 });
    await s.client.ok('/group/join_group', { groupID: g.groupID, joinSource: 3 }, await s.tokenFor(j));
    const tokenO = await s.tokenFor(o);
    await s.client.ok(
      '/group/group_application_response',
      { groupID: g.groupID, fromUserID: j, handleResult: -1, handledMsg: 'no' },
      tokenO,
    );
    expect((await s.client.ok('/group/get_group_member_user_id', { groupID: g.groupID }, tokenO)).userIDs).toEqual([o]);
    const again = await s.client.post(
      '/group/group_application_response',
      { groupID: g.groupID, fromUserID: j, handleResult: 1 },
      tokenO,
    );
    expect(again.errCode).toBe(1206);
  });
});
