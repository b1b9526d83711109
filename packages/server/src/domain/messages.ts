// Messages: sending (one operation for REST and the WebSocket gateway), reading by seq, and read
// marks. Who may read what comes from the user's conversation row: a group's members from the
// group's first message (or from when they joined), both users of a one-to-one conversation.

import { randomBytes } from 'node:crypto';
import { ApiError, args, noPermission, notFound } from '../errors.js';
import type { ConversationRecord, ConversationSeqs, MessageRecord, NewMessage } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import type { MessageEvent } from '@huddle/protocol';
import { ask, broken } from './callbacks.js';
import { Role, GroupStatus, type DomainDeps, type GroupFacts, type OpContext } from './context.js';
import { ContentType, groupConversationID, MsgStatus, SessionType, singleConversationID } from './conversation-ids.js';
import { storeMessages } from './conversation-store.js';
import { loadGroup, requireLive } from './guards.js';
import { checkMessageShape, isStored } from './message-rules.js';
import { done, runOperation } from './operation.js';

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
  /** A before-callback changed the message: `message` is as it changed it. */
  modified: boolean;
}

/** A message about to be stored: what the before-callbacks are asked about and may change. */
type Draft = NewMessage;

type MessageBeforeKey = 'beforeSendGroupMsg' | 'beforeSendSingleMsg' | 'beforeMsgModify';

interface SendFacts {
  conversationID: string;
  /** Stored already under its clientMsgID (a resend). */
  stored: MessageRecord | undefined;
  /** The message's group, for Tencent's bodies (none for a one-to-one message). */
  groups: GroupFacts[];
}

/** The message as its callbacks report it: `seq` 0 until it is stored. */
function messageEvent(ctx: OpContext, m: Draft, seq: number): MessageEvent {
  return {
    operationID: ctx.operationID,
    sendID: m.sendID,
    recvID: m.recvID,
    groupID: m.groupID,
    serverMsgID: m.serverMsgID,
    clientMsgID: m.clientMsgID,
    senderPlatformID: m.senderPlatformID,
    senderNickname: m.senderNickname,
    senderFaceURL: m.senderFaceURL,
    sessionType: m.sessionType,
    msgFrom: m.msgFrom,
    contentType: m.contentType,
    status: m.status,
    sendTime: m.sendTime,
    createTime: m.createTime,
    content: m.content,
    seq,
    atUserIDList: m.atUserIDList,
    ex: m.ex,
    onlineOnly: !isStored(m.contentType, m.options),
  };
}

/** Why an answer may not apply: it would send the message elsewhere, or make it another type. */
function rerouted(answer: Record<string, unknown>, m: Draft): string | undefined {
  for (const field of ['recvID', 'groupID', 'sessionType', 'contentType'] as const)
    if (answer[field] !== undefined && answer[field] !== m[field])
      return `${field} cannot change (${JSON.stringify(m[field])} to ${JSON.stringify(answer[field])}): a message is not re-routed`;
  return undefined;
}

/** Whether the before-callbacks changed a message (the fields they may change). */
const changed = (a: Draft, b: Draft) =>
  a.content !== b.content || a.ex !== b.ex || JSON.stringify(a.atUserIDList) !== JSON.stringify(b.atUserIDList);

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

export function messageService({ store, now, onMessages, hooks }: DomainDeps) {
  /** Who may send, checked before and again in the storing transaction; the conversation and its group. */
  async function checkSender(tx: Repos, m: OutgoingMessage): Promise<{ conversationID: string; groups: GroupFacts[] }> {
    const [sender] = await tx.users.find([m.sendID]);
    if (!sender) throw notFound(`user ${m.sendID} not found`);
    if (m.sessionType === SessionType.Single) {
      const [recv] = await tx.users.find([m.recvID]);
      if (!recv) throw notFound(`user ${m.recvID} not found`);
      return { conversationID: singleConversationID(m.sendID, m.recvID), groups: [] };
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
    return { conversationID: groupConversationID(m.groupID), groups: [group] };
  }

  const sameMessage = (a: MessageRecord, b: OutgoingMessage) =>
    a.sendID === b.sendID && a.contentType === b.contentType && a.content === b.content;

  /** Asks one before-hook about the message; returns it as the answer leaves it. */
  async function askAbout(ctx: OpContext, key: MessageBeforeKey, message: Draft, facts: SendFacts): Promise<Draft> {
    const event = messageEvent(ctx, message, 0);
    if (!hooks.enabled(key, event)) return message;
    return ask(hooks, ctx, key, event, message, {
      groups: facts.groups,
      refuse: (answer, before, after) => rerouted(answer, before) ?? broken(() => checkMessageShape(after)),
    });
  }

  /** The after-callbacks of a sent message, in its transaction: after-send, and afterMsgSaveDB once stored. */
  async function reportSent(tx: Repos, ctx: OpContext, message: MessageRecord, facts: SendFacts) {
    if (message.contentType === ContentType.Typing) return;
    const event = messageEvent(ctx, message, message.seq);
    if (message.sessionType === SessionType.Group)
      await hooks.after(tx, ctx, 'afterSendGroupMsg', [event], facts.groups);
    else if (hooks.enabled('afterSendSingleMsg', { ...event, recvUnread: 0 })) {
      const [row] = await tx.conversations.find(message.recvID, [facts.conversationID]);
      const recvUnread = message.seq > 0 && row ? Math.max(0, message.seq - row.hasReadSeq) : 0;
      await hooks.after(tx, ctx, 'afterSendSingleMsg', [{ ...event, recvUnread }]);
    }
    if (message.seq > 0) await hooks.after(tx, ctx, 'afterMsgSaveDB', [event], facts.groups);
  }

  return {
    /**
     * Sends as `m.sendID` (the caller, or anyone when the caller is an app admin). A resend of a
     * stored clientMsgID answers the stored message and stores nothing. The before-callbacks may
     * refuse it (nothing is stored) or change its content, `ex` and `atUserIDList`; what is stored,
     * pushed and called back after is the message as they left it.
     */
    async send(ctx: OpContext, m: OutgoingMessage): Promise<SentMessage> {
      if (m.sendID !== ctx.caller.userID && !ctx.caller.isAppAdmin)
        throw noPermission(`you may only send as yourself (${ctx.caller.userID}), not as ${m.sendID}`);
      checkMessageShape(m);
      if (!m.clientMsgID) throw args('clientMsgID is empty');
      const draft: Draft = {
        ...m,
        serverMsgID: newServerMsgID(),
        status: MsgStatus.Sent,
        sendTime: m.sendTime || now(),
      };
      const beforeKey: MessageBeforeKey =
        m.sessionType === SessionType.Group ? 'beforeSendGroupMsg' : 'beforeSendSingleMsg';
      // Typing indicators are never called back (OpenIM's rule).
      const probe = messageEvent(ctx, draft, 0);
      const asks =
        m.contentType !== ContentType.Typing &&
        (hooks.enabled(beforeKey, probe) || hooks.enabled('beforeMsgModify', probe));
      const once = () =>
        runOperation(store, {
          what: `message ${m.clientMsgID}`,
          asks,
          async check(tx): Promise<SendFacts> {
            const { conversationID, groups } = await checkSender(tx, m);
            const stored = await tx.messages.byClientMsgID(conversationID, m.clientMsgID);
            if (stored && !sameMessage(stored, m))
              throw args(`clientMsgID ${m.clientMsgID} was already used for another message in ${conversationID}`);
            return { conversationID, stored, groups };
          },
          async decide(facts) {
            if (facts.stored) return done({ message: facts.stored, duplicate: true, modified: false });
            const asked = await askAbout(ctx, beforeKey, draft, facts);
            return askAbout(ctx, 'beforeMsgModify', asked, facts);
          },
          async write(tx, facts, decided) {
            const { conversationID, stored } = facts;
            if (stored) return { message: stored, duplicate: true, modified: false };
            const message = decided ?? draft;
            const modified = decided !== undefined && changed(draft, decided);
            if (!isStored(message.contentType, message.options)) {
              const online = { ...message, conversationID, seq: 0 };
              await reportSent(tx, ctx, online, facts);
              tx.afterCommit(() => onMessages?.([online], ctx.operationID));
              return { message: online, duplicate: false, modified };
            }
            const [saved] = await storeMessages(tx, conversationID, [message], now());
            await reportSent(tx, ctx, saved!, facts);
            tx.afterCommit(() => onMessages?.([saved!], ctx.operationID));
            return { message: saved!, duplicate: false, modified };
          },
        });
      try {
        return await once();
      } catch (err) {
        // The same clientMsgID raced in through another request: that one is stored now, asked about
        // and called back by it; this one finds it and answers it.
        if (store.isUniqueViolation(err)) return once();
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
     * status "deleted", which clients skip; seq 0 is tolerated (the JS SDK asks for it). isEnd when
     * a seq reaches past the readable ones in the pull's direction, endSeq then the bound it passed.
     */
    async pullBySeqs(
      ctx: OpContext,
      userID: string,
      wanted: readonly { conversationID: string; seqs: readonly number[] }[],
      descending = false,
    ) {
      requireSelf(ctx, userID);
      const out = new Map<string, PulledMessages>();
      for (const { conversationID, seqs } of wanted) {
        if (seqs.length > MAX_PULL) throw args(`at most ${MAX_PULL} seqs per conversation`);
        const bounds = await boundsOf(userID, conversationID);
        if (!bounds) continue;
        const allowed = seqs.filter((s) => s >= bounds.minSeq && s <= bounds.maxSeq);
        const found = new Map((await store.repos.messages.bySeqs(conversationID, allowed)).map((m) => [m.seq, m]));
        const isEnd = descending ? seqs.some((s) => s < bounds.minSeq) : seqs.some((s) => s > bounds.maxSeq);
        out.set(conversationID, {
          messages: seqs.filter((s) => s > 0).map((seq) => found.get(seq) ?? placeholder(conversationID, seq)),
          isEnd,
          endSeq: isEnd ? (descending ? bounds.minSeq : bounds.maxSeq) : 0,
        });
      }
      return out;
    },

    /** The newest message the user may read in each listed conversation (1007); those without one left out. */
    async lastMessages(ctx: OpContext, userID: string, conversationIDs: readonly string[]) {
      requireSelf(ctx, userID);
      const out = new Map<string, MessageRecord>();
      for (const conversationID of new Set(conversationIDs)) {
        const bounds = await boundsOf(userID, conversationID);
        if (!bounds || bounds.maxSeq < bounds.minSeq) continue;
        const [last] = await store.repos.messages.bySeqs(conversationID, [bounds.maxSeq]);
        if (last) out.set(conversationID, last);
      }
      return out;
    },

    /**
     * Moves the user's read mark (never back); the seq must exist. When it moved, the read
     * after-callback is written in the same transaction.
     */
    async markAsRead(ctx: OpContext, userID: string, conversationID: string, hasReadSeq: number, seqs: number[] = []) {
      requireSelf(ctx, userID);
      await runOperation(store, {
        asks: false,
        async check(tx) {
          const row = await tx.conversations.get(userID, conversationID);
          if (!row) throw notFound(`conversation ${conversationID} of ${userID} not found`);
          const [numbering] = await tx.messages.seqs([conversationID]);
          const max = readable(row, numbering).maxSeq;
          if (hasReadSeq > max) throw args(`hasReadSeq ${hasReadSeq} is past the newest message (${max})`);
          return row;
        },
        async write(tx, row) {
          if (!(await tx.conversations.markRead(userID, conversationID, hasReadSeq))) return;
          if (row.conversationType === SessionType.Group) {
            // OpenIM's fields: the reader twice, and the new hasReadSeq as unreadMsgNum.
            const event = {
              sendID: userID,
              receiveID: userID,
              unreadMsgNum: hasReadSeq,
              contentType: SessionType.Group,
            };
            await hooks.after(tx, ctx, 'afterGroupMsgRead', [event]);
          } else if (row.conversationType === SessionType.Single) {
            const event = { conversationID, userID, Seqs: seqs, contentType: SessionType.Single };
            await hooks.after(tx, ctx, 'afterSingleMsgRead', [event]);
          }
        },
      });
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
