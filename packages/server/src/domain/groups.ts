// Group lifecycle and settings: create, read, change info, transfer, dismiss, mute.

import { ApiError, args, noPermission } from '../errors.js';
import type { GroupRecord, MemberRecord } from '../storage/records.js';
import type { GroupInfoChange } from '@huddle/protocol';
import type { GroupPatch, Repos } from '../storage/store.js';
import { ask, askMembersJoin, reportIfFull } from './callbacks.js';
import { recordGroupChange } from './group-changes.js';
import { runOperation } from './operation.js';
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

type GroupInput = GroupSettings & { groupID: string; groupType: number };

export interface CreateGroupInput {
  ownerUserID: string;
  adminUserIDs: string[];
  memberUserIDs: string[];
  groupInfo: GroupInput;
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

function settingsEvent(ctx: OpContext, groupID: string, c: SettingsChange): GroupInfoChange {
  return {
    operationID: ctx.operationID,
    groupID,
    groupName: c.groupName ?? null,
    notification: c.notification ?? null,
    introduction: c.introduction ?? null,
    faceURL: c.faceURL ?? null,
    ex: c.ex ?? null,
    needVerification: c.needVerification ?? null,
    lookMemberInfo: c.lookMemberInfo ?? null,
    applyMemberFriend: c.applyMemberFriend ?? null,
  };
}

/**
 * A blank group name, in every call that takes one, is not an error (OpenIM never answers one:
 * create_group stores the name as given, and set_group_info_ex swallows its own "group name is
 * empty"). A change to a blank name leaves the name as it is; the other fields still apply (OpenIM's
 * set_group_info_ex drops them all).
 */
const keptIfBlank = (name: string | undefined) => (name?.trim() === '' ? undefined : name);

/** A new group and its initial members, as create_group writes them. */
function newGroup(
  info: GroupInput,
  roles: readonly [string, number][],
  creator: string,
  time: number,
): { group: GroupRecord; members: MemberRecord[] } {
  const group: GroupRecord = {
    groupID: info.groupID,
    groupName: info.groupName,
    notification: info.notification,
    introduction: info.introduction,
    faceURL: info.faceURL,
    ex: info.ex,
    status: GroupStatus.Ok,
    creatorUserID: creator,
    groupType: info.groupType,
    needVerification: info.needVerification,
    lookMemberInfo: info.lookMemberInfo,
    applyMemberFriend: info.applyMemberFriend,
    notificationUpdateTime: info.notification ? time : 0,
    notificationUserID: info.notification ? creator : '',
    memberCount: roles.length,
    createTime: time,
  };
  const members = roles.map(
    ([userID, roleLevel]): MemberRecord => ({
      groupID: info.groupID,
      userID,
      roleLevel,
      joinTime: time,
      nickname: '',
      faceURL: '',
      joinSource: JoinSource.Invitation,
      operatorUserID: creator,
      inviterUserID: creator,
      ex: '',
      muteEndTime: 0,
    }),
  );
  return { group, members };
}

export function groupService(deps: DomainDeps) {
  const { store, now, hooks } = deps;
  /**
   * Both set-group-info calls: permission and state checks, the before-hook (whose fields override
   * the request's when present), then the write and, if anything changed, the after-hook.
   */
  async function applySettings(ctx: OpContext, groupID: string, requested: SettingsChange, ex: boolean) {
    const [beforeKey, afterKey] = ex
      ? (['beforeSetGroupInfoEx', 'afterSetGroupInfoEx'] as const)
      : (['beforeSetGroupInfo', 'afterSetGroupInfo'] as const);
    const check = async (tx: Repos) => {
      // OpenIM's order: permission first (a non-member gets 1004), then existence and state.
      await requireGroupManager(tx, ctx.caller, groupID, 'RecordNotFoundError');
      return loadLiveGroup(tx, groupID);
    };
    return runOperation(store, {
      what: `group ${groupID}`,
      asks: hooks.enabled(beforeKey),
      check: (tx, _decided: SettingsChange | undefined) => check(tx),
      decide: (group) =>
        ask(hooks, ctx, beforeKey, settingsEvent(ctx, groupID, requested), requested, {
          groups: [group],
          refuse: (answer) =>
            typeof answer.groupName === 'string' && answer.groupName.trim() === '' ? 'groupName is empty' : undefined,
        }),
      async write(tx, group, decided) {
        const change = decided ?? requested;
        const patch = diffSettings(group, change, ctx.caller.userID, now());
        if (Object.keys(patch).length > 0) {
          await tx.groups.update(groupID, patch);
          await recordGroupChange(tx, deps, ctx, { kind: 'infoSet', groupID, changed: Object.keys(patch) });
          await hooks.after(
            tx,
            ctx,
            afterKey,
            [{ ...settingsEvent(ctx, groupID, change), changed: Object.keys(patch) }],
            [group],
          );
        }
        return patch;
      },
    });
  }

  function setMuted(ctx: OpContext, groupID: string, muted: boolean) {
    return runOperation(store, {
      asks: false,
      async check(tx) {
        await requireGroupManager(tx, ctx.caller, groupID, 'NoPermissionError');
        await loadLiveGroup(tx, groupID);
      },
      async write(tx) {
        await tx.groups.update(groupID, { status: muted ? GroupStatus.Muted : GroupStatus.Ok });
        await recordGroupChange(tx, deps, ctx, { kind: muted ? 'muted' : 'unmuted', groupID });
      },
    });
  }

  return {
    async createGroup(ctx: OpContext, input: CreateGroupInput) {
      const { caller } = ctx;
      if (input.groupInfo.groupType !== WORKING_GROUP) throw args(`group type only supports ${WORKING_GROUP}`);
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
      if (deps.maxGroupMembers && roles.length > deps.maxGroupMembers) {
        throw new ApiError(
          'GroupFullError',
          `${roles.length} initial members; a group has at most ${deps.maxGroupMembers}`,
        );
      }
      const time = now();
      const check = async (tx: Repos, groupID: string) => {
        await requireUsersExist(
          tx,
          roles.map(([id]) => id),
          'UserIDNotFoundError',
        );
        if (groupID !== '' && (await tx.groups.get(groupID)))
          throw new ApiError('GroupIDExisted', `group ${groupID} already exists`);
      };
      const build = (info: GroupInput) => newGroup(info, roles, caller.userID, time);

      // The groupID as decided ("" until one is generated), for the error when it is taken meanwhile.
      let decidedID = input.groupInfo.groupID;
      return runOperation(store, {
        what: 'the group',
        asks: hooks.enabled('beforeCreateGroup') || hooks.enabled('beforeMemberJoinGroup'),
        check: (tx, decided: { info: GroupInput; members: MemberRecord[] } | undefined) =>
          check(tx, (decided?.info ?? input.groupInfo).groupID),
        async decide() {
          const requested = build(input.groupInfo);
          const event = {
            operationID: ctx.operationID,
            ...requested.group,
            createTime: 0,
            ownerUserID: input.ownerUserID,
            initMemberList: requested.members.map((m) => ({ userID: m.userID, roleLevel: m.roleLevel })),
          };
          let info = await ask(hooks, ctx, 'beforeCreateGroup', event, input.groupInfo);
          if (info.groupID === '') info = { ...info, groupID: newSortableID(time) };
          decidedID = info.groupID;
          const { group, members } = build(info);
          return { info, members: await askMembersJoin(deps, ctx, group, members) };
        },
        async write(tx, _facts, decided) {
          const info = decided?.info ?? input.groupInfo;
          let groupID = info.groupID;
          if (groupID === '') {
            do groupID = newSortableID(time);
            while (await tx.groups.get(groupID));
          }
          const built = build({ ...info, groupID });
          const finalMembers = decided?.members ?? built.members;
          await tx.groups.insert(built.group);
          await tx.members.insert(finalMembers);
          await recordGroupChange(tx, deps, ctx, {
            kind: 'created',
            groupID,
            memberIDs: finalMembers.map((m) => m.userID),
          });
          const created = groupInfo({ ...built.group, ownerUserID: input.ownerUserID });
          const initMemberList = finalMembers.map((m) => ({ userID: m.userID, roleLevel: m.roleLevel }));
          await hooks.after(tx, ctx, 'afterCreateGroup', [{ ...created, initMemberList }], [built.group]);
          await reportIfFull(deps, tx, ctx, groupID, built.group.memberCount);
          return { groupInfo: created, members: finalMembers };
        },
      }).catch((err: unknown) => {
        // Another instance created this groupID between our check and our insert.
        if (store.isUniqueViolation(err)) throw new ApiError('GroupIDExisted', `group ${decidedID} already exists`);
        throw err;
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
      return applySettings(
        ctx,
        groupID,
        {
          ...change,
          groupName: keptIfBlank(change.groupName),
          notification: nonEmpty(change.notification),
          introduction: nonEmpty(change.introduction),
          faceURL: nonEmpty(change.faceURL),
        },
        false,
      );
    },

    /** set_group_info_ex: every field is a wrapper; "" clears, except the name, which a blank leaves as is. */
    setGroupInfoEx(ctx: OpContext, groupID: string, change: SettingsChange) {
      return applySettings(
        ctx,
        groupID,
        { ...change, groupName: keptIfBlank(change.groupName), notification: change.notification?.trim() },
        true,
      );
    },

    transferGroup(ctx: OpContext, input: { groupID: string; oldOwnerUserID: string; newOwnerUserID: string }) {
      const { caller } = ctx;
      return runOperation(store, {
        asks: false,
        async check(tx) {
          const group = await loadLiveGroup(tx, input.groupID);
          if (input.oldOwnerUserID === input.newOwnerUserID) throw args('OldOwnerUserID == NewOwnerUserID');
          const found = await tx.members.find(input.groupID, [input.oldOwnerUserID, input.newOwnerUserID]);
          const oldOwner = found.find((m) => m.userID === input.oldOwnerUserID);
          const newOwner = found.find((m) => m.userID === input.newOwnerUserID);
          const missing = [input.oldOwnerUserID, input.newOwnerUserID].filter(
            (id) => !found.some((m) => m.userID === id),
          );
          if (!oldOwner || !newOwner) throw args(`user not in group: ${missing.join(', ')}`);
          if (!caller.isAppAdmin && caller.userID !== input.oldOwnerUserID)
            throw noPermission('no permission transfer group owner');
          if (oldOwner.roleLevel !== Role.Owner) {
            // An app admin must name the real owner too, or the group would end with two owners.
            if (caller.isAppAdmin) throw args(`${input.oldOwnerUserID} is not the owner of group ${input.groupID}`);
            throw noPermission('no permission transfer group owner');
          }
          return { group, oldOwner, newOwner };
        },
        async write(tx, { group, oldOwner, newOwner }) {
          // The old owner takes the new owner's previous role; demote first, the one-owner index is watching.
          await tx.members.update(input.groupID, oldOwner.userID, { roleLevel: newOwner.roleLevel });
          await tx.members.update(input.groupID, newOwner.userID, { roleLevel: Role.Owner, muteEndTime: 0 });
          await recordGroupChange(tx, deps, ctx, {
            kind: 'ownerTransferred',
            groupID: input.groupID,
            oldOwnerUserID: oldOwner.userID,
            newOwnerUserID: newOwner.userID,
          });
          await hooks.after(tx, ctx, 'afterTransferGroupOwner', [input], [group]);
        },
      });
    },

    dismissGroup(ctx: OpContext, input: { groupID: string; deleteMember: boolean }) {
      return runOperation(store, {
        asks: false,
        async check(tx) {
          const group = await loadGroup(tx, input.groupID, true);
          if (group.status === GroupStatus.Dismissed) {
            throw new ApiError('DismissedAlreadyError', `group ${input.groupID} is already dismissed`);
          }
          if (!ctx.caller.isAppAdmin && ctx.caller.userID !== group.ownerUserID) throw noPermission('not group owner');
          return group;
        },
        async write(tx, group) {
          const memberIDs = await tx.members.userIDs(input.groupID);
          await tx.groups.update(input.groupID, { status: GroupStatus.Dismissed });
          if (input.deleteMember) {
            const removed = await tx.members.removeAll(input.groupID);
            await tx.groups.addMemberCount(input.groupID, -removed);
          }
          await recordGroupChange(tx, deps, ctx, {
            kind: 'dismissed',
            groupID: input.groupID,
            memberIDs,
            membersDeleted: input.deleteMember,
          });
          await hooks.after(
            tx,
            ctx,
            'afterDismissGroup',
            [{ groupID: input.groupID, ownerID: group.ownerUserID, groupType: group.groupType, membersID: memberIDs }],
            [group],
          );
          return { group, memberIDs };
        },
      });
    },

    muteGroup: (ctx: OpContext, groupID: string) => setMuted(ctx, groupID, true),
    cancelMuteGroup: (ctx: OpContext, groupID: string) => setMuted(ctx, groupID, false),
  };
}
export type GroupService = ReturnType<typeof groupService>;
