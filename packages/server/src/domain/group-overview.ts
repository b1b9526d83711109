// Reads over several groups: the app admin's search, and the member-list fingerprints clients
// compare to know which groups changed.

import { ApiError, args, noPermission } from '../errors.js';
import type { Page } from '../storage/records.js';
import type { DomainDeps, OpContext } from './context.js';
import { allMembers } from './group-sync.js';
import { firstDuplicate, requireMemberOrAdmin } from './guards.js';
import { jsonHash } from './id-hash.js';
import { groupInfo, memberInfo, type CMSGroup, type GroupAbstractInfo } from './views.js';

/** Go orders strings by their UTF-8 bytes; JavaScript's `<` by UTF-16 units (they differ above U+E000). */
const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export function groupOverviewService({ store }: DomainDeps) {
  return {
    /**
     * get_groups: app admins only (OpenIM lets any user list every group). A groupID looks that
     * group up, dismissed or not; otherwise groups not dismissed whose name contains groupName.
     */
    async searchGroups(ctx: OpContext, input: { groupID: string; groupName: string; pagination: Page }) {
      if (!ctx.caller.isAppAdmin) throw noPermission('only app admins may search all groups');
      const repos = store.repos;
      const found = input.groupID
        ? await repos.groups.find([input.groupID]).then((items) => ({ total: items.length, items }))
        : await repos.groups.search(input.groupName, input.pagination);
      const groups: CMSGroup[] = [];
      for (const g of found.items) {
        const owner = g.ownerUserID ? await repos.members.get(g.groupID, g.ownerUserID) : undefined;
        groups.push({
          groupInfo: groupInfo(g),
          groupOwnerUserName: owner?.nickname ?? '',
          groupOwnerUserID: g.ownerUserID,
        });
      }
      return { total: found.total, groups };
    },

    /**
     * get_group_abstract_info: per group, its member count and OpenIM's hash of its members (the
     * MD5 of their GroupMemberFullInfo, in userID order, as Go writes JSON).
     */
    async abstractInfo(ctx: OpContext, groupIDs: readonly string[]) {
      if (groupIDs.length === 0) throw args('groupIDs empty');
      const dup = firstDuplicate(groupIDs);
      if (dup !== undefined) throw args(`groupIDs duplicate: ${dup}`);
      const repos = store.repos;
      for (const id of groupIDs) await requireMemberOrAdmin(repos, ctx.caller, id);
      const groups = new Set((await repos.groups.find(groupIDs)).map((g) => g.groupID));
      const missing = groupIDs.filter((id) => !groups.has(id));
      if (missing.length > 0) throw new ApiError('GroupIDNotFoundError', `not found group ${missing.join(',')}`);
      const infos: GroupAbstractInfo[] = [];
      for (const groupID of groupIDs) {
        const members = (await allMembers(repos, groupID)).sort((a, b) => byUtf8(a.userID, b.userID));
        if (members.length === 0) throw new ApiError('GroupIDNotFoundError', `group ${groupID} not found member`);
        const hash = jsonHash(members.map(memberInfo));
        infos.push({ groupID, groupMemberNumber: members.length, groupMemberListHash: Number(hash) });
      }
      return { groupAbstractInfos: infos };
    },
  };
}
