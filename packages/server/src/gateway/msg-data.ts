// Stored messages as OpenIM's protobuf MsgData (what pushes and pulls carry), and a client's MsgData
// (1003) as the domain's outgoing message.

import { LIMITS } from '@huddle/protocol';
import { isNotificationID } from '../domain/conversation-ids.js';
import type { MessageRecord, OutgoingMessage, PulledMessages } from '../domain/messages.js';
import { args } from '../errors.js';
import { encode, type OpenIMMessage } from '../wire/openim-proto.js';

export type MsgData = OpenIMMessage<'openim.sdkws.MsgData'>;

/** A message's fields without its conversation, as a REST view or a record holds them. */
type MessageFields = Omit<MessageRecord, 'conversationID' | 'content'>;

/** MsgData from a message's fields and its content bytes. */
export const msgDataWith = (m: MessageFields, content: Uint8Array): MsgData => ({
  ...m,
  content,
  // Read receipts are the conversation's hasReadSeq; OpenIM's stored messages never set it.
  isRead: false,
  offlinePushInfo: m.offlinePushInfo ?? undefined,
});

/** A stored (or only pushed) message as MsgData: the content is its UTF-8 JSON as bytes. */
export const msgDataOf = ({ conversationID: _, content, ...m }: MessageRecord): MsgData =>
  msgDataWith(m, new TextEncoder().encode(content));

type PullMsgs = OpenIMMessage<'openim.sdkws.PullMsgs'>;

/**
 * Pulled or pushed messages by conversation, as PullMessageBySeqsResp, GetSeqMessageResp and
 * PushMessages carry them: n_ conversations under notificationMsgs, the others under msgs.
 */
export function pulledMsgs(pulled: ReadonlyMap<string, PulledMessages>) {
  const msgs: Record<string, PullMsgs> = {};
  const notificationMsgs: Record<string, PullMsgs> = {};
  for (const [conversationID, p] of pulled)
    (isNotificationID(conversationID) ? notificationMsgs : msgs)[conversationID] = {
      Msgs: p.messages.map(msgDataOf),
      isEnd: p.isEnd,
      endSeq: p.endSeq,
    };
  return { msgs, notificationMsgs };
}

/** A push (2001) of one conversation's messages: isEnd false and endSeq 0, as OpenIM's gateway sends them. */
export function pushMessagesOf(records: readonly MessageRecord[]): Uint8Array {
  const [first] = records;
  if (!first) throw new Error('a push needs at least one message');
  const conversationID = first.conversationID;
  if (records.some((r) => r.conversationID !== conversationID))
    throw new Error('a push carries the messages of one conversation');
  const pushed = new Map([[conversationID, { messages: [...records], isEnd: false, endSeq: 0 }]]);
  return encode('openim.sdkws.PushMessages', pulledMsgs(pushed));
}

/** The longest each string field of a client's MsgData may be (REST's limits for the same fields). */
const MAX_LENGTH = {
  sendID: LIMITS.id,
  recvID: LIMITS.id,
  groupID: LIMITS.id,
  clientMsgID: LIMITS.id,
  senderNickname: LIMITS.nickname,
  senderFaceURL: LIMITS.faceURL,
  attachedInfo: LIMITS.ex,
  ex: LIMITS.ex,
} as const;

const MAX_PUSH_LENGTH = {
  title: LIMITS.nickname,
  desc: LIMITS.ex,
  ex: LIMITS.ex,
  iOSPushSound: LIMITS.nickname,
} as const;

/** OpenIM defines 11 option keys; room for a few more, not for a flood. */
const MAX_OPTIONS = 32;

/** Refuses a string over `max` characters or with a NUL (which PostgreSQL cannot keep). */
function checkText(field: string, value: string, max: number) {
  if (value.length > max) throw args(`${field} is longer than ${max} characters`);
  if (value.includes('\u0000')) throw args(`${field} contains a NUL character`);
}

function checkTexts<T extends Record<string, unknown>>(where: string, m: T, limits: { [K in keyof T]?: number }) {
  for (const [field, max] of Object.entries(limits) as [keyof T & string, number][])
    checkText(`${where}${field}`, m[field] as string, max);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A client's MsgData (1003) as the message it asks to send. What the server fills in (serverMsgID,
 * seq, status) is ignored; a sendTime of 0 means the server's clock. Strings must fit the limits the
 * REST API sets for the same fields; the content must be UTF-8 (the domain checks that it is JSON).
 */
export function outgoingOf(msg: MsgData): OutgoingMessage {
  checkTexts('', msg, MAX_LENGTH);
  for (const id of msg.atUserIDList) checkText('atUserIDList', id, LIMITS.id);
  const keys = Object.keys(msg.options);
  if (keys.length > MAX_OPTIONS) throw args(`options has more than ${MAX_OPTIONS} keys`);
  for (const key of keys) checkText('options key', key, LIMITS.id);
  if (msg.offlinePushInfo) checkTexts('offlinePushInfo.', msg.offlinePushInfo, MAX_PUSH_LENGTH);
  let content: string;
  try {
    content = utf8.decode(msg.content);
  } catch {
    throw args('content is not UTF-8');
  }
  const push = msg.offlinePushInfo;
  return {
    clientMsgID: msg.clientMsgID,
    sendID: msg.sendID,
    recvID: msg.recvID,
    groupID: msg.groupID,
    sessionType: msg.sessionType,
    msgFrom: msg.msgFrom,
    contentType: msg.contentType,
    content,
    senderPlatformID: msg.senderPlatformID,
    senderNickname: msg.senderNickname,
    senderFaceURL: msg.senderFaceURL,
    sendTime: Math.max(0, msg.sendTime),
    createTime: Math.max(0, msg.createTime),
    options: msg.options,
    offlinePushInfo: push
      ? {
          title: push.title,
          desc: push.desc,
          ex: push.ex,
          iOSPushSound: push.iOSPushSound,
          iOSBadgeCount: push.iOSBadgeCount,
          signalInfo: push.signalInfo,
        }
      : null,
    atUserIDList: msg.atUserIDList,
    attachedInfo: msg.attachedInfo,
    ex: msg.ex,
  };
}
