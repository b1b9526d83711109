// Storing messages into conversations and keeping each user's view of them: who may read which
// seqs, and what they have read. Used in the write transactions of sends and of group changes.

import type { ConversationRecord, MessageRecord, NewMessage } from '../storage/records.js';
import type { Repos, SyncChange } from '../storage/store.js';
import { groupConversationID, SessionType } from './conversation-ids.js';

/** A conversation row with OpenIM's defaults (nothing read, everything readable, no settings). */
export const conversationRow = (
  ownerUserID: string,
  conversationID: string,
  over: Partial<ConversationRecord> & Pick<ConversationRecord, 'conversationType' | 'createTime'>,
): ConversationRecord => ({
  ownerUserID,
  conversationID,
  userID: '',
  groupID: '',
  recvMsgOpt: 0,
  isPinned: false,
  isPrivateChat: false,
  burnDuration: 0,
  groupAtType: 0,
  attachedInfo: '',
  ex: '',
  hasReadSeq: 0,
  minSeq: 1,
  maxSeq: 0,
  ...over,
});

/**
 * Numbers and stores messages of one conversation. The first message of a chat conversation gives
 * every member (group) or both users (one-to-one) their row; the sender has read what it sent.
 */
export async function storeMessages(
  tx: Repos,
  conversationID: string,
  messages: readonly NewMessage[],
  now: number,
): Promise<MessageRecord[]> {
  const { stored, first } = await tx.messages.append(conversationID, messages);
  const head = stored[0];
  if (!head) return stored;
  if (first && conversationID.startsWith('sg_')) {
    const members = await tx.members.userIDs(head.groupID);
    const inserted = await tx.conversations.insertMissing(
      members.map((u) =>
        conversationRow(u, conversationID, {
          conversationType: SessionType.Group,
          groupID: head.groupID,
          createTime: now,
        }),
      ),
    );
    await recordConversations(tx, conversationID, { insert: inserted });
  } else if (first && conversationID.startsWith('si_')) {
    const users = [...new Set([head.sendID, head.recvID])];
    const inserted = await tx.conversations.insertMissing(
      users.map((u) =>
        conversationRow(u, conversationID, {
          conversationType: SessionType.Single,
          userID: u === head.sendID ? head.recvID : head.sendID,
          createTime: now,
        }),
      ),
    );
    await recordConversations(tx, conversationID, { insert: inserted });
  }
  if (!conversationID.startsWith('n_')) {
    const bySender = new Map(stored.map((m) => [m.sendID, m.seq]));
    for (const [sender, seq] of bySender) await tx.conversations.markRead(sender, conversationID, seq);
  }
  return stored;
}

/**
 * Joiners read the group's conversation from its next message on: nothing before they joined
 * counts as unread or can be pulled. A user who left and comes back starts over the same way.
 */
export async function openGroupConversation(tx: Repos, groupID: string, userIDs: readonly string[], now: number) {
  if (userIDs.length === 0) return;
  const conversationID = groupConversationID(groupID);
  const [seqs] = await tx.messages.seqs([conversationID]);
  if (!seqs) return; // no message yet: the first one gives every member a row
  const bounds = { hasReadSeq: seqs.maxSeq, minSeq: seqs.maxSeq + 1, maxSeq: 0 };
  const inserted = new Set(
    await tx.conversations.insertMissing(
      userIDs.map((u) =>
        conversationRow(u, conversationID, {
          conversationType: SessionType.Group,
          groupID,
          createTime: now,
          ...bounds,
        }),
      ),
    ),
  );
  const returning = userIDs.filter((u) => !inserted.has(u));
  await tx.conversations.updateOwners(conversationID, returning, bounds);
  // The Conversation a client holds shows minSeq and maxSeq: new bounds are an update.
  await recordConversations(tx, conversationID, { insert: [...inserted], update: returning });
}

/**
 * Moves the owners' conversation logs (what get_incremental_conversations answers from): a row
 * created, or settings changed. Read marks are not conversation changes.
 */
export const recordConversations = (
  tx: Repos,
  conversationID: string,
  owners: Partial<Record<SyncChange, readonly string[]>>,
) =>
  tx.syncLog.record(
    'conversations',
    Object.entries(owners).flatMap(([change, ids]) =>
      ids.map((u) => ({ ownerID: u, elementID: conversationID, change: change as SyncChange })),
    ),
  );

/** Leavers keep reading what was sent while they were members, and nothing after. */
export async function closeGroupConversation(tx: Repos, groupID: string, userIDs: readonly string[]) {
  if (userIDs.length === 0) return;
  const conversationID = groupConversationID(groupID);
  const [seqs] = await tx.messages.seqs([conversationID]);
  if (!seqs) return;
  await tx.conversations.updateOwners(conversationID, userIDs, { maxSeq: seqs.maxSeq });
  await recordConversations(tx, conversationID, { update: userIDs });
}
