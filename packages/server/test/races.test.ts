// A before-callback's veto holds under races. join_group and invite_user_to_group decide from the
// group as read before their callbacks whether beforeMemberJoinGroup is asked; here the business
// server changes that group through the API while its first callback is in flight, and only then
// answers. The final transaction sees the change and asks again from the new facts (or refuses after
// three changed rounds), so nobody joins without beforeMemberJoinGroup asked and allowed.

import { CALLBACKS, type CallbackKey } from '@huddle/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, page, startServer, type TestServer } from './harness.js';
import { startReceiver, type Receiver } from './receiver.js';

const cmd = (key: CallbackKey) => CALLBACKS[key].openim.command;
const REJECT = { body: { actionCode: 0, nextCode: 1, errCode: 5001, errMsg: 'not this user', errDlt: 'policy' } };

let s: TestServer;
let rx: Receiver;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

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
  const hook = { enable: true, timeout: 10, failedContinue: false };
  const config = {
    url: rx.url,
    beforeApplyJoinGroup: hook,
    beforeInviteUserToGroup: hook,
    beforeMemberJoinGroup: hook,
  };
  await s.client.ok('/callback/set_config', { config }, s.adminToken);
});

async function memberIDs(groupID: string): Promise<string[]> {
  const { members } = await s.client.ok('/group/get_group_member_list', { groupID, pagination: page() }, s.adminToken);
  return members.map((m: any) => m.userID).sort();
}
async function requestsOf(userID: string) {
  return s.query(`SELECT group_id FROM group_requests WHERE user_id = '${userID}'`);
}
const joinAsks = () =>
  rx.requests(cmd('beforeMemberJoinGroup')).map((r) => r.body.memberList.map((m: any) => m.userID));
const setNeedVerification = (groupID: string, needVerification: number, token: string) =>
  s.client.ok('/group/set_group_info_ex', { groupID, needVerification }, token);

/** The business server makes `change` through the API while its first `key` callback is in flight, then allows. */
function changeDuringFirstAsk(key: CallbackKey, change: () => Promise<unknown>): () => number {
  let asks = 0;
  rx.answer(cmd(key), async () => {
    if (asks++ === 0) await change();
    return {};
  });
  return () => asks;
}

describe('join_group', () => {
  async function setup() {
    const [o, j] = [uid('o'), uid('j')];
    await s.register(o, j);
    // Applications need approval: beforeMemberJoinGroup is not asked for an application.
    const g = (await createGroup(s, { owner: o, needVerification: 0 })).groupID as string;
    rx.clear();
    return { o, j, g, tokenO: await s.tokenFor(o), tokenJ: await s.tokenFor(j) };
  }

  it('asks beforeMemberJoinGroup when the group turns "join directly" during beforeApplyJoinGroup; its refusal holds', async () => {
    const { o, j, g, tokenO, tokenJ } = await setup();
    const applyAsks = changeDuringFirstAsk('beforeApplyJoinGroup', () => setNeedVerification(g, 2, tokenO));
    rx.answer(cmd('beforeMemberJoinGroup'), REJECT);
    const res = await s.client.post('/group/join_group', { groupID: g, joinSource: 3 }, tokenJ);
    expect(res).toEqual({ errCode: 5001, errMsg: 'not this user', errDlt: 'policy' });
    expect(await memberIDs(g)).toEqual([o]);
    expect(await requestsOf(j)).toEqual([]);
    expect(applyAsks()).toBe(2);
    expect(joinAsks()).toEqual([[j]]);
  });

  it('lets the user in once beforeMemberJoinGroup, asked after the change, allows it', async () => {
    const { o, j, g, tokenO, tokenJ } = await setup();
    const _applyAsks = changeDuringFirstAsk('beforeApplyJoinGroup', () => setNeedVerification(g, 2, tokenO));
    const res = await s.client.post('/group/join_group', { groupID: g, joinSource: 3 }, tokenJ);
    expect(res.errCode).toBe(0);
    expect(await memberIDs(g)).toEqual([j, o].sort());
    expect(joinAsks()).toEqual([[j]]);
  });

  it('refuses with 1001 when the group changes under every one of three rounds, and changes nothing', async () => {
    const { o, j, g, tokenO, tokenJ } = await setup();
    let direct = false;
    rx.answer(cmd('beforeApplyJoinGroup'), async () => {
      direct = !direct;
      await setNeedVerification(g, direct ? 2 : 0, tokenO);
      return {};
    });
    const res = await s.client.post('/group/join_group', { groupID: g, joinSource: 3 }, tokenJ);
    expect(res.errCode).toBe(1001);
    expect(res.errDlt).toContain(`group ${g} changed while the business server was asked, 3 times in a row`);
    expect(rx.requests(cmd('beforeApplyJoinGroup'))).toHaveLength(3);
    expect(await memberIDs(g)).toEqual([o]);
    expect(await requestsOf(j)).toEqual([]);
  });
});

describe('invite_user_to_group', () => {
  async function setup() {
    const [o, m, i] = [uid('o'), uid('m'), uid('i')];
    await s.register(o, m, i);
    // All need approval: an ordinary member's invitation becomes an application, nobody is asked.
    const g = (await createGroup(s, { owner: o, members: [m], needVerification: 1 })).groupID as string;
    rx.clear();
    return { o, m, i, g, tokenO: await s.tokenFor(o), tokenM: await s.tokenFor(m) };
  }

  it('asks beforeMemberJoinGroup when the inviter becomes an admin during beforeInviteUserToGroup; its refusal holds', async () => {
    const { o, m, i, g, tokenO, tokenM } = await setup();
    const inviteAsks = changeDuringFirstAsk('beforeInviteUserToGroup', () =>
      s.client.ok('/group/set_group_member_info', { members: [{ groupID: g, userID: m, roleLevel: 60 }] }, tokenO),
    );
    rx.answer(cmd('beforeMemberJoinGroup'), REJECT);
    const res = await s.client.post('/group/invite_user_to_group', { groupID: g, invitedUserIDs: [i] }, tokenM);
    expect(res).toEqual({ errCode: 5001, errMsg: 'not this user', errDlt: 'policy' });
    expect(await memberIDs(g)).toEqual([m, o].sort());
    expect(await requestsOf(i)).toEqual([]);
    expect(inviteAsks()).toBe(2);
    expect(joinAsks()).toEqual([[i]]);
  });

  it('asks beforeMemberJoinGroup when the group stops needing approval during the call, and adds on its consent', async () => {
    const { o, m, i, g, tokenO, tokenM } = await setup();
    changeDuringFirstAsk('beforeInviteUserToGroup', () => setNeedVerification(g, 0, tokenO));
    const res = await s.client.post('/group/invite_user_to_group', { groupID: g, invitedUserIDs: [i] }, tokenM);
    expect(res.errCode).toBe(0);
    expect(await memberIDs(g)).toEqual([i, m, o].sort());
    expect(await requestsOf(i)).toEqual([]);
    expect(joinAsks()).toEqual([[i]]);
  });
});
