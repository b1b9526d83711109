// Member rows: adding members (within the group's limit, opening their view of its conversation)
// and removing them, with the group's count kept in step.

import { ApiError } from '../errors.js';
import type { GroupRecord, MemberRecord } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import { Role, type DomainDeps } from './context.js';
import { openGroupConversation } from './conversation-store.js';

export function newMember(
  groupID: string,
  userID: string,
  fields: Pick<MemberRecord, 'joinSource' | 'operatorUserID' | 'inviterUserID' | 'joinTime'>,
): MemberRecord {
  return { groupID, userID, roleLevel: Role.Member, nickname: '', faceURL: '', ex: '', muteEndTime: 0, ...fields };
}

/**
 * Inserts members and keeps memberCount exact, in the caller's transaction; refuses to overfill.
 * `group` is the caller's locked read of it in this transaction; returns the new member count.
 */
export async function addMembers(
  { maxGroupMembers = 0 }: Pick<DomainDeps, 'maxGroupMembers'>,
  tx: Repos,
  { groupID, memberCount }: Pick<GroupRecord, 'groupID' | 'memberCount'>,
  members: MemberRecord[],
): Promise<number> {
  if (members.length === 0) return memberCount;
  if (maxGroupMembers > 0 && memberCount + members.length > maxGroupMembers) {
    throw new ApiError(
      'GroupFullError',
      `group ${groupID} has ${memberCount} of at most ${maxGroupMembers} members; ${members.length} more do not fit`,
    );
  }
  await tx.members.insert(members);
  await tx.groups.addMemberCount(groupID, members.length);
  await openGroupConversation(
    tx,
    groupID,
    members.map((m) => m.userID),
    members[0]!.joinTime,
  );
  return memberCount + members.length;
}

/** Their conversations are closed by the change's notifications, which the leavers still read. */
export async function removeMembers(tx: Repos, groupID: string, userIDs: string[]): Promise<void> {
  const removed = await tx.members.remove(groupID, userIDs);
  await tx.groups.addMemberCount(groupID, -removed);
}

/** The rules of set_group_member_info for one group (OpenIM §4.3), checked before anything is written. */
