// The SDK against a real huddle, every hook in both dialects: huddle sends (signed, Sign'd), the
// receiver verifies and routes to typed handlers, and what the handlers decide is what happens.
// One receiver serves an OpenIM endpoint (/im) and a Tencent endpoint (/tc) with different secrets.

import http from 'node:http';
import { CALLBACKS, type BeforeCallbackKey, type CallbackKey } from '@huddle/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, page, startServer, type TestServer } from '../../server/test/harness.js';
import {
  allow,
  createReceiver,
  modify,
  nodeHandler,
  reject,
  type BeforeHandler,
  type HookEvent,
} from '../src/index.js';
import { AFTER_KEYS, allDelivered, BEFORE_KEYS, configureEndpoints, hasTencent } from './huddle.js';
import { listen } from './http.js';
import { liveOneGroup } from './scenario.js';
import { OTHER_SECRET, SDK_APP_ID, SECRET, TOKEN } from './requests.js';

type AnyEvent = HookEvent<CallbackKey>;
type Policy = { [K in BeforeCallbackKey]?: BeforeHandler<K> };

let s: TestServer;
let base: string;
let closeReceiver: () => Promise<void>;
const events: AnyEvent[] = [];
const errors: unknown[] = [];
let policy: Policy = {};
let n = 0;
const uid = (p: string) => `${p}${++n}`;

const openim = { signingSecret: SECRET };
const tencent = { sdkAppId: SDK_APP_ID, token: TOKEN, signingSecret: OTHER_SECRET };
const endpoints = (openimHooks: readonly CallbackKey[], tencentHooks: readonly CallbackKey[]) => ({
  openim: { url: `${base}/im`, hooks: openimHooks, signingSecret: SECRET },
  tencent: { url: `${base}/tc`, hooks: tencentHooks, signingSecret: OTHER_SECRET, sdkAppId: SDK_APP_ID, token: TOKEN },
});

beforeAll(async () => {
  s = await startServer({ env: { HUDDLE_MAX_GROUP_MEMBERS: '6' } });
  const receiver = createReceiver({ openim, tencent, onError: (err) => errors.push(err) });
  for (const key of AFTER_KEYS) receiver.on(key, ((e: AnyEvent) => void events.push(e)) as never);
  for (const key of BEFORE_KEYS) {
    receiver.on(key, ((e: AnyEvent) => {
      events.push(e);
      const decide = policy[key] as ((e: AnyEvent) => ReturnType<BeforeHandler<BeforeCallbackKey>>) | undefined;
      return decide?.(e) ?? allow();
    }) as never);
  }
  const server = await listen(http.createServer(nodeHandler(receiver)));
  base = server.url;
  closeReceiver = server.close;
});
afterAll(async () => {
  await s.close();
  await closeReceiver();
});
beforeEach(() => {
  events.length = 0;
  errors.length = 0;
  policy = {};
});

async function waitForEvent(match: (e: AnyEvent) => boolean, timeoutMs = 10_000) {
  for (const until = Date.now() + timeoutMs; !events.some(match); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > until) throw new Error('timed out waiting for an event');
  }
}

const members = async (groupID: string) =>
  (await s.client.ok('/group/get_group_member_list', { groupID, pagination: page() }, s.adminToken)).members.map(
    (m: { userID: string; nickname: string; ex: string }) => [m.userID, m.nickname, m.ex],
  );
const groupInfo = async (groupID: string) =>
  (await s.client.ok('/group/get_groups_info', { groupIDs: [groupID] }, s.adminToken)).groupInfos[0];

describe('after-callbacks', () => {
  it('reach a typed handler for every hook, in both dialects, and count as delivered', async () => {
    await configureEndpoints(s, endpoints(AFTER_KEYS, AFTER_KEYS.filter(hasTencent)));
    const { groupID, owner: o, admin: a, member: m, kicked: k } = await liveOneGroup(s, uid('life'));
    await waitForEvent((e) => e.dialect === 'openim' && e.hook === 'afterDismissGroup');
    await waitForEvent((e) => e.dialect === 'tencent' && e.hook === 'afterDismissGroup');
    const got = (dialect: string, key: CallbackKey) => events.filter((e) => e.dialect === dialect && e.hook === key);

    for (const key of AFTER_KEYS) {
      const im = got('openim', key);
      expect(im.length, key).toBeGreaterThan(0);
      for (const e of im)
        expect(e).toMatchObject({
          command: CALLBACKS[key].openim.command,
          body: { callbackCommand: CALLBACKS[key].openim.command, groupID },
        });
    }
    // Tencent: each command once at least; a member exit goes to the hook its ExitType names.
    for (const key of AFTER_KEYS.filter(hasTencent)) {
      const command = CALLBACKS[key].tencent!.command;
      const tc = events.filter((e) => e.dialect === 'tencent' && e.command === command);
      expect(tc.length, command).toBeGreaterThan(0);
      for (const e of tc)
        expect(e).toMatchObject({
          body: { CallbackCommand: command, GroupId: groupID },
          query: { SdkAppid: SDK_APP_ID },
        });
    }
    const quits = got('tencent', 'afterQuitGroup') as HookEvent<'afterQuitGroup'>[];
    const kicks = got('tencent', 'afterKickGroupMember') as HookEvent<'afterKickGroupMember'>[];
    expect(quits.map((e) => e.dialect === 'tencent' && e.body.ExitType)).toEqual(['Quit']);
    expect(kicks.map((e) => e.dialect === 'tencent' && e.body.ExitType)).toEqual(['Kicked']);
    expect(got('tencent', 'afterSetGroupInfo')).toHaveLength(2);

    // Typed bodies, read as a business server would.
    const [created] = got('openim', 'afterCreateGroup') as HookEvent<'afterCreateGroup'>[];
    if (created?.dialect !== 'openim') throw new Error('expected an OpenIM event');
    expect(created.body.initMemberList.map((x) => [x.userID, x.roleLevel])).toEqual([
      [o, 100],
      [a, 60],
      [m, 20],
      [k, 20],
    ]);
    const [full] = got('openim', 'afterGroupFull') as HookEvent<'afterGroupFull'>[];
    expect(full?.dialect === 'openim' && [full.body.memberCount, full.body.maxMemberCount]).toEqual([6, 6]);

    // Every event has its own webhook-id, and huddle counts every answer as delivered.
    const ids = events.map((e) => `${e.dialect}:${e.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /:evt_\d+$/.test(id))).toBe(true);
    await allDelivered(s, groupID, events.length);
    expect(errors).toEqual([]);
  });
});

describe("before-callbacks in OpenIM's dialect", () => {
  it('allow, reject and modify each do what the handler said, for every before-hook', async () => {
    await configureEndpoints(s, endpoints(BEFORE_KEYS, []));
    policy = {
      beforeCreateGroup: (e) =>
        e.dialect === 'openim' && e.body.groupName === 'forbidden'
          ? reject(5001, 'name taken', 'pick another')
          : modify({ ex: 'from-sdk' }),
      beforeMemberJoinGroup: (e) =>
        modify({
          memberCallbackList:
            e.dialect === 'openim'
              ? e.body.memberList.map((x) => ({ userID: x.userID, nickname: `sdk-${x.userID}` }))
              : [],
        }),
      beforeApplyJoinGroup: (e) =>
        e.dialect === 'openim' && e.body.reqMessage === 'spam' ? reject(5002, 'no spam') : allow(),
      beforeInviteUserToGroup: (e) =>
        modify({
          refusedMembersAccount:
            e.dialect === 'openim' ? e.body.invitedUserIDs.filter((id) => id.startsWith('bot')) : [],
        }),
      beforeSetGroupInfo: () => modify({ notification: 'set by sdk' }),
      beforeSetGroupInfoEx: (e) =>
        e.dialect === 'openim' && e.body.introduction === 'bad' ? reject(5003, 'bad intro') : allow(),
      beforeSetGroupMemberInfo: () => modify({ ex: 'sdk' }),
      beforeUserRegister: () => allow(),
      beforeUpdateUserInfo: () => modify({ faceURL: 'https://sdk/face.png' }),
      beforeUpdateUserInfoEx: (e) =>
        e.dialect === 'openim' && e.body.nickName === 'bad' ? reject(5004, 'bad name') : modify({ ex: 'sdk-ex' }),
      // No message is sent here: the message hooks are exercised in the server's message-hooks tests.
      beforeSendGroupMsg: () => allow(),
      beforeSendSingleMsg: () => allow(),
      beforeMsgModify: () => allow(),
    } satisfies Required<Policy>;
    const [o, m, j, i, bot] = [uid('o'), uid('m'), uid('j'), uid('i'), uid('bot')];
    await s.register(o, m, j, i, bot);
    const tokenO = await s.tokenFor(o);

    expect(
      await s.client.post(
        '/group/create_group',
        { ownerUserID: o, groupInfo: { groupName: 'forbidden', groupType: 2 } },
        tokenO,
      ),
    ).toEqual({ errCode: 5001, errMsg: 'name taken', errDlt: 'pick another' });
    const g = await createGroup(s, { owner: o, members: [m], needVerification: 2, token: tokenO });
    expect(g.ex).toBe('from-sdk');
    expect(await members(g.groupID)).toEqual([
      [o, `sdk-${o}`, ''],
      [m, `sdk-${m}`, ''],
    ]);

    const tokenJ = await s.tokenFor(j);
    expect(
      (await s.client.post('/group/join_group', { groupID: g.groupID, joinSource: 3, reqMessage: 'spam' }, tokenJ))
        .errCode,
    ).toBe(5002);
    await s.client.ok('/group/join_group', { groupID: g.groupID, joinSource: 3, reqMessage: 'hi' }, tokenJ);
    await s.client.ok('/group/invite_user_to_group', { groupID: g.groupID, invitedUserIDs: [bot, i] }, tokenO);
    expect((await members(g.groupID)).map((x: string[]) => x[0])).toEqual([o, m, j, i]);

    await s.client.ok('/group/set_group_info', { groupInfoForSet: { groupID: g.groupID, groupName: 'n2' } }, tokenO);
    expect(await groupInfo(g.groupID)).toMatchObject({ groupName: 'n2', notification: 'set by sdk' });
    expect(
      (await s.client.post('/group/set_group_info_ex', { groupID: g.groupID, introduction: 'bad' }, tokenO)).errCode,
    ).toBe(5003);
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, nickname: 'x' }] },
      tokenO,
    );
    expect((await members(g.groupID))[1]).toEqual([m, 'x', 'sdk']);

    const tokenM = await s.tokenFor(m);
    await s.client.ok('/user/update_user_info', { userInfo: { userID: m, nickname: 'Mo' } }, tokenM);
    expect(
      (await s.client.post('/user/update_user_info_ex', { userInfo: { userID: m, nickname: 'bad' } }, tokenM)).errCode,
    ).toBe(5004);
    await s.client.ok('/user/update_user_info_ex', { userInfo: { userID: m, nickname: 'Moe' } }, tokenM);
    const { usersInfo } = await s.client.ok('/user/get_users_info', { userIDs: [m] }, s.adminToken);
    expect(usersInfo[0]).toMatchObject({ nickname: 'Moe', faceURL: 'https://sdk/face.png', ex: 'sdk-ex' });

    expect(new Set(events.map((e) => e.hook))).toEqual(new Set(BEFORE_KEYS));
    expect(events.every((e) => e.dialect === 'openim')).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe("before-callbacks in Tencent's dialect", () => {
  it('custom denial, plain denial and refused invitees, for every Tencent before-hook', async () => {
    const tencentBefore = BEFORE_KEYS.filter(hasTencent);
    await configureEndpoints(s, endpoints([], tencentBefore));
    policy = {
      beforeCreateGroup: (e) =>
        e.dialect === 'tencent' && e.body.Name === 'forbidden' ? reject(10150, 'name taken', 'pick another') : allow(),
      beforeApplyJoinGroup: () => reject(5001, 'closed'),
      beforeInviteUserToGroup: (e) =>
        modify({
          refusedMembersAccount:
            e.dialect === 'tencent'
              ? e.body.DestinationMembers.map((x) => x.Member_Account).filter((id) => id.startsWith('bot'))
              : [],
        }),
    };
    const [o, j, i, bot] = [uid('o'), uid('j'), uid('i'), uid('bot')];
    await s.register(o, j, i, bot);
    const tokenO = await s.tokenFor(o);

    expect(
      await s.client.post(
        '/group/create_group',
        { ownerUserID: o, groupInfo: { groupName: 'forbidden', groupType: 2 } },
        tokenO,
      ),
    ).toMatchObject({ errCode: 10150, errMsg: 'name taken: pick another' });
    const g = await createGroup(s, { owner: o, needVerification: 2, token: tokenO });
    expect(
      (await s.client.post('/group/join_group', { groupID: g.groupID, joinSource: 3 }, await s.tokenFor(j))).errCode,
    ).toBe(10016);
    await s.client.ok('/group/invite_user_to_group', { groupID: g.groupID, invitedUserIDs: [bot, i] }, tokenO);
    expect((await members(g.groupID)).map((x: string[]) => x[0])).toEqual([o, i]);

    expect(new Set(events.map((e) => e.hook))).toEqual(new Set(tencentBefore));
    expect(events.every((e) => e.dialect === 'tencent')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a modification Tencent cannot carry fails the callback, which huddle reports, never hangs', async () => {
    await configureEndpoints(s, endpoints([], ['beforeCreateGroup']));
    policy = { beforeCreateGroup: () => modify({ groupName: 'renamed' }) };
    const o = uid('o');
    await s.register(o);
    const res = await s.client.post(
      '/group/create_group',
      { ownerUserID: o, groupInfo: { groupName: 'x', groupType: 2 } },
      s.adminToken,
    );
    expect(res.errCode).toBe(90004);
    expect(String(errors[0])).toMatch(/no modification for this callback/);
  });
});
