// Checks shared by several operations. Each throws the OpenIM error a client expects.

import { ApiError, dismissed, noPermission, notFound } from '../errors.js';
import type { GroupView, MemberRecord } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import { GroupStatus, Role, type Caller } from './context.js';

export async function loadGroup(repos: Repos, groupID: string, forUpdate = false): Promise<GroupView> {
  const group = forUpdate ? await repos.groups.getForUpdate(groupID) : await repos.groups.get(groupID);
  if (!group) throw notFound(`group ${groupID} not found`);
  return group;
}

export function requireLive(group: GroupView): void {
  if (group.status === GroupStatus.Dismissed) throw dismissed(`group ${group.groupID} is dismissed`);
}

/** Loads a group for a write: it must exist and must not be dismissed (dismissal is terminal). */
export async function loadLiveGroup(repos: Repos, groupID: string): Promise<GroupView> {
  const group = await loadGroup(repos, groupID, true);
  requireLive(group);
  return group;
}

/** For reads: app admins see any group, everyone else must be a member. */
export async function requireMemberOrAdmin(
  repos: Repos,
  caller: Caller,
  groupID: string,
): Promise<MemberRecord | undefined> {
  if (caller.isAppAdmin) return repos.members.get(groupID, caller.userID);
  const me = await repos.members.get(groupID, caller.userID);
  if (!me) throw noPermission(`op user ${caller.userID} not in group ${groupID}`);
  return me;
}

/** Owner, admin or app admin (OpenIM's CheckGroupAdmin). */
export async function requireGroupManager(
  repos: Repos,
  caller: Caller,
  groupID: string,
  notMember: 'NoPermissionError' | 'RecordNotFoundError',
): Promise<void> {
  if (caller.isAppAdmin) return;
  const me = await repos.members.get(groupID, caller.userID);
  if (!me) throw new ApiError(notMember, `op user ${caller.userID} not in group ${groupID}`);
  if (me.roleLevel !== Role.Owner && me.roleLevel !== Role.Admin) throw noPermission('no group owner or admin');
}

export async function requireUsersExist(
  repos: Repos,
  userIDs: readonly string[],
  error: 'UserIDNotFoundError' | 'RecordNotFoundError',
): Promise<void> {
  if (userIDs.length === 0) return;
  const found = new Set((await repos.users.find(userIDs)).map((u) => u.userID));
  const missing = userIDs.filter((id) => !found.has(id));
  if (missing.length > 0) throw new ApiError(error, `user not found: ${missing.join(', ')}`);
}

export function firstDuplicate(ids: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}
