// The descriptors against bytes worked out by hand from the protobuf encoding rules: a tag is
// (field number << 3 | wire type) as a varint; wire type 0 varint, 2 length-delimited.

import { describe, expect, expectTypeOf, it } from 'vitest';
import { decode, encode, type OpenIMMessage } from './openim-proto.js';

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
