// OpenIM's admin message search (/msg/search_msg) through a real server: a group's and a one-to-one
// conversation's messages, newest first and paged, narrowed by each of OpenIM's filters and by
// huddle's conversationID; content comes back as sent (user data, markup included); only app
// admins may search, and bad input is refused with nothing changed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, page, startServer, type TestServer } from './harness.js';

let s: TestServer;
let groupID: string;
/** 2026-03-10T12:00:00Z: the messages below are sent a minute apart from here, the last ones a day later. */
const T0 = Date.UTC(2026, 2, 10, 12);
const MINUTE = 60_000;
const DAY = 86_400_000;

interface Found {
  chatLogsNum: number;
  chatLogs: { chatLog: Record<string, any>; isRevoked: boolean }[];
}

const search = (body: Record<string, unknown>, token = s.adminToken) =>
  s.client.ok<Found>(
    '/msg/search_msg',
    {
      sendID: '',
      recvID: '',
      contentType: 0,
      sendTime: '',
      sessionType: 0,
      pagination: page(),
      conversationID: '',
      ...body,
    },
    token,
  );

const texts = (f: Found) => f.chatLogs.map((l) => JSON.parse(l.chatLog.content).content);

async function send(m: { sendID: string; recvID?: string; groupID?: string; text: string; at: number; type?: number }) {
  await s.client.ok(
    '/msg/send_msg',
    {
      sendID: m.sendID,
      recvID: m.recvID ?? '',
      groupID: m.groupID ?? '',
      sessionType: m.groupID ? 3 : 1,
      contentType: m.type ?? 101,
      content: m.type === 102 ? { sourcePicture: { url: 'https://p/x.png' } } : { content: m.text },
      sendTime: m.at,
    },
    s.adminToken,
  );
}

beforeAll(async () => {
  s = await startServer();
  await s.register('sm_alice', 'sm_bob', { userID: 'sm_carol', nickname: 'Carol C' });
  groupID = (await createGroup(s, { owner: 'sm_alice', members: ['sm_bob'], groupName: 'Search team' })).groupID;
  for (let i = 1; i <= 5; i++) await send({ sendID: 'sm_alice', groupID, text: `group ${i}`, at: T0 + i * MINUTE });
  await send({ sendID: 'sm_bob', groupID, text: 'a picture', at: T0 + 6 * MINUTE, type: 102 });
  await send({ sendID: 'sm_alice', recvID: 'sm_carol', text: 'hi <b>carol</b>', at: T0 + 7 * MINUTE });
  await send({ sendID: 'sm_carol', recvID: 'sm_alice', text: 'hi alice', at: T0 + 8 * MINUTE });
  await send({ sendID: 'sm_alice', recvID: 'sm_carol', text: 'next day', at: T0 + DAY });
});
afterAll(async () => {
  await s?.close();
});

describe("a group's messages", () => {
  it('come newest first, paged, with the group named on each', async () => {
    const conversationID = `sg_${groupID}`;
    const first = await search({ conversationID, contentType: 101, pagination: page(1, 2) });
    expect(first.chatLogsNum).toBe(5);
    expect(texts(first)).toEqual(['group 5', 'group 4']);
    expect(texts(await search({ conversationID, contentType: 101, pagination: page(3, 2) }))).toEqual(['group 1']);
    expect(first.chatLogs[0]).toMatchObject({
      isRevoked: false,
      chatLog: {
        sendID: 'sm_alice',
        groupID,
        groupName: 'Search team',
        groupOwner: 'sm_alice',
        groupMemberCount: 2,
        sessionType: 3,
        contentType: 101,
        seq: expect.any(Number),
        sendTime: T0 + 5 * MINUTE,
      },
    });
    const seqs = first.chatLogs.map((l) => l.chatLog.seq);
    expect(seqs[0]).toBe(seqs[1] + 1);
  });

  it('recvID names the group, as on OpenIM; contentType and sendID narrow it', async () => {
    const all = await search({ recvID: groupID });
    // The creation tip, five texts, one picture.
    expect(all.chatLogsNum).toBe(7);
    const pictures = await search({ recvID: groupID, contentType: 102 });
    expect(pictures.chatLogs.map((l) => [l.chatLog.sendID, l.chatLog.contentType])).toEqual([['sm_bob', 102]]);
    expect((await search({ recvID: groupID, sendID: 'sm_bob' })).chatLogsNum).toBe(1);
  });
});

describe('a one-to-one conversation', () => {
  const conversationID = 'si_sm_alice_sm_carol';

  it('has both directions, newest first, content as sent (markup included)', async () => {
    const found = await search({ conversationID });
    expect(texts(found)).toEqual(['next day', 'hi alice', 'hi <b>carol</b>']);
    expect(found.chatLogs[2]!.chatLog).toMatchObject({
      sendID: 'sm_alice',
      recvID: 'sm_carol',
      recvNickname: 'Carol C',
    });
  });

  it('narrows by receiver, session type and day (UTC, as OpenIM parses it)', async () => {
    expect(texts(await search({ recvID: 'sm_carol' }))).toEqual(['next day', 'hi <b>carol</b>']);
    expect((await search({ sessionType: 1, sendID: 'sm_carol' })).chatLogsNum).toBe(1);
    expect(texts(await search({ conversationID, sendTime: '2026-03-10' }))).toEqual(['hi alice', 'hi <b>carol</b>']);
    expect(texts(await search({ conversationID, sendTime: '2026-03-11' }))).toEqual(['next day']);
    expect((await search({ conversationID, sendTime: '2026-03-12' })).chatLogsNum).toBe(0);
  });

  it('showNumber 0 answers only the count', async () => {
    const found = await search({ conversationID, pagination: page(1, 0) });
    expect([found.chatLogsNum, found.chatLogs]).toEqual([3, []]);
  });
});

describe("the console's conversation page", () => {
  it('reads one conversation in seq order, newest first, whatever the sendTime given', async () => {
    const { groupID: g } = await createGroup(s, { owner: 'sm_alice', members: ['sm_bob'], groupName: 'Order' });
    await send({ sendID: 'sm_alice', groupID: g, text: 'first', at: T0 + 2 * DAY });
    // Sent later with an earlier sendTime (an admin import): seq order is the conversation's order.
    await send({ sendID: 'sm_bob', groupID: g, text: 'second', at: T0 + DAY });
    const page1 = await search({ conversationID: `sg_${g}`, contentType: 101 });
    expect(texts(page1)).toEqual(['second', 'first']);
    // Across conversations, OpenIM's order: by sendTime.
    const byTime = await search({ recvID: g, contentType: 101 });
    expect(texts(byTime)).toEqual(['first', 'second']);
  });
});

describe('who may search, and bad input', () => {
  it('refuses a user, even about their own conversation', async () => {
    const token = await s.tokenFor('sm_alice');
    const env = await s.client.post('/msg/search_msg', { pagination: page(), conversationID: `sg_${groupID}` }, token);
    expect([env.errCode, env.errMsg]).toEqual([1002, 'NoPermissionError']);
    expect(env).not.toHaveProperty('data');
  });

  it.each([
    ['a day not as YYYY-MM-DD', { sendTime: '10/03/2026' }],
    ['a day that does not exist', { sendTime: '2026-02-30' }],
    ['a session type that is not 1 or 3', { sessionType: 2 }],
    ['a notification conversation', { conversationID: `n_${groupID}` }],
    ['no pagination', { pagination: undefined }],
    ['a negative content type', { contentType: -1 }],
  ])('refuses %s with ArgsError, changing nothing', async (_, body) => {
    const before = await s.query('SELECT conversation_id, seq, content FROM messages ORDER BY conversation_id, seq');
    const env = await s.client.post('/msg/search_msg', { pagination: page(), ...body }, s.adminToken);
    expect([env.errCode, env.errMsg]).toEqual([1001, 'ArgsError']);
    expect(await s.query('SELECT conversation_id, seq, content FROM messages ORDER BY conversation_id, seq')).toEqual(
      before,
    );
  });
});
