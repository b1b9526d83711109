// OpenIM's version sync of groups, answered from the sync logs every group operation writes: a
// user's joined groups and a group's members, as deltas since the client's version, and the full
// ID lists with their idHash.
//
// Lists are in joining order, oldest first. A client keeps the list a full answer gave and appends
// what later deltas insert (openim-sdk-core's VersionSynchronizer), so a list in joining order stays
// equal to ours, and the idHash of what it holds matches; no change reorders it (sortVersion 0).

import { LIMITS } from '@huddle/protocol';
import { noPermission } from '../errors.js';
import type { GroupView, SyncDelta, SyncKind } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import { GroupStatus, type Caller, type DomainDeps, type OpContext } from './context.js';
import { loadGroup, requireLive, requireMemberOrAdmin } from './guards.js';
import { sameIdHash } from './id-hash.js';
import { groupInfo, memberInfo, type JoinGroupsDelta, type MembersDelta } from './views.js';

/** What a client holds: the version and the name of the log it synced last (0 and "" for none). */
export interface ClientVersion {
  version: number;
  versionID: string;
}

/**
 * The head answered for a log nobody has written yet. OpenIM creates the log when it is read and
 * answers its new ID; the JS SDK takes a versionID of "" for "never synced" and then announces
 * nothing a later answer inserts, so a user's first group went unseen. Version 0 makes the next
 * answer full, with every item in insert.
 */
export const UNWRITTEN_LOG = { version: 0, versionID: '000000000000000000000000' } as const;

/** A batch answers no more groups once this many items are in it; the client asks again for the rest (as OpenIM). */
export const BATCH_ITEM_LIMIT = 500;

/**
 * A delta with more items answers full instead (OpenIM does past 200 changes): the client gets
 * every item either way, and no read binds more IDs than a list may hold.
 */
export const DELTA_ITEM_LIMIT = LIMITS.list;

type Plan = { version: number; versionID: string } & ({ full: true } | { full: false; delta: SyncDelta });

/**
 * How to answer a client (OpenIM's incrversion.Build): start over when it has no version, names
 * another log, or is ahead of it, or so much changed (or the log does not exist yet: a group older
 * than the logs); otherwise what changed since its version (nothing when it is current).
 */
async function plan(repos: Repos, kind: SyncKind, ownerID: string, client: ClientVersion): Promise<Plan> {
  const head = await repos.syncLog.head(kind, ownerID);
  if (!head) return { ...UNWRITTEN_LOG, full: true };
  if (client.version === 0 || client.versionID !== head.versionID || client.version > head.version)
    return { ...head, full: true };
  if (client.version === head.version)
    return { ...head, full: false, delta: { ...head, inserted: [], updated: [], deleted: [] } };
  // `since` answers with the log's version as it reads it, which may have moved on meanwhile.
  const delta = (await repos.syncLog.since(kind, ownerID, client.version))!;
  const { version, versionID, inserted, updated, deleted } = delta;
  if (inserted.length + updated.length + deleted.length > DELTA_ITEM_LIMIT) return { version, versionID, full: true };
  return { version, versionID, full: false, delta };
}

/** The user's groups, oldest membership first. */
async function joinedGroups(repos: Repos, userID: string): Promise<GroupView[]> {
  const { total } = await repos.groups.joinedBy(userID, { pageNumber: 1, showNumber: 0 });
  return (await repos.groups.joinedBy(userID, { pageNumber: 1, showNumber: total })).items.reverse();
}

/** Every member of the group, in joining order. */
export const allMembers = (repos: Repos, groupID: string) => repos.members.inJoinOrder(groupID);

/** Groups in the order of `ids`, those gone left out. */
async function groupsInOrder(repos: Repos, ids: readonly string[]): Promise<GroupView[]> {
  const byID = new Map((await repos.groups.find(ids)).map((g) => [g.groupID, g]));
  return ids.flatMap((id) => byID.get(id) ?? []);
}

/**
 * A member delta's lists are null when empty, as OpenIM's Go answers them: the JS SDK caches
 * `insert || update` as a non-empty list of members, and a reconnected client's empty delta broke
 * its sync.
 */
const orNull = <T>(list: T[]): T[] | null => (list.length > 0 ? list : null);

function requireSelfOrAdmin(caller: Caller, userID: string): void {
  if (userID !== caller.userID && !caller.isAppAdmin)
    throw noPermission(`you may only sync your own groups, not ${userID}'s`);
}

export function groupSyncService({ store }: DomainDeps) {
  /** One group's members since the client's version; the group must be live and the caller in it. */
  async function memberDelta(ctx: OpContext, groupID: string, client: ClientVersion): Promise<MembersDelta> {
    const repos = store.repos;
    const group = await loadGroup(repos, groupID);
    await requireMemberOrAdmin(repos, ctx.caller, groupID);
    requireLive(group);
    const p = await plan(repos, 'group_members', groupID, client);
    const answer = { version: p.version, versionID: p.versionID, full: p.full, sortVersion: 0 };
    if (p.full) {
      const insert = (await allMembers(repos, groupID)).map(memberInfo);
      return { ...answer, delete: null, insert: orNull(insert), update: null, group: groupInfo(group) };
    }
    const { inserted, updated, deleted } = p.delta;
    // Those who joined in one change have one join time; they keep the role order among them.
    const changed = (await repos.members.find(groupID, [...inserted, ...updated])).sort(
      (x, y) => x.joinTime - y.joinTime,
    );
    const pick = (ids: readonly string[]) => {
      const wanted = new Set(ids);
      return changed.filter((m) => wanted.has(m.userID)).map(memberInfo);
    };
    const anything = inserted.length + updated.length + deleted.length > 0;
    return {
      ...answer,
      delete: orNull([...deleted]),
      insert: orNull(pick(inserted)),
      update: orNull(pick(updated)),
      group: anything ? groupInfo(group) : null,
    };
  }

  return {
    /** get_incremental_join_groups */
    async joinGroupsDelta(ctx: OpContext, userID: string, client: ClientVersion): Promise<JoinGroupsDelta> {
      requireSelfOrAdmin(ctx.caller, userID);
      const repos = store.repos;
      const p = await plan(repos, 'join_groups', userID, client);
      const answer = { version: p.version, versionID: p.versionID, full: p.full, sortVersion: 0 };
      if (p.full)
        return { ...answer, delete: [], insert: (await joinedGroups(repos, userID)).map(groupInfo), update: [] };
      const { inserted, updated, deleted } = p.delta;
      return {
        ...answer,
        delete: deleted,
        insert: (await groupsInOrder(repos, inserted)).map(groupInfo),
        update: (await groupsInOrder(repos, updated)).map(groupInfo),
      };
    },

    /** get_incremental_group_members */
    memberDelta,

    /**
     * get_incremental_group_members_batch: each group once; dismissed groups left out (as OpenIM);
     * stops after the group that brings the items past BATCH_ITEM_LIMIT.
     */
    async memberDeltas(ctx: OpContext, userID: string, requests: readonly ({ groupID: string } & ClientVersion)[]) {
      requireSelfOrAdmin(ctx.caller, userID);
      const respList: Record<string, MembersDelta> = {};
      let items = 0;
      for (const r of requests) {
        if (r.groupID in respList) continue;
        if ((await loadGroup(store.repos, r.groupID)).status === GroupStatus.Dismissed) continue;
        const delta = await memberDelta(ctx, r.groupID, r);
        respList[r.groupID] = delta;
        items += (delta.insert?.length ?? 0) + (delta.update?.length ?? 0) + (delta.delete?.length ?? 0);
        if (items >= BATCH_ITEM_LIMIT) break;
      }
      return { respList };
    },

    /** get_full_join_group_ids */
    async joinGroupIDs(ctx: OpContext, userID: string, idHash: number) {
      requireSelfOrAdmin(ctx.caller, userID);
      const repos = store.repos;
      const head = (await repos.syncLog.head('join_groups', userID)) ?? UNWRITTEN_LOG;
      const groupIDs = (await joinedGroups(repos, userID)).map((g) => g.groupID);
      const equal = sameIdHash(groupIDs, idHash);
      return { ...head, equal, groupIDs: equal ? null : groupIDs };
    },

    /** get_full_group_member_user_ids */
    async memberUserIDs(ctx: OpContext, groupID: string, idHash: number) {
      const repos = store.repos;
      await loadGroup(repos, groupID);
      await requireMemberOrAdmin(repos, ctx.caller, groupID);
      const head = (await repos.syncLog.head('group_members', groupID)) ?? UNWRITTEN_LOG;
      const userIDs = (await allMembers(repos, groupID)).map((m) => m.userID);
      const equal = sameIdHash(userIDs, idHash);
      return { ...head, equal, userIDs: equal ? null : userIDs };
    },
  };
}
export type GroupSyncService = ReturnType<typeof groupSyncService>;
