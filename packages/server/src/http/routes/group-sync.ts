// OpenIM's version sync of groups (the SDKs' login and notification-driven syncs).

import { arr, groupID, int64, LIMITS, obj, SchemaError, str, userID, type Schema } from '@huddle/protocol';
import type { Services } from '../../domain/index.js';
import { JoinGroupsDelta, MembersDelta } from '../../domain/views.js';
import { fullIDs, MembersDeltas } from '../responses.js';
import { route } from '../route.js';

/**
 * OpenIM's uint64 idHash. JSON brings it as a double, its top 53 bits, so it may lie past the safe
 * integers; the server compares at that precision.
 */
export const idHash = (): Schema<number> => ({
  parse(value, path) {
    if (value == null) return 0;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** 64)
      throw new SchemaError(`${path} must be a uint64, got ${JSON.stringify(value)}`);
    return value;
  },
  jsonSchema: () => ({ type: 'integer', minimum: 0, maximum: 2 ** 64 - 1, description: 'uint64 hash of the IDs held' }),
});

/** The version a client holds (0 and "" when it has none). */
export const clientVersion = () => ({ version: int64({ min: 0 }), versionID: str({ max: LIMITS.id }) });

export const groupSyncRoutes = ({ groupSync }: Services) => [
  route({
    path: '/group/get_incremental_join_groups',
    body: obj({ userID: userID(), ...clientVersion() }),
    response: JoinGroupsDelta,
    handle: (ctx, { userID: id, ...client }) => groupSync.joinGroupsDelta(ctx, id, client),
  }),
  route({
    path: '/group/get_incremental_group_members',
    body: obj({ groupID: groupID(), ...clientVersion() }),
    response: MembersDelta,
    handle: (ctx, { groupID: id, ...client }) => groupSync.memberDelta(ctx, id, client),
  }),
  route({
    path: '/group/get_incremental_group_members_batch',
    body: obj({
      userID: userID(),
      reqList: arr(obj({ groupID: groupID(), ...clientVersion() }), { max: LIMITS.list }),
    }),
    response: MembersDeltas,
    handle: (ctx, body) => groupSync.memberDeltas(ctx, body.userID, body.reqList),
  }),
  route({
    path: '/group/get_full_join_group_ids',
    body: obj({ idHash: idHash(), userID: userID() }),
    response: fullIDs('groupIDs'),
    handle: (ctx, body) => groupSync.joinGroupIDs(ctx, body.userID, body.idHash),
  }),
  route({
    path: '/group/get_full_group_member_user_ids',
    body: obj({ idHash: idHash(), groupID: groupID() }),
    response: fullIDs('userIDs'),
    handle: (ctx, body) => groupSync.memberUserIDs(ctx, body.groupID, body.idHash),
  }),
];
