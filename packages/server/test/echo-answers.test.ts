// An OpenIM-style business server answers a before-callback by echoing the request back (its
// changes, if any, made in place): "" for every plain-string field the caller left alone, null for
// every wrapper. Such an answer must change nothing the caller did not ask for, for every
// before-hook huddle applies an answer of: each test enables one hook, answers with the echo, and
// reads the state (and the after-callback) back.

import { CALLBACK_KEYS, CALLBACKS, type CallbackKey } from '@huddle/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { page, startServer, type TestServer } from './harness.js';
import { DEFAULT_ANSWER, startReceiver, type Receiver, type ReceivedRequest } from './receiver.js';

const BEFORE_KEYS = CALLBACK_KEYS.filter((k) => CALLBACKS[k].phase === 'before');
const cmd = (key: CallbackKey) => CALLBACKS[key].openim.command;
const echo = (req: ReceivedRequest) => ({ body: { ...DEFAULT_ANSWER, ...req.body } });

let s: TestServer;
let rx: Receiver;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

/** Every before-hook enabled and answered with the echo; `after` after-hooks enabled too. */
async function configure(after: readonly CallbackKey[] = []) {
  const hooks = Object.fromEntries(
    [...BEFORE_KEYS, ...after].map((k) => [k, { enable: true, timeout: 2, failedContinue: false }]),
  );
  await s.client.ok(
    '/callback/set_config',
    { config: { url: rx.url, retrySchedule: [0.05, 0.1, 0.2], ...hooks } },
    s.adminToken,
  );
}

const FULL_GROUP = {
  groupName: 'team',
  notification: 'read the rules',
  introduction: 'we build things',
  faceURL: 'https://f/g.png',
  ex: '{"tier":"gold"}',
  groupType: 2,
  needVerification: 1,
  lookMemberInfo: 1,
  applyMemberFriend: 1,
};

async function groupOf(groupID: string) {
  return (await s.client.ok('/group/get_groups_info', { groupIDs: [groupID] }, s.adminToken)).groupInfos[0];
}
async function membersOf(groupID: string) {
  const { members } = await s.client.ok('/group/get_group_member_list', { groupID, pagination: page() }, s.adminToken);
  return members.map((m: any) => ({
    userID: m.userID,
    roleLevel: m.roleLevel,
    nickname: m.nickname,
    faceURL: m.faceURL,
    ex: m.ex,
    muteEndTime: m.muteEndTime,
  }));
}

/** A group with every setting non-default, owned by a fresh user, and a fresh member. */
async function fullGroup() {
  const [o, m] = [uid('o'), uid('m')];
  await s.register(o, m);
  const { groupInfo } = await s.client.ok(
    '/group/create_group',
    { ownerUserID: o, memberUserIDs: [m], groupInfo: { ...FULL_GROUP, groupID: uid('eg') } },
    s.adminToken,
  );
  return { group: groupInfo, owner: o, member: m, token: await s.tokenFor(o) };
}

/** The after-callback of `key` for a group (delivered through the outbox). */
async function afterFor(key: CallbackKey, groupID: string) {
  const [req] = await rx.waitForCount(1, (r) => r.command === cmd(key) && r.body.groupID === groupID);
  return req!.body;
}

beforeAll(async () => {
  rx = await startReceiver();
  s = await startServer();
});
afterAll(async () => {
  await s.close();
  await rx.close();
});
beforeEach(async () => {
  rx.reset();
  rx.answer('*', echo);
  await configure(['afterSetGroupInfo', 'afterSetGroupInfoEx', 'afterSetGroupMemberInfo']);
});

describe('an echoed answer changes only what the caller asked for', () => {
  it('beforeSetGroupInfo: set_group_info of the name keeps notification, introduction, faceURL, ex and the flags', async () => {
    const { group, token } = await fullGroup();
    await s.client.ok(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: group.groupID, groupName: 'renamed' } },
      token,
    );
    const [asked] = rx.requests(cmd('beforeSetGroupInfo'));
    // The echo carries "" for the fields left alone: the trap.
    expect(asked!.body).toMatchObject({ groupName: 'renamed', notification: '', introduction: '', faceURL: '' });
    expect(await groupOf(group.groupID)).toEqual({ ...group, groupName: 'renamed' });
    expect(await afterFor('afterSetGroupInfo', group.groupID)).toMatchObject({
      groupID: group.groupID,
      groupName: 'renamed',
      notification: '',
      introduction: '',
      faceURL: '',
      ex: null,
      needVerification: null,
      lookMemberInfo: null,
      applyMemberFriend: null,
    });
  });

  it('beforeSetGroupInfo: a non-empty field in the answer still applies, a "" one leaves the request as is', async () => {
    const { group, token } = await fullGroup();
    rx.answer(cmd('beforeSetGroupInfo'), (req) => ({
      body: { ...DEFAULT_ANSWER, ...req.body, groupName: '', introduction: 'reviewed' },
    }));
    await s.client.ok(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: group.groupID, groupName: 'renamed' } },
      token,
    );
    expect(await groupOf(group.groupID)).toEqual({ ...group, groupName: 'renamed', introduction: 'reviewed' });
  });

  it('beforeSetGroupInfoEx: set_group_info_ex of the name keeps everything else', async () => {
    const { group, token } = await fullGroup();
    await s.client.ok('/group/set_group_info_ex', { groupID: group.groupID, groupName: 'renamed' }, token);
    expect(rx.requests(cmd('beforeSetGroupInfoEx'))[0]!.body).toMatchObject({
      groupName: 'renamed',
      notification: null,
      introduction: null,
      faceURL: null,
      ex: null,
    });
    expect(await groupOf(group.groupID)).toEqual({ ...group, groupName: 'renamed' });
    expect(await afterFor('afterSetGroupInfoEx', group.groupID)).toMatchObject({
      groupName: 'renamed',
      notification: null,
      introduction: null,
      faceURL: null,
      ex: null,
      needVerification: null,
    });
  });

  it('beforeSetGroupMemberInfo: set_group_member_info of the nickname keeps faceURL, ex and role', async () => {
    const { group, member, token } = await fullGroup();
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID: group.groupID, userID: member, faceURL: 'https://f/m.png', ex: 'mx' }] },
      token,
    );
    const before = await membersOf(group.groupID);
    // That change's after-callback has arrived before the receiver forgets what it got.
    await afterFor('afterSetGroupMemberInfo', group.groupID);
    rx.reset();
    rx.answer('*', echo);
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID: group.groupID, userID: member, nickname: 'Mo' }] },
      token,
    );
    expect(await membersOf(group.groupID)).toEqual(
      before.map((m: any) => (m.userID === member ? { ...m, nickname: 'Mo' } : m)),
    );
    expect(await afterFor('afterSetGroupMemberInfo', group.groupID)).toMatchObject({
      userID: member,
      nickName: 'Mo',
      faceURL: null,
      roleLevel: null,
      ex: null,
    });
  });

  it('beforeCreateGroup and beforeMemberJoinGroup: create_group keeps every requested setting and generates the groupID', async () => {
    const [o, m] = [uid('o'), uid('m')];
    await s.register(o, m);
    const { groupInfo } = await s.client.ok(
      '/group/create_group',
      { ownerUserID: o, memberUserIDs: [m], groupInfo: FULL_GROUP },
      s.adminToken,
    );
    expect(rx.requests(cmd('beforeCreateGroup'))[0]!.body.groupID).toBe('');
    expect(groupInfo.groupID).not.toBe('');
    expect(await groupOf(groupInfo.groupID)).toMatchObject({ ...FULL_GROUP, ownerUserID: o, memberCount: 2 });
    expect(await membersOf(groupInfo.groupID)).toEqual([
      { userID: o, roleLevel: 100, nickname: o, faceURL: '', ex: '', muteEndTime: 0 },
      { userID: m, roleLevel: 20, nickname: m, faceURL: '', ex: '', muteEndTime: 0 },
    ]);
  });

  it('beforeInviteUserToGroup, beforeApplyJoinGroup, beforeMemberJoinGroup: everyone invited or joining is admitted as asked', async () => {
    const { group, token } = await fullGroup();
    const [i1, i2, j] = [uid('i'), uid('i'), uid('j')];
    await s.register(i1, i2, j);
    await s.client.ok('/group/set_group_info_ex', { groupID: group.groupID, needVerification: 2 }, token);
    await s.client.ok(
      '/group/invite_user_to_group',
      { groupID: group.groupID, invitedUserIDs: [i1, i2], reason: 'come' },
      token,
    );
    await s.client.ok(
      '/group/join_group',
      { groupID: group.groupID, joinSource: 3, reqMessage: 'hi' },
      await s.tokenFor(j),
    );
    const joined = (await membersOf(group.groupID)).filter((m: any) => [i1, i2, j].includes(m.userID));
    expect(joined).toEqual(
      [i1, i2, j].map((userID) => ({ userID, roleLevel: 20, nickname: userID, faceURL: '', ex: '', muteEndTime: 0 })),
    );
    for (const key of ['beforeInviteUserToGroup', 'beforeApplyJoinGroup', 'beforeMemberJoinGroup'] as const)
      expect(rx.requests(cmd(key)).length, key).toBeGreaterThan(0);
  });
});
