// A user's conversations: their settings (pinned, do-not-disturb, ex …), set by the user or an app
// admin, and the reads OpenIM's SDKs sync them with (lists, IDs, deltas from the user's log).

import { args, noPermission } from '../errors.js';
import type { ConversationRecord, Page } from '../storage/records.js';
import type { ConversationPatch } from '../storage/store.js';
import { activeConversationReads } from './active-conversations.js';
import { SessionType } from './conversation-ids.js';
import { type ConversationInfo, conversationInfo, requireOwner } from './conversation-info.js';
import { conversationRow, recordConversations } from './conversation-store.js';
import type { DomainDeps, OpContext } from './context.js';
import { UNWRITTEN_LOG } from './group-sync.js';
import { sameIdHash } from './id-hash.js';

export interface ConversationSettings {
  conversationID: string;
  conversationType: number;
  userID: string;
  groupID: string;
  patch: Pick<
    ConversationPatch,
    'recvMsgOpt' | 'isPinned' | 'attachedInfo' | 'isPrivateChat' | 'ex' | 'burnDuration' | 'groupAtType'
  >;
}

/** What get_incremental_conversations answers (OpenIM's incrversion semantics). */
export interface ConversationDelta {
  version: number;
  versionID: string;
  full: boolean;
  deleted: string[];
  inserted: ConversationInfo[];
  updated: ConversationInfo[];
}

export function conversationService(deps: DomainDeps) {
  const { store, now } = deps;
  const repos = store.repos;

  async function infos(rows: readonly ConversationRecord[]) {
    const seqs = new Map(
      (await repos.messages.seqs(rows.map((r) => r.conversationID))).map((s) => [s.conversationID, s]),
    );
    return rows.map((r) => conversationInfo(r, seqs.get(r.conversationID)));
  }

  /** Every conversation of the user, in conversation-ID order. */
  const allOf = async (userID: string) => (await repos.conversations.ofOwner(userID)).items;

  /** The log's head; a user whose conversations never changed has none yet (UNWRITTEN_LOG). */
  const headOf = async (userID: string) => (await repos.syncLog.head('conversations', userID)) ?? UNWRITTEN_LOG;

  return {
    /** set_conversations: the same settings on each user's row (created when missing). */
    async set(ctx: OpContext, userIDs: readonly string[], c: ConversationSettings) {
      if (!ctx.caller.isAppAdmin && userIDs.some((u) => u !== ctx.caller.userID))
        throw noPermission('you may only change your own conversations');
      const expected =
        c.conversationType === SessionType.Group
          ? `sg_${c.groupID}`
          : c.conversationType === SessionType.Single
            ? null
            : undefined;
      if (expected === undefined) throw args(`conversationType ${c.conversationType} is not 1 or 3`);
      if (expected !== null && c.conversationID !== expected)
        throw args(`conversationID of group ${c.groupID} is ${expected}, not ${c.conversationID}`);
      if (c.conversationType === SessionType.Single && !c.conversationID.startsWith('si_'))
        throw args(`a one-to-one conversationID starts with si_, not ${c.conversationID}`);
      await store.tx(async (tx) => {
        const inserted = await tx.conversations.insertMissing(
          userIDs.map((u) =>
            conversationRow(u, c.conversationID, {
              conversationType: c.conversationType,
              userID: c.userID,
              groupID: c.groupID,
              createTime: now(),
            }),
          ),
        );
        await tx.conversations.updateOwners(c.conversationID, userIDs, c.patch);
        const created = new Set(inserted);
        await recordConversations(tx, c.conversationID, {
          insert: inserted,
          update: [...new Set(userIDs)].filter((u) => !created.has(u)),
        });
      });
    },

    /** The user's pinned conversations. */
    async pinnedIDs(ctx: OpContext, userID: string) {
      requireOwner(ctx, userID);
      return (await allOf(userID)).filter((r) => r.isPinned).map((r) => r.conversationID);
    },

    /** Those the user receives without being notified (recvMsgOpt other than 0). */
    async notNotifyIDs(ctx: OpContext, userID: string) {
      requireOwner(ctx, userID);
      return (await allOf(userID)).filter((r) => r.recvMsgOpt !== 0).map((r) => r.conversationID);
    },

    /** One page of the user's conversations, in conversation-ID order. */
    async page(ctx: OpContext, userID: string, page: Page) {
      requireOwner(ctx, userID);
      const { total, items } = await repos.conversations.ofOwner(userID, page);
      return { total, conversations: await infos(items) };
    },

    /** All of the user's conversations, in conversation-ID order (the Go SDK's full resync). */
    async all(ctx: OpContext, userID: string) {
      requireOwner(ctx, userID);
      return infos(await allOf(userID));
    },

    /** The listed conversations the user has (others left out). */
    async find(ctx: OpContext, userID: string, conversationIDs: readonly string[]) {
      requireOwner(ctx, userID);
      return infos(await repos.conversations.find(userID, conversationIDs));
    },

    /**
     * The user's conversation IDs in conversation-ID order (the order the idHash is taken in; the
     * SDKs never hash a list of their own, they only send 0), or `equal` and none when the client's
     * hash matches.
     */
    async fullIDs(ctx: OpContext, userID: string, clientHash: number) {
      requireOwner(ctx, userID);
      const head = await headOf(userID);
      const ids = (await allOf(userID)).map((r) => r.conversationID);
      const equal = sameIdHash(ids, clientHash);
      return { ...head, equal, conversationIDs: equal ? null : ids };
    },

    /**
     * What changed since the client's version of the user's log. A client on another log (or on
     * none, version 0) gets `full` with every conversation as inserted: the JS SDK never refetches
     * on `full`, it only announces what the answer lists.
     */
    async incremental(ctx: OpContext, userID: string, version: number, versionID: string): Promise<ConversationDelta> {
      requireOwner(ctx, userID);
      const delta = version > 0 ? await repos.syncLog.since('conversations', userID, version) : undefined;
      if (!delta || delta.versionID !== versionID || version > delta.version) {
        // The head before the list: a change in between comes again next time, never goes missing.
        const head = await headOf(userID);
        const inserted = await infos(await allOf(userID));
        return { ...head, full: true, deleted: [], inserted, updated: [] };
      }
      const rows = await repos.conversations.find(userID, [...delta.inserted, ...delta.updated]);
      const all = await infos(rows);
      const inserted = new Set(delta.inserted);
      return {
        version: delta.version,
        versionID: delta.versionID,
        full: false,
        deleted: delta.deleted,
        inserted: all.filter((c) => inserted.has(c.conversationID)),
        updated: all.filter((c) => !inserted.has(c.conversationID)),
      };
    },

    ...activeConversationReads(deps),
  };
}
