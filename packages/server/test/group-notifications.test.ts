// Group notifications over REST: every group operation stores OpenIM's notification (1501–1520) in
// n_<groupID> in its own transaction, copies the types OpenIM copies into sg_<groupID>, and sends
// join applications and their answers to single users; joiners read from their own notice on,
// leavers up to their own; a refused operation stores nothing.

import { CALLBACK_KEYS, CALLBACKS } from '@huddle/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, page, startServer, type TestServer } from './harness.js';
import { startReceiver, type Receiver } from './receiver.js';

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
beforeEach(() => rx.reset());

const COPY_OPTIONS = { offlinePush: false, unreadCount: true };

const decode = (m: { content: string }) => JSON.parse(Buffer.from(m.content, 'base64').toString('utf8'));
/** The tips of a notification, parsed twice as the SDKs do. */
const tipsOf = (m: { content: string }) => JSON.parse(decode(m).detail);

/** Everything `userID` may read of a conversation, through /msg/pull_msg_by_seq. */
async function pull(userID: string, conversationID: string) {
  const data = await s.client.ok(
    '/msg/pull_msg_by_seq',
    { userID, seqRanges: [{ conversationID, begin: 0, end: 10_000, num: 1_000 }], order: 0 },
    s.adminToken,
  );
  const box = conversationID.startsWith('n_') ? data.notificationMsgs : data.msgs;
  return ((box[conversationID]?.Msgs ?? []) as any[]).map((m) => ({ ...m, tips: tipsOf(m) }));
}
const notices = (userID: string, groupID: string) => pull(userID, `n_${groupID}`);
const types = (msgs: { contentType: number }[]) => msgs.map((m) => m.contentType);
/** The notices of the group's chat conversation (sg_), without users' messages. */
const copies = async (userID: string, groupID: string) =>
  (await pull(userID, `sg_${groupID}`)).filter((m) => m.contentType > 1000);
const single = (a: string, b: string) => (a <= b ? `n_${a}_${b}` : `n_${b}_${a}`);

async function stored(conversationID: string) {
  const [row] = await s.query<{ n: number | string }>(
    `SELECT count(*) AS n FROM messages WHERE conversation_id = '${conversationID}'`,
  );
  return Number(row!.n);
}

async function team(needVerification = 0) {
  const [owner, alice, bob] = [uid('owner'), uid('alice'), uid('bob')];
  await s.register(owner, alice, bob);
  const ownerToken = await s.tokenFor(owner);
  const group = await createGroup(s, { owner, members: [alice, bob], needVerification, token: ownerToken });
  return { owner, alice, bob, ownerToken, groupID: group.groupID as string };
}

describe('group notifications', () => {
  it('create_group: 1501 (and 1519 for an announcement) in n_ and sg_, as OpenIM builds them', async () => {
    const [owner, alice] = [uid('owner'), uid('alice')];
    await s.register(owner, { userID: alice, nickname: 'Alice', faceURL: 'https://f/a.png' });
    const ownerToken = await s.tokenFor(owner);
    const { groupInfo } = await s.client.ok(
      '/group/create_group',
      {
        ownerUserID: owner,
        adminUserIDs: [],
        memberUserIDs: [alice],
        groupInfo: { groupName: 'hikers', groupType: 2, notification: 'boots on' },
      },
      ownerToken,
    );
    const groupID = groupInfo.groupID as string;
    const got = await notices(alice, groupID);
    expect(got.map((m) => [m.seq, m.contentType])).toEqual([
      [1, 1501],
      [2, 1519],
    ]);
    const [created, announced] = got;
    expect(created).toMatchObject({
      sendID: owner,
      recvID: groupID,
      groupID,
      sessionType: 3,
      msgFrom: 200,
      status: 2,
      senderNickname: '',
    });
    expect(created.clientMsgID).toMatch(/^[0-9a-f]{32}$/);
    expect(created.options).toMatchObject({ isNotNotification: false, isSendMsg: true, history: false });
    expect(Object.keys(created.tips)).toEqual([
      'group',
      'opUser',
      'memberList',
      'operationTime',
      'groupOwnerUser',
      'groupMemberVersion',
      'groupMemberVersionID',
    ]);
    expect(created.tips.group).toMatchObject({ groupID, groupName: 'hikers', ownerUserID: owner, memberCount: 2 });
    expect(created.tips.memberList.map((m: any) => [m.userID, m.roleLevel, m.nickname])).toEqual([
      [owner, 100, owner],
      [alice, 20, 'Alice'],
    ]);
    expect(created.tips.memberList[1].faceURL).toBe('https://f/a.png');
    expect(created.tips.opUser).toMatchObject({ userID: owner, roleLevel: 100, appMangerLevel: 0 });
    expect(created.tips.groupOwnerUser.userID).toBe(owner);
    expect(created.tips.operationTime).toBe(groupInfo.createTime);
    expect(created.tips.groupMemberVersion).toBeGreaterThan(0);
    expect(created.tips.groupMemberVersionID).not.toBe('');
    // The announcement names its sender, as OpenIM's WithRpcGetUserName does.
    expect(announced).toMatchObject({ senderNickname: owner, sendID: owner });
    expect(announced.tips.group.notification).toBe('boots on');

    const chat = await copies(alice, groupID);
    expect(chat.map((m) => [m.seq, m.contentType])).toEqual([
      [1, 1501],
      [2, 1519],
    ]);
    expect(chat[0].options).toEqual(COPY_OPTIONS);
    expect(chat[0].clientMsgID).toBe(created.clientMsgID);
    expect(chat[0].tips).toEqual(created.tips);

    const newest = await s.client.ok('/msg/newest_seq', { userID: alice }, s.adminToken);
    expect(newest.maxSeqs[`n_${groupID}`]).toBe(2);
    expect(newest.minSeqs[`n_${groupID}`]).toBe(1);
    expect(newest.maxSeqs[`sg_${groupID}`]).toBe(2);
    // The n_ row bounds reads; it is never listed as a conversation.
    const { seqs } = await s.client.ok(
      '/msg/get_conversations_has_read_and_max_seq',
      { userID: alice, conversationIDs: [] },
      s.adminToken,
    );
    expect(Object.keys(seqs)).toEqual([`sg_${groupID}`]);
  });

  it('set_group_info: 1519 announcement and 1520 name copied, 1502 for the rest only in n_', async () => {
    const { alice, ownerToken, groupID } = await team();
    await s.client.ok(
      '/group/set_group_info',
      { groupInfoForSet: { groupID, groupName: 'renamed', notification: 'news', introduction: 'about us' } },
      ownerToken,
    );
    const got = await notices(alice, groupID);
    expect(got.map((m) => [m.seq, m.contentType])).toEqual([
      [1, 1501],
      [2, 1519],
      [3, 1520],
      [4, 1502],
    ]);
    expect(Object.keys(got[3].tips)).toEqual([
      'opUser',
      'muteTime',
      'group',
      'groupMemberVersion',
      'groupMemberVersionID',
    ]);
    expect(got[3].tips.group).toMatchObject({ groupName: 'renamed', notification: 'news', introduction: 'about us' });
    expect(got[3].options.isSendMsg).toBe(false);
    expect(types(await copies(alice, groupID))).toEqual([1501, 1519, 1520]);
    // Nothing changed, nothing told.
    await s.client.ok('/group/set_group_info', { groupInfoForSet: { groupID, groupName: 'renamed' } }, ownerToken);
    expect(await stored(`n_${groupID}`)).toBe(4);
    // A cleared announcement is told without its chat copy.
    await s.client.ok('/group/set_group_info_ex', { groupID, notification: '' }, ownerToken);
    expect(types(await notices(alice, groupID)).slice(4)).toEqual([1519]);
    expect(types(await copies(alice, groupID))).toEqual([1501, 1519, 1520]);
  });

  it('mute and member settings: 1512–1515 copied, 1516–1518 only in n_', async () => {
    const { owner, alice, bob, ownerToken, groupID } = await team();
    await s.client.ok('/group/mute_group_member', { groupID, userID: alice, mutedSeconds: 60 }, ownerToken);
    await s.client.ok('/group/cancel_mute_group_member', { groupID, userID: alice }, ownerToken);
    await s.client.ok('/group/mute_group', { groupID }, ownerToken);
    await s.client.ok('/group/cancel_mute_group', { groupID }, ownerToken);
    await s.client.ok(
      '/group/set_group_member_info',
      {
        members: [
          { groupID, userID: alice, roleLevel: 60 },
          { groupID, userID: bob, nickname: 'Bobby' },
        ],
      },
      ownerToken,
    );
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID, userID: alice, roleLevel: 20 }] },
      ownerToken,
    );
    const got = await notices(bob, groupID);
    expect(got.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(types(got)).toEqual([1501, 1512, 1513, 1514, 1515, 1517, 1516, 1518]);
    const [, muted, unmuted, , , admin, nick] = got;
    expect(muted.tips).toMatchObject({ mutedSeconds: 60, mutedUser: { userID: alice }, opUser: { userID: owner } });
    expect(muted.tips.mutedUser.muteEndTime).toBeGreaterThan(0);
    expect('mutedSeconds' in unmuted.tips).toBe(false);
    expect(unmuted.tips.mutedUser.muteEndTime).toBe(0);
    expect(admin.tips.changedUser).toMatchObject({ userID: alice, roleLevel: 60 });
    expect(nick.tips.changedUser).toMatchObject({ userID: bob, nickname: 'Bobby' });
    expect(nick.tips.groupSortVersion).toBe(0);
    // The member log moved with each member change, and the tips carry its head.
    expect(nick.tips.groupMemberVersion).toBeGreaterThan(unmuted.tips.groupMemberVersion);
    expect(nick.tips.groupMemberVersionID).toBe(unmuted.tips.groupMemberVersionID);
    expect(types(await copies(bob, groupID))).toEqual([1501, 1512, 1513, 1514, 1515]);
  });

  it('an app admin who is not a member appears as OpenIM shows one: a group admin of app-admin level', async () => {
    const { alice, groupID } = await team();
    await s.client.ok('/group/mute_group', { groupID }, s.adminToken);
    const [, muted] = await notices(alice, groupID);
    expect(muted.contentType).toBe(1514);
    expect(muted.tips.opUser).toMatchObject({ groupID, roleLevel: 60, appMangerLevel: 2, joinTime: 0 });
    expect(muted.tips.opUser.userID).toBe(muted.sendID);
  });

  it('a joiner reads from the notice of their own entry on (1510 join, 1509 invitation)', async () => {
    const { alice, ownerToken, groupID } = await team(2);
    await s.client.ok('/group/set_group_info', { groupInfoForSet: { groupID, groupName: 'before' } }, ownerToken);
    const [joiner, invitee] = [uid('joiner'), uid('invitee')];
    await s.register(joiner, invitee);
    await s.client.ok('/group/join_group', { groupID, joinSource: 3, reqMessage: 'hi' }, await s.tokenFor(joiner));
    await s.client.ok(
      '/group/invite_user_to_group',
      { groupID, invitedUserIDs: [invitee], reason: 'come' },
      await s.tokenFor(alice),
    );
    const all = await notices(alice, groupID);
    expect(all.map((m) => [m.seq, m.contentType])).toEqual([
      [1, 1501],
      [2, 1520],
      [3, 1510],
      [4, 1509],
    ]);
    expect(all[2]).toMatchObject({ sendID: joiner });
    expect(Object.keys(all[2].tips)).toEqual([
      'group',
      'entrantUser',
      'operationTime',
      'groupMemberVersion',
      'groupMemberVersionID',
    ]);
    expect(all[2].tips.entrantUser).toMatchObject({ userID: joiner, roleLevel: 20, joinSource: 3 });
    expect(all[3].tips.invitedUserList.map((m: any) => m.userID)).toEqual([invitee]);
    expect(all[3].tips.inviterUser.userID).toBe(alice);
    expect(all[3].tips.opUser.userID).toBe(alice);
    expect(all[3].tips.group.memberCount).toBe(5);

    expect((await notices(joiner, groupID)).map((m) => m.seq)).toEqual([3, 4]);
    expect((await notices(invitee, groupID)).map((m) => m.seq)).toEqual([4]);
    expect(types(await copies(joiner, groupID))).toEqual([1510, 1509]);
    expect(types(await copies(invitee, groupID))).toEqual([1509]);
    const newest = await s.client.ok('/msg/newest_seq', { userID: invitee }, s.adminToken);
    expect(newest.minSeqs[`n_${groupID}`]).toBe(4);
  });

  it('a leaver reads up to the notice of their own leaving (1504 quit, 1508 kick), nothing after', async () => {
    const { owner, alice, bob, ownerToken, groupID } = await team();
    await s.client.ok('/group/quit_group', { groupID }, await s.tokenFor(alice));
    await s.client.ok('/group/kick_group', { groupID, kickedUserIDs: [bob], reason: 'bye' }, ownerToken);
    await s.client.ok('/group/set_group_info', { groupInfoForSet: { groupID, groupName: 'after' } }, ownerToken);
    const all = await notices(owner, groupID);
    expect(types(all)).toEqual([1501, 1504, 1508, 1520]);
    const [, quit, kicked] = all;
    expect(quit).toMatchObject({ sendID: alice });
    expect(quit.tips.quitUser).toMatchObject({ userID: alice, roleLevel: 20 });
    expect(quit.tips.group.memberCount).toBe(2);
    expect(kicked.tips.kickedUserList.map((m: any) => m.userID)).toEqual([bob]);
    expect(kicked.tips.opUser.userID).toBe(owner);
    expect(kicked.tips.group.memberCount).toBe(1);
    expect(types(await notices(alice, groupID))).toEqual([1501, 1504]);
    expect(types(await notices(bob, groupID))).toEqual([1501, 1504, 1508]);
    expect(types(await copies(alice, groupID))).toEqual([1501, 1504]);
    expect(types(await copies(bob, groupID))).toEqual([1501, 1504, 1508]);
    expect(types(await copies(owner, groupID))).toEqual([1501, 1504, 1508, 1520]);
  });

  it('transfer and dismissal: 1507 and 1511, copied; deleted members read the dismissal', async () => {
    const { owner, alice, ownerToken, groupID } = await team();
    await s.client.ok('/group/transfer_group', { groupID, oldOwnerUserID: owner, newOwnerUserID: alice }, ownerToken);
    await s.client.ok('/group/dismiss_group', { groupID, deleteMember: true }, await s.tokenFor(alice));
    const all = await notices(owner, groupID);
    expect(types(all)).toEqual([1501, 1507, 1511]);
    const [, transferred, dismissed] = all;
    expect(transferred.tips).toMatchObject({
      opUser: { userID: owner, roleLevel: 20 },
      newGroupOwner: { userID: alice, roleLevel: 100 },
      oldGroupOwner: owner,
      oldGroupOwnerInfo: { userID: owner, roleLevel: 20 },
      group: { ownerUserID: alice },
    });
    expect(Object.keys(dismissed.tips)).toEqual(['group', 'opUser', 'operationTime']);
    expect(dismissed.tips.group).toMatchObject({ status: 2, memberCount: 0 });
    expect(dismissed).toMatchObject({ sendID: alice });
    expect(types(await copies(alice, groupID))).toEqual([1501, 1507, 1511]);
  });

  it('join applications (1503) go to the managers and the applicant; answers (1505/1506) too', async () => {
    const { owner, alice, ownerToken, groupID } = await team(0);
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID, userID: alice, roleLevel: 60 }] },
      ownerToken,
    );
    const [ann, ray] = [uid('ann'), uid('ray')];
    await s.register(ann, ray);
    await s.client.ok('/group/join_group', { groupID, joinSource: 3, reqMessage: 'let me in' }, await s.tokenFor(ann));
    await s.client.ok('/group/join_group', { groupID, joinSource: 3, reqMessage: 'me too' }, await s.tokenFor(ray));
    for (const manager of [owner, alice]) {
      const [application] = await pull(manager, single(ann, manager));
      expect(application).toMatchObject({
        contentType: 1503,
        sendID: ann,
        recvID: manager,
        groupID: '',
        sessionType: 1,
      });
      expect(Object.keys(application.tips)).toEqual(['group', 'applicant', 'reqMsg', 'uuid', 'request']);
      expect(application.tips).toMatchObject({
        applicant: { userID: ann },
        reqMsg: 'let me in',
        request: { userInfo: { userID: ann }, groupInfo: null, handleResult: 0, reqMsg: 'let me in' },
      });
    }
    // The applicant's own copy, in their own notification conversation.
    expect(types(await pull(ann, single(ann, ann)))).toEqual([1503]);
    const newest = await s.client.ok('/msg/newest_seq', { userID: alice }, s.adminToken);
    expect(newest.maxSeqs[single(ann, alice)]).toBe(1);

    await s.client.ok(
      '/group/group_application_response',
      { groupID, fromUserID: ann, handledMsg: 'welcome', handleResult: 1 },
      ownerToken,
    );
    await s.client.ok(
      '/group/group_application_response',
      { groupID, fromUserID: ray, handledMsg: 'no', handleResult: -1 },
      ownerToken,
    );
    // n_<owner>_<ann> also holds ann's application to the owner.
    const accepted = (await pull(ann, single(owner, ann))).find((m) => m.contentType === 1505)!;
    expect(accepted).toMatchObject({ contentType: 1505, sendID: owner, recvID: ann });
    expect(accepted.tips).toMatchObject({
      handleMsg: 'welcome',
      receiverAs: 0,
      opUser: { userID: owner },
      request: { handleResult: 1, handleMsg: 'welcome', handleUserID: owner },
    });
    const [toAlice] = (await pull(alice, single(owner, alice))).filter((m) => m.tips.request.userInfo.userID === ann);
    expect(toAlice).toMatchObject({ contentType: 1505 });
    expect(toAlice.tips.receiverAs).toBe(1);
    expect(toAlice.tips.uuid).toBe(accepted.tips.uuid);
    const refused = (await pull(ray, single(owner, ray))).find((m) => m.contentType !== 1503)!;
    expect(refused).toMatchObject({ contentType: 1506 });
    expect(refused.tips.request.handleResult).toBe(-1);
    // The accepted applicant enters the group (1510), and reads the group's notices from there.
    expect(types(await notices(ann, groupID))).toEqual([1510]);
    expect(types(await notices(owner, groupID))).toEqual([1501, 1517, 1510]);
    expect(await stored(`n_${groupID}`)).toBe(3);
  });

  it("every group notification's seqs are contiguous and every copy is in sg_ once", async () => {
    const { alice, bob, ownerToken, groupID } = await team(2);
    const carol = uid('carol');
    await s.register(carol);
    await s.client.ok('/group/invite_user_to_group', { groupID, invitedUserIDs: [carol], reason: '' }, ownerToken);
    await s.client.ok('/group/mute_group_member', { groupID, userID: bob, mutedSeconds: 5 }, ownerToken);
    await s.client.ok('/group/quit_group', { groupID }, await s.tokenFor(carol));
    await s.client.ok('/group/set_group_info_ex', { groupID, introduction: 'x' }, ownerToken);
    const all = await notices(alice, groupID);
    expect(all.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await stored(`n_${groupID}`)).toBe(5);
    const chat = await copies(alice, groupID);
    expect(chat.map((m) => m.clientMsgID)).toEqual(all.filter((m) => m.options.isSendMsg).map((m) => m.clientMsgID));
  });
});

describe('a refused operation stores no notification', () => {
  it('a permission error', async () => {
    const { alice, bob, groupID } = await team();
    const before = await stored(`n_${groupID}`);
    const env = await s.client.post(
      '/group/kick_group',
      { groupID, kickedUserIDs: [bob], reason: '' },
      await s.tokenFor(alice),
    );
    expect(env.errCode).toBe(1002);
    const muting = await s.client.post('/group/mute_group', { groupID }, await s.tokenFor(alice));
    expect(muting.errCode).toBe(1002);
    expect(await stored(`n_${groupID}`)).toBe(before);
    expect(await stored(`sg_${groupID}`)).toBe(1);
  });

  it("a before-callback's rejection", async () => {
    const { ownerToken, groupID } = await team();
    const key = CALLBACK_KEYS.find((k) => k === 'beforeSetGroupInfo')!;
    await s.client.ok(
      '/callback/set_config',
      { config: { url: rx.url, [key]: { enable: true, timeout: 2, failedContinue: false } } },
      s.adminToken,
    );
    rx.answer(CALLBACKS[key].openim.command, {
      body: { actionCode: 0, nextCode: 1, errCode: 5001, errMsg: 'blocked', errDlt: 'policy' },
    });
    const env = await s.client.post(
      '/group/set_group_info',
      { groupInfoForSet: { groupID, groupName: 'blocked' } },
      ownerToken,
    );
    expect(env.errCode).toBe(5001);
    expect(await stored(`n_${groupID}`)).toBe(1);
    expect(await stored(`sg_${groupID}`)).toBe(1);
    await s.client.ok('/callback/set_config', { config: { url: rx.url } }, s.adminToken);
    const members = await s.client.ok('/group/get_group_member_list', { groupID, pagination: page() }, s.adminToken);
    expect(members.total).toBe(3);
  });
});
