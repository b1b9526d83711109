// Leaving a group: quitting, and being kicked by a manager.

import { ApiError, args, noPermission, notFound } from '../errors.js';
import { Role, type DomainDeps, type OpContext } from './context.js';
import { runOperation } from './operation.js';
import { firstDuplicate, loadGroup, loadLiveGroup } from './guards.js';
import { recordGroupChange } from './group-changes.js';
import { removeMembers } from './member-rows.js';

export function memberLeaveService(deps: DomainDeps) {
  const { store, hooks } = deps;
  return {
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
  };
}
