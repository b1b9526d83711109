// Callback steps: ask a before-callback and apply its answer (every operation), ask
// beforeMemberJoinGroup (every path that adds members), and report each join (the seed's
// afterMemberJoinGroup and OpenIM's afterJoinGroup).

import {
  applyModification,
  CALLBACKS,
  type BeforeCallbackKey,
  type EventOf,
  type Callbacks,
  type Refusal,
} from '@huddle/protocol';
import { ApiError } from '../errors.js';
import type { GroupRecord, MemberRecord } from '../storage/records.js';
import type { Repos } from '../storage/store.js';
import { Role, type CallbackPort, type DomainDeps, type GroupFacts, type OpContext } from './context.js';

type Item<T> = T extends readonly (infer U)[] ? U : T;

/**
 * Asks a before-callback about `value` (what the operation is about to write) and returns it with
 * the answer applied, as the hook declares (applyModification). An answer that names something not
 * asked about, or that `refuse` refuses, is an invalid modification: `value` goes on unchanged, or
 * the request is refused without failedContinue.
 */
export async function ask<K extends BeforeCallbackKey, T>(
  hooks: CallbackPort,
  ctx: OpContext,
  key: K,
  event: EventOf<Callbacks[K]>,
  value: T,
  options: { groups?: readonly GroupFacts[]; refuse?: Refusal<Item<T>> } = {},
): Promise<T> {
  const answer = await hooks.before(ctx, key, event, options.groups);
  const spec = CALLBACKS[key].answer;
  if (answer === undefined || !spec) return value;
  const applied = applyModification(spec, value as Item<T>, answer, options.refuse);
  if (applied.ok) return applied.value as T;
  hooks.invalidModification(ctx, key, applied.reason);
  return value;
}

/** A domain rule as a Refusal's reason: the detail of the ApiError it throws. */
export function broken(rule: () => void): string | undefined {
  try {
    rule();
    return undefined;
  } catch (err) {
    if (err instanceof ApiError) return err.detail;
    throw err;
  }
}

/** Runs beforeMemberJoinGroup for members about to be inserted; returns them as they will be written. */
export async function askMembersJoin(
  { hooks }: Pick<DomainDeps, 'hooks'>,
  ctx: OpContext,
  group: Pick<GroupRecord, 'groupID' | 'ex'>,
  members: MemberRecord[],
): Promise<MemberRecord[]> {
  if (members.length === 0 || !hooks.enabled('beforeMemberJoinGroup')) return members;
  const event = {
    groupID: group.groupID,
    memberList: members.map((m) => ({ userID: m.userID, ex: m.ex })),
    groupEx: group.ex,
  };
  return ask(hooks, ctx, 'beforeMemberJoinGroup', event, members, {
    refuse: (entry, before) =>
      entry.roleLevel !== undefined && before.roleLevel === Role.Owner ? `the owner's role cannot change` : undefined,
  });
}

/**
 * Reports members who joined, in the joining transaction: one event of each kind per member, then
 * afterGroupFull if they filled the group.
 */
export async function reportJoins(
  { hooks, maxGroupMembers = 0 }: Pick<DomainDeps, 'hooks' | 'maxGroupMembers'>,
  tx: Repos,
  ctx: OpContext,
  group: GroupFacts & Pick<GroupRecord, 'ex'>,
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
    [group],
  );
  await hooks.after(
    tx,
    ctx,
    'afterJoinGroup',
    members.map((m) => ({
      operationID: ctx.operationID,
      groupID: group.groupID,
      reqMessage,
      joinSource: m.joinSource,
      inviterUserID: m.userID,
    })),
    [group],
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
  if (memberCount >= maxGroupMembers)
    await hooks.after(tx, ctx, 'afterGroupFull', [{ groupID, memberCount, maxMemberCount: maxGroupMembers }]);
}
