import { args, noPermission } from '../errors.js';
import type { GroupView, MemberRecord } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import { HandleResult, JoinSource, NeedVerification, Role, type DomainDeps, type OpContext } from './context.js';
import { ask, askMembersJoin, reportJoins } from './callbacks.js';
import { done, runOperation } from './operation.js';
import { firstDuplicate, loadLiveGroup, requireUsersExist } from './guards.js';
import { recordGroupChange } from './group-changes.js';
import { addMembers, newMember } from './member-rows.js';

export function memberJoinService(deps: DomainDeps) {
  const { store, now, hooks } = deps;
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

      // Those beforeInviteUserToGroup refused (its refusedMembersAccount), for the caller.
      let refused: string[] = [];
      const result = await runOperation(store, {
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
          refused = input.invitedUserIDs.filter((id) => !invited.includes(id));
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
      return { ...result, refusedUserIDs: refused };
    },
  };
}
