// Join requests: approval or refusal by a group manager, and the inboxes that list them.

import { ApiError, args, noPermission, notFound } from '../errors.js';
import type { MemberRecord, Page, RequestRecord } from '../storage/records.js';
import type { Repos, RequestQuery } from '../storage/store.js';
import { askMembersJoin, reportJoins } from './callbacks.js';
import { runOperation } from './operation.js';
import { HandleResult, Role, type DomainDeps, type OpContext } from './context.js';
import { loadLiveGroup, requireGroupManager } from './guards.js';
import { addMembers } from './members.js';
import { recordGroupChange } from './group-changes.js';
import { requestInfo } from './views.js';

export function applicationService(deps: DomainDeps) {
  const { store, now, hooks } = deps;
  /** Requests with their applicant's profile and their group, as OpenIM's GroupRequest. */
  async function expand(total: number, requests: RequestRecord[]) {
    const repos = store.repos;
    const users = new Map(
      (await repos.users.find([...new Set(requests.map((r) => r.userID))])).map((u) => [u.userID, u]),
    );
    const groups = new Map(
      (await repos.groups.find([...new Set(requests.map((r) => r.groupID))])).map((g) => [g.groupID, g]),
    );
    return { total, groupRequests: requests.map((r) => requestInfo(r, users.get(r.userID), groups.get(r.groupID))) };
  }

  return {
    async respond(
      ctx: OpContext,
      input: { groupID: string; fromUserID: string; handledMsg: string; handleResult: number },
    ) {
      if (input.handleResult !== HandleResult.Accepted && input.handleResult !== HandleResult.Refused) {
        throw args('HandleResult unknown');
      }
      const time = now();
      const check = async (tx: Repos) => {
        await requireGroupManager(tx, ctx.caller, input.groupID, 'RecordNotFoundError');
        const group = await loadLiveGroup(tx, input.groupID);
        const request = await tx.requests.get(input.groupID, input.fromUserID);
        if (!request) throw notFound(`no request from ${input.fromUserID} to group ${input.groupID}`);
        if (request.handleResult !== HandleResult.Pending) {
          throw new ApiError('GroupRequestHandled', 'group request already processed');
        }
        const [applicant] = await tx.users.find([input.fromUserID]);
        if (!applicant) throw notFound(`user ${input.fromUserID} not found`);
        // Someone invited meanwhile is already in: the request is closed, nobody is added twice.
        const joins =
          input.handleResult === HandleResult.Accepted && !(await tx.members.get(input.groupID, input.fromUserID));
        const member: MemberRecord = {
          groupID: input.groupID,
          userID: input.fromUserID,
          roleLevel: Role.Member,
          joinTime: time,
          nickname: '',
          faceURL: '',
          joinSource: request.joinSource,
          operatorUserID: ctx.caller.userID,
          inviterUserID: request.inviterUserID,
          ex: '',
          muteEndTime: 0,
        };
        return { group, request, joins, member };
      };

      return runOperation(store, {
        what: `the request of ${input.fromUserID} to group ${input.groupID}`,
        asks: input.handleResult === HandleResult.Accepted && hooks.enabled('beforeMemberJoinGroup'),
        check,
        // Whether the applicant joins (not if invited meanwhile), which request it answers, and the
        // groupEx beforeMemberJoinGroup was told.
        basis: ({ group, request, joins }) => [joins, request.reqTime, group.ex],
        async decide({ group, joins, member }) {
          const [modified] = joins ? await askMembersJoin(deps, ctx, group, [member]) : [];
          return { member: modified };
        },
        async write(tx, { group, request, joins, member }, decided) {
          // Handled first: the answer's notifications carry the handled request.
          await tx.requests.markHandled(input.groupID, input.fromUserID, {
            handleResult: input.handleResult,
            handleMsg: input.handledMsg,
            handleUserID: ctx.caller.userID,
            handleTime: time,
          });
          if (joins) {
            const joined = decided?.member ?? member;
            const memberCount = await addMembers(deps, tx, group, [joined]);
            await recordGroupChange(tx, deps, ctx, {
              kind: 'joined',
              groupID: input.groupID,
              userIDs: [joined.userID],
              via: 'accepted',
            });
            await reportJoins(deps, tx, ctx, group, [joined], request.reqMsg, memberCount);
          } else {
            await recordGroupChange(tx, deps, ctx, {
              kind: 'applicationAnswered',
              groupID: input.groupID,
              userID: input.fromUserID,
              accepted: input.handleResult === HandleResult.Accepted,
            });
          }
          return { group, request, joined: joins };
        },
      });
    },

    /** The inbox of a group manager: requests to groups where fromUserID is owner or admin. */
    async received(ctx: OpContext, input: { fromUserID: string; pagination: Page } & RequestQuery) {
      const { caller } = ctx;
      if (input.fromUserID !== caller.userID && !caller.isAppAdmin)
        throw noPermission('you may only read your own inbox');
      const repos = store.repos;
      if (input.groupIDs.length > 0) {
        const groups = await repos.groups.find(input.groupIDs);
        const missing = input.groupIDs.filter((id) => !groups.some((g) => g.groupID === id));
        if (missing.length > 0) throw new ApiError('GroupIDNotFoundError', `group not found: ${missing.join(', ')}`);
        if (!caller.isAppAdmin) {
          const mine = await Promise.all(input.groupIDs.map((id) => repos.members.get(id, input.fromUserID)));
          const notManaged = input.groupIDs.filter(
            (_, i) => mine[i]?.roleLevel !== Role.Owner && mine[i]?.roleLevel !== Role.Admin,
          );
          if (notManaged.length > 0) throw noPermission(`not owner or admin of: ${notManaged.join(', ')}`);
        }
      }
      const page = await repos.requests.inbox(input.fromUserID, input, input.pagination);
      return expand(page.total, page.items);
    },

    /** The requests a user has made. */
    async sent(ctx: OpContext, input: { userID: string; pagination: Page } & RequestQuery) {
      if (input.userID !== ctx.caller.userID && !ctx.caller.isAppAdmin)
        throw noPermission('you may only read your own requests');
      const page = await store.repos.requests.byApplicant(input.userID, input, input.pagination);
      return expand(page.total, page.items);
    },

    /** One user's request to one group: visible to that user, the group's managers and app admins. */
    async specified(ctx: OpContext, input: { groupID: string; userID: string }) {
      const { caller } = ctx;
      const repos = store.repos;
      if (input.userID !== caller.userID) await requireGroupManager(repos, caller, input.groupID, 'NoPermissionError');
      const request = await repos.requests.get(input.groupID, input.userID);
      return expand(request ? 1 : 0, request ? [request] : []);
    },

    /**
     * The requests of some users to one group, for its managers and app admins (OpenIM's userInfo
     * here is always null, a lookup bug; ours is filled).
     */
    async ofUsers(ctx: OpContext, input: { groupID: string; userIDs: string[] }) {
      const repos = store.repos;
      await requireGroupManager(repos, ctx.caller, input.groupID, 'NoPermissionError');
      const requests = await repos.requests.find(input.groupID, [...new Set(input.userIDs)]);
      return expand(requests.length, requests);
    },

    /** How many pending requests made after `time` (0: ever) wait in the user's inbox. */
    async unhandledCount(ctx: OpContext, input: { userID: string; time: number }) {
      if (input.userID !== ctx.caller.userID && !ctx.caller.isAppAdmin)
        throw noPermission('you may only count your own inbox');
      const query = { groupIDs: [], handleResults: [HandleResult.Pending], after: input.time || undefined };
      const { total } = await store.repos.requests.inbox(input.userID, query, { pageNumber: 1, showNumber: 0 });
      return { count: total };
    },
  };
}
export type ApplicationService = ReturnType<typeof applicationService>;
