// The gateway's request handlers (1001–1007) against a real server's services: each request's
// protobuf in, its answer's protobuf out, as a logged-in connection of a registered user calls them.

import { CALLBACKS } from '@huddle/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReqIdentifier } from '../src/gateway/frames.js';
import { type GatewaySession, requestHandlers } from '../src/gateway/requests.js';
import { decode, encode, type OpenIMMessage, type OpenIMMessageName } from '../src/wire/openim-proto.js';
import { createGroup, startServer, type TestServer } from './harness.js';
import { DEFAULT_ANSWER, type Receiver, startReceiver } from './receiver.js';

let server: TestServer;
let handlers: ReturnType<typeof requestHandlers>;
let groupID: string;
let sg: string;
let ng: string;
/** sg_'s newest seq before the test's own messages (the copied GroupCreated notification). */
let before: number;
const [alice, bob, carol] = ['gra', 'grb', 'grc'];

const session = (userID: string): GatewaySession => ({
  userID,
  platformID: 5,
  context: (operationID) => ({
    operationID,
    caller: { userID, platformID: 5, isAppAdmin: false },
    clientIP: '127.0.0.1',
  }),
});

/** One request through its handler, as the connection would make it. */
function call(userID: string, reqIdentifier: number, data: Uint8Array) {
  const handler = handlers.get(reqIdentifier);
  if (!handler) throw new Error(`no handler for ${reqIdentifier}`);
  return handler(session(userID), {
    reqIdentifier,
    token: '',
    sendID: userID,
    operationID: `op${reqIdentifier}`,
    msgIncr: '1',
    data,
  });
}

/** The errCode a refused request carries. */
async function refusal(answer: Promise<unknown>): Promise<number> {
  const err = await answer.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!err) throw new Error('the request was answered, not refused');
  return (err as { code: number }).code;
}

const text = (t: string) => new TextEncoder().encode(JSON.stringify({ content: t }));

/** A group text message as the JS SDK sends it with 1003 (§9). */
const groupText = (
  sendID: string,
  clientMsgID: string,
  t: string,
  extra: Partial<OpenIMMessage<'openim.sdkws.MsgData'>> = {},
) =>
  encode('openim.sdkws.MsgData', {
    sendID,
    groupID,
    clientMsgID,
    senderPlatformID: 5,
    senderNickname: sendID,
    sessionType: 3,
    msgFrom: 100,
    contentType: 101,
    content: text(t),
    createTime: 1_700_000_000_000,
    status: 1,
    ...extra,
  });

/** A request encoded as `req`, its answer decoded as `resp`. */
async function ask<Q extends OpenIMMessageName, A extends OpenIMMessageName>(
  userID: string,
  reqIdentifier: number,
  [req, value]: [Q, Partial<OpenIMMessage<Q>>],
  resp: A,
): Promise<OpenIMMessage<A>> {
  return decode(resp, await call(userID, reqIdentifier, encode(req, value)));
}

const send = async (userID: string, data: Uint8Array) =>
  decode('openim.msg.SendMsgResp', await call(userID, ReqIdentifier.SendMsg, data));

const maxSeqs = (userID: string) =>
  ask(userID, ReqIdentifier.GetNewestSeq, ['openim.sdkws.GetMaxSeqReq', { userID }], 'openim.sdkws.GetMaxSeqResp');

const pull = (userID: string, req: Partial<OpenIMMessage<'openim.sdkws.PullMessageBySeqsReq'>>) =>
  ask(
    userID,
    ReqIdentifier.PullMsgByRange,
    ['openim.sdkws.PullMessageBySeqsReq', { userID, ...req }],
    'openim.sdkws.PullMessageBySeqsResp',
  );

const bySeqs = (userID: string, conversations: { conversationID: string; seqs: number[] }[], order = 0) =>
  ask(
    userID,
    ReqIdentifier.PullMsgBySeqList,
    ['openim.msg.GetSeqMessageReq', { userID, conversations, order }],
    'openim.msg.GetSeqMessageResp',
  );

const seqsOf = (pulled: { Msgs: { seq: number }[] } | undefined) => pulled?.Msgs.map((m) => m.seq);

beforeAll(async () => {
  server = await startServer();
  handlers = requestHandlers(server.app.services);
  await server.register(alice, bob, carol);
  groupID = (await createGroup(server, { owner: alice, members: [bob] })).groupID;
  sg = `sg_${groupID}`;
  ng = `n_${groupID}`;
  before = (await maxSeqs(alice)).maxSeqs[sg] ?? 0;
});
afterAll(() => server?.close());

describe('1003 SendMsg', () => {
  it('stores the message and answers its serverMsgID, clientMsgID and sendTime', async () => {
    for (let i = 1; i <= 5; i++) {
      const sent = await send(alice, groupText(alice, `gr-c${i}`, `hello ${i}`));
      expect(sent.clientMsgID).toBe(`gr-c${i}`);
      expect(sent.serverMsgID).toMatch(/^[0-9a-f]{32}$/);
      expect(sent.sendTime).toBeGreaterThan(0);
      expect(sent.modify).toBeUndefined();
    }
    expect((await maxSeqs(alice)).maxSeqs[sg]).toBe(before + 5);
    const stored = await bySeqs(bob, [{ conversationID: sg, seqs: [before + 1] }]);
    const [first] = stored.msgs[sg]!.Msgs;
    expect(first).toMatchObject({ clientMsgID: 'gr-c1', sendID: alice, groupID, seq: before + 1, status: 2 });
    expect(JSON.parse(new TextDecoder().decode(first!.content))).toEqual({ content: 'hello 1' });
  });

  it('answers a second send of the same clientMsgID with the stored message, storing nothing', async () => {
    const first = await send(alice, groupText(alice, 'gr-again', 'once'));
    const again = await send(alice, groupText(alice, 'gr-again', 'once'));
    expect(again).toEqual(first);
    const { maxSeqs: after } = await maxSeqs(alice);
    const last = await bySeqs(alice, [{ conversationID: sg, seqs: [after[sg]!] }]);
    expect(last.msgs[sg]!.Msgs[0]!.clientMsgID).toBe('gr-again');
    const previous = await bySeqs(alice, [{ conversationID: sg, seqs: [after[sg]! - 1] }]);
    expect(previous.msgs[sg]!.Msgs[0]!.clientMsgID).not.toBe('gr-again');
  });

  it('refuses a sender outside the group (1203), sending as someone else (1002), and bad messages (1001)', async () => {
    expect(await refusal(call(carol, ReqIdentifier.SendMsg, groupText(carol, 'gr-out', 'hi')))).toBe(1203);
    expect(await refusal(call(alice, ReqIdentifier.SendMsg, groupText(bob, 'gr-as-bob', 'hi')))).toBe(1002);
    const notJson = groupText(alice, 'gr-bad', 'x', { content: new TextEncoder().encode('not json') });
    expect(await refusal(call(alice, ReqIdentifier.SendMsg, notJson))).toBe(1001);
    const noID = groupText(alice, '', 'x');
    expect(await refusal(call(alice, ReqIdentifier.SendMsg, noID))).toBe(1001);
  });
});

describe('1001 GetMaxSeq', () => {
  it("lists the user's conversations and their n_ twins that have messages", async () => {
    const { maxSeqs: max, minSeqs: min } = await maxSeqs(bob);
    expect(max[sg]).toBeGreaterThan(before);
    expect(max[ng]).toBeGreaterThan(0);
    expect(min[sg]).toBe(1);
    expect(Object.values(max).every((s) => s > 0)).toBe(true);
    expect((await maxSeqs(carol)).maxSeqs[sg]).toBeUndefined();
  });
});

describe('1002 PullMessageBySeqs', () => {
  it('answers the newest num of a clamped range, ascending, isEnd at the newest', async () => {
    const max = (await maxSeqs(bob)).maxSeqs[sg]!;
    const r = await pull(bob, { seqRanges: [{ conversationID: sg, begin: 0, end: max + 50, num: 2 }] });
    expect(seqsOf(r.msgs[sg])).toEqual([max - 1, max]);
    expect(r.msgs[sg]).toMatchObject({ isEnd: true, endSeq: max });
    const older = await pull(bob, { seqRanges: [{ conversationID: sg, begin: 1, end: 2, num: 10 }] });
    expect(seqsOf(older.msgs[sg])).toEqual([1, 2]);
    expect(older.msgs[sg]!.isEnd).toBe(false);
  });

  it('orders descending with order 1, isEnd once the range reaches the oldest', async () => {
    const max = (await maxSeqs(bob)).maxSeqs[sg]!;
    const newest = await pull(bob, { seqRanges: [{ conversationID: sg, begin: 1, end: max, num: 3 }], order: 1 });
    expect(seqsOf(newest.msgs[sg])).toEqual([max, max - 1, max - 2]);
    expect(newest.msgs[sg]!.isEnd).toBe(false);
    const all = await pull(bob, { seqRanges: [{ conversationID: sg, begin: 1, end: max, num: max }], order: 1 });
    expect(seqsOf(all.msgs[sg])).toHaveLength(max);
    expect(all.msgs[sg]!.isEnd).toBe(true);
  });

  it('puts n_ conversations under notificationMsgs and skips unknown ones and backward ranges', async () => {
    const r = await pull(bob, {
      seqRanges: [
        { conversationID: sg, begin: 1, end: 1, num: 1 },
        { conversationID: ng, begin: 1, end: 10, num: 10 },
        { conversationID: 'sg_nowhere', begin: 1, end: 10, num: 10 },
        { conversationID: `si_${bob}_${carol}`, begin: 5, end: 1, num: 10 },
      ],
    });
    expect(Object.keys(r.msgs)).toEqual([sg]);
    expect(Object.keys(r.notificationMsgs)).toEqual([ng]);
    expect(r.notificationMsgs[ng]!.Msgs[0]).toMatchObject({ seq: 1, contentType: 1501, msgFrom: 200 });
    // Carol is not in the group: its conversation is not hers.
    const outsider = await pull(carol, { seqRanges: [{ conversationID: sg, begin: 1, end: 10, num: 10 }] });
    expect(outsider).toEqual({ msgs: {}, notificationMsgs: {} });
  });
});

describe('1005 GetSeqMessage', () => {
  it('answers exactly the asked seqs, tolerating seq 0, a gone seq as a deleted placeholder', async () => {
    const max = (await maxSeqs(bob)).maxSeqs[sg]!;
    const r = await bySeqs(bob, [
      { conversationID: sg, seqs: [0, 1, max] },
      { conversationID: ng, seqs: [1] },
      { conversationID: 'sg_nowhere', seqs: [1] },
    ]);
    expect(seqsOf(r.msgs[sg])).toEqual([1, max]);
    expect(r.msgs[sg]!.Msgs[1]).toMatchObject({ seq: max, status: 2 });
    expect(Object.keys(r.msgs)).toEqual([sg]);
    expect(seqsOf(r.notificationMsgs[ng])).toEqual([1]);
    const past = await bySeqs(bob, [{ conversationID: sg, seqs: [max + 1] }]);
    expect(past.msgs[sg]!.Msgs).toMatchObject([{ seq: max + 1, status: 4 }]);
    expect(past.msgs[sg]).toMatchObject({ isEnd: true, endSeq: max });
    const only0 = await bySeqs(bob, [{ conversationID: sg, seqs: [0] }]);
    expect(only0.msgs[sg]!.Msgs).toEqual([]);
  });
});

describe('1006 GetConversationsHasReadAndMaxSeq', () => {
  const readSeqs = (userID: string, conversationIDs: string[], returnPinned: boolean) =>
    ask(
      userID,
      ReqIdentifier.GetConvMaxReadSeq,
      ['openim.msg.GetConversationsHasReadAndMaxSeqReq', { userID, conversationIDs, returnPinned }],
      'openim.msg.GetConversationsHasReadAndMaxSeqResp',
    );

  it('answers maxSeq, hasReadSeq and maxSeqTime of every conversation, and the pinned ones when asked', async () => {
    const max = (await maxSeqs(bob)).maxSeqs[sg]!;
    const newest = (await bySeqs(bob, [{ conversationID: sg, seqs: [max] }])).msgs[sg]!.Msgs[0]!;
    const all = await readSeqs(bob, [], false);
    expect(all.seqs[sg]).toEqual({ maxSeq: max, hasReadSeq: 0, maxSeqTime: newest.sendTime });
    expect(all.pinnedConversationIDs).toEqual([]);
    // The sender's own messages are read.
    expect((await readSeqs(alice, [sg], false)).seqs[sg]!.hasReadSeq).toBe(max);
    await server.client.ok(
      '/conversation/set_conversations',
      { userIDs: [bob], conversation: { conversationID: sg, conversationType: 3, groupID, isPinned: true } },
      server.adminToken,
    );
    const pinned = await readSeqs(bob, [sg, 'sg_nowhere'], true);
    expect(Object.keys(pinned.seqs)).toEqual([sg]);
    expect(pinned.pinnedConversationIDs).toEqual([sg]);
  });
});

describe('1007 GetLastMessage', () => {
  it('answers the newest readable message of each listed conversation, unknown ones left out', async () => {
    const { maxSeqs: max } = await maxSeqs(bob);
    const last = (userID: string, conversationIDs: string[]) =>
      ask(
        userID,
        ReqIdentifier.PullConvLastMessage,
        ['openim.msg.GetLastMessageReq', { userID, conversationIDs }],
        'openim.msg.GetLastMessageResp',
      );
    const r = await last(bob, [sg, ng, 'sg_nowhere']);
    expect(Object.keys(r.msgs).sort()).toEqual([ng, sg].sort());
    expect(r.msgs[sg]).toMatchObject({ seq: max[sg], clientMsgID: 'gr-again', sendID: alice });
    expect(r.msgs[ng]!.seq).toBe(max[ng]);
    const none = await last(carol, [sg]);
    expect(none.msgs).toEqual({});
  });
});

describe("requests naming another user's data", () => {
  it('are NoPermissionError (1002), whatever the identifier', async () => {
    const asBob = {
      [ReqIdentifier.GetNewestSeq]: encode('openim.sdkws.GetMaxSeqReq', { userID: bob }),
      [ReqIdentifier.PullMsgByRange]: encode('openim.sdkws.PullMessageBySeqsReq', {
        userID: bob,
        seqRanges: [{ conversationID: sg, begin: 1, end: 1, num: 1 }],
      }),
      [ReqIdentifier.PullMsgBySeqList]: encode('openim.msg.GetSeqMessageReq', {
        userID: bob,
        conversations: [{ conversationID: sg, seqs: [1] }],
      }),
      [ReqIdentifier.GetConvMaxReadSeq]: encode('openim.msg.GetConversationsHasReadAndMaxSeqReq', { userID: bob }),
      [ReqIdentifier.PullConvLastMessage]: encode('openim.msg.GetLastMessageReq', {
        userID: bob,
        conversationIDs: [sg],
      }),
    };
    for (const [id, data] of Object.entries(asBob)) expect(await refusal(call(alice, Number(id), data)), id).toBe(1002);
  });
});

describe('requests over the limits', () => {
  it('are ArgsError (1001): more than 1000 conversations, more than 1000 seqs of one', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `sg_${i}`);
    const tooMany = encode('openim.msg.GetLastMessageReq', { userID: bob, conversationIDs: ids });
    expect(await refusal(call(bob, ReqIdentifier.PullConvLastMessage, tooMany))).toBe(1001);
    const seqs = Array.from({ length: 1001 }, (_, i) => i + 1);
    const tooLong = encode('openim.msg.GetSeqMessageReq', {
      userID: bob,
      conversations: [{ conversationID: sg, seqs }],
    });
    expect(await refusal(call(bob, ReqIdentifier.PullMsgBySeqList, tooLong))).toBe(1001);
  });
});

describe('requests that do not decode', () => {
  it('are ArgsError (1001) for every identifier', async () => {
    // Field 1 claims 5 bytes and 1 follows.
    const broken = new Uint8Array([0x0a, 0x05, 0x75]);
    for (const id of handlers.keys()) expect(await refusal(call(alice, id, broken)), `${id}`).toBe(1001);
    expect([...handlers.keys()].sort()).toEqual([1001, 1002, 1003, 1005, 1006, 1007]);
  });
});

// Last: it turns a before-callback on for the rest of the file.
describe('1003 after a before-callback rewrote the message', () => {
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(() => rx?.close());

  it('answers the stored message as modify', async () => {
    await server.client.ok(
      '/callback/set_config',
      { config: { url: rx.url, beforeMsgModify: { enable: true, timeout: 5 } } },
      server.adminToken,
    );
    rx.answer(CALLBACKS.beforeMsgModify.openim.command, {
      body: { ...DEFAULT_ANSWER, content: '{"content":"hi (reviewed)"}', ex: 'reviewed' },
    });
    const sent = await send(alice, groupText(alice, 'gr-modified', 'hi'));
    const { maxSeqs: max } = await maxSeqs(alice);
    expect(sent.modify).toMatchObject({
      clientMsgID: 'gr-modified',
      ex: 'reviewed',
      seq: max[sg],
      sendTime: sent.sendTime,
    });
    expect(JSON.parse(new TextDecoder().decode(sent.modify!.content))).toEqual({ content: 'hi (reviewed)' });
    const [stored] = (await bySeqs(bob, [{ conversationID: sg, seqs: [max[sg]!] }])).msgs[sg]!.Msgs;
    expect(JSON.parse(new TextDecoder().decode(stored!.content))).toEqual({ content: 'hi (reviewed)' });
  });
});
