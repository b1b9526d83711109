// OpenIM's wasm SDK (the Go core in WebAssembly, in Debian's Chromium) against huddle's gateway and
// REST API: log in and sync, groups and members, a group created from the SDK, group and one-to-one
// texts both ways in real time, history, unread counts and marking as read, a member quitting and one
// kicked as the others see it, a message the business server rejects in beforeSendGroupMsg failing in
// the SDK with the business server's code, a wasm user chatting with a user driven over REST, and a
// server restart the SDKs reconnect through without losing a message.
// A sync failure, a console error or an error in the Go core's log fails the step it happens in
// (sdk/wasm-sdk.ts), except those a step names as what it causes.
//
// Three pages start once (each loads the 35 MB wasm: a few seconds on an idle machine, 15 s on a
// loaded one) and carry the scenario from step to step, so the steps run in order and build on each
// other. The scenario runs on SQLite (the SDK sees the same REST answers and gateway on either
// engine, and two engines would double the browser time); the last block, on PostgreSQL, has two
// users logged in to two instances chat across them.
// Without Chromium the suite is skipped with a message (a failure under CI).

import fs from 'node:fs';
import { CALLBACKS } from '@huddle/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createGroup, page, startServer, TEST_ENGINE, type TestServer } from './harness.js';
import { DEFAULT_ANSWER, startReceiver, type Receiver } from './receiver.js';
import {
  CHROMIUM,
  SdkError,
  startWasmBrowser,
  type SdkEvent,
  type WasmBrowser,
  type WasmUser,
} from './sdk/wasm-sdk.js';
import { loadResponse } from './shape.js';

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium && TEST_ENGINE === 'sqlite') {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing (.ci/run installs the chromium package)`);
  console.warn(`*** sdk-wasm.test.ts is skipped: ${CHROMIUM} is missing (apt-get install chromium) ***`);
}

const BEFORE_SEND_GROUP = CALLBACKS.beforeSendGroupMsg.openim.command;
const HIKERS = 'hikers';
const TEXT = 101;

/** What a message says, for a text; its content type otherwise. */
const say = (m: any) => (m.contentType === TEXT ? m.textElem.content : `#${m.contentType}`);
const single = (a: string, b: string) => `si_${[a, b].sort().join('_')}`;
/** The other side of the one-to-one chat between bob and carol. */
const other = (user: WasmUser) => (user.userID === 'bob' ? 'carol' : 'bob');

let s: TestServer;
let rx: Receiver;
let browser: WasmBrowser;
let alice: WasmUser;
let bob: WasmUser;
let carol: WasmUser;

/** Sends a text from a wasm user to a group or a user; resolves with the sent message as the SDK returns it. */
async function sendText(from: WasmUser, to: { groupID: string } | { recvID: string }, text: string) {
  const message = await from.call('createTextMessage', text);
  return from.call('sendMessage', { recvID: '', groupID: '', ...to, message });
}

/** The first OnRecvNewMessages from `since` on that carries a text saying `text`. */
async function received(user: WasmUser, text: string, since = 0) {
  const e = await user.event<any[]>('OnRecvNewMessages', (e) => e.data.some((m) => say(m) === text), since);
  return e.data.find((m) => say(m) === text);
}

/** The user's conversation history, oldest first, as the SDK serves it (group notices as `#<contentType>`). */
async function history(user: WasmUser, conversationID: string): Promise<string[]> {
  return (await messages(user, conversationID)).map(say);
}

async function messages(user: WasmUser, conversationID: string): Promise<any[]> {
  const r = await user.call('getAdvancedHistoryMessageList', {
    conversationID,
    count: 50,
    startClientMsgID: '',
    viewType: 0,
  });
  return r.messageList;
}

/** The texts of a conversation as the server holds them for `userID` (pulled as admin): [sendID, text, seq]. */
async function onServer(userID: string, conversationID: string) {
  const pulled = await s.client.ok(
    '/msg/pull_msg_by_seq',
    { userID, seqRanges: [{ conversationID, begin: 0, end: 1_000, num: 100 }], order: 0 },
    s.adminToken,
  );
  return ((pulled.msgs[conversationID]?.Msgs ?? []) as any[])
    .filter((m) => m.contentType === TEXT)
    .map((m) => [m.sendID, JSON.parse(Buffer.from(m.content, 'base64').toString('utf8')).content, m.seq]);
}

/** A message from a user driven over REST, as an app's backend sends it (`/msg/send_msg` as admin). */
function restSend(body: Record<string, unknown>) {
  return s.client.ok(
    '/msg/send_msg',
    { contentType: TEXT, senderPlatformID: 5, ...body, content: { content: body.content } },
    s.adminToken,
  );
}

/** The server's read state of a user in a conversation. */
async function readSeqs(userID: string, conversationID: string) {
  const r = await s.client.ok(
    '/msg/get_conversations_has_read_and_max_seq',
    { userID, conversationIDs: [conversationID] },
    s.adminToken,
  );
  const { hasReadSeq, maxSeq } = r.seqs[conversationID];
  return { hasReadSeq, maxSeq };
}

/** The user's OnTotalUnreadMessageCountChanged that reports `count`, from `since` on. */
const totalUnread = (user: WasmUser, count: number, since = 0) =>
  user.event<number>('OnTotalUnreadMessageCountChanged', (e: SdkEvent<number>) => e.data === count, since);

describe.skipIf(!haveChromium || TEST_ENGINE !== 'sqlite')('the OpenIM wasm SDK in Chromium', () => {
  beforeAll(async () => {
    rx = await startReceiver();
    s = await startServer();
    await s.client.ok(
      '/callback/set_config',
      { config: { url: rx.url, beforeSendGroupMsg: { enable: true, timeout: 5 } } },
      s.adminToken,
    );
    await s.register('alice', 'bob', 'carol', 'dave');
    await createGroup(s, { owner: 'alice', members: ['bob', 'carol', 'dave'], groupID: HIKERS, groupName: 'Hikers' });
    // Sent before anyone logs in: history and unread counts come from the first sync.
    await restSend({ sendID: 'dave', groupID: HIKERS, sessionType: 3, content: 'anyone up for Saturday?' });
    browser = await startWasmBrowser();
  });

  afterEach(() => {
    expect(browser?.takeProblems() ?? []).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await rx?.close();
  });

  it('logs in, syncs, and sees its groups, members, history and unread count', async () => {
    // One page at a time: the SDK gives its SQLite worker 5 s to open the database during login,
    // which a second 35 MB wasm compiling next to it on a loaded machine can starve.
    const start = async (userID: string) => {
      const user = await browser.open(userID);
      await user.login({ token: await s.tokenFor(userID), wsAddr: s.wsUrl, apiAddr: s.client.url });
      return user;
    };
    alice = await start('alice');
    bob = await start('bob');
    carol = await start('carol');
    const groups = await bob.call<any[]>('getJoinedGroupList');
    expect(groups.map((g) => [g.groupID, g.groupName, g.memberCount])).toEqual([[HIKERS, 'Hikers', 4]]);
    const members = await bob.call<any[]>('getGroupMemberList', { groupID: HIKERS, filter: 0, offset: 0, count: 100 });
    expect(members.map((m) => m.userID).sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(members.find((m) => m.userID === 'alice').roleLevel).toBe(100);
    // The GroupCreated notice is copied into the group's chat and counts as unread, as on OpenIM.
    expect(await history(bob, `sg_${HIKERS}`)).toEqual(['#1501', 'anyone up for Saturday?']);
    expect(await bob.call('getTotalUnreadMsgCount')).toBe(2);
  });

  it('creates a group from the SDK; the other member sees it and the texts in it live', async () => {
    const since = bob.mark();
    const created = await alice.call('createGroup', {
      memberUserIDs: ['bob'],
      adminUserIDs: [],
      ownerUserID: 'alice',
      groupInfo: { groupName: 'Climbers', groupType: 2 },
    });
    expect(created.groupName).toBe('Climbers');
    const added = await bob.event('OnJoinedGroupAdded', (e) => e.data.groupID === created.groupID, since);
    expect(added.data.groupName).toBe('Climbers');
    const { data: group } = await s.client.post(
      '/group/get_groups_info',
      { groupIDs: [created.groupID] },
      s.adminToken,
    );
    expect(group.groupInfos[0].ownerUserID).toBe('alice');

    const conv = `sg_${created.groupID}`;
    await sendText(alice, { groupID: created.groupID }, 'first climb on Sunday');
    const got = await received(bob, 'first climb on Sunday', since);
    expect(got).toMatchObject({ sendID: 'alice', groupID: created.groupID, sessionType: 3, seq: 2 });
    await sendText(bob, { groupID: created.groupID }, 'count me in');
    expect((await received(alice, 'count me in')).sendID).toBe('bob');
    // The sender learns its message's seq from the push of its own message (OpenIM's SendMsg answers before it exists).
    const want = ['#1501', 'first climb on Sunday', 'count me in'];
    expect(await history(alice, conv)).toEqual(want);
    expect(await history(bob, conv)).toEqual(want);
    expect((await messages(alice, conv)).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(await onServer('bob', conv)).toEqual([
      ['alice', 'first climb on Sunday', 2],
      ['bob', 'count me in', 3],
    ]);
  });

  it('sends and receives one-to-one texts live, both ways', async () => {
    const since = carol.mark();
    await sendText(bob, { recvID: 'carol' }, 'hi carol');
    const got = await received(carol, 'hi carol', since);
    expect(got).toMatchObject({ sendID: 'bob', recvID: 'carol', sessionType: 1 });
    await sendText(carol, { recvID: 'bob' }, 'hi bob');
    expect((await received(bob, 'hi bob')).sendID).toBe('carol');
    const conv = single('bob', 'carol');
    expect(await history(bob, conv)).toEqual(['hi carol', 'hi bob']);
    expect(await history(carol, conv)).toEqual(['hi carol', 'hi bob']);
    // Each has the other's text unread until marking the chat as read.
    for (const user of [bob, carol]) {
      expect((await user.call('getOneConversation', { sourceID: other(user), sessionType: 1 })).unreadCount).toBe(1);
      const marked = user.mark();
      await user.call('markConversationMessageAsRead', conv);
      await user.event('OnConversationChanged', (e) => e.data.some((c: any) => c.conversationID === conv), marked);
      expect((await user.call('getOneConversation', { sourceID: other(user), sessionType: 1 })).unreadCount).toBe(0);
    }
    expect(await readSeqs('carol', conv)).toEqual({ hasReadSeq: 2, maxSeq: 2 });
  });

  it('counts unread group texts, and marking as read clears the count here and on the server', async () => {
    const conv = `sg_${HIKERS}`;
    // The notice and dave's text from before the login; her one-to-one chat is read (she replied last).
    expect(await carol.call('getTotalUnreadMsgCount')).toBe(2);
    const since = carol.mark();
    await sendText(alice, { groupID: HIKERS }, 'meet at 8');
    await sendText(bob, { groupID: HIKERS }, 'bringing coffee');
    await received(carol, 'bringing coffee', since);
    await totalUnread(carol, 4, since);
    const conversation = await carol.call('getOneConversation', { sourceID: HIKERS, sessionType: 3 });
    expect(conversation.unreadCount).toBe(4);
    expect(await history(carol, conv)).toEqual(['#1501', 'anyone up for Saturday?', 'meet at 8', 'bringing coffee']);

    const marked = carol.mark();
    await carol.call('markConversationMessageAsRead', conv);
    await totalUnread(carol, 0, marked);
    expect(await carol.call('getTotalUnreadMsgCount')).toBe(0);
    expect((await carol.call('getOneConversation', { sourceID: HIKERS, sessionType: 3 })).unreadCount).toBe(0);
    expect(await readSeqs('carol', conv)).toEqual({ hasReadSeq: 4, maxSeq: 4 });
  });

  it('chats between a wasm user and a user driven over REST', async () => {
    const since = alice.mark();
    const sent = await restSend({ sendID: 'dave', recvID: 'alice', sessionType: 1, content: 'alice, got the map?' });
    const got = await received(alice, 'alice, got the map?', since);
    expect(got).toMatchObject({ sendID: 'dave', recvID: 'alice', sessionType: 1, seq: sent.seq });
    await sendText(alice, { recvID: 'dave' }, 'yes, in my bag');
    expect(await onServer('dave', single('alice', 'dave'))).toEqual([
      ['dave', 'alice, got the map?', sent.seq],
      ['alice', 'yes, in my bag', sent.seq + 1],
    ]);
    // dave's group text reaches the wasm members live too.
    const inGroup = bob.mark();
    await restSend({ sendID: 'dave', groupID: HIKERS, sessionType: 3, content: 'map is on its way' });
    expect((await received(bob, 'map is on its way', inGroup)).sendID).toBe('dave');
  });

  it("fails a text the business server rejects with the business server's code, and delivers nothing", async () => {
    rx.answer(BEFORE_SEND_GROUP, { body: loadResponse(BEFORE_SEND_GROUP, 'reject') });
    alice.allowErrors(/send msg to server failed.*5001 blocked by the business server/);
    const since = bob.mark();
    const rejected = await sendText(alice, { groupID: HIKERS }, 'buy cheap boots!!!').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(rejected).toBeInstanceOf(SdkError);
    expect(rejected).toMatchObject({ errCode: 5001 });
    expect((rejected as SdkError).errMsg).toContain('blocked by the business server');
    rx.answer(BEFORE_SEND_GROUP, { body: DEFAULT_ANSWER });
    await sendText(alice, { groupID: HIKERS }, 'sorry, wrong chat');
    await received(bob, 'sorry, wrong chat', since);
    // Pushes arrive in seq order: the accepted text came, the rejected one never did.
    const texts = bob.events
      .slice(since)
      .filter((e) => e.event === 'OnRecvNewMessages')
      .flatMap((e) => e.data.map(say));
    expect(texts).not.toContain('buy cheap boots!!!');
    expect((await onServer('alice', `sg_${HIKERS}`)).map(([, text]) => text)).not.toContain('buy cheap boots!!!');
    // The SDK keeps the rejected text on the sender's device, marked failed (MessageStatus.Failed).
    const mine = (await messages(alice, `sg_${HIKERS}`)).filter((m) => m.contentType === TEXT).slice(-2);
    expect(mine.map((m) => [say(m), m.status])).toEqual([
      ['buy cheap boots!!!', 3],
      ['sorry, wrong chat', 2],
    ]);
  });

  it('a member quitting and one being kicked are seen by the others', async () => {
    const [a, b, c] = [alice.mark(), bob.mark(), carol.mark()];
    // The group's copy of the notice makes carol's SDK look herself up in the group she left, which
    // OpenIM refuses to non-members too (1002): the SDK logs that and carries on.
    carol.allowErrors(/1002 NoPermissionError op user carol not in group hikers/);
    await carol.call('quitGroup', HIKERS);
    const gone = (user: WasmUser, userID: string, since: number) =>
      user.event('OnGroupMemberDeleted', (e) => e.data.groupID === HIKERS && e.data.userID === userID, since);
    await Promise.all([gone(alice, 'carol', a), gone(bob, 'carol', b)]);
    await carol.event('OnJoinedGroupDeleted', (e) => e.data.groupID === HIKERS, c);

    await alice.call('kickGroupMember', { groupID: HIKERS, reason: 'inactive', userIDList: ['dave'] });
    await gone(bob, 'dave', b);
    const members = await bob.call<any[]>('getGroupMemberList', { groupID: HIKERS, filter: 0, offset: 0, count: 100 });
    expect(members.map((m) => m.userID).sort()).toEqual(['alice', 'bob']);
    const onServer = await s.client.ok(
      '/group/get_group_member_list',
      { groupID: HIKERS, pagination: page() },
      s.adminToken,
    );
    expect(onServer.members.map((m: any) => m.userID).sort()).toEqual(['alice', 'bob']);
    expect((await bob.call<any[]>('getJoinedGroupList')).find((g) => g.groupID === HIKERS).memberCount).toBe(2);
  });

  it('survives a server restart on the same ports without losing a message', async () => {
    // The step being awaited, said when the test fails (a time-out names no line of its own).
    let at = 'the first text';
    onTestFailed(() => console.error(`the restart test stopped waiting for: ${at}`));
    const conv = `sg_${HIKERS}`;
    const [a, b] = [alice.mark(), bob.mark()];
    await sendText(alice, { groupID: HIKERS }, 'see you at the trailhead');
    await received(bob, 'see you at the trailhead', b);

    const ports = { HUDDLE_PORT: new URL(s.client.url).port, HUDDLE_GATEWAY_PORT: new URL(s.wsUrl).port };
    // The lost connection and the reconnects that fail while the server is away: the browser logs
    // each failed WebSocket handshake, the Go core its long-connection errors.
    const handshake = new RegExp(`^WebSocket connection to '${s.wsUrl.replaceAll('.', '\\.')}/\\?.*' failed`);
    for (const user of [alice, bob, carol]) {
      user.allowErrors(handshake);
      user.allowErrors(/\[interaction\/long_conn_mgr\.go:\d+\]/);
    }
    at = 'the server to stop';
    await s.stop();
    at = 'OnConnecting in both SDKs';
    await Promise.all([alice.event('OnConnecting', undefined, a), bob.event('OnConnecting', undefined, b)]);
    at = `the server to start again on ${JSON.stringify(ports)}`;
    s = await startServer({ dir: s.dir, env: ports });
    // Sent as soon as the server is back, whether or not the SDKs have reconnected yet: a push, or a
    // gap they pull on reconnecting.
    at = 'the REST send after the restart';
    await restSend({ sendID: 'alice', groupID: HIKERS, sessionType: 3, content: 'the trail is open again' });
    at = 'OnConnectSuccess in both SDKs';
    await Promise.all([alice.event('OnConnectSuccess', undefined, a), bob.event('OnConnectSuccess', undefined, b)]);
    at = "bob's copy of the text sent while the SDKs reconnected";
    await received(bob, 'the trail is open again', b);
    at = "alice's copy of bob's text";
    await sendText(bob, { groupID: HIKERS }, 'on my way');
    await received(alice, 'on my way', a);
    at = 'the histories';
    const tail = ['see you at the trailhead', 'the trail is open again', 'on my way'];
    expect((await history(bob, conv)).slice(-3)).toEqual(tail);
    expect((await history(alice, conv)).slice(-3)).toEqual(tail);
  });
});

// The same SDK with its users on two instances sharing one PostgreSQL database: each page logs in to
// its own instance (gateway and REST), and texts cross between them live, in a group and one to one.
describe.skipIf(!haveChromium || TEST_ENGINE !== 'postgres')('the OpenIM wasm SDK on two instances', () => {
  let one: TestServer;
  let two: TestServer;
  let pages: WasmBrowser;

  beforeAll(async () => {
    one = await startServer();
    two = await startServer({ database: one.database });
    await one.register('ann', 'ben');
    await createGroup(one, { owner: 'ann', members: ['ben'], groupID: 'duo', groupName: 'Duo' });
    pages = await startWasmBrowser();
  });

  afterEach(() => {
    expect(pages?.takeProblems() ?? []).toEqual([]);
  });

  afterAll(async () => {
    await pages?.close();
    await two?.close();
    await one?.close();
  });

  it('chats live between users logged in to different instances', async () => {
    const ann = await pages.open('ann');
    await ann.login({ token: await one.tokenFor('ann'), wsAddr: one.wsUrl, apiAddr: one.client.url });
    const ben = await pages.open('ben');
    await ben.login({ token: await one.tokenFor('ben'), wsAddr: two.wsUrl, apiAddr: two.client.url });

    const sinceBen = ben.mark();
    await sendText(ann, { groupID: 'duo' }, 'across the instances');
    expect((await received(ben, 'across the instances', sinceBen)).sendID).toBe('ann');

    const sinceAnn = ann.mark();
    await sendText(ben, { recvID: 'ann' }, 'and back, one to one');
    expect((await received(ann, 'and back, one to one', sinceAnn)).sendID).toBe('ben');
  });
});
