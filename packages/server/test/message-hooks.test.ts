// Message callbacks end to end, both dialects: every body against its golden fixture, the after-send
// callbacks written with the stored message (its seq, OpenIM's `key` query parameter), a rejection
// that stores nothing, a modification that is what is stored, pulled and called back (and one that
// would re-route the message, refused), OpenIM's deniedTypes / attentionIds filters, and the read
// callbacks of mark_conversation_as_read.

import { CALLBACKS, MESSAGE_HOOK_KEYS, type CallbackKey } from '@huddle/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, startServer, type TestServer } from './harness.js';
import { DEFAULT_ANSWER, startReceiver, type Receiver, type ReceivedRequest } from './receiver.js';
import { expectShape, loadResponse } from './shape.js';

const im = (key: CallbackKey) => CALLBACKS[key].openim.command;
const tc = (key: CallbackKey) => CALLBACKS[key].tencent!.command;
const SDK_APP_ID = '1400000001';

let s: TestServer;
let rx: Receiver;
let rxTC: Receiver;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

/** OpenIM's endpoint at the top-level url with `hooks`; a Tencent endpoint with `tencent` when given. */
async function configure(hooks: Record<string, unknown>, tencent?: Record<string, unknown>) {
  await s.client.ok(
    '/callback/set_config',
    {
      config: {
        url: rx.url,
        retrySchedule: Array(10).fill(0.1),
        ...hooks,
        ...(tencent
          ? { endpoints: [{ name: 'tim', url: rxTC.url, dialect: 'tencent', sdkAppId: SDK_APP_ID, hooks: tencent }] }
          : {}),
      },
    },
    s.adminToken,
  );
}
const on = (keys: readonly CallbackKey[], extra: Record<string, unknown> = {}) =>
  Object.fromEntries(keys.map((k) => [k, { enable: true, timeout: 5, ...extra }]));

beforeAll(async () => {
  rx = await startReceiver();
  rxTC = await startReceiver();
  s = await startServer();
});
afterAll(async () => {
  await s.close();
  await rx.close();
  await rxTC.close();
});
beforeEach(() => {
  rx.reset();
  rxTC.reset();
});

const text = (t: string) => ({ content: t });

function send(body: Record<string, unknown>) {
  return s.client.post('/msg/send_msg', { contentType: 101, senderPlatformID: 5, ...body }, s.adminToken);
}
const toGroup = (sendID: string, groupID: string, t: string, extra: Record<string, unknown> = {}) =>
  send({ sendID, groupID, sessionType: 3, content: text(t), ...extra });
const toUser = (sendID: string, recvID: string, t: string, extra: Record<string, unknown> = {}) =>
  send({ sendID, recvID, sessionType: 1, content: text(t), ...extra });

const decode = (m: { content: string }) => JSON.parse(Buffer.from(m.content, 'base64').toString('utf8'));

async function pull(userID: string, conversationID: string) {
  const data = await s.client.ok(
    '/msg/pull_msg_by_seq',
    { userID, seqRanges: [{ conversationID, begin: 0, end: 1_000, num: 100 }], order: 0 },
    s.adminToken,
  );
  // Users' messages only: a group's conversation also holds the notifications its changes copy there.
  return ((data.msgs[conversationID]?.Msgs ?? []) as any[]).filter((m) => m.contentType < 1000);
}

async function team() {
  const [owner, alice, bob] = [uid('owner'), uid('alice'), uid('bob')];
  await s.register(owner, alice, bob);
  const group = await createGroup(s, { owner, members: [alice, bob] });
  return { owner, alice, bob, groupID: group.groupID as string, conv: `sg_${group.groupID}` };
}

/**
 * Requests of `command` about these users or groups (a top-level body value names one): a test reads
 * only its own, whatever an earlier test's deliveries still bring.
 */
const about =
  (command: string, ...ids: string[]) =>
  (r: ReceivedRequest) =>
    r.command === command && Object.values(r.body ?? {}).some((v) => ids.includes(v as string));

const keyOf = (r: ReceivedRequest) => JSON.parse(Buffer.from(r.query.key!, 'base64').toString('utf8'));

describe("OpenIM's message callbacks", () => {
  it('send every message hook with its fixture shape; the afters carry the seq and `key`', async () => {
    await configure(on(MESSAGE_HOOK_KEYS));
    const { alice, bob, groupID, conv } = await team();
    const sent = await toGroup(alice, groupID, 'hello', { ex: 'e1', atUserIDList: [bob] });
    expect(sent.errCode, sent.errDlt).toBe(0);
    expect(sent.data.modify).toBeUndefined();
    const single = await toUser(alice, bob, 'hi bob');
    expect(single.errCode, single.errDlt).toBe(0);
    await s.client.ok(
      '/msg/mark_conversation_as_read',
      { userID: bob, conversationID: conv, hasReadSeq: sent.data.seq, seqs: [] },
      s.adminToken,
    );
    const si = [alice, bob].sort();
    await s.client.ok(
      '/msg/mark_conversation_as_read',
      { userID: bob, conversationID: `si_${si[0]}_${si[1]}`, hasReadSeq: 1, seqs: [1] },
      s.adminToken,
    );
    const afters = MESSAGE_HOOK_KEYS.filter((k) => CALLBACKS[k].phase === 'after');
    await rx.waitFor((rs) => afters.every((k) => rs.some(about(im(k), alice, bob))));
    for (const key of MESSAGE_HOOK_KEYS) {
      const got = rx.requests(about(im(key), alice, bob));
      expect(got.length, key).toBeGreaterThan(0);
      for (const r of got) expectShape(r.body, im(key));
    }

    // Before-callbacks: asked in order, beforeSendGroupMsg then beforeMsgModify, before any seq exists.
    const asked = rx.requests((r) => r.body?.clientMsgID === sent.data.clientMsgID).map((r) => r.command);
    expect(asked.slice(0, 2)).toEqual([im('beforeSendGroupMsg'), im('beforeMsgModify')]);
    const [before] = rx.requests(im('beforeSendGroupMsg'));
    expect(before!.body).toMatchObject({
      sendID: alice,
      groupID,
      seq: 0,
      content: '{"content":"hello"}',
      atUserList: [bob],
      ex: 'e1',
      serverMsgID: sent.data.serverMsgID,
      sessionType: 3,
      contentType: 101,
    });

    // After-callbacks: the stored message, its seq, and OpenIM's `key`.
    const [afterGroup] = rx.requests(about(im('afterSendGroupMsg'), alice));
    expect(afterGroup!.body).toMatchObject({
      sendID: alice,
      groupID,
      seq: sent.data.seq,
      clientMsgID: sent.data.clientMsgID,
    });
    expect(sent.data.seq).toBeGreaterThan(0);
    expect(keyOf(afterGroup!)).toEqual({ sendID: alice, recvID: '', groupID });
    expect(afterGroup!.rawQuery).toMatch(/^contenttype=json&key=/);
    const [afterSingle] = rx.requests(about(im('afterSendSingleMsg'), alice));
    expect(afterSingle!.body).toMatchObject({ sendID: alice, recvID: bob, seq: single.data.seq });
    expect(keyOf(afterSingle!)).toEqual({ sendID: alice, recvID: bob, groupID: '' });
    const saved = rx.requests(about(im('afterMsgSaveDB'), alice));
    expect(saved.map((r) => [r.body.seq, r.body.groupID, r.body.recvID])).toEqual(
      expect.arrayContaining([
        [sent.data.seq, groupID, ''],
        [single.data.seq, '', bob],
      ]),
    );
    expect(saved.map(keyOf)).toContainEqual({ sendID: alice, recvID: bob, groupID: '' });
    // The before-callbacks carry no key.
    expect(before!.query.key).toBeUndefined();

    // Read callbacks, as OpenIM fills them.
    const [groupRead] = rx.requests(about(im('afterGroupMsgRead'), bob));
    expect(groupRead!.body).toEqual({
      callbackCommand: im('afterGroupMsgRead'),
      sendID: bob,
      receiveID: bob,
      unreadMsgNum: sent.data.seq,
      contentType: 3,
    });
    const [singleRead] = rx.requests(about(im('afterSingleMsgRead'), bob));
    expect(singleRead!.body).toEqual({
      callbackCommand: im('afterSingleMsgRead'),
      conversationID: `si_${si[0]}_${si[1]}`,
      userID: bob,
      Seqs: [1],
      contentType: 1,
    });
  });

  it('arrive in commit order per conversation, queued under its ID', async () => {
    await configure(on(['afterSendGroupMsg']));
    const { alice, bob, groupID, conv } = await team();
    for (let i = 0; i < 5; i++) expect((await toGroup(i % 2 ? alice : bob, groupID, `m${i}`)).errCode).toBe(0);
    const got = await rx.waitForCount(5, about(im('afterSendGroupMsg'), groupID));
    const first = got[0]!.body.seq as number;
    expect(got.map((r) => r.body.seq)).toEqual([first, first + 1, first + 2, first + 3, first + 4]);
    const log = await s.client.ok(
      '/callback/list_events',
      { hook: 'afterSendGroupMsg', groupID: conv, pagination: { pageNumber: 1, showNumber: 10 } },
      s.adminToken,
    );
    expect(log.events.map((e: { groupID: string }) => e.groupID)).toEqual(Array(5).fill(conv));
  });

  it('a rejection reaches the sender with its code and stores nothing', async () => {
    await configure(on(['beforeSendGroupMsg', 'afterSendGroupMsg', 'afterMsgSaveDB']));
    rx.answer(im('beforeSendGroupMsg'), { body: loadResponse(im('beforeSendGroupMsg'), 'reject') });
    const { alice, groupID, conv } = await team();
    expect(await toGroup(alice, groupID, 'spam')).toEqual({
      errCode: 5001,
      errMsg: 'blocked by the business server',
      errDlt: 'this word is not allowed here',
    });
    expect(await pull(alice, conv)).toEqual([]);
    rx.answer(im('beforeSendGroupMsg'), { body: DEFAULT_ANSWER });
    const ok = await toGroup(alice, groupID, 'fine');
    expect(ok.data.seq).toBeGreaterThan(0);
    // Only the accepted message was called back after.
    const afters = await rx.waitForCount(1, about(im('afterSendGroupMsg'), groupID));
    await rx.waitForCount(1, about(im('afterMsgSaveDB'), groupID));
    expect(afters.map((r) => JSON.parse(r.body.content).content)).toEqual(['fine']);
    expect(rx.requests(about(im('afterMsgSaveDB'), groupID))).toHaveLength(1);
  });

  it('a modification is what is stored, pulled, answered and called back after', async () => {
    await configure(on(['beforeMsgModify', 'afterSendGroupMsg', 'afterMsgSaveDB']));
    const { alice, bob, owner, groupID, conv } = await team();
    rx.answer(im('beforeMsgModify'), {
      body: { ...DEFAULT_ANSWER, content: '{"content":"hello (reviewed)"}', ex: 'reviewed', atUserIDList: [owner] },
    });
    const res = await toGroup(alice, groupID, 'hello', { ex: 'mine', atUserIDList: [bob] });
    expect(res.errCode, res.errDlt).toBe(0);
    expect(decode(res.data.modify)).toEqual({ content: 'hello (reviewed)' });
    expect(res.data.modify).toMatchObject({ ex: 'reviewed', atUserIDList: [owner], seq: res.data.seq, groupID });
    const [stored] = await pull(bob, conv);
    expect(decode(stored)).toEqual({ content: 'hello (reviewed)' });
    expect(stored).toMatchObject({ ex: 'reviewed', atUserIDList: [owner] });
    const [after] = await rx.waitForCount(1, about(im('afterSendGroupMsg'), groupID));
    expect(after!.body).toMatchObject({
      content: '{"content":"hello (reviewed)"}',
      ex: 'reviewed',
      atUserList: [owner],
    });
    const [saved] = await rx.waitForCount(1, about(im('afterMsgSaveDB'), groupID));
    expect(saved!.body).toMatchObject({ content: '{"content":"hello (reviewed)"}', seq: res.data.seq });
  });

  it('the before-send hook may modify too, and beforeMsgModify sees its result', async () => {
    await configure(on(['beforeSendSingleMsg', 'beforeMsgModify']));
    const [a, b] = [uid('a'), uid('b')];
    await s.register(a, b);
    rx.answer(im('beforeSendSingleMsg'), {
      body: { ...DEFAULT_ANSWER, content: '{"content":"hello (reviewed)"}', ex: '{"reviewed":true}' },
    });
    const res = await toUser(a, b, 'hello');
    expect(res.errCode, res.errDlt).toBe(0);
    const [modify] = rx.requests(im('beforeMsgModify'));
    expect(modify!.body).toMatchObject({ content: '{"content":"hello (reviewed)"}', ex: '{"reviewed":true}' });
    expect(decode(res.data.modify)).toEqual({ content: 'hello (reviewed)' });
  });

  it.each([
    ['re-routes to another group', { groupID: 'elsewhere' }],
    ['changes the session type', { sessionType: 1, recvID: 'someone' }],
    ['changes the content type', { contentType: 102 }],
    ['sets content that is not a text', { content: '{"text":"no content key"}' }],
    ['sets content that is not JSON', { content: 'plain' }],
  ])('an answer that %s is refused: DataError without failedContinue, unmodified with it', async (_what, change) => {
    const { alice, groupID, conv } = await team();
    const answer = { body: { ...DEFAULT_ANSWER, ...change } };
    await configure(on(['beforeMsgModify'], { failedContinue: false }));
    rx.answer(im('beforeMsgModify'), answer);
    const refused = await toGroup(alice, groupID, 'hello');
    expect(refused.errCode).toBe(90007);
    expect(await pull(alice, conv)).toEqual([]);

    await configure(on(['beforeMsgModify'], { failedContinue: true }));
    rx.answer(im('beforeMsgModify'), answer);
    const sent = await toGroup(alice, groupID, 'hello');
    expect(sent.errCode, sent.errDlt).toBe(0);
    expect(sent.data.modify).toBeUndefined();
    const [stored] = await pull(alice, conv);
    expect(decode(stored)).toEqual({ content: 'hello' });
    expect(stored.groupID).toBe(groupID);
  });

  it('an answer that repeats the message routing fields is no re-route', async () => {
    await configure(on(['beforeMsgModify'], { failedContinue: false }));
    const { alice, groupID } = await team();
    rx.answer(im('beforeMsgModify'), {
      body: { ...DEFAULT_ANSWER, groupID, sessionType: 3, contentType: 101, ex: 'x' },
    });
    const res = await toGroup(alice, groupID, 'hello');
    expect(res.errCode, res.errDlt).toBe(0);
    expect(res.data.modify).toMatchObject({ ex: 'x' });
  });

  it('deniedTypes keeps those contentTypes from a hook; typing (113) is never called back', async () => {
    await configure({
      ...on(['beforeSendGroupMsg'], { deniedTypes: [101] }),
      ...on(['afterSendGroupMsg', 'afterMsgSaveDB']),
    });
    const { alice, groupID } = await team();
    expect((await toGroup(alice, groupID, 'plain')).errCode).toBe(0);
    const custom = await toGroup(alice, groupID, '', { contentType: 110, content: { data: '{}' } });
    expect(custom.errCode, custom.errDlt).toBe(0);
    const typing = await toGroup(alice, groupID, '', { contentType: 113, content: { msgTips: 'typing' } });
    expect(typing.errCode, typing.errDlt).toBe(0);
    expect(typing.data.seq).toBe(0);
    const ours = (key: CallbackKey) => (r: ReceivedRequest) => r.command === im(key) && r.body.groupID === groupID;
    await rx.waitForCount(2, ours('afterSendGroupMsg'));
    await rx.waitForCount(2, ours('afterMsgSaveDB'));
    expect(rx.requests(ours('beforeSendGroupMsg')).map((r) => r.body.contentType)).toEqual([110]);
    // The deniedTypes of one hook leave the others alone; typing is in none.
    expect(rx.requests(ours('afterSendGroupMsg')).map((r) => r.body.contentType)).toEqual([101, 110]);
    expect(rx.requests(ours('afterMsgSaveDB')).map((r) => r.body.contentType)).toEqual([101, 110]);
  });

  it('attentionIds limits the after-send hooks to those groups and receivers', async () => {
    const t1 = await team();
    const t2 = await team();
    await configure({
      ...on(['afterSendGroupMsg'], { attentionIds: [t2.groupID] }),
      ...on(['afterSendSingleMsg'], { attentionIds: [t1.bob] }),
      ...on(['afterMsgSaveDB'], { attentionIds: [t1.groupID] }),
    });
    // Requests about these two teams only (an earlier test's deliveries may still arrive).
    const ids = new Set([t1.groupID, t2.groupID, t1.bob, t1.owner]);
    const ours = (key: CallbackKey) => (r: ReceivedRequest) =>
      r.command === im(key) && (ids.has(r.body.groupID) || ids.has(r.body.recvID));
    await toGroup(t1.alice, t1.groupID, 'one');
    await toGroup(t2.alice, t2.groupID, 'two');
    await toUser(t1.alice, t1.bob, 'to bob');
    await toUser(t1.alice, t1.owner, 'to owner');
    await toGroup(t2.alice, t2.groupID, 'two again');
    await toUser(t1.owner, t1.bob, 'to bob again');
    await toGroup(t1.alice, t1.groupID, 'one again');
    await rx.waitForCount(2, ours('afterSendGroupMsg'));
    await rx.waitForCount(2, ours('afterSendSingleMsg'));
    await rx.waitForCount(2, ours('afterMsgSaveDB'));
    expect(rx.requests(ours('afterSendGroupMsg')).map((r) => r.body.groupID)).toEqual([t2.groupID, t2.groupID]);
    expect(rx.requests(ours('afterSendSingleMsg')).map((r) => r.body.recvID)).toEqual([t1.bob, t1.bob]);
    expect(rx.requests(ours('afterMsgSaveDB')).map((r) => r.body.groupID)).toEqual([t1.groupID, t1.groupID]);
    // A filtered message has no event at all: the filters apply when the outbox rows are written.
    const events = async (hook: string, groupID: string) =>
      (
        await s.client.ok(
          '/callback/list_events',
          { hook, groupID, pagination: { pageNumber: 1, showNumber: 10 } },
          s.adminToken,
        )
      ).events;
    expect(await events('afterSendGroupMsg', `sg_${t1.groupID}`)).toEqual([]);
    expect(await events('afterMsgSaveDB', `sg_${t2.groupID}`)).toEqual([]);
  });

  it('reads the filters from webhooks.yml and writes them back in the configuration document', async () => {
    await configure({
      ...on(['beforeSendSingleMsg'], { deniedTypes: [102, 103] }),
      ...on(['afterSendGroupMsg'], { attentionIds: ['g1'], deniedTypes: [] }),
    });
    const doc = (await s.client.ok('/callback/get_config', {}, s.adminToken)).config;
    expect(doc.beforeSendSingleMsg).toEqual({
      enable: true,
      timeout: 5,
      failedContinue: true,
      deniedTypes: [102, 103],
    });
    expect(doc.afterSendGroupMsg).toEqual({ enable: true, timeout: 5, attentionIds: ['g1'], deniedTypes: [] });
    expect(doc.afterQuitGroup).toEqual({ enable: false, timeout: 5 });
    const bad = await s.client.post(
      '/callback/set_config',
      { config: { url: rx.url, afterSendGroupMsg: { enable: true, deniedTypes: ['text'] } } },
      s.adminToken,
    );
    expect(bad.errCode).not.toBe(0);
    expect(bad.errDlt).toContain('afterSendGroupMsg.deniedTypes');
  });
});

describe("Tencent's message callbacks", () => {
  const TENCENT_KEYS = MESSAGE_HOOK_KEYS.filter((k) => CALLBACKS[k].tencent);

  it('send Group and C2C bodies with their fixture shapes; the afters carry the seq', async () => {
    await configure({}, on(TENCENT_KEYS));
    const { alice, bob, groupID } = await team();
    const g = await toGroup(alice, groupID, 'hello', { ex: 'e1' });
    const c = await toUser(alice, bob, 'hi', { ex: 'e2' });
    const custom = await toUser(alice, bob, '', { contentType: 110, content: { data: 'x' } });
    for (const r of [g, c, custom]) expect(r.errCode, r.errDlt).toBe(0);
    await rxTC.waitForCount(1, about(tc('afterSendGroupMsg'), alice));
    await rxTC.waitForCount(2, about(tc('afterSendSingleMsg'), alice));
    // The fixtures show a text; a custom element's MsgContent is checked below.
    const text = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 't' } }];
    for (const key of TENCENT_KEYS)
      for (const r of rxTC.requests(about(tc(key), alice))) {
        expectShape({ ...r.body, MsgBody: text }, tc(key));
        if (r.body.MsgBody[0].MsgType === 'TIMTextElem') expectShape(r.body, tc(key));
      }

    const [before] = rxTC.requests(tc('beforeSendGroupMsg'));
    expect(before!.query).toMatchObject({ SdkAppid: SDK_APP_ID, CallbackCommand: 'Group.CallbackBeforeSendMsg' });
    expect(before!.body).toMatchObject({
      GroupId: groupID,
      Type: 'Public',
      From_Account: alice,
      Operator_Account: 'imAdmin',
      MsgId: g.data.clientMsgID,
      OnlineOnlyFlag: 0,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }],
      CloudCustomData: 'e1',
    });
    const [afterGroup] = rxTC.requests(about(tc('afterSendGroupMsg'), alice));
    expect(afterGroup!.body).toMatchObject({
      GroupId: groupID,
      MsgSeq: g.data.seq,
      MsgTime: Math.floor(g.data.sendTime / 1000),
      Random: before!.body.Random,
    });
    const [c2cBefore] = rxTC.requests(tc('beforeSendSingleMsg'));
    expect(c2cBefore!.body).toMatchObject({ From_Account: alice, To_Account: bob, MsgSeq: 0 });
    const afterC2C = rxTC.requests(about(tc('afterSendSingleMsg'), alice));
    expect(afterC2C[0]!.body).toMatchObject({
      From_Account: alice,
      To_Account: bob,
      MsgSeq: c.data.seq,
      MsgKey: `${c.data.seq}_${afterC2C[0]!.body.MsgRandom}_${Math.floor(c.data.sendTime / 1000)}`,
      SendMsgResult: 0,
      ErrorInfo: 'send msg succeed',
      UnreadMsgNum: 1,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }],
      CloudCustomData: 'e2',
    });
    expect(afterC2C[1]!.body).toMatchObject({
      MsgSeq: custom.data.seq,
      UnreadMsgNum: 2,
      MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: '{"data":"x"}', Desc: '', Ext: '110', Sound: '' } }],
    });
  });

  it('ErrorCode 1 denies with 10016, a custom code passes through; nothing is stored', async () => {
    await configure({}, on(['beforeSendSingleMsg', 'afterSendSingleMsg']));
    const [a, b] = [uid('a'), uid('b')];
    await s.register(a, b);
    const conv = `si_${[a, b].sort().join('_')}`;
    rxTC.answer(tc('beforeSendSingleMsg'), { body: loadResponse(tc('beforeSendSingleMsg'), 'reject') });
    expect(await toUser(a, b, 'x')).toMatchObject({ errCode: 10016, errDlt: 'not allowed' });
    rxTC.answer(tc('beforeSendSingleMsg'), { body: loadResponse(tc('beforeSendSingleMsg'), 'deny-custom') });
    expect(await toUser(a, b, 'x')).toMatchObject({ errCode: 10150, errMsg: 'this word is not allowed here' });
    expect(await pull(a, conv)).toEqual([]);
    rxTC.answer(tc('beforeSendSingleMsg'), { body: loadResponse(tc('beforeSendSingleMsg'), 'allow') });
    expect((await toUser(a, b, 'ok')).data.seq).toBe(1);
    const [after] = await rxTC.waitForCount(1, about(tc('afterSendSingleMsg'), a));
    expect(after!.body.MsgBody).toEqual([{ MsgType: 'TIMTextElem', MsgContent: { Text: 'ok' } }]);
  });

  it('MsgBody and CloudCustomData in the answer replace the message for both dialects after', async () => {
    await configure(on(['afterSendGroupMsg']), on(['beforeSendGroupMsg', 'afterSendGroupMsg']));
    const { alice, bob, groupID, conv } = await team();
    rxTC.answer(tc('beforeSendGroupMsg'), { body: loadResponse(tc('beforeSendGroupMsg'), 'modify') });
    const res = await toGroup(alice, groupID, 'hello', { ex: 'mine' });
    expect(res.errCode, res.errDlt).toBe(0);
    expect(decode(res.data.modify)).toEqual({ content: 'hello (reviewed)' });
    const [stored] = await pull(bob, conv);
    expect(decode(stored)).toEqual({ content: 'hello (reviewed)' });
    expect(stored.ex).toBe('{"reviewed":true}');
    const [tencentAfter] = await rxTC.waitForCount(1, about(tc('afterSendGroupMsg'), groupID));
    expect(tencentAfter!.body).toMatchObject({
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello (reviewed)' } }],
      CloudCustomData: '{"reviewed":true}',
    });
    const [openimAfter] = await rx.waitForCount(1, about(im('afterSendGroupMsg'), groupID));
    expect(openimAfter!.body).toMatchObject({ content: '{"content":"hello (reviewed)"}', ex: '{"reviewed":true}' });
  });

  it('a MsgBody of two elements is an invalid modification', async () => {
    await configure({}, on(['beforeSendGroupMsg'], { failedContinue: false }));
    const { alice, groupID, conv } = await team();
    const element = { MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } };
    rxTC.answer(tc('beforeSendGroupMsg'), { body: { ErrorCode: 0, MsgBody: [element, element] } });
    expect((await toGroup(alice, groupID, 'hello')).errCode).toBe(90007);
    expect(await pull(alice, conv)).toEqual([]);
  });
});
