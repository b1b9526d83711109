// A user's conversations over OpenIM's REST API: the incremental sync from the user's conversation
// log (full on another log, deltas after it), the ID list with its idHash, the paged and listed
// reads, and the /jssdk routes in both their protobuf and JSON forms.

import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idHash } from '../src/domain/id-hash.js';
import { decode, encode } from '../src/wire/openim-proto.js';
import { testClock } from './clock.js';
import { createGroup, startServer, type TestServer } from './harness.js';

const clock = testClock();
let s: TestServer;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

beforeAll(async () => {
  s = await startServer({ now: clock.now });
});
afterAll(async () => s.close());

const CONVERSATION_KEYS = [
  'ownerUserID',
  'conversationID',
  'recvMsgOpt',
  'conversationType',
  'userID',
  'groupID',
  'isPinned',
  'attachedInfo',
  'isPrivateChat',
  'groupAtType',
  'ex',
  'burnDuration',
  'minSeq',
  'maxSeq',
  'msgDestructTime',
  'latestMsgDestructTime',
  'isMsgDestruct',
];

/** Sends a text one second after the last one (the active list sorts by the newest message's time). */
async function send(sendID: string, groupID: string, text: string) {
  clock.advance(1000);
  return s.client.ok(
    '/msg/send_msg',
    { sendID, groupID, sessionType: 3, contentType: 101, content: { content: text } },
    s.adminToken,
  );
}

/** A group of owner + members, with a first message from the owner (which gives everyone a row). */
async function chat(owner: string, members: string[], text = 'hi') {
  const { groupID } = await createGroup(s, { owner, members });
  await send(owner, groupID, text);
  return { groupID: groupID as string, conversationID: `sg_${groupID}` };
}

const incremental = (userID: string, version: number, versionID: string, token = s.adminToken) =>
  s.client.ok('/conversation/get_incremental_conversations', { userID, version, versionID }, token);

const ids = (list: { conversationID: string }[]) => list.map((c) => c.conversationID).sort();

function setConversation(userID: string, groupID: string, settings: Record<string, unknown>) {
  return s.client.ok(
    '/conversation/set_conversations',
    { userIDs: [userID], conversation: { conversationID: `sg_${groupID}`, conversationType: 3, groupID, ...settings } },
    s.adminToken,
  );
}

/** POSTs a protobuf body, as the JS SDK does; returns the envelope. */
async function postProtobuf(path: string, body: Uint8Array, token: string) {
  const res = await request(`${s.client.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', operationID: `pb-${++n}`, token },
    body,
  });
  return (await res.body.json()) as { errCode: number; errDlt: string; data?: string };
}

describe('incremental conversation sync', () => {
  it('lists everything at version 0, then only what changed after the version it answered', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await s.register(alice, bob);
    const first = await chat(alice, [bob]);
    const second = await chat(bob, [alice]);

    const all = await incremental(alice, 0, '');
    expect(all.full).toBe(true);
    expect(all.versionID).toMatch(/^[0-9a-f]{24}$/);
    expect(all.version).toBeGreaterThan(0);
    expect(ids(all.insert)).toEqual([first.conversationID, second.conversationID].sort());
    expect(all).toMatchObject({ delete: [], update: [], sortVersion: 0 });
    expect(Object.keys(all.insert[0])).toEqual(CONVERSATION_KEYS);
    expect(all.insert.find((c: any) => c.conversationID === first.conversationID)).toMatchObject({
      ownerUserID: alice,
      conversationType: 3,
      groupID: first.groupID,
      minSeq: 1,
      // The group's creation notice (seq 1), then the message.
      maxSeq: 2,
    });

    // Nothing since: nothing to tell.
    expect(await incremental(alice, all.version, all.versionID)).toMatchObject({
      version: all.version,
      versionID: all.versionID,
      full: false,
      insert: [],
      update: [],
      delete: [],
    });

    // A new group's first message gives alice one new conversation, and the delta is just that.
    const third = await chat(bob, [alice]);
    const next = await incremental(alice, all.version, all.versionID);
    expect(next.full).toBe(false);
    expect(next.versionID).toBe(all.versionID);
    expect(next.version).toBeGreaterThan(all.version);
    expect(ids(next.insert)).toEqual([third.conversationID]);
    expect(next.update).toEqual([]);

    // More messages and read marks are not conversation changes.
    await send(bob, third.groupID, 'again');
    await s.client.ok(
      '/msg/mark_conversation_as_read',
      { conversationID: third.conversationID, userID: alice, hasReadSeq: 2, seqs: [] },
      s.adminToken,
    );
    expect(await incremental(alice, next.version, next.versionID)).toMatchObject({ version: next.version, insert: [] });

    // A setting change is an update of that conversation, for that user only.
    await setConversation(alice, first.groupID, { isPinned: true, recvMsgOpt: 2 });
    const changed = await incremental(alice, next.version, next.versionID);
    expect(changed.insert).toEqual([]);
    expect(changed.update).toHaveLength(1);
    expect(changed.update[0]).toMatchObject({ conversationID: first.conversationID, isPinned: true, recvMsgOpt: 2 });
    const bobs = await incremental(bob, 0, '');
    const bobsAgain = await incremental(bob, bobs.version, bobs.versionID);
    expect(bobsAgain.update).toEqual([]);

    // Another log (or one the server never issued) answers full, with everything in insert.
    const wrong = await incremental(alice, changed.version, 'ffffffffffffffffffffffff');
    expect(wrong).toMatchObject({ full: true, version: changed.version, versionID: all.versionID, update: [] });
    expect(ids(wrong.insert)).toEqual([first.conversationID, second.conversationID, third.conversationID].sort());
    expect((await incremental(alice, changed.version + 5, changed.versionID)).full).toBe(true);
  });

  it('a member who joins after the first message gets the conversation as an insert, from the next seq', async () => {
    const [owner, late] = [uid('owner'), uid('late')];
    await s.register(owner, late);
    const { groupID, conversationID } = await chat(owner, []);
    await send(owner, groupID, 'before you came');
    const before = await incremental(late, 0, '');
    expect(before.insert).toEqual([]);
    await s.client.ok('/group/invite_user_to_group', { groupID, invitedUserIDs: [late], reason: '' }, s.adminToken);
    const after = await incremental(late, before.version, before.versionID);
    // The first change of a user's log opens it: a client on no log is told everything.
    expect(after.full).toBe(true);
    expect(after.insert).toHaveLength(1);
    // Notice, 'hi', 'before you came'; the joiner reads from the notice of its own entry (seq 4) on.
    expect(after.insert[0]).toMatchObject({ conversationID, minSeq: 4, maxSeq: 4 });
  });
});

describe('conversation lists', () => {
  it('get_full_conversation_ids answers the IDs in order, or equal:true and null when the idHash matches', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await s.register(alice, bob);
    const chats = [await chat(alice, [bob]), await chat(alice, [bob]), await chat(bob, [alice])];
    const list = chats.map((c) => c.conversationID).sort();
    const unequal = await s.client.ok(
      '/conversation/get_full_conversation_ids',
      { userID: alice, idHash: 0 },
      s.adminToken,
    );
    const head = await incremental(alice, 0, '');
    expect(unequal).toEqual({ version: head.version, versionID: head.versionID, equal: false, conversationIDs: list });
    const hash = Number(idHash(list));
    const equal = await s.client.ok(
      '/conversation/get_full_conversation_ids',
      { userID: alice, idHash: hash },
      s.adminToken,
    );
    expect(equal).toEqual({ version: head.version, versionID: head.versionID, equal: true, conversationIDs: null });
    // The hash of another order is another hash.
    const reversed = Number(idHash([...list].reverse()));
    expect(
      (await s.client.ok('/conversation/get_full_conversation_ids', { userID: alice, idHash: reversed }, s.adminToken))
        .equal,
    ).toBe(false);
  });

  it('pages, lists by ID, and names the pinned and not-notified conversations', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await s.register(alice, bob);
    const chats = [await chat(alice, [bob]), await chat(alice, [bob]), await chat(alice, [bob])];
    const sorted = chats.map((c) => c.conversationID).sort();
    await setConversation(bob, chats[0]!.groupID, { isPinned: true });
    await setConversation(bob, chats[1]!.groupID, { recvMsgOpt: 1 });

    const page1 = await s.client.ok(
      '/conversation/get_owner_conversation',
      { userID: bob, pagination: { pageNumber: 1, showNumber: 2 } },
      s.adminToken,
    );
    const page2 = await s.client.ok(
      '/conversation/get_owner_conversation',
      { userID: bob, pagination: { pageNumber: 2, showNumber: 2 } },
      s.adminToken,
    );
    expect(page1.total).toBe(3);
    expect([...page1.conversations, ...page2.conversations].map((c: any) => c.conversationID)).toEqual(sorted);
    expect(Object.keys(page1.conversations[0])).toEqual(CONVERSATION_KEYS);

    const listed = await s.client.ok(
      '/conversation/get_conversations',
      { ownerUserID: bob, conversationIDs: [chats[2]!.conversationID, 'sg_nowhere'] },
      s.adminToken,
    );
    expect(listed.conversations.map((c: any) => c.conversationID)).toEqual([chats[2]!.conversationID]);
    expect(listed.conversations[0]).toMatchObject({ ownerUserID: bob, maxSeq: 2, isPinned: false });

    const all = await s.client.ok('/conversation/get_all_conversations', { ownerUserID: bob }, s.adminToken);
    expect(all.conversations.map((c: any) => c.conversationID)).toEqual(sorted);
    expect(all.conversations[0]).toEqual(page1.conversations[0]);

    expect(await s.client.ok('/conversation/get_pinned_conversation_ids', { userID: bob }, s.adminToken)).toEqual({
      conversationIDs: [chats[0]!.conversationID],
    });
    expect(await s.client.ok('/conversation/get_not_notify_conversation_ids', { userID: bob }, s.adminToken)).toEqual({
      conversationIDs: [chats[1]!.conversationID],
    });
  });
});

describe('/jssdk conversation lists', () => {
  it('answers protobuf with protobuf (base64 in data): pinned first, newest next, unread summed', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await s.register(alice, { userID: bob, nickname: 'Bob' });
    const older = await chat(bob, [alice], 'older');
    const newer = await chat(bob, [alice], 'newer');
    const pinned = await chat(bob, [alice], 'pinned');
    await send(bob, newer.groupID, 'two');
    await send(bob, pinned.groupID, 'two');
    await send(bob, pinned.groupID, 'three');
    await send(bob, newer.groupID, 'latest');
    await setConversation(alice, pinned.groupID, { isPinned: true });
    const aliceToken = await s.tokenFor(alice);
    await s.client.ok(
      '/msg/mark_conversation_as_read',
      { conversationID: pinned.conversationID, userID: alice, hasReadSeq: 2, seqs: [] },
      aliceToken,
    );

    const env = await postProtobuf(
      '/jssdk/get_active_conversations',
      encode('openim.jssdk.GetActiveConversationsReq', { ownerUserID: alice, count: 2 }),
      aliceToken,
    );
    expect(env.errCode, env.errDlt).toBe(0);
    const resp = decode('openim.jssdk.GetActiveConversationsResp', Buffer.from(env.data!, 'base64'));
    // Each group starts with its creation notice. Unread: older 2 − 0, newer 4 − 0, pinned 4 − 2, over
    // every active conversation (not just the 2 shown).
    expect(resp.unreadCount).toBe(2 + 4 + 2);
    expect(resp.conversations.map((c) => c.conversation?.conversationID)).toEqual([
      pinned.conversationID,
      newer.conversationID,
    ]);
    const [top, second] = resp.conversations;
    expect(top).toMatchObject({ maxSeq: 4, readSeq: 2 });
    expect(top!.conversation).toMatchObject({ ownerUserID: alice, isPinned: true, maxSeq: 4, conversationType: 3 });
    expect(JSON.parse(Buffer.from(top!.lastMsg!.content).toString())).toEqual({ content: 'three' });
    expect(top!.lastMsg).toMatchObject({ seq: 4, sendID: bob, groupID: pinned.groupID, contentType: 101, status: 2 });
    expect(top!.group).toMatchObject({ groupID: pinned.groupID, ownerUserID: bob, memberCount: 2 });
    expect(top!.user).toBeUndefined();
    expect(JSON.parse(Buffer.from(second!.lastMsg!.content).toString())).toEqual({ content: 'latest' });

    const listed = await postProtobuf(
      '/jssdk/get_conversations',
      encode('openim.jssdk.GetConversationsReq', {
        ownerUserID: alice,
        conversationIDs: [older.conversationID, 'sg_nowhere'],
      }),
      aliceToken,
    );
    const got = decode('openim.jssdk.GetConversationsResp', Buffer.from(listed.data!, 'base64'));
    expect(got.unreadCount).toBe(2);
    expect(got.conversations).toHaveLength(1);
    expect(got.conversations[0]).toMatchObject({ maxSeq: 2, readSeq: 0 });

    // Bytes that are no message, or more than the body limit: argument errors.
    const bad = await postProtobuf('/jssdk/get_conversations', new Uint8Array([0x0a, 0x05, 0x75]), aliceToken);
    expect([bad.errCode, bad.errDlt]).toEqual([1001, 'request body is not a valid protobuf message']);
    const huge = encode('openim.jssdk.GetConversationsReq', {
      ownerUserID: alice,
      conversationIDs: Array.from({ length: 12_000 }, (_, i) => `sg_${String(i).padStart(90, '0')}`),
    });
    expect(huge.length).toBeGreaterThan(1024 * 1024);
    const tooLarge = await postProtobuf('/jssdk/get_conversations', huge, aliceToken);
    expect([tooLarge.errCode, tooLarge.errDlt]).toEqual([1001, 'request body is larger than 1048576 bytes']);
  });

  it('answers JSON with JSON, MsgData as the other REST routes render it', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await s.register(alice, bob);
    const { conversationID, groupID } = await chat(bob, [alice], 'hello');
    const aliceToken = await s.tokenFor(alice);
    const data = await s.client.ok('/jssdk/get_active_conversations', { ownerUserID: alice, count: 0 }, aliceToken);
    // The creation notice and the message.
    expect(data.unreadCount).toBe(2);
    expect(data.conversations).toHaveLength(1);
    const [c] = data.conversations;
    expect(Object.keys(c)).toEqual(['conversation', 'lastMsg', 'user', 'friend', 'group', 'maxSeq', 'readSeq']);
    expect(c).toMatchObject({ user: null, friend: null, maxSeq: 2, readSeq: 0, group: { groupID } });
    expect(c.conversation.conversationID).toBe(conversationID);
    expect(JSON.parse(Buffer.from(c.lastMsg.content, 'base64').toString())).toEqual({ content: 'hello' });
    // ownerUserID may be left out: the token's user.
    const same = await s.client.ok('/jssdk/get_conversations', { conversationIDs: [conversationID] }, aliceToken);
    expect(same.conversations.map((x: any) => x.conversation.conversationID)).toEqual([conversationID]);
    // A user without conversations: an empty answer (the empty protobuf message is "").
    const lonely = uid('lonely');
    await s.register(lonely);
    const empty = await postProtobuf(
      '/jssdk/get_active_conversations',
      encode('openim.jssdk.GetActiveConversationsReq', { ownerUserID: lonely, count: 20 }),
      await s.tokenFor(lonely),
    );
    expect(empty).toMatchObject({ errCode: 0, data: '' });
  });
});

describe('one-to-one conversations', () => {
  it('the first message gives both users the conversation; /jssdk names the peer', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await s.register(alice, { userID: bob, nickname: 'Bob', faceURL: 'https://f/bob.png' });
    const start = await incremental(alice, 0, '');
    clock.advance(1000);
    await s.client.ok(
      '/msg/send_msg',
      { sendID: bob, recvID: alice, sessionType: 1, contentType: 101, content: { content: 'psst' } },
      s.adminToken,
    );
    const conversationID = `si_${[alice, bob].sort().join('_')}`;
    const delta = await incremental(alice, start.version, start.versionID);
    expect(delta.insert).toHaveLength(1);
    expect(delta.insert[0]).toMatchObject({ conversationID, conversationType: 1, userID: bob, groupID: '', maxSeq: 1 });
    const bobs = await incremental(bob, 0, '');
    expect(bobs.insert.map((c: any) => [c.conversationID, c.userID])).toEqual([[conversationID, alice]]);

    const env = await postProtobuf(
      '/jssdk/get_conversations',
      encode('openim.jssdk.GetConversationsReq', { ownerUserID: alice, conversationIDs: [conversationID] }),
      await s.tokenFor(alice),
    );
    const [c] = decode('openim.jssdk.GetConversationsResp', Buffer.from(env.data!, 'base64')).conversations;
    expect(c!.user).toMatchObject({ userID: bob, nickname: 'Bob', faceURL: 'https://f/bob.png' });
    expect(c!.group).toBeUndefined();
    expect(c).toMatchObject({ maxSeq: 1, readSeq: 0 });
  });
});

describe('access', () => {
  it("reading another user's conversations is 1002 unless the caller is an app admin", async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    await s.register(alice, bob);
    const { conversationID } = await chat(alice, [bob]);
    const bobToken = await s.tokenFor(bob);
    const reads: [string, Record<string, unknown>][] = [
      ['/conversation/get_incremental_conversations', { userID: alice, version: 0, versionID: '' }],
      ['/conversation/get_full_conversation_ids', { userID: alice, idHash: 0 }],
      ['/conversation/get_owner_conversation', { userID: alice, pagination: { pageNumber: 1, showNumber: 10 } }],
      ['/conversation/get_not_notify_conversation_ids', { userID: alice }],
      ['/conversation/get_pinned_conversation_ids', { userID: alice }],
      ['/conversation/get_conversations', { ownerUserID: alice, conversationIDs: [conversationID] }],
      ['/conversation/get_all_conversations', { ownerUserID: alice }],
      ['/jssdk/get_active_conversations', { ownerUserID: alice, count: 10 }],
      ['/jssdk/get_conversations', { ownerUserID: alice, conversationIDs: [conversationID] }],
    ];
    for (const [path, body] of reads) {
      expect((await s.client.post(path, body, bobToken)).errCode, path).toBe(1002);
      expect((await s.client.post(path, body, s.adminToken)).errCode, path).toBe(0);
      const own = { ...body, ...('userID' in body ? { userID: bob } : { ownerUserID: bob }) };
      expect((await s.client.post(path, own, bobToken)).errCode, path).toBe(0);
    }
    const pb = await postProtobuf(
      '/jssdk/get_active_conversations',
      encode('openim.jssdk.GetActiveConversationsReq', { ownerUserID: alice }),
      bobToken,
    );
    expect(pb.errCode).toBe(1002);
  });
});
