// The conversation list the JS SDK shows on login (OpenIM's /jssdk routes): each conversation with
// its last message, its group or peer, and the unread counts, in one answer.

import type { GroupInfo } from '@huddle/protocol';
import type { ConversationRecord, MessageRecord } from '../storage/records.js';
import { type ConversationInfo, conversationInfo, requireOwner } from './conversation-info.js';
import type { DomainDeps, OpContext } from './context.js';
import { readable } from './messages.js';
import { groupInfo, type UserInfo, userInfo } from './views.js';

export interface ConversationWithMessage {
  conversation: ConversationInfo;
  lastMsg: MessageRecord;
  /** The peer of a one-to-one conversation. */
  user: UserInfo | null;
  group: GroupInfo | null;
  /** The last seq the user may read. */
  maxSeq: number;
  readSeq: number;
}

export interface ConversationsWithMessages {
  /** maxSeq − readSeq summed over the conversations considered (never negative per conversation). */
  unreadCount: number;
  conversations: ConversationWithMessage[];
}

/** OpenIM: a count ≤ 0 or over 500 asks for 100. */
const MAX_ACTIVE = 500;
const DEFAULT_ACTIVE = 100;

export function activeConversationReads({ store }: DomainDeps) {
  const repos = store.repos;

  /** Each row as the user may read it; `sent`: it has a message the user may read. */
  async function numbered(rows: readonly ConversationRecord[]) {
    const seqs = new Map(
      (await repos.messages.seqs(rows.map((r) => r.conversationID))).map((s) => [s.conversationID, s]),
    );
    return rows.map((row) => {
      const s = seqs.get(row.conversationID);
      const bounds = readable(row, s);
      return {
        row,
        info: conversationInfo(row, s),
        maxSeq: bounds.maxSeq,
        maxSeqTime: bounds.maxSeqTime,
        sent: bounds.maxSeq > 0 && bounds.maxSeq >= bounds.minSeq,
        unread: Math.max(0, bounds.maxSeq - row.hasReadSeq),
      };
    });
  }
  type Numbered = Awaited<ReturnType<typeof numbered>>[number];

  /** The answer for `shown`, each with its last message (dropped when that message is gone). */
  async function withMessages(shown: readonly Numbered[], unreadCount: number): Promise<ConversationsWithMessages> {
    const lastOf = new Map<string, MessageRecord>();
    for (const c of shown) {
      const [last] = await repos.messages.bySeqs(c.row.conversationID, [c.maxSeq]);
      if (last) lastOf.set(c.row.conversationID, last);
    }
    const groupIDs = shown.map((c) => c.row.groupID).filter(Boolean);
    const userIDs = shown.filter((c) => !c.row.groupID).map((c) => c.row.userID);
    const groups = new Map((groupIDs.length ? await repos.groups.find(groupIDs) : []).map((g) => [g.groupID, g]));
    const users = new Map((userIDs.length ? await repos.users.find(userIDs) : []).map((u) => [u.userID, u]));
    const conversations = shown.flatMap((c) => {
      const lastMsg = lastOf.get(c.row.conversationID);
      if (!lastMsg) return [];
      const group = groups.get(c.row.groupID);
      const user = c.row.groupID ? undefined : users.get(c.row.userID);
      return [
        {
          conversation: c.info,
          lastMsg,
          user: user ? userInfo(user) : null,
          group: group ? groupInfo(group) : null,
          maxSeq: c.maxSeq,
          readSeq: c.row.hasReadSeq,
        },
      ];
    });
    return { unreadCount, conversations };
  }

  const unreadOf = (list: readonly Numbered[]) => list.reduce((sum, c) => sum + c.unread, 0);

  return {
    /**
     * The user's conversations that have messages, pinned first, then the newest message first;
     * the first `count`. unreadCount counts all of them.
     */
    async active(ctx: OpContext, userID: string, count: number): Promise<ConversationsWithMessages> {
      requireOwner(ctx, userID);
      const limit = count <= 0 || count > MAX_ACTIVE ? DEFAULT_ACTIVE : count;
      const rows = (await repos.conversations.ofOwner(userID)).items;
      const sent = (await numbered(rows)).filter((c) => c.sent);
      sent.sort(
        (a, b) =>
          Number(b.row.isPinned) - Number(a.row.isPinned) ||
          b.maxSeqTime - a.maxSeqTime ||
          (a.row.conversationID < b.row.conversationID ? -1 : 1),
      );
      return withMessages(sent.slice(0, limit), unreadOf(sent));
    },

    /** The listed conversations the user has, those with messages shown; unreadCount counts all listed. */
    async withLastMessages(ctx: OpContext, userID: string, conversationIDs: readonly string[]) {
      requireOwner(ctx, userID);
      const found = await numbered(await repos.conversations.find(userID, conversationIDs));
      return withMessages(
        found.filter((c) => c.sent),
        unreadOf(found),
      );
    },
  };
}
