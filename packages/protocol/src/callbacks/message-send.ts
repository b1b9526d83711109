import { int, object, str, strList } from './views.js';
// Message callbacks around a send: OpenIM's bodies key for key (CommonCallbackReq: `atUserList`,
// `faceURL` for the sender's face), Tencent's Group.CallbackBeforeSendMsg / AfterSendMsg and
// C2C.CallbackBeforeSendMsg / AfterSendMsg (product 1047, docs 34364 and 34365). Unlike OpenIM,
// the after-callbacks are written in the transaction that stores the message and carry its seq.

import { LIMITS, obj, optInt, optStr } from '../schema.js';
import { sameNames } from './apply.js';
import { defineCallback, typeOf, type TencentContext } from './define.js';
import { EXAMPLE_GROUP } from './examples.js';
import { contentAnswer, optIdList, timBody, timBodyView } from './tim.js';

/** A message as the callbacks report it: OpenIM's MsgData fields, and where it is kept. */
export interface MessageEvent {
  operationID: string;
  sendID: string;
  recvID: string;
  groupID: string;
  serverMsgID: string;
  clientMsgID: string;
  senderPlatformID: number;
  senderNickname: string;
  senderFaceURL: string;
  sessionType: number;
  msgFrom: number;
  contentType: number;
  status: number;
  sendTime: number;
  createTime: number;
  content: string;
  /** Its seq in the conversation: 0 before it is stored, and for a message only pushed. */
  seq: number;
  atUserIDList: string[];
  ex: string;
  /** Pushed to who is online, never stored (Tencent's OnlineOnlyFlag). */
  onlineOnly: boolean;
}

/** afterSendSingleMsg: the message, and the receiver's unread count with it (Tencent's UnreadMsgNum). */
export type SingleMessageEvent = MessageEvent & { recvUnread: number };

const EXAMPLE_MESSAGE: MessageEvent = {
  operationID: 'op-1',
  sendID: 'member',
  recvID: '',
  groupID: EXAMPLE_GROUP.groupID,
  serverMsgID: '6f1c0a9e2b7d4c3f8a5e1d0b9c8a7f6e',
  clientMsgID: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  senderPlatformID: 5,
  senderNickname: 'Ann',
  senderFaceURL: 'https://example.com/u1.png',
  sessionType: 3,
  msgFrom: 100,
  contentType: 101,
  status: 2,
  sendTime: 1_700_000_000_000,
  createTime: 1_700_000_000_000,
  content: '{"content":"hello"}',
  seq: 7,
  atUserIDList: ['owner'],
  ex: '{"c":3}',
  onlineOnly: false,
};
const EXAMPLE_SINGLE_MESSAGE: MessageEvent = {
  ...EXAMPLE_MESSAGE,
  recvID: 'u1',
  groupID: '',
  sessionType: 1,
};

/** OpenIM's CommonCallbackReq after `callbackCommand`, in its order. */
const commonFields = {
  sendID: str,
  serverMsgID: str,
  clientMsgID: str,
  operationID: str,
  senderPlatformID: int,
  senderNickname: str,
  sessionType: int,
  msgFrom: int,
  contentType: int,
  status: int,
  sendTime: int,
  createTime: int,
  content: str,
  seq: int,
  atUserList: strList,
  faceURL: str,
  ex: str,
};

const commonBody = (e: MessageEvent) => ({
  sendID: e.sendID,
  serverMsgID: e.serverMsgID,
  clientMsgID: e.clientMsgID,
  operationID: e.operationID,
  senderPlatformID: e.senderPlatformID,
  senderNickname: e.senderNickname,
  sessionType: e.sessionType,
  msgFrom: e.msgFrom,
  contentType: e.contentType,
  status: e.status,
  sendTime: e.sendTime,
  createTime: e.createTime,
  content: e.content,
  seq: e.seq,
  atUserList: e.atUserIDList,
  faceURL: e.senderFaceURL,
  ex: e.ex,
});

const groupView = object({ ...commonFields, groupID: str });
const singleView = object({ ...commonFields, recvID: str });
const groupBody = (e: MessageEvent) => ({ ...commonBody(e), groupID: e.groupID });
const singleBody = (e: MessageEvent) => ({ ...commonBody(e), recvID: e.recvID });

/**
 * OpenIM's `key` query parameter on its after-send callbacks: standard base64 of
 * {"sendID","recvID","groupID"}, read from the body ("" for the one a body does not carry).
 */
export function messageKeyQuery(body: Record<string, unknown>): Record<string, string> {
  const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  const key = JSON.stringify({ sendID: field('sendID'), recvID: field('recvID'), groupID: field('groupID') });
  // btoa takes Latin-1: the UTF-8 bytes, one character each (no Node module: browsers load hooks).
  return { key: btoa(String.fromCharCode(...new TextEncoder().encode(key))) };
}

const filterFacts = (e: MessageEvent) => ({
  contentType: e.contentType,
  target: e.sessionType === 3 ? e.groupID : e.recvID,
});
const beforeFilter = { of: filterFacts, attention: false };
const afterFilter = { of: filterFacts, attention: true };
/**
 * The queue of a message's callbacks: its conversation (`sg_<groupID>`, `si_<a>_<b>`), read from
 * fields every OpenIM message body carries, so a receiver can tell it from the body.
 */
export const messageQueue = (e: { sessionType: number; sendID: string; recvID: string; groupID: string }) =>
  e.sessionType === 3
    ? `sg_${e.groupID}`
    : e.sendID <= e.recvID
      ? `si_${e.sendID}_${e.recvID}`
      : `si_${e.recvID}_${e.sendID}`;
const byConversation = (e: MessageEvent) => messageQueue(e);

/**
 * What a business server may change of a message: its content, `ex` and `atUserIDList`. The routing
 * fields are read only to refuse an answer that would send the message elsewhere (OpenIM lets one).
 */
const messageModification = obj({
  content: contentAnswer,
  ex: optStr({ max: LIMITS.ex }),
  atUserIDList: optIdList(LIMITS.list),
  recvID: optStr({ max: LIMITS.id }),
  groupID: optStr({ max: LIMITS.id }),
  sessionType: optInt(),
  contentType: optInt(),
});
const messageAnswer = { kind: 'fields', fields: sameNames(['content', 'ex', 'atUserIDList']) } as const;
const messageAnswerExample = { content: '{"content":"hello (reviewed)"}', ex: '{"reviewed":true}', atUserIDList: [] };
/** Tencent's answer: MsgBody and CloudCustomData replace the message's. */
const tencentMessageModification = {
  content: { answerKey: 'MsgBody', description: 'the message body (one TIM element)' },
  ex: { answerKey: 'CloudCustomData', description: "the message's custom data (ex)" },
} as const;

/** Tencent's fields about the message itself, the same in every message callback. */
const tencentMessage = (e: MessageEvent) => ({
  OnlineOnlyFlag: e.onlineOnly ? 1 : 0,
  MsgBody: timBody(e.contentType, e.content),
  CloudCustomData: e.ex,
});
/** Tencent's 32-bit MsgRandom / Random: from the server message ID, so both callbacks of a message agree. */
const msgRandom = (e: MessageEvent) => Number.parseInt(e.serverMsgID.slice(0, 8) || '0', 16) >>> 0;
const msgTime = (e: MessageEvent) => Math.floor(e.sendTime / 1000);

const tencentGroupHead = (e: MessageEvent, ctx: TencentContext) => ({
  GroupId: e.groupID,
  Type: typeOf(ctx, e.groupID),
  From_Account: e.sendID,
  Operator_Account: ctx.operator,
  Random: msgRandom(e),
  MsgId: e.clientMsgID,
});
const tencentGroupHeadView = {
  GroupId: str,
  Type: str,
  From_Account: str,
  Operator_Account: str,
  Random: int,
  MsgId: str,
};
const tencentMessageView = { OnlineOnlyFlag: int, MsgBody: timBodyView, CloudCustomData: str };

// Tencent's C2C MsgSeq identifies the message: huddle's seq once stored, 0 before.
const tencentC2CHead = (e: MessageEvent) => ({
  From_Account: e.sendID,
  To_Account: e.recvID,
  MsgSeq: e.seq,
  MsgRandom: msgRandom(e),
  MsgTime: msgTime(e),
  MsgKey: `${e.seq}_${msgRandom(e)}_${msgTime(e)}`,
});
const tencentC2CHeadView = {
  From_Account: str,
  To_Account: str,
  MsgSeq: int,
  MsgRandom: int,
  MsgTime: int,
  MsgKey: str,
};

const groupQueue = (body: { GroupId: string }) =>
  messageQueue({ sessionType: 3, sendID: '', recvID: '', groupID: body.GroupId });
const c2cQueue = (body: { From_Account: string; To_Account: string }) =>
  messageQueue({ sessionType: 1, sendID: body.From_Account, recvID: body.To_Account, groupID: '' });

export const beforeSendGroupMsg = defineCallback({
  key: 'beforeSendGroupMsg',
  phase: 'before',
  fires: 'send_msg to a group, after its checks, before the message is stored (not for typing, 113)',
  example: { ...EXAMPLE_MESSAGE, seq: 0 },
  openim: { command: 'callbackBeforeSendGroupMsgCommand', view: groupView, body: groupBody },
  messageFilter: beforeFilter,
  tencent: {
    command: 'Group.CallbackBeforeSendMsg',
    view: object({ ...tencentGroupHeadView, ...tencentMessageView, EventTime: int }),
    bodies: (events: MessageEvent[], ctx: TencentContext) =>
      events.map((e) => ({ ...tencentGroupHead(e, ctx), ...tencentMessage(e), EventTime: ctx.eventTime })),
    modification: tencentMessageModification,
    orderingKey: groupQueue,
  },
  // OpenIM reads only the verdict here (its beforeMsgModify changes messages); huddle applies the
  // same fields as beforeMsgModify when an answer carries them.
  modifiable: messageModification,
  answer: messageAnswer,
  answerExample: messageAnswerExample,
});

export const afterSendGroupMsg = defineCallback({
  key: 'afterSendGroupMsg',
  phase: 'after',
  fires: 'send_msg to a group, in the transaction that stores the message, with its seq',
  example: EXAMPLE_MESSAGE,
  openim: { command: 'callbackAfterSendGroupMsgCommand', view: groupView, body: groupBody, query: messageKeyQuery },
  messageFilter: afterFilter,
  orderingKey: byConversation,
  tencent: {
    command: 'Group.CallbackAfterSendMsg',
    view: object({
      ...tencentGroupHeadView,
      MsgSeq: int,
      MsgTime: int,
      ...tencentMessageView,
      EventTime: int,
    }),
    bodies: (events: MessageEvent[], ctx: TencentContext) =>
      events.map((e) => ({
        ...tencentGroupHead(e, ctx),
        MsgSeq: e.seq,
        MsgTime: msgTime(e),
        ...tencentMessage(e),
        EventTime: ctx.eventTime,
      })),
    orderingKey: groupQueue,
  },
});

export const beforeSendSingleMsg = defineCallback({
  key: 'beforeSendSingleMsg',
  phase: 'before',
  fires: 'send_msg to a user, after its checks, before the message is stored (not for typing, 113)',
  example: { ...EXAMPLE_SINGLE_MESSAGE, seq: 0 },
  openim: { command: 'callbackBeforeSendSingleMsgCommand', view: singleView, body: singleBody },
  messageFilter: beforeFilter,
  tencent: {
    command: 'C2C.CallbackBeforeSendMsg',
    view: object({ ...tencentC2CHeadView, ...tencentMessageView, EventTime: int }),
    bodies: (events: MessageEvent[], ctx: TencentContext) =>
      events.map((e) => ({ ...tencentC2CHead(e), ...tencentMessage(e), EventTime: ctx.eventTime })),
    modification: tencentMessageModification,
    orderingKey: c2cQueue,
  },
  modifiable: messageModification,
  answer: messageAnswer,
  answerExample: messageAnswerExample,
});

export const afterSendSingleMsg = defineCallback({
  key: 'afterSendSingleMsg',
  phase: 'after',
  fires: 'send_msg to a user, in the transaction that stores the message, with its seq',
  example: { ...EXAMPLE_SINGLE_MESSAGE, recvUnread: 2 },
  openim: {
    command: 'callbackAfterSendSingleMsgCommand',
    view: singleView,
    body: (e: SingleMessageEvent) => singleBody(e),
    query: messageKeyQuery,
  },
  messageFilter: afterFilter,
  orderingKey: byConversation,
  tencent: {
    command: 'C2C.CallbackAfterSendMsg',
    view: object({
      ...tencentC2CHeadView,
      SendMsgResult: int,
      ErrorInfo: str,
      UnreadMsgNum: int,
      ...tencentMessageView,
      EventTime: int,
    }),
    // Sent only for a message that was sent: the result is always success.
    bodies: (events: SingleMessageEvent[], ctx: TencentContext) =>
      events.map((e) => ({
        ...tencentC2CHead(e),
        SendMsgResult: 0,
        ErrorInfo: 'send msg succeed',
        UnreadMsgNum: e.recvUnread,
        ...tencentMessage(e),
        EventTime: ctx.eventTime,
      })),
    orderingKey: c2cQueue,
  },
});

export const beforeMsgModify = defineCallback({
  key: 'beforeMsgModify',
  phase: 'before',
  fires: 'send_msg, after beforeSendGroupMsg / beforeSendSingleMsg: may change content, ex and atUserIDList',
  example: { ...EXAMPLE_MESSAGE, seq: 0 },
  openim: { command: 'callbackBeforeMsgModifyCommand', view: object(commonFields), body: commonBody },
  messageFilter: beforeFilter,
  modifiable: messageModification,
  answer: messageAnswer,
  answerExample: messageAnswerExample,
});

export const afterMsgSaveDB = defineCallback({
  key: 'afterMsgSaveDB',
  phase: 'after',
  fires: 'a stored message, in the transaction that stores it, with its seq',
  example: EXAMPLE_MESSAGE,
  openim: {
    command: 'callbackAfterMsgSaveDBCommand',
    view: object({ ...commonFields, recvID: str, groupID: str }),
    body: (e: MessageEvent) => ({ ...commonBody(e), recvID: e.recvID, groupID: e.groupID }),
    query: messageKeyQuery,
  },
  messageFilter: afterFilter,
  orderingKey: byConversation,
});
