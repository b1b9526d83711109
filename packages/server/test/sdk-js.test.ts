// OpenIM's pure-JavaScript client SDK against huddle (issue 15, item 5): users log in and sync, see
// their groups and members, create a group, chat in it and one to one live, read history after a
// re-login, count and clear unread messages, see members quit and be kicked, get the business
// server's refusal as the send's error, survive a server restart without losing a message, and are
// kicked by force_logout. Then, on PostgreSQL, the same chat between clients of two instances.
// Every client fails the test on a sync or connection failure event (sdk/js-sdk.ts).

import type { GroupItem } from '@openim/client-sdk';
import { CALLBACKS } from '@huddle/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, startServer, TEST_ENGINE, type TestServer } from './harness.js';
import { startReceiver, type Receiver } from './receiver.js';
import { CbEvents, closeClients, loginClient, outage, type SdkClient } from './sdk/js-sdk.js';
import { loadResponse } from './shape.js';

let s: TestServer;
let rx: Receiver;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

beforeAll(async () => {
  rx = await startReceiver();
  s = await startServer();
});
afterEach(() => closeClients());
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

const endpoint = (server: TestServer) => ({ wsUrl: server.wsUrl, apiAddr: server.client.url });
const login = async (userID: string, server = s) =>
  loginClient(endpoint(server), userID, await server.tokenFor(userID, 5));

/** Registers fresh users and logs each one in. */
async function users(...names: string[]): Promise<SdkClient[]> {
  const ids = names.map(uid);
  await s.register(...ids);
  return Promise.all(ids.map((id) => login(id)));
}

/** `owner` creates a group with `members` through the SDK; resolves once every member's SDK has it. */
async function sdkGroup(owner: SdkClient, ...members: SdkClient[]): Promise<string> {
  const { data } = await owner.sdk.createGroup({
    memberUserIDs: members.map((m) => m.userID),
    groupInfo: { groupName: 'Hikers' },
  });
  const groupID = (data as GroupItem).groupID;
  await Promise.all(
    [owner, ...members].map((c) => c.next<GroupItem>(CbEvents.OnJoinedGroupAdded, (g) => g.groupID === groupID)),
  );
  return groupID;
}

/** A text sent through the REST API as `sendID` (the app admin's /msg/send_msg). */
async function restText(sendID: string, groupID: string, text: string) {
  await s.client.ok(
    '/msg/send_msg',
    { sendID, groupID, sessionType: 3, contentType: 101, senderPlatformID: 5, content: { content: text } },
    s.adminToken,
  );
}

describe('the JS SDK against one server', () => {
  it('logs in seeing groups and members, creates a group, chats in it and one to one live', async () => {
    const ids = ['alice', 'bob', 'carol'].map(uid);
    await s.register(...ids);
    const earlier = await createGroup(s, { owner: ids[0]!, members: [ids[1]!], groupName: 'earlier' });
    const [alice, bob, carol] = await Promise.all(ids.map((id) => login(id)));
    // Created before bob logged in: his first sync has it.
    expect((await bob!.groups()).map((g) => g.groupID)).toEqual([earlier.groupID]);
    expect(await bob!.members(earlier.groupID)).toEqual([ids[0], ids[1]].sort());

    const groupID = await sdkGroup(alice!, bob!, carol!);
    expect((await carol!.groups()).map((g) => g.groupName)).toContain('Hikers');
    expect(await carol!.members(groupID)).toEqual([alice!.userID, bob!.userID, carol!.userID].sort());

    const sent = await alice!.sendText({ groupID }, 'hello hikers');
    expect(sent.serverMsgID).not.toBe('');
    for (const c of [bob!, carol!])
      expect(await c.received('hello hikers')).toMatchObject({ sendID: alice!.userID, groupID });
    await carol!.sendText({ groupID }, 'hi alice');
    for (const c of [alice!, bob!]) expect((await c.received('hi alice')).sendID).toBe(carol!.userID);

    await alice!.sendText({ recvID: bob!.userID }, 'just you');
    expect(await bob!.received('just you')).toMatchObject({
      sendID: alice!.userID,
      recvID: bob!.userID,
      sessionType: 1,
    });
    await bob!.sendText({ recvID: alice!.userID }, 'just you too');
    expect((await alice!.received('just you too')).sendID).toBe(bob!.userID);
  });

  it('shows history after a re-login, counts unread messages and clears them on mark as read', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const groupID = await sdkGroup(alice!, bob!);
    const conversationID = `sg_${groupID}`;
    const before = await bob!.unread();
    for (const text of ['one', 'two', 'three']) {
      await alice!.sendText({ groupID }, text);
      await bob!.received(text);
    }
    expect(await bob!.unread()).toBe(before + 3);

    await bob!.logout();
    await bob!.login();
    expect(await bob!.history(conversationID)).toEqual(['one', 'two', 'three']);
    const unread = await bob!.unread();
    expect(unread).toBeGreaterThanOrEqual(3);
    const [conversation] = (await bob!.conversations()).filter((c) => c.conversationID === conversationID);
    expect(conversation).toMatchObject({ groupID, unreadCount: unread });

    await bob!.sdk.markConversationMessageAsRead(conversationID);
    await bob!.next(CbEvents.OnTotalUnreadMessageCountChanged, (count) => count === 0);
    expect(await bob!.unread()).toBe(0);
    // The server kept it: a fresh login counts nothing unread.
    await bob!.logout();
    await bob!.login();
    expect(await bob!.unread()).toBe(0);
    expect(await bob!.history(conversationID)).toEqual(['one', 'two', 'three']);
  });

  it('shows a member quitting and a member being kicked to the others', async () => {
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const groupID = await sdkGroup(alice!, bob!, carol!);
    const gone = (userID: string) => (m: { groupID: string; userID: string }) =>
      m.groupID === groupID && m.userID === userID;

    await carol!.sdk.quitGroup(groupID);
    for (const c of [alice!, bob!]) await c.next(CbEvents.OnGroupMemberDeleted, gone(carol!.userID));
    await carol!.next<GroupItem>(CbEvents.OnJoinedGroupDeleted, (g) => g.groupID === groupID);

    await alice!.sdk.kickGroupMember({ groupID, reason: 'bye', userIDList: [bob!.userID] });
    await alice!.next(CbEvents.OnGroupMemberDeleted, gone(bob!.userID));
    await bob!.next<GroupItem>(CbEvents.OnJoinedGroupDeleted, (g) => g.groupID === groupID);
    expect(await alice!.members(groupID)).toEqual([alice!.userID]);
    expect(await bob!.groups()).toEqual([]);
  });

  it("fails a send the business server refuses with the business server's code", async () => {
    const [alice, bob] = await users('alice', 'bob');
    const groupID = await sdkGroup(alice!, bob!);
    const config = (enable: boolean) =>
      s.client.ok(
        '/callback/set_config',
        { config: { url: rx.url, beforeSendGroupMsg: { enable, timeout: 5 } } },
        s.adminToken,
      );
    const command = CALLBACKS.beforeSendGroupMsg.openim.command;
    const refusal = loadResponse(command, 'reject');
    rx.answer(command, { body: refusal });
    await config(true);
    try {
      await expect(alice!.sendText({ groupID }, 'spam')).rejects.toMatchObject({ errCode: refusal.errCode });
    } finally {
      await config(false);
    }
    await alice!.sendText({ groupID }, 'fine');
    await bob!.received('fine');
    expect(await bob!.history(`sg_${groupID}`)).toEqual(['fine']);
  });

  it('survives a server restart without losing a message', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const groupID = await sdkGroup(alice!, bob!);
    await alice!.sendText({ groupID }, 'before');
    await bob!.received('before');

    // Same directory and database, same ports: the SDK reconnects to the address it was given.
    const { dir } = s;
    const ports = { HUDDLE_PORT: new URL(s.client.url).port, HUDDLE_GATEWAY_PORT: new URL(s.wsUrl).port };
    await outage([alice!, bob!], async () => {
      await s.stop();
      // First the API alone on its port (the gateway on another): a message stored while no client
      // can be connected, which they can only get by pulling the gap once they are back.
      s = await startServer({ dir, env: { HUDDLE_PORT: ports.HUDDLE_PORT } });
      await restText(alice!.userID, groupID, 'while away');
      await s.stop();
      s = await startServer({ dir, env: ports });
    });
    await bob!.received('while away');
    await alice!.sendText({ groupID }, 'after');
    await bob!.received('after');
    expect(await bob!.history(`sg_${groupID}`)).toEqual(['before', 'while away', 'after']);
    expect(await alice!.history(`sg_${groupID}`)).toEqual(['before', 'while away', 'after']);
  });

  it('is kicked offline by force_logout, and logs in again with a new token', async () => {
    const [alice] = await users('alice');
    await s.client.ok('/auth/force_logout', { userID: alice!.userID, platformID: 5 }, s.adminToken);
    await alice!.next(CbEvents.OnKickedOffline);
    await alice!.login(await s.tokenFor(alice!.userID, 5));
    expect(await alice!.groups()).toEqual([]);
  });
});

describe.skipIf(TEST_ENGINE !== 'postgres')('the JS SDK across two instances on one PostgreSQL database', () => {
  let other: TestServer;
  beforeAll(async () => {
    other = await startServer({ database: s.database });
  });
  afterAll(async () => {
    await other?.close();
  });

  it('chats live between clients of different instances, in a group and one to one', async () => {
    const [aliceID, bobID] = [uid('alice'), uid('bob')];
    await s.register(aliceID, bobID);
    const alice = await login(aliceID, s);
    const bob = await login(bobID, other);
    const groupID = await sdkGroup(alice, bob);
    await alice.sendText({ groupID }, 'from the first');
    await bob.received('from the first');
    await bob.sendText({ groupID }, 'from the second');
    await alice.received('from the second');
    await bob.sendText({ recvID: aliceID }, 'privately');
    await alice.received('privately');
    expect(await bob.history(`sg_${groupID}`)).toEqual(['from the first', 'from the second']);
  });
});
