// Group lifecycle and settings: create, read, change info, transfer, dismiss, mute.

import { ApiError, args, noPermission } from '../errors.js';
import type { GroupRecord, MemberRecord } from '../storage/records.js';
import type { GroupPatch } from '../storage/store.js';
import { GroupStatus, JoinSource, Role, WORKING_GROUP, type DomainDeps, type OpContext } from './context.js';
import { firstDuplicate, loadGroup, loadLiveGroup, requireGroupManager, requireUsersExist } from './guards.js';
import { newSortableID } from './ids.js';
import { groupInfo } from './views.js';

export interface GroupSettings {
  groupName: string;
  notification: string;
  introduction: string;
  faceURL: string;
  ex: string;
  needVerification: number;
  lookMemberInfo: number;
  applyMemberFriend: number;
}

export interface CreateGroupInput {
  ownerUserID: string;
  adminUserIDs: string[];
  memberUserIDs: string[];
  groupInfo: GroupSettings & { groupID: string; groupType: number };
}

/** A change of group settings; undefined means "leave as is". */
export type SettingsChange = Partial<GroupSettings>;

/** Keeps only the fields that differ from the stored group; sets the notification stamp if it changed. */
function diffSettings(current: GroupRecord, change: SettingsChange, operator: string, now: number): GroupPatch {
  const patch: GroupPatch = {};
  for (const key of Object.keys(change) as (keyof GroupSettings)[]) {
    const value = change[key];
    if (value !== undefined && value !== current[key]) (patch as Record<string, unknown>)[key] = value;
  }
  if (patch.notification !== undefined) {
    patch.notificationUpdateTime = now;
    patch.notificationUserID = operator;
  }
  return patch;
}

export function groupService({ store, now }: DomainDeps) {
  async function applySettings(ctx: OpContext, groupID: string, change: SettingsChange) {
    return store.tx(async (tx) => {
      // OpenIM's order: permission first (a non-member gets 1004), then existence and state.
      await requireGroupManager(tx, ctx.caller, groupID, 'RecordNotFoundError');
      const group = await loadLiveGroup(tx, groupID);
      const patch = diffSettings(group, change, ctx.caller.userID, now());
      if (Object.keys(patch).length > 0) await tx.groups.update(groupID, patch);
      return patch;
    });
  }

  async function setMuted(ctx: OpContext, groupID: string, muted: boolean) {
    await store.tx(async (tx) => {
      await requireGroupManager(tx, ctx.caller, groupID, 'NoPermissionError');
      await loadLiveGroup(tx, groupID);
      await tx.groups.update(groupID, { status: muted ? GroupStatus.Muted : GroupStatus.Ok });
    });
  }

  return {
    async createGroup(ctx: OpContext, input: CreateGroupInput) {
      const { caller } = ctx;
      const info = input.groupInfo;
      if (info.groupType !== WORKING_GROUP) throw args(`group type only supports ${WORKING_GROUP}`);
      if (caller.userID !== input.ownerUserID && !caller.isAppAdmin) {
        throw noPermission('only the owner-to-be or an app admin may create a group');
      }
      // Each initial member appears once, with one role; the owner is never also an admin or member.
      const roles: [string, number][] = [
        [input.ownerUserID, Role.Owner],
        ...input.adminUserIDs.map((id): [string, number] => [id, Role.Admin]),
        ...input.memberUserIDs.map((id): [string, number] => [id, Role.Member]),
      ];
      const dup = firstDuplicate(roles.map(([id]) => id));
      if (dup !== undefined) throw args(`group member repeated: ${dup}`);

      const time = now();
      return store.tx(async (tx) => {
        await requireUsersExist(tx, roles.map(([id]) => id), 'UserIDNotFoundError');
        let groupID = info.groupID;
        if (groupID !== '') {
          if (await tx.groups.get(groupID)) throw new ApiError('GroupIDExisted', `group ${groupID} already exists`);
        } else {
          do groupID = newSortableID(time);
          while (await tx.groups.get(groupID));
        }
        const group: GroupRecord = {
          groupID,
          groupName: info.groupName,
          notification: info.notification,
          introduction: info.introduction,
          faceURL: info.faceURL,
          ex: info.ex,
          status: GroupStatus.Ok,
          creatorUserID: caller.userID,
          groupType: info.groupType,
          needVerification: info.needVerification,
          lookMemberInfo: info.lookMemberInfo,
          applyMemberFriend: info.applyMemberFriend,
          notificationUpdateTime: info.notification ? time : 0,
          notificationUserID: info.notification ? caller.userID : '',
          memberCount: roles.length,
          createTime: time,
        };
        const members = roles.map(
          ([userID, roleLevel]): MemberRecord => ({
            groupID,
            userID,
            roleLevel,
            joinTime: time,
            nickname: '',
            faceURL: '',
            joinSource: JoinSource.Invitation,
            operatorUserID: caller.userID,
            inviterUserID: caller.userID,
            ex: '',
            muteEndTime: 0,
          }),
        );
        await tx.groups.insert(group);
        await tx.members.insert(members);
        return { groupInfo: groupInfo({ ...group, ownerUserID: input.ownerUserID }), members };
      });
    },

    async getGroupsInfo(_ctx: OpContext, groupIDs: string[]) {
      if (groupIDs.length === 0) throw args('groupID is empty');
      const groups = await store.repos.groups.find(groupIDs);
      const byID = new Map(groups.map((g) => [g.groupID, g]));
      // The caller's order, unknown IDs left out (as OpenIM does).
      return { groupInfos: [...new Set(groupIDs)].flatMap((id) => (byID.has(id) ? [groupInfo(byID.get(id)!)] : [])) };
    },

    /** set_group_info: plain strings where "" means "leave as is"; wrappers where null does. */
    setGroupInfo(ctx: OpContext, groupID: string, change: SettingsChange) {
      const nonEmpty = (s: string | undefined) => (s === '' ? undefined : s);
      return applySettings(ctx, groupID, {
        ...change,
        groupName: nonEmpty(change.groupName),
        notification: nonEmpty(change.notification),
        introduction: nonEmpty(change.introduction),
        faceURL: nonEmpty(change.faceURL),
      });
    },

    /** set_group_info_ex: every field is a wrapper; "" clears, except that a group needs a name. */
    setGroupInfoEx(ctx: OpContext, groupID: string, change: SettingsChange) {
      if (change.groupName !== undefined && change.groupName.trim() === '') throw args('group name is empty');
      return applySettings(ctx, groupID, {
        ...change,
        notification: change.notification?.trim(),
      });
    },

    async transferGroup(ctx: OpContext, input: { groupID: string; oldOwnerUserID: string; newOwnerUserID: string }) {
      const { caller } = ctx;
      await store.tx(async (tx) => {
        await loadLiveGroup(tx, input.groupID);
        if (input.oldOwnerUserID === input.newOwnerUserID) throw args('OldOwnerUserID == NewOwnerUserID');
        const found = await tx.members.find(input.groupID, [input.oldOwnerUserID, input.newOwnerUserID]);
        const oldOwner = found.find((m) => m.userID === input.oldOwnerUserID);
        const newOwner = found.find((m) => m.userID === input.newOwnerUserID);
        const missing = [input.oldOwnerUserID, input.newOwnerUserID].filter((id) => !found.some((m) => m.userID === id));
        if (!oldOwner || !newOwner) throw args(`user not in group: ${missing.join(', ')}`);
        if (!caller.isAppAdmin && caller.userID !== input.oldOwnerUserID) throw noPermission('no permission transfer group owner');
        if (oldOwner.roleLevel !== Role.Owner) {
          // An app admin must name the real owner too, or the group would end with two owners.
          if (caller.isAppAdmin) throw args(`${input.oldOwnerUserID} is not the owner of group ${input.groupID}`);
          throw noPermission('no permission transfer group owner');
        }
        // The old owner takes the new owner's previous role; demote first, the one-owner index is watching.
        await tx.members.update(input.groupID, oldOwner.userID, { roleLevel: newOwner.roleLevel });
        await tx.members.update(input.groupID, newOwner.userID, { roleLevel: Role.Owner, muteEndTime: 0 });
      });
    },

    async dismissGroup(ctx: OpContext, input: { groupID: string; deleteMember: boolean }) {
      return store.tx(async (tx) => {
        const group = await loadGroup(tx, input.groupID, true);
        if (group.status === GroupStatus.Dismissed) {
          throw new ApiError('DismissedAlreadyError', `group ${input.groupID} is already dismissed`);
        }
        if (!ctx.caller.isAppAdmin && ctx.caller.userID !== group.ownerUserID) throw noPermission('not group owner');
        const memberIDs = await tx.members.userIDs(input.groupID);
        await tx.groups.update(input.groupID, { status: GroupStatus.Dismissed });
        if (input.deleteMember) {
          const removed = await tx.members.removeAll(input.groupID);
          await tx.groups.addMemberCount(input.groupID, -removed);
        }
        return { group, memberIDs };
      });
    },

    muteGroup: (ctx: OpContext, groupID: string) => setMuted(ctx, groupID, true),
    cancelMuteGroup: (ctx: OpContext, groupID: string) => setMuted(ctx, groupID, false),
  };
}
export type GroupService = ReturnType<typeof groupService>;

