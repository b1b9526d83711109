// OpenIM's /msg routes: sending as an app admin, and reading seqs, messages and read marks.

import { createHash, randomBytes } from 'node:crypto';
import {
  arr,
  bool,
  groupID,
  int,
  int64,
  jsonObject,
  LIMITS,
  obj,
  optObj,
  pagination,
  str,
  userID,
  view,
} from '@huddle/protocol';
import { SearchedMessages } from '@huddle/protocol/chat-admin';
import type { Services } from '../../domain/index.js';
import { MsgFrom } from '../../domain/conversation-ids.js';
import { MAX_CONTENT_BYTES, MAX_AT_USERS } from '../../domain/message-rules.js';
import { MAX_PULL, type MessageRecord } from '../../domain/messages.js';
import { args, noPermission } from '../../errors.js';
import { HasReadAndMaxSeqs, MsgData, NewestSeqs, PulledMsgs, SentMsg } from '../message-views.js';
import { NO_DATA } from '../responses.js';
import { route } from '../route.js';

const conversationID = () => str({ max: 2 * LIMITS.id + 3, required: true });

const offlinePushInfo = optObj({
  title: str({ max: LIMITS.nickname }),
  desc: str({ max: LIMITS.ex }),
  ex: str({ max: LIMITS.ex }),
  iOSPushSound: str({ max: LIMITS.nickname }),
  iOSBadgeCount: bool(),
});

/** A stored message as OpenIM's REST answers it: encoding/json renders the content bytes as base64. */
export function msgData(m: MessageRecord) {
  return view.pick(MsgData, m, {
    content: Buffer.from(m.content, 'utf8').toString('base64'),
    atUserIDList: m.atUserIDList,
    options: m.options,
    offlinePushInfo: m.offlinePushInfo,
  });
}

const pulled = (map: Map<string, { messages: MessageRecord[]; isEnd: boolean; endSeq: number }>) => {
  const msgs: Record<string, { Msgs: ReturnType<typeof msgData>[]; isEnd: boolean; endSeq: number }> = {};
  const notificationMsgs: typeof msgs = {};
  for (const [id, p] of map) {
    (id.startsWith('n_') ? notificationMsgs : msgs)[id] = {
      Msgs: p.messages.map(msgData),
      isEnd: p.isEnd,
      endSeq: p.endSeq,
    };
  }
  return { msgs, notificationMsgs };
};

export const messageRoutes = ({ messages, conversations, messageSearch }: Services) => [
  route({
    path: '/msg/send_msg',
    body: obj({
      sendID: userID(),
      recvID: str({ max: LIMITS.id }),
      groupID: groupID(false),
      senderNickname: str({ max: LIMITS.nickname }),
      senderFaceURL: str({ max: LIMITS.faceURL }),
      senderPlatformID: int({ min: 0, max: 11 }),
      content: jsonObject({ maxBytes: MAX_CONTENT_BYTES }),
      contentType: int({ min: 1 }),
      sessionType: int({ min: 1 }),
      isOnlineOnly: bool(),
      notOfflinePush: bool(),
      sendTime: int64({ min: 0 }),
      offlinePushInfo,
      ex: str({ max: LIMITS.ex }),
      // Not OpenIM's: lets a business server retry a send without storing it twice.
      clientMsgID: str({ max: LIMITS.id }),
      atUserIDList: arr(userID(), { max: MAX_AT_USERS }),
    }),
    response: SentMsg,
    handle: async (ctx, b) => {
      // OpenIM: only app admins send through the REST API (as any user).
      if (!ctx.caller.isAppAdmin) throw noPermission('only app admins may send messages through the API');
      const options: Record<string, boolean> = {};
      if (b.isOnlineOnly)
        Object.assign(options, { history: false, persistent: false, senderSync: false, conversationUpdate: false });
      if (b.notOfflinePush) options.offlinePush = false;
      const atText = (b.content as { atUserList?: unknown }).atUserList;
      const { message, modified } = await messages.send(ctx, {
        sendID: b.sendID,
        recvID: b.recvID,
        groupID: b.groupID,
        // OpenIM generates one per REST send; a caller's own makes retries idempotent.
        clientMsgID: b.clientMsgID || createHash('md5').update(randomBytes(16)).digest('hex'),
        sessionType: b.sessionType,
        msgFrom: MsgFrom.System,
        contentType: b.contentType,
        content: JSON.stringify(b.content),
        senderPlatformID: b.senderPlatformID,
        senderNickname: b.senderNickname,
        senderFaceURL: b.senderFaceURL,
        createTime: 0,
        sendTime: b.sendTime,
        options,
        offlinePushInfo: b.offlinePushInfo ? { ...b.offlinePushInfo, signalInfo: '' } : null,
        atUserIDList: b.atUserIDList.length
          ? b.atUserIDList
          : Array.isArray(atText)
            ? atText.filter((u): u is string => typeof u === 'string')
            : [],
        attachedInfo: '',
        ex: b.ex,
      });
      const sent = {
        serverMsgID: message.serverMsgID,
        clientMsgID: message.clientMsgID,
        sendTime: message.sendTime,
        seq: message.seq,
      };
      // As OpenIM's SendMsgResp: `modify`, the message as a before-callback changed it, only then
      // (an optional key of the view, which its type cannot say).
      return (modified ? { ...sent, modify: msgData(message) } : sent) as typeof sent & {
        modify: ReturnType<typeof msgData>;
      };
    },
  }),
  // OpenIM's admin search (app admins): chat messages newest first; conversationID is huddle's.
  route({
    path: '/msg/search_msg',
    body: obj({
      sendID: str({ max: LIMITS.id }),
      recvID: str({ max: LIMITS.id }),
      contentType: int({ min: 0 }),
      sendTime: str({ max: 10 }),
      sessionType: int({ min: 0 }),
      pagination: pagination(),
      conversationID: str({ max: 2 * LIMITS.id + 3 }),
    }),
    response: SearchedMessages,
    handle: (ctx, { pagination: page, ...q }) => messageSearch.search(ctx, q, page),
  }),
  route({
    path: '/msg/newest_seq',
    body: obj({ userID: userID() }),
    response: NewestSeqs,
    handle: (ctx, b) => messages.newestSeqs(ctx, b.userID),
  }),
  route({
    path: '/msg/pull_msg_by_seq',
    body: obj({
      userID: userID(),
      seqRanges: arr(
        obj({
          conversationID: conversationID(),
          begin: int64({ min: 0 }),
          end: int64({ min: 0 }),
          num: int64({ min: 0 }),
        }),
        { max: LIMITS.list },
      ),
      order: int({ min: 0, max: 1 }),
    }),
    response: PulledMsgs,
    handle: async (ctx, b) => {
      for (const r of b.seqRanges) {
        if (r.end < r.begin) throw args(`seqRanges: end ${r.end} is before begin ${r.begin} in ${r.conversationID}`);
        if (r.num > MAX_PULL) throw args(`seqRanges: num ${r.num} is over ${MAX_PULL}`);
      }
      return pulled(await messages.pullByRanges(ctx, b.userID, b.seqRanges, b.order === 1));
    },
  }),
  route({
    path: '/msg/get_conversations_has_read_and_max_seq',
    body: obj({ userID: userID(), conversationIDs: arr(conversationID(), { max: LIMITS.list }), returnPinned: bool() }),
    response: HasReadAndMaxSeqs,
    handle: async (ctx, b) => {
      const rows = await messages.hasReadAndMaxSeqs(ctx, b.userID, b.conversationIDs);
      return {
        seqs: Object.fromEntries(rows.map(({ conversationID: id, ...s }) => [id, s])),
        pinnedConversationIDs: b.returnPinned ? await conversations.pinnedIDs(ctx, b.userID) : [],
      };
    },
  }),
  route({
    path: '/msg/mark_conversation_as_read',
    body: obj({
      conversationID: conversationID(),
      userID: userID(),
      hasReadSeq: int64({ min: 0 }),
      seqs: arr(int64({ min: 0 }), { max: MAX_PULL }),
    }),
    response: NO_DATA,
    handle: async (ctx, b) => {
      await messages.markAsRead(ctx, b.userID, b.conversationID, b.hasReadSeq, b.seqs);
    },
  }),
];
