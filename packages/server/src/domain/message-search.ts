// OpenIM's admin message search (/msg/search_msg): the messages of chat conversations, newest
// first, narrowed by sender, receiver or group, content type, session type and day, each as OpenIM's
// ChatLog with its receiver's nickname or its group's facts. App admins only.

import { args, noPermission } from '../errors.js';
import type { MessageRecord, Page } from '../storage/records.js';
import type { DomainDeps, OpContext } from './context.js';
import { SessionType } from './conversation-ids.js';

export interface MessageSearchQuery {
  sendID: string;
  recvID: string;
  contentType: number;
  /** A day, YYYY-MM-DD (UTC, as OpenIM parses it); "" for any. */
  sendTime: string;
  sessionType: number;
  /** huddle's addition: one conversation's messages (si_…, sg_…). */
  conversationID: string;
}

/** OpenIM's ChatLog: a message with the names an operator reads it by. */
export interface ChatLog {
  serverMsgID: string;
  clientMsgID: string;
  sendID: string;
  recvID: string;
  groupID: string;
  recvNickname: string;
  senderPlatformID: number;
  senderNickname: string;
  senderFaceURL: string;
  groupName: string;
  sessionType: number;
  msgFrom: number;
  contentType: number;
  content: string;
  status: number;
  sendTime: number;
  createTime: number;
  ex: string;
  groupFaceURL: string;
  groupMemberCount: number;
  seq: number;
  groupOwner: string;
  groupType: number;
}

const DAY_MS = 86_400_000;

/** A YYYY-MM-DD day as [start, end) in UTC ms; refuses anything else. */
function dayRange(day: string): [number, number] {
  if (day === '') return [0, 0];
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const start = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== day)
    throw args(`sendTime must be a day as YYYY-MM-DD, not ${JSON.stringify(day.slice(0, 40))}`);
  return [start, start + DAY_MS];
}

export function messageSearchService({ store }: DomainDeps) {
  const repos = store.repos;

  async function chatLogs(messages: readonly MessageRecord[]): Promise<ChatLog[]> {
    const groupIDs = [...new Set(messages.filter((m) => m.groupID).map((m) => m.groupID))];
    const recvIDs = [...new Set(messages.filter((m) => !m.groupID && m.recvID).map((m) => m.recvID))];
    const groups = new Map((groupIDs.length ? await repos.groups.find(groupIDs) : []).map((g) => [g.groupID, g]));
    const users = new Map((recvIDs.length ? await repos.users.find(recvIDs) : []).map((u) => [u.userID, u]));
    return messages.map((m) => {
      const g = groups.get(m.groupID);
      return {
        serverMsgID: m.serverMsgID,
        clientMsgID: m.clientMsgID,
        sendID: m.sendID,
        recvID: m.recvID,
        groupID: m.groupID,
        recvNickname: users.get(m.recvID)?.nickname ?? '',
        senderPlatformID: m.senderPlatformID,
        senderNickname: m.senderNickname,
        senderFaceURL: m.senderFaceURL,
        groupName: g?.groupName ?? '',
        sessionType: m.sessionType,
        msgFrom: m.msgFrom,
        contentType: m.contentType,
        content: m.content,
        status: m.status,
        sendTime: m.sendTime,
        createTime: m.createTime,
        ex: m.ex,
        groupFaceURL: g?.faceURL ?? '',
        groupMemberCount: g?.memberCount ?? 0,
        seq: m.seq,
        groupOwner: g?.ownerUserID ?? '',
        groupType: g?.groupType ?? 0,
      };
    });
  }

  return {
    async search(ctx: OpContext, q: MessageSearchQuery, page: Page) {
      if (!ctx.caller.isAppAdmin) throw noPermission('only an app admin may search messages');
      if (q.sessionType !== 0 && q.sessionType !== SessionType.Single && q.sessionType !== SessionType.Group)
        throw args(`sessionType ${q.sessionType} is not 0 (any), 1 (one-to-one) or 3 (group)`);
      if (q.conversationID !== '' && !/^s[ig]_/.test(q.conversationID))
        throw args(`conversationID ${JSON.stringify(q.conversationID)} is not a chat conversation (si_… or sg_…)`);
      const [sentFrom, sentBefore] = dayRange(q.sendTime);
      const { total, items } = await repos.messages.search(
        {
          conversationID: q.conversationID,
          sendID: q.sendID,
          recvID: q.recvID,
          contentType: q.contentType,
          sessionType: q.sessionType,
          sentFrom,
          sentBefore,
        },
        page,
      );
      const logs = await chatLogs(items);
      return { chatLogsNum: total, chatLogs: logs.map((chatLog) => ({ chatLog, isRevoked: false })) };
    },
  };
}
