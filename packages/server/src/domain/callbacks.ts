// Callback steps shared by every path that adds members: ask beforeMemberJoinGroup, apply what it
// may change, and report each join (the seed's afterMemberJoinGroup and OpenIM's afterJoinGroup).

import { args } from '../errors.js';
import type { GroupRecord, MemberRecord } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import { Role, type DomainDeps, type OpContext } from './context.js';

/** What a commit answers when the facts its before-callbacks were decided on no longer hold. */
export const STALE = Symbol('stale');

/** Decisions at most, when the facts keep changing under the before-callbacks, before refusing. */
export const DECISION_ROUNDS = 3;

/**
 * Before-callbacks are asked outside the final transaction (they may take seconds), from facts read
 * before them (say, whether a join is direct, which decides whether beforeMemberJoinGroup is asked).
 * `round` asks them and commits; its transaction re-reads those facts under the group's lock and
 * answers STALE, writing nothing, if they changed: the callbacks are asked again from the new facts,
 * up to DECISION_ROUNDS times, then the request is refused. A concurrent change can then never
 * carry a request past a callback that was not asked, or that refused.
 */
export async function decideAndCommit<T>(what: string, round: () => Promise<T | typeof STALE>): Promise<T> {
  for (let n = 1; n <= DECISION_ROUNDS; n++) {
    const result = await round();
    if (result !== STALE) return result;
  }
  throw args(`${what} changed while the business server was asked, ${DECISION_ROUNDS} times in a row; try again`);
}

/** Runs beforeMemberJoinGroup for members about to be inserted; returns them as they will be written. */
export async function askMembersJoin(
  { hooks }: Pick<DomainDeps, 'hooks'>,
  ctx: OpContext,
  group: Pick<GroupRecord, 'groupID' | 'ex'>,
  members: MemberRecord[],
): Promise<MemberRecord[]> {
  if (members.length === 0 || !hooks.enabled('beforeMemberJoinGroup')) return members;
  const mod = await hooks.before(ctx, 'beforeMemberJoinGroup', {
    groupID: group.groupID,
    memberList: members.map((m) => ({ userID: m.userID, ex: m.ex })),
    groupEx: group.ex,
  });
  if (!mod || mod.memberCallbackList.length === 0) return members;
  const byID = new Map(members.map((m) => [m.userID, { ...m }]));
  for (const entry of mod.memberCallbackList) {
    const m = byID.get(entry.userID);
    if (!m) {
      hooks.invalidModification(ctx, 'beforeMemberJoinGroup', `memberCallbackList names ${entry.userID}, who is not joining`);
      return members;
    }
    if (entry.roleLevel !== undefined && m.roleLevel === Role.Owner) {
      hooks.invalidModification(ctx, 'beforeMemberJoinGroup', `the owner's role cannot change`);
      return members;
    }
    if (entry.nickname !== undefined) m.nickname = entry.nickname;
    if (entry.faceURL !== undefined) m.faceURL = entry.faceURL;
    if (entry.roleLevel !== undefined) m.roleLevel = entry.roleLevel;
    if (entry.muteEndTime !== undefined) m.muteEndTime = entry.muteEndTime;
    if (entry.ex !== undefined) m.ex = entry.ex;
  }
  return members.map((m) => byID.get(m.userID)!);
}

/**
 * Reports members who joined, in the joining transaction: one event of each kind per member, then
 * afterGroupFull if they filled the group.
 */
export async function reportJoins(
  { hooks, maxGroupMembers = 0 }: Pick<DomainDeps, 'hooks' | 'maxGroupMembers'>,
  tx: Repos,
  ctx: OpContext,
  group: Pick<GroupRecord, 'groupID' | 'ex'>,
  members: MemberRecord[],
  reqMessage: string,
  /** The group's member count with them. */
  memberCount: number,
): Promise<void> {
  await hooks.after(
    tx,
    ctx,
    'afterMemberJoinGroup',
    members.map((m) => ({ groupID: group.groupID, userID: m.userID, ex: m.ex, groupEx: group.ex })),
  );
  await hooks.after(
    tx,
    ctx,
    'afterJoinGroup',
    members.map((m) => ({ operationID: ctx.operationID, groupID: group.groupID, reqMessage, joinSource: m.joinSource, inviterUserID: m.userID })),
  );
  await reportIfFull({ hooks, maxGroupMembers }, tx, ctx, group.groupID, memberCount);
}

/** afterGroupFull, when a change just brought the group to HUDDLE_MAX_GROUP_MEMBERS. */
export async function reportIfFull(
  { hooks, maxGroupMembers = 0 }: Pick<DomainDeps, 'hooks' | 'maxGroupMembers'>,
  tx: Repos,
  ctx: OpContext,
  groupID: string,
  memberCount: number,
): Promise<void> {
  if (maxGroupMembers === 0 || !hooks.enabled('afterGroupFull')) return;
  if (memberCount >= maxGroupMembers) await hooks.after(tx, ctx, 'afterGroupFull', [{ groupID, memberCount, maxMemberCount: maxGroupMembers }]);
}
