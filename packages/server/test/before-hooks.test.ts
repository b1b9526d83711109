// Before-callbacks end to end: a real huddle asks a real business server (node:http on 127.0.0.1)
// and obeys its answer: allow, reject, modify, an invalid modification, a timeout, a refused
// connection — each with failedContinue true and false. State is read back after every refusal.

import { CALLBACK_KEYS, CALLBACKS, MESSAGE_HOOK_KEYS } from '@huddle/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, page, startServer, type TestServer } from './harness.js';
import { startReceiver, type Receiver } from './receiver.js';
import { expectShape, loadResponse } from './shape.js';

// The message before-hooks: message-hooks.test.ts.
const BEFORE_KEYS = CALLBACK_KEYS.filter((k) => CALLBACKS[k].phase === 'before' && !MESSAGE_HOOK_KEYS.includes(k));
const cmd = (key: (typeof CALLBACK_KEYS)[number]) => CALLBACKS[key].openim.command;

let s: TestServer;
let rx: Receiver;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

/** Enables every before-hook with one timeout and failedContinue setting, through the admin API. */
async function configure(options: { failedContinue: boolean; timeout?: number; enable?: readonly string[] }) {
  const hooks = Object.fromEntries(
    BEFORE_KEYS.map((k) => [
      k,
      {
        enable: (options.enable ?? BEFORE_KEYS).includes(k),
        timeout: options.timeout ?? 2,
        failedContinue: options.failedContinue,
      },
    ]),
  );
  await s.client.ok('/callback/set_config', { config: { url: rx.url, ...hooks } }, s.adminToken);
}

async function members(groupID: string) {
  const { members } = await s.client.ok('/group/get_group_member_list', { groupID, pagination: page() }, s.adminToken);
  return members.map((m: any) => [m.userID, m.roleLevel, m.nickname]);
}
async function groupOf(groupID: string) {
  return (await s.client.ok('/group/get_groups_info', { groupIDs: [groupID] }, s.adminToken)).groupInfos[0];
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
  await configure({ failedContinue: true });
});

describe('requests', () => {
  it('sends every before-hook with its fixture shape, the caller operationID and Standard Webhooks headers', async () => {
    const [o, a, m, j, i] = [uid('o'), uid('a'), uid('m'), uid('j'), uid('i')];
    await s.register(o, a, m, j, i);
    const g = await createGroup(s, { owner: o, admins: [a], members: [m], needVerification: 2 });
    const tokenO = await s.tokenFor(o);
    await s.client.ok(
      '/group/join_group',
      { groupID: g.groupID, joinSource: 3, reqMessage: 'hi' },
      await s.tokenFor(j),
    );
    await s.client.ok(
      '/group/invite_user_to_group',
      { groupID: g.groupID, invitedUserIDs: [i], reason: 'come' },
      tokenO,
    );
    await s.client.ok('/group/set_group_info', { groupInfoForSet: { groupID: g.groupID, groupName: 'n2' } }, tokenO);
    await s.client.ok('/group/set_group_info_ex', { groupID: g.groupID, introduction: 'intro' }, tokenO);
    const res = await s.client.raw(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, nickname: 'nn' }] },
      { token: tokenO, operationID: 'op-member-info' },
    );
    expect(res.body.errCode).toBe(0);
    await s.client.ok('/user/update_user_info', { userInfo: { userID: o, nickname: 'O' } }, tokenO);
    await s.client.ok('/user/update_user_info_ex', { userInfo: { userID: o, faceURL: 'https://f/o.png' } }, tokenO);

    for (const key of BEFORE_KEYS) {
      const got = rx.requests(cmd(key));
      expect(got.length, key).toBeGreaterThan(0);
      for (const r of got) {
        expect(r.method).toBe('POST');
        expect(r.path).toBe(`/callbackExample/${cmd(key)}`);
        expect(r.query).toEqual({ contenttype: 'json' });
        expect(r.headers['content-type']).toContain('application/json');
        expect(r.headers['webhook-id']).toMatch(/^evt_\d+$/);
        expect(Number(r.headers['webhook-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 60);
        expect(r.body.callbackCommand).toBe(cmd(key));
        expectShape(r.body, cmd(key));
      }
    }
    const [memberInfo] = rx.requests(cmd('beforeSetGroupMemberInfo'));
    expect(memberInfo!.headers.operationid).toBe('op-member-info');
    expect(memberInfo!.body).toEqual({
      callbackCommand: cmd('beforeSetGroupMemberInfo'),
      groupID: g.groupID,
      userID: m,
      nickName: 'nn',
      faceURL: null,
      roleLevel: null,
      ex: null,
    });
    // Values OpenIM gets wrong: a numeric groupType, the real operationID, each member once.
    expect(rx.requests(cmd('beforeApplyJoinGroup'))[0]!.body).toMatchObject({
      groupType: 2,
      applyID: j,
      reqMessage: 'hi',
    });
    expect(rx.requests(cmd('beforeSetGroupInfo'))[0]!.body.operationID).toMatch(/^op-/);
    const create = rx.requests(cmd('beforeCreateGroup'))[0]!.body;
    expect(create.initMemberList).toEqual([
      { userID: o, roleLevel: 100 },
      { userID: a, roleLevel: 60 },
      { userID: m, roleLevel: 20 },
    ]);
    expect(rx.requests(cmd('beforeMemberJoinGroup')).map((r) => r.body.memberList.map((x: any) => x.userID))).toEqual([
      [o, a, m],
      [j],
      [i],
    ]);
  });

  it('asks nothing when a check fails first, and nothing for disabled hooks', async () => {
    const [o, x] = [uid('o'), uid('x')];
    await s.register(o, x);
    const g = await createGroup(s, { owner: o });
    rx.reset();
    const outsider = await s.tokenFor(x);
    expect(
      (
        await s.client.post(
          '/group/set_group_info',
          { groupInfoForSet: { groupID: g.groupID, groupName: 'no' } },
          outsider,
        )
      ).errCode,
    ).toBe(1004);
    expect(
      (
        await s.client.post(
          '/group/create_group',
          { ownerUserID: o, memberUserIDs: ['ghost'], groupInfo: { groupType: 2 } },
          s.adminToken,
        )
      ).errCode,
    ).toBe(1101);
    await configure({ failedContinue: true, enable: [] });
    await createGroup(s, { owner: o });
    expect(rx.requests()).toEqual([]);
  });
});

describe('reject', () => {
  it('passes a 5000–9999 rejection to the caller unchanged and changes nothing, for every before-hook', async () => {
    const [o, m, j, i] = [uid('o'), uid('m'), uid('j'), uid('i')];
    await s.register(o, m, j, i);
    const g = await createGroup(s, { owner: o, members: [m], needVerification: 2 });
    rx.answer('*', { body: { actionCode: 0, nextCode: 1, errCode: 5001, errMsg: 'blocked', errDlt: 'policy 7' } });
    const tokenO = await s.tokenFor(o);
    const calls: [string, object, string][] = [
      ['/group/create_group', { ownerUserID: o, groupInfo: { groupType: 2, groupID: `rej-${n}` } }, s.adminToken],
      ['/group/join_group', { groupID: g.groupID, joinSource: 3 }, await s.tokenFor(j)],
      ['/group/invite_user_to_group', { groupID: g.groupID, invitedUserIDs: [i] }, tokenO],
      ['/group/set_group_info', { groupInfoForSet: { groupID: g.groupID, groupName: 'changed' } }, tokenO],
      ['/group/set_group_info_ex', { groupID: g.groupID, groupName: 'changed' }, tokenO],
      ['/group/set_group_member_info', { members: [{ groupID: g.groupID, userID: m, nickname: 'changed' }] }, tokenO],
    ];
    for (const [path, body, token] of calls) {
      expect(await s.client.post(path, body, token), path).toEqual({
        errCode: 5001,
        errMsg: 'blocked',
        errDlt: 'policy 7',
      });
    }
    expect(
      (await s.client.post('/group/get_groups_info', { groupIDs: [`rej-${n}`] }, s.adminToken)).data.groupInfos,
    ).toEqual([]);
    expect(await members(g.groupID)).toEqual([
      [o, 100, o],
      [m, 20, m],
    ]);
    expect((await groupOf(g.groupID)).groupName).toBe('team');
  });

  it('maps a rejection code outside 5000–9999 to 80000, keeping the message', async () => {
    const [o, m] = [uid('o'), uid('m')];
    await s.register(o, m);
    const g = await createGroup(s, { owner: o, members: [m] });
    rx.answer(cmd('beforeSetGroupMemberInfo'), {
      body: { actionCode: 0, nextCode: 1, errCode: 42, errMsg: 'nope', errDlt: 'why' },
    });
    const res = await s.client.post(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, nickname: 'z' }] },
      s.adminToken,
    );
    expect(res).toEqual({ errCode: 80000, errMsg: 'CallbackRejected', errDlt: 'nope: why' });
  });
});

describe('modify', () => {
  it('applies seed 004’s modification to set_group_member_info', async () => {
    const [o, m] = [uid('o'), uid('m')];
    await s.register(o, m);
    const g = await createGroup(s, { owner: o, members: [m] });
    const answer = loadResponse(cmd('beforeSetGroupMemberInfo'), 'modify');
    rx.answer(cmd('beforeSetGroupMemberInfo'), { body: answer });
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, nickname: 'asked', ex: 'asked' }] },
      await s.tokenFor(o),
    );
    const {
      members: [got],
    } = await s.client.ok('/group/get_group_members_info', { groupID: g.groupID, userIDs: [m] }, s.adminToken);
    expect(got).toMatchObject({
      nickname: answer.nickName,
      faceURL: answer.faceURL,
      roleLevel: answer.roleLevel,
      ex: answer.ex,
    });
  });

  it('applies beforeCreateGroup and beforeMemberJoinGroup changes, and refusedMembersAccount (naming the refused)', async () => {
    const [o, m, i1, i2] = [uid('o'), uid('m'), uid('i'), uid('i')];
    await s.register(o, m, i1, i2);
    rx.answer(cmd('beforeCreateGroup'), {
      body: { actionCode: 0, nextCode: 0, groupName: 'Renamed', ex: 'from-hook' },
    });
    rx.answer(cmd('beforeMemberJoinGroup'), (req) => ({
      body: {
        actionCode: 0,
        memberCallbackList: req.body.memberList
          .filter((x: any) => x.userID === m)
          .map((x: any) => ({ userID: x.userID, nickname: 'Set by hook', roleLevel: 60 })),
      },
    }));
    const g = await createGroup(s, { owner: o, members: [m] });
    expect(g).toMatchObject({ groupName: 'Renamed', ex: 'from-hook' });
    expect(await members(g.groupID)).toEqual([
      [o, 100, o],
      [m, 60, 'Set by hook'],
    ]);

    rx.answer(cmd('beforeInviteUserToGroup'), { body: { actionCode: 0, refusedMembersAccount: [i2] } });
    const invited = await s.client.post(
      '/group/invite_user_to_group',
      { groupID: g.groupID, invitedUserIDs: [i1, i2] },
      s.adminToken,
    );
    // The caller is told whom the business server refused; the others joined.
    expect(invited).toEqual({ errCode: 0, errMsg: '', errDlt: '', data: { refusedUserIDs: [i2] } });
    expect((await members(g.groupID)).map((x: any[]) => x[0])).toEqual([o, m, i1]);
    expect((await groupOf(g.groupID)).memberCount).toBe(3);
    // Nobody refused: OpenIM's empty success, without a data key.
    rx.answer(cmd('beforeInviteUserToGroup'), { body: { actionCode: 0 } });
    const i3 = uid('i');
    await s.register(i3);
    expect(
      await s.client.post('/group/invite_user_to_group', { groupID: g.groupID, invitedUserIDs: [i3] }, s.adminToken),
    ).toEqual({ errCode: 0, errMsg: '', errDlt: '' });
  });

  it('never lets a modification change the groupID of set_group_info', async () => {
    const o = uid('o');
    await s.register(o);
    const g = await createGroup(s, { owner: o });
    rx.answer(cmd('beforeSetGroupInfo'), { body: { actionCode: 0, groupID: 'elsewhere', introduction: 'hooked' } });
    await s.client.ok(
      '/group/set_group_info',
      { groupInfoForSet: { groupID: g.groupID, groupName: 'asked' } },
      s.adminToken,
    );
    expect(await groupOf(g.groupID)).toMatchObject({ groupName: 'asked', introduction: 'hooked' });
  });
});

describe('failed callbacks', () => {
  const scenarios: [string, () => void, number][] = [
    [
      'an invalid modification (roleLevel 100)',
      () => rx.answer('*', { body: { actionCode: 0, roleLevel: 100, nickName: 'evil' } }),
      90007,
    ],
    ['a body that is not JSON', () => rx.answer('*', { body: 'ok' }), 90007],
    ['actionCode ≠ 0', () => rx.answer('*', { body: { actionCode: 1, nextCode: 1, errCode: 5001 } }), 90007],
    ['HTTP 500', () => rx.answer('*', { status: 500, body: { actionCode: 0 } }), 90004],
    // The receiver holds its answer past the test's own time-out: only huddle's 0.5 s can end the call.
    ['a timeout', () => rx.answer('*', { delayMs: 10 * 60_000 }), 90004],
  ];
  for (const [what, script, code] of scenarios) {
    it(`${what}: failedContinue true proceeds unmodified, false refuses with ${code}`, async () => {
      const [o, m] = [uid('o'), uid('m')];
      await s.register(o, m);
      const g = await createGroup(s, { owner: o, members: [m] });
      const token = await s.tokenFor(o);
      script();
      await configure({ failedContinue: true, timeout: 0.5 });
      await s.client.ok(
        '/group/set_group_member_info',
        { members: [{ groupID: g.groupID, userID: m, nickname: 'first' }] },
        token,
      );
      expect(await members(g.groupID)).toEqual([
        [o, 100, o],
        [m, 20, 'first'],
      ]);

      await configure({ failedContinue: false, timeout: 0.5 });
      const res = await s.client.post(
        '/group/set_group_member_info',
        { members: [{ groupID: g.groupID, userID: m, nickname: 'second' }] },
        token,
      );
      expect(res.errCode).toBe(code);
      expect(res.errDlt).toContain('beforeSetGroupMemberInfo');
      expect(res.errDlt).not.toContain('127.0.0.1');
      expect(res.errDlt).not.toContain('callbackExample');
      expect(await members(g.groupID)).toEqual([
        [o, 100, o],
        [m, 20, 'first'],
      ]);
    });
  }

  it('a refused connection counts as failed, and a hook cannot escalate the caller', async () => {
    const [o, m] = [uid('o'), uid('m')];
    await s.register(o, m);
    const g = await createGroup(s, { owner: o, members: [m] });
    const tokenM = await s.tokenFor(m);
    // A member may rename itself; a hook answer that makes it an admin is an invalid modification.
    rx.answer(cmd('beforeSetGroupMemberInfo'), { body: { actionCode: 0, roleLevel: 60 } });
    await configure({ failedContinue: false });
    const escalated = await s.client.post(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, nickname: 'me' }] },
      tokenM,
    );
    expect(escalated.errCode).toBe(90007);
    await configure({ failedContinue: true });
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID: g.groupID, userID: m, nickname: 'me' }] },
      tokenM,
    );
    expect(await members(g.groupID)).toEqual([
      [o, 100, o],
      [m, 20, 'me'],
    ]);

    await rx.down();
    try {
      await configure({ failedContinue: false });
      expect(
        (
          await s.client.post(
            '/group/set_group_member_info',
            { members: [{ groupID: g.groupID, userID: m, nickname: 'down' }] },
            tokenM,
          )
        ).errCode,
      ).toBe(90004);
      await configure({ failedContinue: true });
      await s.client.ok(
        '/group/set_group_member_info',
        { members: [{ groupID: g.groupID, userID: m, nickname: 'down' }] },
        tokenM,
      );
    } finally {
      await rx.up();
    }
  });
});
