// OpenIM's Conversation as huddle answers it (REST and protobuf alike), and who may read one.

import { view, type ViewType } from '@huddle/protocol';
import { noPermission } from '../errors.js';
import type { ConversationRecord, ConversationSeqs } from '../storage/records.js';
import type { OpContext } from './context.js';
import { readable } from './messages.js';

/** OpenIM's Conversation: every key present, in its order. */
export const ConversationInfo = view.object(
  {
    ownerUserID: view.string(),
    conversationID: view.string(),
    recvMsgOpt: view.integer('0 receive and notify, 1 do not receive, 2 receive without notifying'),
    conversationType: view.integer('1 one-to-one, 3 group'),
    userID: view.string('the other user of a one-to-one conversation'),
    groupID: view.string(),
    isPinned: view.boolean(),
    attachedInfo: view.string(),
    isPrivateChat: view.boolean(),
    groupAtType: view.integer(),
    ex: view.string(),
    burnDuration: view.integer(),
    minSeq: view.integer('the first seq the user may read'),
    maxSeq: view.integer('the last seq the user may read; 0 before the first message'),
    msgDestructTime: view.integer('always 0: huddle keeps messages by its retention setting'),
    latestMsgDestructTime: view.integer('always 0'),
    isMsgDestruct: view.boolean('always false'),
  },
  'Conversation',
);
export type ConversationInfo = ViewType<typeof ConversationInfo>;

/** A row as the user sees it: the seqs it may read, no message destruction. */
export function conversationInfo(row: ConversationRecord, seqs: ConversationSeqs | undefined): ConversationInfo {
  const { minSeq, maxSeq } = readable(row, seqs);
  return view.pick(ConversationInfo, row, {
    minSeq,
    maxSeq,
    msgDestructTime: 0,
    latestMsgDestructTime: 0,
    isMsgDestruct: false,
  });
}

export function requireOwner(ctx: OpContext, userID: string) {
  if (userID !== ctx.caller.userID && !ctx.caller.isAppAdmin)
    throw noPermission(`you may only read your own conversations, not ${userID}'s`);
}
