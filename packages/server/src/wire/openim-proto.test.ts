// The descriptors against bytes worked out by hand from the protobuf encoding rules: a tag is
// (field number << 3 | wire type) as a varint; wire type 0 varint, 2 length-delimited.

import { describe, expect, expectTypeOf, it } from 'vitest';
import { decode, encode, type OpenIMMessage, type OpenIMMessageName } from './openim-proto.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));

describe('OpenIM protobuf messages', () => {
  it('encodes and decodes GetActiveConversationsReq', () => {
    // 0a = field 1 (ownerUserID) length-delimited, 02 "u1"; 10 = field 2 (count) varint, 14 = 20.
    expect(hex(encode('openim.jssdk.GetActiveConversationsReq', { ownerUserID: 'u1', count: 20 }))).toBe(
      '0a0275311014',
    );
    expect(decode('openim.jssdk.GetActiveConversationsReq', bytes('0a0275311014'))).toEqual({
      ownerUserID: 'u1',
      count: 20,
    });
  });

  it('leaves zero values out and numbers int64 fields as varints', () => {
    // 12 = field 2 (conversationID); 38 01 = field 7 (isPinned) true; 70 ac02 = field 14 (maxSeq) 300.
    const wire = encode('openim.conversation.Conversation', {
      conversationID: 'sg_g',
      isPinned: true,
      maxSeq: 300,
      recvMsgOpt: 0,
      ex: '',
    });
    expect(hex(wire)).toBe('120473675f67' + '3801' + '70ac02');
    expect(hex(encode('openim.conversation.Conversation', {}))).toBe('');
    const back = decode('openim.conversation.Conversation', wire);
    expect(back).toMatchObject({ conversationID: 'sg_g', isPinned: true, maxSeq: 300, recvMsgOpt: 0, ex: '' });
    expect(Object.keys(back)).toHaveLength(17);
  });

  it("encodes MsgData's bytes, its options map and its repeated strings", () => {
    const wire = encode('openim.sdkws.MsgData', {
      content: new TextEncoder().encode('{}'),
      seq: 1,
      options: { a: true },
      atUserIDList: ['x', 'y'],
    });
    // 62 = field 12 bytes; 70 01 = field 14 (seq) 1; 9a01 = field 19 (options) as a two-byte tag,
    // its entry 0a 01 "a" 10 01; aa01 = field 21 (atUserIDList), once per element.
    expect(hex(wire)).toBe('62027b7d' + '7001' + '9a0105' + '0a0161' + '1001' + 'aa010178' + 'aa010179');
    const back = decode('openim.sdkws.MsgData', wire);
    expect(Buffer.from(back.content).toString()).toBe('{}');
    expect(back).toMatchObject({ seq: 1, options: { a: true }, atUserIDList: ['x', 'y'] });
    expect(back.offlinePushInfo).toBeUndefined();
  });

  it('nests ConversationMsg in the jssdk answers and skips the friend field it does not declare', () => {
    const wire = encode('openim.jssdk.GetActiveConversationsResp', {
      unreadCount: 3,
      conversations: [{ maxSeq: 2, readSeq: 1 }],
    });
    // 08 03 = field 1 (unreadCount) 3; 12 04 = field 2, 4 bytes: 30 02 (maxSeq 2) 38 01 (readSeq 1).
    expect(hex(wire)).toBe('0803' + '1204' + '3002' + '3801');
    // 22 00 = field 4 (friend), empty: not declared here, skipped.
    expect(decode('openim.jssdk.ConversationMsg', bytes('2200 3005'))).toEqual({ maxSeq: 5, readSeq: 0 });
    const resp = decode('openim.jssdk.GetConversationsResp', wire);
    expect(resp.unreadCount).toBe(3);
    expect(resp.conversations).toEqual([{ maxSeq: 2, readSeq: 1 }]);
  });

  it('throws on bytes that are not a message', () => {
    // Field 1 claims 5 bytes and 1 follows.
    expect(() => decode('openim.jssdk.GetConversationsReq', bytes('0a0575'))).toThrow();
  });

  it("writes PullMsgs' capitalised Msgs as field 1", () => {
    const wire = encode('openim.sdkws.PullMsgs', {
      Msgs: [{ ...decode('openim.sdkws.MsgData', bytes('7001')) }],
      isEnd: true,
    });
    // 0a 02 = field 1 (Msgs), 2 bytes: 70 01 (seq 1); 10 01 = field 2 (isEnd) true; endSeq 0 left out.
    expect(hex(wire)).toBe('0a027001' + '1001');
    const back = decode('openim.sdkws.PullMsgs', wire);
    expect(back.Msgs.map((m) => m.seq)).toEqual([1]);
    expect(back).toMatchObject({ isEnd: true, endSeq: 0 });
  });

  it('encodes a map whose values are messages, entry by entry', () => {
    const wire = encode('openim.msg.GetConversationsHasReadAndMaxSeqResp', {
      seqs: { a: { maxSeq: 2, hasReadSeq: 1, maxSeqTime: 0 } },
      pinnedConversationIDs: ['p'],
    });
    // 0a 09 = field 1 (seqs), one 9-byte entry: 0a 01 "a" (key), 12 04 (value, 4 bytes) 08 02 10 01;
    // 12 01 "p" = field 2 (pinnedConversationIDs).
    expect(hex(wire)).toBe('0a09' + '0a0161' + '1204' + '0802' + '1001' + '120170');
    expect(decode('openim.msg.GetConversationsHasReadAndMaxSeqResp', wire)).toEqual({
      seqs: { a: { maxSeq: 2, hasReadSeq: 1, maxSeqTime: 0 } },
      pinnedConversationIDs: ['p'],
    });
  });

  it('round-trips PushMessages with an empty PullMsgs value under notificationMsgs', () => {
    const wire = encode('openim.sdkws.PushMessages', {
      notificationMsgs: { n_g: { Msgs: [], isEnd: false, endSeq: 0 } },
    });
    // 12 07 = field 2, one entry: 0a 03 "n_g", 12 00 (the empty value, still written).
    expect(hex(wire)).toBe('1207' + '0a036e5f67' + '1200');
    expect(decode('openim.sdkws.PushMessages', wire)).toEqual({
      msgs: {},
      notificationMsgs: { n_g: { Msgs: [], isEnd: false, endSeq: 0 } },
    });
  });

  it('round-trips the gateway requests and answers', () => {
    const msg = decode('openim.sdkws.MsgData', encode('openim.sdkws.MsgData', { clientMsgID: 'c', seq: 4 }));
    const cases: { [N in OpenIMMessageName]?: Partial<OpenIMMessage<N>> } = {
      'openim.sdkws.PullMessageBySeqsReq': {
        userID: 'u',
        seqRanges: [{ conversationID: 'sg_g', begin: 1, end: 9, num: 3 }],
        order: 1,
      },
      'openim.sdkws.PullMessageBySeqsResp': {
        msgs: { sg_g: { Msgs: [msg], isEnd: true, endSeq: 9 } },
        notificationMsgs: { n_g: { Msgs: [], isEnd: false, endSeq: 2 } },
      },
      'openim.sdkws.GetMaxSeqReq': { userID: 'u' },
      'openim.sdkws.GetMaxSeqResp': { maxSeqs: { sg_g: 9 }, minSeqs: { sg_g: 1 } },
      'openim.sdkws.SetAppBackgroundStatusReq': { userID: 'u', isBackground: true },
      'openim.sdkws.SubUserOnlineStatus': { subscribeUserID: ['a'], unsubscribeUserID: ['b'] },
      'openim.sdkws.SubUserOnlineStatusTips': { subscribers: [{ userID: 'a', onlinePlatformIDs: [5, 2] }] },
      'openim.msg.SendMsgResp': { serverMsgID: 's', clientMsgID: 'c', sendTime: 1_700_000_000_000, modify: msg },
      'openim.msg.GetSeqMessageReq': {
        userID: 'u',
        conversations: [{ conversationID: 'sg_g', seqs: [0, 3] }],
        order: 0,
      },
      'openim.msg.GetSeqMessageResp': {
        msgs: { sg_g: { Msgs: [msg], isEnd: false, endSeq: 0 } },
        notificationMsgs: {},
      },
      'openim.msg.GetConversationsHasReadAndMaxSeqReq': { userID: 'u', conversationIDs: ['sg_g'], returnPinned: true },
      'openim.msg.GetLastMessageReq': { userID: 'u', conversationIDs: ['sg_g'] },
      'openim.msg.GetLastMessageResp': { msgs: { sg_g: msg } },
      'openim.push.DelUserPushTokenReq': { userID: 'u', platformID: 5 },
    };
    for (const [name, value] of Object.entries(cases) as [OpenIMMessageName, object][])
      expect(decode(name, encode(name, value)), name).toEqual(value);
    expect(hex(encode('openim.sdkws.SetAppBackgroundStatusResp', {}))).toBe('');
    expect(decode('openim.push.DelUserPushTokenResp', new Uint8Array())).toEqual({});
  });

  it('numbers ConversationSeqs from 2, as msg.proto does', () => {
    // 12 01 "c" = field 2 (conversationID); 1a 02 00 03 = field 3 (seqs), packed: 0 and 3.
    expect(hex(encode('openim.msg.ConversationSeqs', { conversationID: 'c', seqs: [0, 3] }))).toBe(
      '120163' + '1a020003',
    );
  });

  it('types each message from its table', () => {
    const msg = decode('openim.sdkws.MsgData', new Uint8Array());
    expectTypeOf(msg.seq).toEqualTypeOf<number>();
    expectTypeOf(msg.content).toEqualTypeOf<Uint8Array>();
    expectTypeOf(msg.options).toEqualTypeOf<Record<string, boolean>>();
    expectTypeOf(msg.atUserIDList).toEqualTypeOf<string[]>();
    expectTypeOf(msg.offlinePushInfo?.iOSBadgeCount).toEqualTypeOf<boolean | undefined>();
    const resp = decode('openim.jssdk.GetActiveConversationsResp', new Uint8Array());
    expectTypeOf<(typeof resp.conversations)[number]['conversation']>().toEqualTypeOf<
      OpenIMMessage<'openim.conversation.Conversation'> | undefined
    >();
    expect(msg).toMatchObject({ seq: 0, content: new Uint8Array(), options: {}, atUserIDList: [] });
    expect(resp).toEqual({ unreadCount: 0, conversations: [] });
  });
});
