// Stored messages to protobuf and back: the push's placement by conversation, and what a client's
// MsgData may not carry into the store.

import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../domain/messages.js';
import { decode, encode } from '../wire/openim-proto.js';
import { msgDataOf, outgoingOf, pushMessagesOf } from './msg-data.js';

const record = (conversationID: string, seq: number): MessageRecord => ({
  conversationID,
  seq,
  serverMsgID: `s${seq}`,
  clientMsgID: `c${seq}`,
  sendID: 'alice',
  recvID: '',
  groupID: 'g',
  sessionType: 3,
  msgFrom: 100,
  contentType: 101,
  content: '{"content":"héllo"}',
  senderPlatformID: 5,
  senderNickname: 'Alice',
  senderFaceURL: '',
  sendTime: 1_700_000_000_123,
  createTime: 1_700_000_000_000,
  status: 2,
  options: { unreadCount: false },
  offlinePushInfo: { title: 't', desc: '', ex: '', iOSPushSound: '', iOSBadgeCount: true, signalInfo: '' },
  atUserIDList: ['bob'],
  attachedInfo: '',
  ex: 'x',
});

describe('MsgData of stored messages', () => {
  it('pushes a chat conversation under msgs, isEnd false and endSeq 0', () => {
    const push = decode('openim.sdkws.PushMessages', pushMessagesOf([record('sg_g', 1), record('sg_g', 2)]));
    expect(push.notificationMsgs).toEqual({});
    expect(Object.keys(push.msgs)).toEqual(['sg_g']);
    const pulled = push.msgs.sg_g!;
    expect(pulled).toMatchObject({ isEnd: false, endSeq: 0 });
    expect(pulled.Msgs.map((m) => m.seq)).toEqual([1, 2]);
    const [first] = pulled.Msgs;
    expect(new TextDecoder().decode(first!.content)).toBe('{"content":"héllo"}');
    expect(first).toMatchObject({
      serverMsgID: 's1',
      sendTime: 1_700_000_000_123,
      options: { unreadCount: false },
      atUserIDList: ['bob'],
      offlinePushInfo: { title: 't', iOSBadgeCount: true },
      ex: 'x',
    });
  });

  it('pushes an n_ conversation under notificationMsgs', () => {
    const push = decode('openim.sdkws.PushMessages', pushMessagesOf([record('n_g', 7)]));
    expect(push.msgs).toEqual({});
    expect(push.notificationMsgs.n_g!.Msgs.map((m) => m.seq)).toEqual([7]);
  });

  it('refuses a push of nothing or of two conversations', () => {
    expect(() => pushMessagesOf([])).toThrow();
    expect(() => pushMessagesOf([record('sg_g', 1), record('sg_h', 1)])).toThrow();
  });

  it('reads back the message a client would send', () => {
    const { conversationID: _, seq: __, serverMsgID: ___, status: ____, ...sent } = record('sg_g', 1);
    const wire = encode('openim.sdkws.MsgData', msgDataOf(record('sg_g', 1)));
    expect(outgoingOf(decode('openim.sdkws.MsgData', wire))).toEqual(sent);
    const bare = outgoingOf(decode('openim.sdkws.MsgData', new Uint8Array()));
    expect(bare).toMatchObject({ offlinePushInfo: null, content: '', sendTime: 0, options: {} });
  });

  it('refuses what the store cannot keep, as ArgsError', () => {
    const msg = decode('openim.sdkws.MsgData', encode('openim.sdkws.MsgData', msgDataOf(record('sg_g', 1))));
    const refusal = (change: Partial<typeof msg>) => {
      try {
        outgoingOf({ ...msg, ...change });
      } catch (err) {
        return (err as { code?: number }).code;
      }
      return undefined;
    };
    expect(refusal({})).toBeUndefined();
    expect(refusal({ content: new Uint8Array([0xff, 0xfe]) })).toBe(1001);
    expect(refusal({ senderNickname: 'a\u0000b' })).toBe(1001);
    expect(refusal({ clientMsgID: 'c'.repeat(65) })).toBe(1001);
    expect(refusal({ atUserIDList: ['x'.repeat(65)] })).toBe(1001);
    expect(refusal({ options: { 'a\u0000': true } })).toBe(1001);
    expect(refusal({ offlinePushInfo: { ...msg.offlinePushInfo!, title: 't'.repeat(256) } })).toBe(1001);
  });
});
