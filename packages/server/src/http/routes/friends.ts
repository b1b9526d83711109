// OpenIM's friend reads that the SDKs make at every login; huddle has no friends, so they answer
// empty (domain/friends.ts).

import { idList, obj, pagination, userID } from '@huddle/protocol';
import type { Services } from '../../domain/index.js';
import { BlackPage, DesignatedFriends, FriendIDs, FriendPage, FriendsDelta } from '../responses.js';
import { route } from '../route.js';
import { clientVersion, idHash } from './group-sync.js';

export const friendRoutes = ({ friends }: Services) => [
  route({
    path: '/friend/get_incremental_friends',
    body: obj({ userID: userID(), ...clientVersion() }),
    response: FriendsDelta,
    handle: async (ctx, { userID: id, ...client }) => friends.incremental(ctx, id, client),
  }),
  route({
    path: '/friend/get_full_friend_user_ids',
    body: obj({ idHash: idHash(), userID: userID() }),
    response: FriendIDs,
    handle: async (ctx, body) => friends.fullUserIDs(ctx, body.userID, body.idHash),
  }),
  route({
    path: '/friend/get_friend_list',
    body: obj({ userID: userID(), pagination: pagination() }),
    response: FriendPage,
    handle: async (ctx, body) => friends.friendList(ctx, body.userID),
  }),
  route({
    path: '/friend/get_designated_friends',
    body: obj({ ownerUserID: userID(), friendUserIDs: idList() }),
    response: DesignatedFriends,
    handle: async (ctx, body) => friends.designated(ctx, body.ownerUserID),
  }),
  route({
    path: '/friend/get_black_list',
    body: obj({ userID: userID(), pagination: pagination() }),
    response: BlackPage,
    handle: async (ctx, body) => friends.blackList(ctx, body.userID),
  }),
];
