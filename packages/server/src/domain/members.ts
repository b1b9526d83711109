// Membership: join, quit, invite, kick, member reads, member settings and muting.

import type { MemberInfoChange } from '@huddle/protocol';
import { ApiError, args, noPermission, notFound } from '../errors.js';
import type { GroupRecord, GroupView, MemberRecord, Page } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import {
  HandleResult,
  JoinSource,
  NeedVerification,
  Role,
  type Caller,
  type DomainDeps,
  type OpContext,
} from './context.js';
import { ask, askMembersJoin, broken, reportJoins } from './callbacks.js';
import { done, runOperation } from './operation.js';
import { firstDuplicate, loadGroup, loadLiveGroup, requireMemberOrAdmin, requireUsersExist } from './guards.js';
import { openGroupConversation } from './conversation-store.js';
import { recordGroupChange } from './group-changes.js';
import { groupInfo, memberInfo } from './views.js';

/** get_group_member_list's filter (OpenIM SDK meaning) -> the role levels it selects. */
const FILTER_ROLES: Record<number, readonly number[]> = {
  0: [],
  1: [Role.Owner],
  2: [Role.Admin],
  3: [Role.Member],
  4: [Role.Admin, Role.Member],
  5: [Role.Owner, Role.Admin],
};

export interface MemberChange {
  groupID: string;
  userID: string;
  nickname?: string;
  faceURL?: string;
  roleLevel?: number;
  ex?: string;
}

function newMember(
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
async function removeMembers(tx: Repos, groupID: string, userIDs: string[]): Promise<void> {
  const removed = await tx.members.remove(groupID, userIDs);
  await tx.groups.addMemberCount(groupID, -removed);
}

/** The rules of set_group_member_info for one group (OpenIM §4.3), checked before anything is written. */
function checkMemberChanges(
  caller: Caller,
  group: GroupView,
  changes: MemberChange[],
  found: Map<string, MemberRecord>,
): void {
  const me = found.get(caller.userID);
  if (!caller.isAppAdmin && !me) throw noPermission(`op user ${caller.userID} not in group ${group.groupID}`);
  const missing = changes.filter((c) => !found.has(c.userID)).map((c) => c.userID);
  if (missing.length > 0) throw args(`user not in group: ${missing.join(', ')}`);
  if (caller.isAppAdmin && (!me || me.roleLevel !== Role.Owner)) {
    // App admins may edit anyone, but even they cannot re-role the owner (only transfer_group can).
    for (const c of changes) {
      if (c.roleLevel !== undefined && found.get(c.userID)!.roleLevel === Role.Owner) {
        throw noPermission('the owner role changes only through transfer_group');
      }
    }
    return;
  }
  for (const c of changes) {
    const target = found.get(c.userID)!;
    const self = c.userID === caller.userID;
    if (me!.roleLevel === Role.Owner) {
      if (self && c.roleLevel !== undefined) throw args('group owner can not change own role level');
      continue;
    }
    if (self) {
      if (c.roleLevel !== undefined && c.roleLevel > target.roleLevel)
        throw noPermission('can not improve role level by self');
      continue;
    }
    if (me!.roleLevel === Role.Admin) {
      if (target.roleLevel === Role.Owner) throw noPermission('admin can not change group owner');
      if (target.roleLevel === Role.Admin) throw noPermission('admin can not change other group admin');
      continue;
    }
    throw noPermission('ordinary users can not change other role level');
  }
}

function memberInfoEvent(c: MemberChange): MemberInfoChange {
  return {
    groupID: c.groupID,
    userID: c.userID,
    nickname: c.nickname ?? null,
    faceURL: c.faceURL ?? null,
    roleLevel: c.roleLevel ?? null,
    ex: c.ex ?? null,
  };
}

export function memberService(deps: DomainDeps) {
  const { store, now, hooks } = deps;
  function setMute(ctx: OpContext, groupID: string, userID: string, muteEndTime: number, mutedSeconds = 0) {
    const { caller } = ctx;
    return runOperation(store, {
      asks: false,
      async check(tx) {
        await loadLiveGroup(tx, groupID);
        const target = await tx.members.get(groupID, userID);
        if (!target) throw notFound(`user ${userID} not in group ${groupID}`);
        // App admins may mute anyone, the owner included; others follow the role ladder.
        if (!caller.isAppAdmin) {
          const me = await tx.members.get(groupID, caller.userID);
          if (!me) throw notFound(`op user ${caller.userID} not in group ${groupID}`);
          const allowed =
            target.roleLevel === Role.Owner
              ? false
              : target.roleLevel === Role.Admin
                ? me.roleLevel === Role.Owner
                : me.roleLevel === Role.Owner || me.roleLevel === Role.Admin;
          if (!allowed) {
            throw noPermission(
              target.roleLevel === Role.Owner ? 'can not mute the group owner' : 'no permission to mute this member',
            );
          }
        }
      },
      async write(tx) {
        await tx.members.update(groupID, userID, { muteEndTime });
        await recordGroupChange(
          tx,
          deps,
          ctx,
          muteEndTime > 0
            ? { kind: 'memberMuted', groupID, userID, mutedSeconds }
            : { kind: 'memberUnmuted', groupID, userID },
        );
      },
    });
  }

  return {
    async joinGroup(
      ctx: OpContext,
      input: { groupID: string; reqMessage: string; joinSource: number; inviterUserID: string; ex: string },
    ) {
      const { caller } = ctx;
      // OpenIM takes the applicant from inviterUserID and never checks it; here the applicant is the
      // caller, and only an app admin may name someone else.
      const applicant = input.inviterUserID || caller.userID;
      if (applicant !== caller.userID && !caller.isAppAdmin) {
        throw noPermission('only an app admin may join a group on behalf of another user');
      }
      const time = now();
      const check = async (tx: Repos) => {
        await requireUsersExist(tx, [applicant], 'RecordNotFoundError');
        const group = await loadLiveGroup(tx, input.groupID);
        if (await tx.members.get(input.groupID, applicant))
          throw args(`${applicant} is already in group ${input.groupID}`);
        return group;
      };
      const joiner = (): MemberRecord =>
        newMember(input.groupID, applicant, {
          joinSource: input.joinSource,
          operatorUserID: caller.userID,
          inviterUserID: '',
          joinTime: time,
        });

      const direct = (group: GroupView) => group.needVerification === NeedVerification.Directly;
      return runOperation(store, {
        what: `group ${input.groupID}`,
        asks: hooks.enabled('beforeApplyJoinGroup') || hooks.enabled('beforeMemberJoinGroup'),
        check,
        // Whether the join is direct decides whether beforeMemberJoinGroup is asked; it was told groupEx.
        basis: (group) => [direct(group), group.ex],
        async decide(group) {
          const event = {
            groupID: group.groupID,
            groupType: group.groupType,
            applyID: applicant,
            reqMessage: input.reqMessage,
            ex: input.ex,
          };
          await hooks.before(ctx, 'beforeApplyJoinGroup', event, [group]);
          const [member] = direct(group) ? await askMembersJoin(deps, ctx, group, [joiner()]) : [];
          return { member };
        },
        async write(tx, group, decided) {
          if (direct(group)) {
            const joined = decided?.member ?? joiner();
            const memberCount = await addMembers(deps, tx, group, [joined]);
            await recordGroupChange(tx, deps, ctx, {
              kind: 'joined',
              groupID: input.groupID,
              userIDs: [joined.userID],
              via: 'entered',
            });
            await reportJoins(deps, tx, ctx, group, [joined], input.reqMessage, memberCount);
            return { joined: true as const, group, member: joined };
          }
          await tx.requests.upsertPending({
            groupID: input.groupID,
            userID: applicant,
            handleResult: HandleResult.Pending,
            reqMsg: input.reqMessage,
            handleMsg: '',
            reqTime: time,
            handleUserID: '',
            handleTime: 0,
            ex: input.ex,
            joinSource: input.joinSource,
            inviterUserID: '',
          });
          await recordGroupChange(tx, deps, ctx, { kind: 'applied', groupID: input.groupID, userIDs: [applicant] });
          return { joined: false as const, group };
        },
      });
    },

    async quitGroup(ctx: OpContext, input: { groupID: string; userID: string }) {
      const { caller } = ctx;
      const userID = input.userID || caller.userID;
      if (userID !== caller.userID && !caller.isAppAdmin) throw noPermission('you may only quit for yourself');
      return runOperation(store, {
        asks: false,
        async check(tx) {
          const group = await loadGroup(tx, input.groupID, true);
          const member = await tx.members.get(input.groupID, userID);
          if (!member) throw notFound(`user ${userID} not in group ${input.groupID}`);
          if (member.roleLevel === Role.Owner) throw noPermission("group owner can't quit");
          return { group, member };
        },
        async write(tx, { group, member }) {
          await removeMembers(tx, input.groupID, [userID]);
          await recordGroupChange(tx, deps, ctx, {
            kind: 'left',
            groupID: input.groupID,
            members: [member],
            via: 'quit',
          });
          await hooks.after(tx, ctx, 'afterQuitGroup', [{ groupID: input.groupID, userID }], [group]);
          return { group, userID };
        },
      });
    },

    async inviteUserToGroup(ctx: OpContext, input: { groupID: string; reason: string; invitedUserIDs: string[] }) {
      const { caller } = ctx;
      const dup = firstDuplicate(input.invitedUserIDs);
      if (dup !== undefined) throw args(`userID duplicate: ${dup}`);
      const time = now();
      const check = async (tx: Repos, invited: string[] = input.invitedUserIDs) => {
        const group = await loadLiveGroup(tx, input.groupID);
        const me = await tx.members.get(input.groupID, caller.userID);
        if (!me && !caller.isAppAdmin) throw noPermission(`op user ${caller.userID} not in group ${input.groupID}`);
        await requireUsersExist(tx, invited, 'RecordNotFoundError');
        // All or nothing: one existing member fails the whole invite before anything is written.
        const already = await tx.members.find(input.groupID, invited);
        if (already.length > 0) throw args(`already in group: ${already.map((m) => m.userID).join(', ')}`);
        // Ordinary members inviting into an all-need-approval group create applications instead.
        const asApplications =
          group.needVerification === NeedVerification.AllNeedApproval &&
          !caller.isAppAdmin &&
          me?.roleLevel === Role.Member;
        return { group, asApplications };
      };
      const invitees = (userIDs: string[]) =>
        userIDs.map((userID) =>
          newMember(input.groupID, userID, {
            joinSource: JoinSource.Invitation,
            operatorUserID: caller.userID,
            inviterUserID: caller.userID,
            joinTime: time,
          }),
        );

      return runOperation(store, {
        what: `group ${input.groupID}`,
        asks: hooks.enabled('beforeInviteUserToGroup') || hooks.enabled('beforeMemberJoinGroup'),
        check: (tx, decided: { invited: string[]; members?: MemberRecord[] } | undefined) =>
          check(tx, decided?.invited),
        // Whether the invitees join directly decides whether beforeMemberJoinGroup is asked; it was told groupEx.
        basis: ({ group, asApplications }) => [asApplications, group.ex],
        async decide({ group, asApplications }) {
          const event = {
            operationID: ctx.operationID,
            groupID: input.groupID,
            reason: input.reason,
            invitedUserIDs: input.invitedUserIDs,
          };
          const invited = await ask(hooks, ctx, 'beforeInviteUserToGroup', event, input.invitedUserIDs, {
            groups: [group],
          });
          if (invited.length === 0) return done({ joined: [] as MemberRecord[], group });
          return {
            invited,
            members: asApplications ? undefined : await askMembersJoin(deps, ctx, group, invitees(invited)),
          };
        },
        async write(tx, { group, asApplications }, decided) {
          const invited = decided?.invited ?? input.invitedUserIDs;
          if (asApplications) {
            for (const userID of invited) {
              await tx.requests.upsertPending({
                groupID: input.groupID,
                userID,
                handleResult: HandleResult.Pending,
                reqMsg: input.reason,
                handleMsg: '',
                reqTime: time,
                handleUserID: '',
                handleTime: 0,
                ex: '',
                joinSource: JoinSource.Invitation,
                inviterUserID: caller.userID,
              });
            }
            await recordGroupChange(tx, deps, ctx, { kind: 'applied', groupID: input.groupID, userIDs: invited });
            return { joined: [] as MemberRecord[], group };
          }
          const joined = decided?.members ?? invitees(invited);
          const memberCount = await addMembers(deps, tx, group, joined);
          await recordGroupChange(tx, deps, ctx, {
            kind: 'joined',
            groupID: input.groupID,
            userIDs: joined.map((m) => m.userID),
            via: 'invited',
          });
          await reportJoins(deps, tx, ctx, group, joined, input.reason, memberCount);
          return { joined, group };
        },
      });
    },

    kickGroup(ctx: OpContext, input: { groupID: string; kickedUserIDs: string[]; reason: string }) {
      const { caller } = ctx;
      return runOperation(store, {
        asks: false,
        async check(tx) {
          const group = await loadLiveGroup(tx, input.groupID);
          const dup = firstDuplicate(input.kickedUserIDs);
          if (dup !== undefined) throw args(`KickedUserIDs duplicate: ${dup}`);
          if (input.kickedUserIDs.includes(caller.userID)) throw args('opUserID in KickedUserIDs');
          if (input.kickedUserIDs.includes(group.ownerUserID)) throw args('ownerUID can not Kick');
          const targets = new Map(
            (await tx.members.find(input.groupID, input.kickedUserIDs)).map((m) => [m.userID, m]),
          );
          const me = caller.isAppAdmin ? undefined : await tx.members.get(input.groupID, caller.userID);
          for (const userID of input.kickedUserIDs) {
            const target = targets.get(userID);
            if (!target) throw new ApiError('UserIDNotFoundError', userID);
            if (caller.isAppAdmin) continue;
            if (!me) throw noPermission('opUserID no in group');
            if (me.roleLevel === Role.Admin && target.roleLevel !== Role.Member) {
              throw noPermission('group admins cannot remove the group owner and other admins');
            }
            if (me.roleLevel === Role.Member) throw noPermission('opUserID no permission');
          }
          return { group, kicked: input.kickedUserIDs.map((id) => targets.get(id)!) };
        },
        async write(tx, { group, kicked }) {
          await removeMembers(tx, input.groupID, input.kickedUserIDs);
          await recordGroupChange(tx, deps, ctx, {
            kind: 'left',
            groupID: input.groupID,
            members: kicked,
            via: 'kicked',
          });
          await hooks.after(
            tx,
            ctx,
            'afterKickGroupMember',
            [{ groupID: input.groupID, kickedUserIDs: input.kickedUserIDs, reason: input.reason }],
            [group],
          );
          return { group };
        },
      });
    },

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

    async setGroupMemberInfo(ctx: OpContext, changes: MemberChange[]) {
      for (const c of changes) {
        if (c.roleLevel === undefined) continue;
        if (c.roleLevel === Role.Owner) throw noPermission('cannot set ungroup owner');
        if (c.roleLevel !== Role.Admin && c.roleLevel !== Role.Member) throw args(`invalid role level ${c.roleLevel}`);
      }
      const byGroup = new Map<string, MemberChange[]>();
      for (const c of changes) {
        const list = byGroup.get(c.groupID) ?? [];
        if (list.some((x) => x.userID === c.userID)) throw args(`repeat group ${c.groupID} user ${c.userID}`);
        list.push(c);
        byGroup.set(c.groupID, list);
      }
      const checkAll = async (tx: Repos, groups: Map<string, MemberChange[]>) => {
        const seen = new Map<string, { group: GroupView; found: Map<string, MemberRecord> }>();
        // Groups are locked in one order (sorted IDs) whatever the request's order: two requests over
        // [G1, G2] and [G2, G1] would otherwise deadlock on PostgreSQL (112 of 120 answered 500).
        for (const groupID of [...groups.keys()].sort()) {
          const list = groups.get(groupID)!;
          const group = await loadLiveGroup(tx, groupID);
          const wanted = [...new Set([...list.map((c) => c.userID), ctx.caller.userID])];
          const found = new Map((await tx.members.find(groupID, wanted)).map((m) => [m.userID, m]));
          checkMemberChanges(ctx.caller, group, list, found);
          seen.set(groupID, { group, found });
        }
        return seen;
      };

      return runOperation(store, {
        what: 'the members',
        asks: hooks.enabled('beforeSetGroupMemberInfo'),
        check: (tx, decided: Map<string, MemberChange[]> | undefined) => checkAll(tx, decided ?? byGroup),
        async decide(checked) {
          const final = new Map<string, MemberChange[]>();
          // One call per entry, in request order (as OpenIM); a rejection refuses the whole request.
          for (const [groupID, list] of byGroup) {
            const { group, found } = checked.get(groupID)!;
            const out: MemberChange[] = [];
            for (const c of list) {
              // A modified entry obeys the same rules as the caller's own: no escalation through the hook.
              const refuse = (_: unknown, __: MemberChange, after: MemberChange) =>
                broken(() => checkMemberChanges(ctx.caller, group, [after], found));
              out.push(
                await ask(hooks, ctx, 'beforeSetGroupMemberInfo', memberInfoEvent(c), c, { groups: [group], refuse }),
              );
            }
            final.set(groupID, out);
          }
          return final;
        },
        async write(tx, checked, decided) {
          const applied = [...(decided ?? byGroup).values()].flat();
          // Undefined fields are left as they are.
          for (const { groupID, userID, nickname, faceURL, roleLevel, ex } of applied)
            await tx.members.update(groupID, userID, { nickname, faceURL, roleLevel, ex });
          for (const groupID of new Set(applied.map((c) => c.groupID))) {
            const set = applied
              .filter((c) => c.groupID === groupID)
              .map((c) => ({
                userID: c.userID,
                roleLevel: c.roleLevel,
                profile: c.nickname !== undefined || c.faceURL !== undefined || c.ex !== undefined,
              }));
            await recordGroupChange(tx, deps, ctx, { kind: 'membersSet', groupID, set });
          }
          await hooks.after(
            tx,
            ctx,
            'afterSetGroupMemberInfo',
            applied.map(memberInfoEvent),
            [...checked.values()].map((c) => c.group),
          );
          return applied;
        },
      });
    },

    muteGroupMember(ctx: OpContext, input: { groupID: string; userID: string; mutedSeconds: number }) {
      return setMute(ctx, input.groupID, input.userID, now() + input.mutedSeconds * 1000, input.mutedSeconds);
    },

    cancelMuteGroupMember(ctx: OpContext, input: { groupID: string; userID: string }) {
      return setMute(ctx, input.groupID, input.userID, 0);
    },
  };
}
export type MemberService = ReturnType<typeof memberService>;
