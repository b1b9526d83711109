// A member's settings in a group: nickname, face, role and ex (set_group_member_info, asking
// beforeSetGroupMemberInfo), and muting.

import type { MemberInfoChange } from '@huddle/protocol';
import { args, noPermission, notFound } from '../errors.js';
import type { GroupView, MemberRecord } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import { Role, type Caller, type DomainDeps, type OpContext } from './context.js';
import { ask, broken } from './callbacks.js';
import { runOperation } from './operation.js';
import { loadLiveGroup } from './guards.js';
import { recordGroupChange } from './group-changes.js';

export interface MemberChange {
  groupID: string;
  userID: string;
  nickname?: string;
  faceURL?: string;
  roleLevel?: number;
  ex?: string;
}

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

export function memberSettingService(deps: DomainDeps) {
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
