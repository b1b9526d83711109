// OpenIM's /conversation routes: settings, and the lists and deltas the SDKs sync with.

import {
  arr,
  int,
  int64,
  LIMITS,
  obj,
  optBool,
  optInt,
  optStr,
  pagination,
  type Schema,
  SchemaError,
  str,
  userID,
} from '@huddle/protocol';
import type { Services } from '../../domain/index.js';
import {
  ConversationIDs,
  Conversations,
  FullConversationIDs,
  IncrementalConversations,
  OwnerConversations,
} from '../conversation-views.js';
import { NO_DATA } from '../responses.js';
import { route } from '../route.js';

const conversationID = () => str({ max: 2 * LIMITS.id + 3, required: true });

/** OpenIM's uint64 idHash: any non-negative integer, kept at the 53 bits a JSON number has. */
const idHash = (): Schema<number> => ({
  parse(value, path) {
    if (value == null) return 0;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      throw new SchemaError(`${path} must be a non-negative integer`);
    return value;
  },
  jsonSchema: () => ({ type: 'integer', minimum: 0, description: 'uint64; 0 when the client has no list' }),
});

export const conversationRoutes = ({ conversations }: Services) => [
  route({
    path: '/conversation/set_conversations',
    body: obj({
      userIDs: arr(userID(), { max: LIMITS.list, nonEmpty: true }),
      conversation: obj({
        conversationID: conversationID(),
        conversationType: int({ min: 1 }),
        userID: str({ max: LIMITS.id }),
        groupID: str({ max: LIMITS.id }),
        recvMsgOpt: optInt({ min: 0, max: 2 }),
        isPinned: optBool(),
        attachedInfo: optStr({ max: LIMITS.ex }),
        isPrivateChat: optBool(),
        ex: optStr({ max: LIMITS.ex }),
        burnDuration: optInt({ min: 0 }),
        groupAtType: optInt({ min: 0 }),
      }),
    }),
    response: NO_DATA,
    handle: async (ctx, { userIDs, conversation: c }) => {
      const { conversationID, conversationType, userID: peer, groupID, ...patch } = c;
      await conversations.set(ctx, userIDs, { conversationID, conversationType, userID: peer, groupID, patch });
    },
  }),
  route({
    path: '/conversation/get_incremental_conversations',
    body: obj({ userID: userID(), version: int64({ min: 0 }), versionID: str({ max: LIMITS.id }) }),
    response: IncrementalConversations,
    handle: async (ctx, b) => {
      const d = await conversations.incremental(ctx, b.userID, b.version, b.versionID);
      return {
        version: d.version,
        versionID: d.versionID,
        full: d.full,
        delete: d.deleted,
        insert: d.inserted,
        update: d.updated,
        sortVersion: 0,
      };
    },
  }),
  route({
    path: '/conversation/get_full_conversation_ids',
    body: obj({ userID: userID(), idHash: idHash() }),
    response: FullConversationIDs,
    handle: (ctx, b) => conversations.fullIDs(ctx, b.userID, b.idHash),
  }),
  route({
    path: '/conversation/get_owner_conversation',
    body: obj({ userID: userID(), pagination: pagination() }),
    response: OwnerConversations,
    handle: (ctx, b) => conversations.page(ctx, b.userID, b.pagination),
  }),
  route({
    path: '/conversation/get_conversations',
    body: obj({ ownerUserID: userID(), conversationIDs: arr(conversationID(), { max: LIMITS.list }) }),
    response: Conversations,
    handle: async (ctx, b) => ({ conversations: await conversations.find(ctx, b.ownerUserID, b.conversationIDs) }),
  }),
  route({
    path: '/conversation/get_all_conversations',
    body: obj({ ownerUserID: userID() }),
    response: Conversations,
    handle: async (ctx, b) => ({ conversations: await conversations.all(ctx, b.ownerUserID) }),
  }),
  route({
    path: '/conversation/get_not_notify_conversation_ids',
    body: obj({ userID: userID() }),
    response: ConversationIDs,
    handle: async (ctx, b) => ({ conversationIDs: await conversations.notNotifyIDs(ctx, b.userID) }),
  }),
  route({
    path: '/conversation/get_pinned_conversation_ids',
    body: obj({ userID: userID() }),
    response: ConversationIDs,
    handle: async (ctx, b) => ({ conversationIDs: await conversations.pinnedIDs(ctx, b.userID) }),
  }),
];
