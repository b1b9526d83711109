// Messages over OpenIM's REST API: sending (as an app admin), pulling by seq, newest seqs, read
// marks and unread counts, who may read what, and bad input that stores nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './clock.js';
import { createGroup, startServer, type TestServer } from './harness.js';

let s: TestServer;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => s.close());

const text = (t: string) => ({ content: t });

/** Sends a text as `sendID` through /msg/send_msg; returns the answer's data. */
function sendGroup(sendID: string, groupID: string, t: string, extra: Record<string, unknown> = {}) {
  return s.client.post(
    '/msg/send_msg',
    { sendID, groupID, sessionType: 3, contentType: 101, content: text(t), ...extra },
    s.adminToken,
  );
}
const okGroup = async (sendID: string, groupID: string, t: string, extra: Record<string, unknown> = {}) => {
  const env = await sendGroup(sendID, groupID, t, extra);
  expect(env.errCode, env.errDlt).toBe(0);
  return env.data;
};

const decode = (m: { content: string }) => JSON.parse(Buffer.from(m.content, 'base64').toString('utf8'));
/** The users' messages, without the group's notices (the creation notice is every group's seq 1). */
const chat = (msgs: any[]) => msgs.filter((m) => m.contentType < 1000);

async function pull(userID: string, conversationID: string, begin = 0, end = 1_000, num = 100) {
  const data = await s.client.ok(
    '/msg/pull_msg_by_seq',
    { userID, seqRanges: [{ conversationID, begin, end, num }], order: 0 },
    s.adminToken,
  );
  return data.msgs[conversationID] as { Msgs: any[]; isEnd: boolean; endSeq: number } | undefined;
}

async function readState(userID: string, conversationID: string) {
  const data = await s.client.ok(
    '/msg/get_conversations_has_read_and_max_seq',
    { userID, conversationIDs: [conversationID] },
    s.adminToken,
  );
  return data.seqs[conversationID] as { maxSeq: number; hasReadSeq: number; maxSeqTime: number } | undefined;
}

async function team() {
  const [owner, alice, bob] = [uid('owner'), uid('alice'), uid('bob')];
  await s.register(owner, alice, bob);
  const group = await createGroup(s, { owner, members: [alice, bob] });
  return { owner, alice, bob, groupID: group.groupID as string, conv: `sg_${group.groupID}` };
}

describe('group messages', () => {
  it('numbers messages 2, 3 after the creation notice in the group conversation and serves them back as sent', async () => {
    const { alice, bob, groupID, conv } = await team();
    const first = await okGroup(alice, groupID, 'hello');
    const second = await okGroup(bob, groupID, 'hi alice', { ex: 'e1' });
    expect(first.seq).toBe(2);
    expect(second.seq).toBe(3);
    expect(first.serverMsgID).toMatch(/^[0-9a-f]{32}$/);
    const got = (await pull(alice, conv))!;
    expect(got.Msgs[0]).toMatchObject({ seq: 1, contentType: 1501 });
    expect(chat(got.Msgs).map((m) => [m.seq, m.sendID, decode(m).content])).toEqual([
      [2, alice, 'hello'],
      [3, bob, 'hi alice'],
    ]);
    expect(got.Msgs[2]).toMatchObject({ groupID, sessionType: 3, contentType: 101, status: 2, ex: 'e1', msgFrom: 200 });
    expect(got.isEnd).toBe(true);
    expect(got.endSeq).toBe(3);
    const newest = await s.client.ok('/msg/newest_seq', { userID: bob }, s.adminToken);
    expect(newest.maxSeqs[conv]).toBe(3);
    expect(newest.minSeqs[conv]).toBe(1);
  });

  it('counts unread as maxSeq − hasReadSeq; the sender has read its own; marks only move forward', async () => {
    const { owner, alice, groupID, conv } = await team();
    await okGroup(alice, groupID, 'one');
    await okGroup(alice, groupID, 'two');
    await okGroup(alice, groupID, 'three');
    expect(await readState(alice, conv)).toMatchObject({ maxSeq: 4, hasReadSeq: 4 });
    expect(await readState(owner, conv)).toMatchObject({ maxSeq: 4, hasReadSeq: 0 });
    const ownerToken = await s.tokenFor(owner);
    await s.client.ok(
      '/msg/mark_conversation_as_read',
      { conversationID: conv, userID: owner, hasReadSeq: 2, seqs: [1, 2] },
      ownerToken,
    );
    expect(await readState(owner, conv)).toMatchObject({ hasReadSeq: 2 });
    await s.client.ok(
      '/msg/mark_conversation_as_read',
      { conversationID: conv, userID: owner, hasReadSeq: 1, seqs: [] },
      ownerToken,
    );
    expect(await readState(owner, conv)).toMatchObject({ hasReadSeq: 2 });
    const past = await s.client.post(
      '/msg/mark_conversation_as_read',
      { conversationID: conv, userID: owner, hasReadSeq: 5, seqs: [] },
      ownerToken,
    );
    expect(past.errCode).toBe(1001);
    expect((await readState(owner, conv))!.hasReadSeq).toBe(2);
    const other = await s.client.post(
      '/msg/mark_conversation_as_read',
      { conversationID: conv, userID: alice, hasReadSeq: 1, seqs: [] },
      ownerToken,
    );
    expect(other.errCode).toBe(1002);
  });

  it('a resend with the same clientMsgID answers the stored message and stores nothing', async () => {
    const { alice, groupID, conv } = await team();
    const a = await okGroup(alice, groupID, 'once', { clientMsgID: 'c-1' });
    const b = await okGroup(alice, groupID, 'once', { clientMsgID: 'c-1' });
    expect(b).toEqual(a);
    expect(chat((await pull(alice, conv))!.Msgs)).toHaveLength(1);
    const reused = await sendGroup(alice, groupID, 'something else', { clientMsgID: 'c-1' });
    expect(reused.errCode).toBe(1001);
    expect(reused.errDlt).toContain('c-1');
    expect(chat((await pull(alice, conv))!.Msgs)).toHaveLength(1);
  });

  it('a member who joins later reads from their join on, and nothing before counts as unread', async () => {
    const { owner, alice, groupID, conv } = await team();
    await okGroup(alice, groupID, 'before carol');
    await okGroup(alice, groupID, 'still before');
    const carol = uid('carol');
    await s.register(carol);
    await s.client.ok(
      '/group/invite_user_to_group',
      { groupID, invitedUserIDs: [carol], reason: '' },
      await s.tokenFor(owner),
    );
    // Carol reads from the notice of her invitation (seq 4) on, which counts as unread.
    expect(await readState(carol, conv)).toMatchObject({ maxSeq: 4, hasReadSeq: 3 });
    expect((await pull(carol, conv))!.Msgs.map((m) => [m.seq, m.contentType])).toEqual([[4, 1509]]);
    await okGroup(alice, groupID, 'welcome carol');
    expect((await pull(carol, conv))!.Msgs.map((m) => m.seq)).toEqual([4, 5]);
    expect(await readState(carol, conv)).toMatchObject({ maxSeq: 5, hasReadSeq: 3 });
    const newest = await s.client.ok('/msg/newest_seq', { userID: carol }, s.adminToken);
    expect(newest.minSeqs[conv]).toBe(4);
  });

  it('a member who leaves keeps what was sent while a member, and reads nothing after', async () => {
    const { alice, bob, groupID, conv } = await team();
    await okGroup(alice, groupID, 'bob is here');
    await s.client.ok('/group/quit_group', { groupID }, await s.tokenFor(bob));
    await okGroup(alice, groupID, 'bob has gone');
    expect(chat((await pull(bob, conv))!.Msgs).map((m) => decode(m).content)).toEqual(['bob is here']);
    // Up to the notice of his own quitting (seq 3).
    expect((await readState(bob, conv))!.maxSeq).toBe(3);
  });

  it("answers OpenIM's codes: not a member 1203, muted member 1402, muted group 1403, dismissed 1204", async () => {
    const { owner, alice, bob, groupID, conv } = await team();
    const stranger = uid('stranger');
    await s.register(stranger);
    expect((await sendGroup(stranger, groupID, 'let me in')).errCode).toBe(1203);
    const ownerToken = await s.tokenFor(owner);
    await s.client.ok('/group/mute_group_member', { groupID, userID: alice, mutedSeconds: 3600 }, ownerToken);
    expect((await sendGroup(alice, groupID, 'muted')).errCode).toBe(1402);
    await s.client.ok(
      '/group/set_group_member_info',
      { members: [{ groupID, userID: bob, roleLevel: 60 }] },
      ownerToken,
    );
    await s.client.ok('/group/mute_group', { groupID }, ownerToken);
    const carol = uid('carol');
    await s.register(carol);
    await s.client.ok('/group/invite_user_to_group', { groupID, invitedUserIDs: [carol], reason: '' }, ownerToken);
    expect((await sendGroup(carol, groupID, 'muted group')).errCode).toBe(1403);
    await okGroup(bob, groupID, 'admins still speak');
    await okGroup(owner, groupID, 'and the owner');
    await s.client.ok('/group/dismiss_group', { groupID, deleteMember: false }, ownerToken);
    expect((await sendGroup(owner, groupID, 'after dismissal')).errCode).toBe(1204);
    expect(chat((await pull(owner, conv))!.Msgs).map((m) => decode(m).content)).toEqual([
      'admins still speak',
      'and the owner',
    ]);
  });
});

describe('one-to-one messages', () => {
  it('stores both directions in si_<a>_<b> and counts each side', async () => {
    const [x, y] = [uid('xavier'), uid('yann')];
    await s.register(x, y);
    const conv = x < y ? `si_${x}_${y}` : `si_${y}_${x}`;
    const send = (from: string, to: string, t: string) =>
      s.client.ok(
        '/msg/send_msg',
        { sendID: from, recvID: to, sessionType: 1, contentType: 101, content: text(t) },
        s.adminToken,
      );
    expect((await send(x, y, 'ping')).seq).toBe(1);
    expect((await send(y, x, 'pong')).seq).toBe(2);
    expect((await send(x, y, 'again')).seq).toBe(3);
    expect((await pull(y, conv))!.Msgs.map((m) => [m.sendID, m.recvID])).toEqual([
      [x, y],
      [y, x],
      [x, y],
    ]);
    expect(await readState(x, conv)).toMatchObject({ maxSeq: 3, hasReadSeq: 3 });
    expect(await readState(y, conv)).toMatchObject({ maxSeq: 3, hasReadSeq: 2 });
    const outsider = uid('outsider');
    await s.register(outsider);
    expect(await pull(outsider, conv)).toBeUndefined();
    const missing = await s.client.post(
      '/msg/send_msg',
      { sendID: x, recvID: 'nobody-here', sessionType: 1, contentType: 101, content: text('hello?') },
      s.adminToken,
    );
    expect(missing.errCode).toBe(1004);
  });
});

describe('pulling', () => {
  it('gives the newest `num` of a range, clamps to what exists, and answers exact seqs with placeholders', async () => {
    const { alice, groupID, conv } = await team();
    for (let i = 1; i <= 5; i++) await okGroup(alice, groupID, `m${i}`);
    const newest = (await pull(alice, conv, 0, 6, 2))!;
    expect(newest.Msgs.map((m) => m.seq)).toEqual([5, 6]);
    expect(newest.isEnd).toBe(true);
    const clamped = (await pull(alice, conv, 5, 99, 100))!;
    expect(clamped.Msgs.map((m) => m.seq)).toEqual([5, 6]);
    const desc = await s.client.ok(
      '/msg/pull_msg_by_seq',
      { userID: alice, seqRanges: [{ conversationID: conv, begin: 1, end: 3, num: 10 }], order: 1 },
      s.adminToken,
    );
    expect(desc.msgs[conv].Msgs.map((m: any) => m.seq)).toEqual([3, 2, 1]);
    expect(desc.msgs[conv].isEnd).toBe(true);
  });

  it('refuses a reversed or over-long range and a caller reading another user', async () => {
    const { alice, bob, conv } = await team();
    const reversed = await s.client.post(
      '/msg/pull_msg_by_seq',
      { userID: alice, seqRanges: [{ conversationID: conv, begin: 5, end: 2, num: 10 }], order: 0 },
      s.adminToken,
    );
    expect(reversed.errCode).toBe(1001);
    const tooMany = await s.client.post(
      '/msg/pull_msg_by_seq',
      { userID: alice, seqRanges: [{ conversationID: conv, begin: 1, end: 5, num: 100_000 }], order: 0 },
      s.adminToken,
    );
    expect(tooMany.errCode).toBe(1001);
    const spying = await s.client.post(
      '/msg/pull_msg_by_seq',
      { userID: alice, seqRanges: [{ conversationID: conv, begin: 1, end: 5, num: 10 }], order: 0 },
      await s.tokenFor(bob),
    );
    expect(spying.errCode).toBe(1002);
  });
});

describe('bad input stores nothing', () => {
  it.each([
    ['a non-admin sender', { token: 'user' }, 1002],
    ['content that is not an object', { content: 'just text' }, 1001],
    ['a text without its text', { content: { other: 1 } }, 1001],
    ['oversized content', { content: { content: 'x'.repeat(60_000) } }, 1001],
    ['a NUL in the content', { content: { content: 'a\u0000b' } }, 1001],
    ['an unknown session type', { sessionType: 7 }, 1001],
    ['a group message without groupID', { groupID: '' }, 1001],
    ['a system content type', { contentType: 1501 }, 1001],
    ['an unknown group', { groupID: 'no-such-group' }, 1004],
  ])('%s', async (_, change: Record<string, unknown>, code) => {
    const { alice, groupID, conv } = await team();
    const { token, ...body } = change as { token?: string };
    const env = await s.client.post(
      '/msg/send_msg',
      { sendID: alice, groupID, sessionType: 3, contentType: 101, content: text('fine'), ...body },
      token ? await s.tokenFor(alice) : s.adminToken,
    );
    expect(env.errCode, env.errDlt).toBe(code);
    expect(env.errDlt).not.toBe('');
    // Only the creation notice.
    expect((await readState(alice, conv))!.maxSeq).toBe(1);
  });
});

describe('conversation settings', () => {
  it('a user pins a conversation and sees it listed as pinned; nobody else may change it', async () => {
    const { alice, bob, groupID, conv } = await team();
    await okGroup(alice, groupID, 'pin me');
    const setting = (userIDs: string[], isPinned: boolean) => ({
      userIDs,
      conversation: { conversationID: conv, conversationType: 3, groupID, isPinned },
    });
    const aliceToken = await s.tokenFor(alice);
    await s.client.ok('/conversation/set_conversations', setting([alice], true), aliceToken);
    const pinned = async (userID: string) =>
      (
        await s.client.ok(
          '/msg/get_conversations_has_read_and_max_seq',
          { userID, conversationIDs: [], returnPinned: true },
          s.adminToken,
        )
      ).pinnedConversationIDs;
    expect(await pinned(alice)).toEqual([conv]);
    expect(await pinned(bob)).toEqual([]);
    const meddling = await s.client.post('/conversation/set_conversations', setting([bob], true), aliceToken);
    expect(meddling.errCode).toBe(1002);
    const wrongID = await s.client.post(
      '/conversation/set_conversations',
      { userIDs: [alice], conversation: { conversationID: 'sg_other', conversationType: 3, groupID, isPinned: false } },
      aliceToken,
    );
    expect(wrongID.errCode).toBe(1001);
    expect(await pinned(alice)).toEqual([conv]);
  });
});

describe('retention', () => {
  it('deletes messages older than HUDDLE_MESSAGE_RETENTION_DAYS and moves minSeq past them', async () => {
    const clock = testClock();
    const r = await startServer({ now: clock.now, env: { HUDDLE_MESSAGE_RETENTION_DAYS: '2' } });
    try {
      await r.register('ret_owner', 'ret_member');
      const { groupID } = await createGroup(r, { owner: 'ret_owner', members: ['ret_member'] });
      const send = (t: string) =>
        r.client.ok(
          '/msg/send_msg',
          { sendID: 'ret_owner', groupID, sessionType: 3, contentType: 101, content: text(t) },
          r.adminToken,
        );
      await send('old one');
      await send('old two');
      clock.advance(3 * 86_400_000);
      await send('recent');
      // The group's creation notice (in n_ and its copy in sg_) and the two old messages.
      expect(await r.app.messageRetention.prune()).toBe(4);
      const conv = `sg_${groupID}`;
      const pulled = await r.client.ok(
        '/msg/pull_msg_by_seq',
        { userID: 'ret_member', seqRanges: [{ conversationID: conv, begin: 0, end: 10, num: 10 }], order: 0 },
        r.adminToken,
      );
      expect(pulled.msgs[conv].Msgs.map((m: { seq: number }) => m.seq)).toEqual([4]);
      const newest = await r.client.ok('/msg/newest_seq', { userID: 'ret_member' }, r.adminToken);
      expect([newest.minSeqs[conv], newest.maxSeqs[conv]]).toEqual([4, 4]);
      expect(await r.app.messageRetention.prune()).toBe(0);
    } finally {
      await r.close();
    }
  });
});
