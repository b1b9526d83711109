// Messages: sending (one operation for REST and the WebSocket gateway), reading by seq, and read
// marks. Who may read what comes from the user's conversation row: a group's members from the
// group's first message (or from when they joined), both users of a one-to-one conversation.

import { randomBytes } from 'node:crypto';
import { ApiError, args, noPermission, notFound } from '../errors.js';
import type { ConversationRecord, ConversationSeqs, MessageRecord, NewMessage } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import { Role, GroupStatus, type DomainDeps, type OpContext } from './context.js';
import { groupConversationID, MsgStatus, SessionType, singleConversationID } from './conversation-ids.js';
import { storeMessages } from './conversation-store.js';
import { loadGroup, requireLive } from './guards.js';
import { checkMessageShape, isStored } from './message-rules.js';
import { runOperation } from './operation.js';

export type { MessageRecord };

/** What a sender supplies: a MsgData without what the server fills in (seq, serverMsgID, status). */
export type OutgoingMessage = Omit<NewMessage, 'serverMsgID' | 'status'> & {
  /** 0: the server's clock. */
  sendTime: number;
};

export interface SentMessage {
  message: MessageRecord;
  /** The message was already stored under its clientMsgID: this is the stored one. */
  duplicate: boolean;
}

/** A seq range of a conversation, as SeqRange in OpenIM's PullMessageBySeqsReq. */
export interface SeqRange {
  conversationID: string;
  begin: number;
  end: number;
  /** At most this many, the newest of the range. */
  num: number;
}

export interface PulledMessages {
  messages: MessageRecord[];
  isEnd: boolean;
  endSeq: number;
}

/** Seqs one pull may ask for, per conversation (OpenIM pulls at most 100 a time in its SDKs). */
export const MAX_PULL = 1000;

/** 32 hex digits, the form of OpenIM's server message IDs. */
const newServerMsgID = () => randomBytes(16).toString('hex');

export function messageService({ store, now, onMessages }: DomainDeps) {
  /** Who may send, checked before and again in the storing transaction. */
  async function checkSender(tx: Repos, m: OutgoingMessage) {
    const [sender] = await tx.users.find([m.sendID]);
    if (!sender) throw notFound(`user ${m.sendID} not found`);
    if (m.sessionType === SessionType.Single) {
      const [recv] = await tx.users.find([m.recvID]);
      if (!recv) throw notFound(`user ${m.recvID} not found`);
      return singleConversationID(m.sendID, m.recvID);
    }
    const group = await loadGroup(tx, m.groupID, true);
    requireLive(group);
    const member = await tx.members.get(m.groupID, m.sendID);
    if (!member) throw new ApiError('NotInGroupYetError', `${m.sendID} is not a member of group ${m.groupID}`);
    if (member.roleLevel !== Role.Owner) {
      if (member.muteEndTime >= now())
        throw new ApiError('MutedInGroup', `${m.sendID} is muted in group ${m.groupID} until ${member.muteEndTime}`);
      if (group.status === GroupStatus.Muted && member.roleLevel !== Role.Admin)
        throw new ApiError('MutedGroup', `group ${m.groupID} is muted`);
    }
    return groupConversationID(m.groupID);
  }

  function sendOnce(m: OutgoingMessage): Promise<SentMessage> {
    return runOperation(store, {
      what: `message ${m.clientMsgID}`,
      asks: false,
      async check(tx) {
        const conversationID = await checkSender(tx, m);
        const stored = await tx.messages.byClientMsgID(conversationID, m.clientMsgID);
        if (stored && !sameMessage(stored, m))
          throw args(`clientMsgID ${m.clientMsgID} was already used for another message in ${conversationID}`);
        return { conversationID, stored };
      },
      decide: async () => undefined,
      async write(tx, { conversationID, stored }) {
        if (stored) return { message: stored, duplicate: true };
        const at = now();
        const message: NewMessage = {
          ...m,
          serverMsgID: newServerMsgID(),
          status: MsgStatus.Sent,
          sendTime: m.sendTime || at,
        };
        if (!isStored(m.contentType, m.options)) {
          const online = { ...message, conversationID, seq: 0 };
          tx.afterCommit(() => onMessages?.([online]));
          return { message: online, duplicate: false };
        }
        const [saved] = await storeMessages(tx, conversationID, [message], at);
        tx.afterCommit(() => onMessages?.([saved!]));
        return { message: saved!, duplicate: false };
      },
    });
  }

  const sameMessage = (a: MessageRecord, b: OutgoingMessage) =>
    a.sendID === b.sendID && a.contentType === b.contentType && a.content === b.content;

  return {
    /**
     * Sends as `m.sendID` (the caller, or anyone when the caller is an app admin). A resend of a
     * stored clientMsgID answers the stored message and stores nothing.
     */
    async send(ctx: OpContext, m: OutgoingMessage): Promise<SentMessage> {
      if (m.sendID !== ctx.caller.userID && !ctx.caller.isAppAdmin)
        throw noPermission(`you may only send as yourself (${ctx.caller.userID}), not as ${m.sendID}`);
      checkMessageShape(m);
      if (!m.clientMsgID) throw args('clientMsgID is empty');
      try {
        return await sendOnce(m);
      } catch (err) {
        // The same clientMsgID raced in through another request: that one is stored now.
        if (store.isUniqueViolation(err)) return sendOnce(m);
        throw err;
      }
    },

    /** The user's conversations with their numbering (1006 and get_conversations_has_read_and_max_seq). */
    async hasReadAndMaxSeqs(ctx: OpContext, userID: string, conversationIDs: readonly string[]) {
      requireSelf(ctx, userID);
      const rows = conversationIDs.length
        ? await store.repos.conversations.find(userID, conversationIDs)
        : (await store.repos.conversations.ofOwner(userID)).items;
      const seqs = await seqsOf(rows.map((r) => r.conversationID));
      return rows.map((r) => {
        const s = readable(r, seqs.get(r.conversationID));
        return {
          conversationID: r.conversationID,
          maxSeq: s.maxSeq,
          hasReadSeq: r.hasReadSeq,
          maxSeqTime: s.maxSeqTime,
        };
      });
    },

    /**
     * The newest and oldest readable seq of each of the user's conversations, their notification
     * twins and the user's own notification conversation; conversations without messages left out.
     */
    async newestSeqs(ctx: OpContext, userID: string) {
      requireSelf(ctx, userID);
      const rows = [
        ...(await store.repos.conversations.ofOwner(userID)).items,
        ...(await store.repos.conversations.notificationsOf(userID)),
      ];
      const self = `n_${userID}_${userID}`;
      const seqs = await seqsOf([...rows.map((r) => r.conversationID), self]);
      const maxSeqs: Record<string, number> = {};
      const minSeqs: Record<string, number> = {};
      for (const r of rows) {
        const s = readable(r, seqs.get(r.conversationID));
        if (s.maxSeq > 0) {
          maxSeqs[r.conversationID] = s.maxSeq;
          minSeqs[r.conversationID] = s.minSeq;
        }
      }
      const own = seqs.get(self);
      if (own) {
        maxSeqs[self] = own.maxSeq;
        minSeqs[self] = own.minSeq;
      }
      return { maxSeqs, minSeqs };
    },

    /**
     * Messages by range (1002, pull_msg_by_seq): per range, clamped to what the user may read, the
     * newest `num`. Conversations the user does not have are left out, as on OpenIM.
     */
    async pullByRanges(ctx: OpContext, userID: string, ranges: readonly SeqRange[], descending: boolean) {
      requireSelf(ctx, userID);
      const out = new Map<string, PulledMessages>();
      for (const range of ranges) {
        const bounds = await boundsOf(userID, range.conversationID);
        if (!bounds) continue;
        const begin = Math.max(range.begin, bounds.minSeq);
        const end = Math.min(range.end, bounds.maxSeq);
        if (end < begin) {
          out.set(range.conversationID, { messages: [], isEnd: true, endSeq: bounds.maxSeq });
          continue;
        }
        const num = Math.min(range.num > 0 ? range.num : MAX_PULL, MAX_PULL);
        const from = Math.max(begin, end - num + 1);
        const messages = await store.repos.messages.range(range.conversationID, from, end);
        if (descending) messages.reverse();
        out.set(range.conversationID, {
          messages,
          isEnd: descending ? from <= bounds.minSeq : end >= bounds.maxSeq,
          endSeq: bounds.maxSeq,
        });
      }
      return out;
    },

    /**
     * Exactly the asked seqs (1005): a seq that is not readable comes back as a placeholder with
     * status "deleted", which clients skip; seq 0 is tolerated (the JS SDK asks for it).
     */
    async pullBySeqs(ctx: OpContext, userID: string, wanted: readonly { conversationID: string; seqs: number[] }[]) {
      requireSelf(ctx, userID);
      const out = new Map<string, MessageRecord[]>();
      for (const { conversationID, seqs } of wanted) {
        if (seqs.length > MAX_PULL) throw args(`at most ${MAX_PULL} seqs per conversation`);
        const bounds = await boundsOf(userID, conversationID);
        if (!bounds) continue;
        const allowed = seqs.filter((s) => s >= bounds.minSeq && s <= bounds.maxSeq);
        const found = new Map((await store.repos.messages.bySeqs(conversationID, allowed)).map((m) => [m.seq, m]));
        out.set(
          conversationID,
          seqs.filter((s) => s > 0).map((seq) => found.get(seq) ?? placeholder(conversationID, seq)),
        );
      }
      return out;
    },

    /** Moves the user's read mark (never back); the seq must exist. */
    async markAsRead(ctx: OpContext, userID: string, conversationID: string, hasReadSeq: number) {
      requireSelf(ctx, userID);
      const row = await store.repos.conversations.get(userID, conversationID);
      if (!row) throw notFound(`conversation ${conversationID} of ${userID} not found`);
      const [seqs] = await store.repos.messages.seqs([conversationID]);
      const max = readable(row, seqs).maxSeq;
      if (hasReadSeq > max) throw args(`hasReadSeq ${hasReadSeq} is past the newest message (${max})`);
      await store.repos.conversations.markRead(userID, conversationID, hasReadSeq);
    },
  };

  async function seqsOf(ids: readonly string[]) {
    return new Map((await store.repos.messages.seqs(ids)).map((s) => [s.conversationID, s]));
  }

  /**
   * The seqs `userID` may read in a conversation, if any: its own row's bounds (a notification
   * conversation numbers its own seqs, so it has its own row), or all of the user's own n_<u>_<u>.
   */
  async function boundsOf(userID: string, conversationID: string) {
    const [seqs] = await store.repos.messages.seqs([conversationID]);
    const row = await store.repos.conversations.get(userID, conversationID);
    if (!row && conversationID === `n_${userID}_${userID}`) return seqs && { minSeq: seqs.minSeq, maxSeq: seqs.maxSeq };
    if (!row) return undefined;
    const r = readable(row, seqs);
    return { minSeq: r.minSeq, maxSeq: r.maxSeq };
  }
}

function requireSelf(ctx: OpContext, userID: string) {
  if (userID !== ctx.caller.userID && !ctx.caller.isAppAdmin)
    throw noPermission(`you may only read your own conversations, not ${userID}'s`);
}

/** A conversation's numbering as one user may read it. */
export function readable(row: ConversationRecord, seqs: ConversationSeqs | undefined) {
  const maxSeq = seqs ? (row.maxSeq > 0 ? Math.min(row.maxSeq, seqs.maxSeq) : seqs.maxSeq) : 0;
  return {
    maxSeq,
    minSeq: Math.max(row.minSeq, seqs?.minSeq ?? 1),
    maxSeqTime: seqs && maxSeq === seqs.maxSeq ? seqs.maxSeqTime : 0,
  };
}

function placeholder(conversationID: string, seq: number): MessageRecord {
  return {
    conversationID,
    seq,
    serverMsgID: '',
    clientMsgID: '',
    sendID: '',
    recvID: '',
    groupID: '',
    sessionType: 0,
    msgFrom: 0,
    contentType: 0,
    content: '',
    senderPlatformID: 0,
    senderNickname: '',
    senderFaceURL: '',
    sendTime: 0,
    createTime: 0,
    status: MsgStatus.Deleted,
    options: {},
    offlinePushInfo: null,
    atUserIDList: [],
    attachedInfo: '',
    ex: '',
  };
}
