// A user's conversation settings (pinned, do-not-disturb, ex …), set by the user or an app admin.

import { args, noPermission } from '../errors.js';
import type { ConversationPatch } from '../storage/store.js';
import { SessionType } from './conversation-ids.js';
import { conversationRow } from './conversation-store.js';
import type { DomainDeps, OpContext } from './context.js';

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

export function conversationService({ store, now }: DomainDeps) {
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
        await tx.conversations.insertMissing(
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
      });
    },

    /** The user's pinned conversations. */
    async pinnedIDs(ctx: OpContext, userID: string) {
      if (userID !== ctx.caller.userID && !ctx.caller.isAppAdmin)
        throw noPermission(`you may only read your own conversations, not ${userID}'s`);
      const rows = (await store.repos.conversations.ofOwner(userID)).items;
      return rows.filter((r) => r.isPinned).map((r) => r.conversationID);
    },
  };
}
