// The answers of the /conversation and /jssdk routes, as OpenIM renders them over REST.

import { GroupInfo, view } from '@huddle/protocol';
import { ConversationInfo } from '../domain/conversation-info.js';
import { UserInfo } from '../domain/views.js';
import { MsgData } from './message-views.js';

const ids = view.array(view.string());

export const IncrementalConversations = view.object({
  version: view.integer("the user's conversation log version to send next time"),
  versionID: view.string('the log it belongs to; another one answers full'),
  full: view.boolean('the client was on another log or version 0: insert lists every conversation'),
  delete: view.schemaView<string[]>({
    type: 'array',
    maxItems: 0,
    description: "conversation IDs gone since the version: none yet, huddle never removes a user's conversation",
  }),
  insert: view.array(ConversationInfo),
  update: view.array(ConversationInfo),
  sortVersion: view.integer('always 0'),
});

export const FullConversationIDs = view.object({
  version: view.integer(),
  versionID: view.string(),
  equal: view.boolean('the idHash sent matches: conversationIDs is null'),
  conversationIDs: view.nullable(ids, 'in conversation-ID order (the order the idHash is taken in); null when equal'),
});

export const OwnerConversations = view.paged('conversations', ConversationInfo);

export const Conversations = view.object({ conversations: view.array(ConversationInfo) });

export const ConversationIDs = view.object({ conversationIDs: ids });

const ConversationMsg = view.object(
  {
    conversation: ConversationInfo,
    lastMsg: MsgData,
    user: view.nullable(UserInfo, 'the peer of a one-to-one conversation'),
    friend: view.schemaView<null>({ type: 'null', description: 'always null: huddle has no friends' }),
    group: view.nullable(GroupInfo),
    maxSeq: view.integer('the last seq the user may read'),
    readSeq: view.integer("the user's read mark"),
  },
  'ConversationMsg',
);

export const ConversationMsgs = view.object({
  unreadCount: view.integer('maxSeq − readSeq summed over the conversations (never negative each)'),
  conversations: view.array(ConversationMsg),
});
