import { args, noPermission } from '../errors.js';
import type { Page } from '../storage/records.js';
import { Role, type DomainDeps, type OpContext } from './context.js';
import { loadGroup, requireMemberOrAdmin } from './guards.js';
import { groupInfo, memberInfo } from './views.js';
import { memberJoinService } from './member-joins.js';
import { memberLeaveService } from './member-leaves.js';
import { memberSettingService } from './member-settings.js';

export { addMembers } from './member-rows.js';
export type { MemberChange } from './member-settings.js';

/** get_group_member_list's filter (OpenIM SDK meaning) -> the role levels it selects. */
const FILTER_ROLES: Record<number, readonly number[]> = {
  0: [],
  1: [Role.Owner],
  2: [Role.Admin],
  3: [Role.Member],
  4: [Role.Admin, Role.Member],
  5: [Role.Owner, Role.Admin],
};

export function memberService(deps: DomainDeps) {
  const { store } = deps;
  return {
    ...memberJoinService(deps),
    ...memberLeaveService(deps),
    ...memberSettingService(deps),

    async getGroupMemberList(
      ctx: OpContext,
      input: { groupID: string; filter: number; keyword: string; pagination: Page },
    ) {
      const repos = store.repos;
      await loadGroup(repos, input.groupID);
      await requireMemberOrAdmin(repos, ctx.caller, input.groupID);
      const roles = FILTER_ROLES[input.filter];
      if (!roles) throw args(`filter is invalid: ${input.filter}`);
      const page = await repos.members.list(input.groupID, { roles, keyword: input.keyword.trim() }, input.pagination);
      return { total: page.total, members: page.items.map(memberInfo) };
    },

    async getGroupMembersInfo(ctx: OpContext, input: { groupID: string; userIDs: string[] }) {
      const repos = store.repos;
      await loadGroup(repos, input.groupID);
      await requireMemberOrAdmin(repos, ctx.caller, input.groupID);
      const members = await repos.members.find(input.groupID, [...new Set(input.userIDs)]);
      return { members: members.map(memberInfo) };
    },

    async getGroupMemberUserID(ctx: OpContext, groupID: string) {
      const repos = store.repos;
      await loadGroup(repos, groupID);
      await requireMemberOrAdmin(repos, ctx.caller, groupID);
      return { userIDs: await repos.members.userIDs(groupID) };
    },

    async getJoinedGroupList(ctx: OpContext, input: { fromUserID: string; pagination: Page }) {
      if (input.fromUserID !== ctx.caller.userID && !ctx.caller.isAppAdmin) {
        throw noPermission('you may only list your own groups');
      }
      const page = await store.repos.groups.joinedBy(input.fromUserID, input.pagination);
      return { total: page.total, groups: page.items.map(groupInfo) };
    },
  };
}
export type MemberService = ReturnType<typeof memberService>;
