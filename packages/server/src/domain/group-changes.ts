// Every change a group operation makes, as data, recorded in the operation's write transaction:
// the sync logs clients pull deltas from, then the notifications that tell clients to pull them.

import type { Repos, SyncChange } from '../storage/store.js';
import type { OpContext } from './context.js';
import type { GroupChange } from './group-change.js';
import { type NotificationDeps, notifyGroupChange } from './group-notifications.js';

export type { GroupChange };

/**
 * Records a change made by `ctx`'s caller: the sync logs it moves, then its notifications (which
 * carry the group member log's new version).
 */
export async function recordGroupChange(
  tx: Repos,
  deps: NotificationDeps,
  ctx: OpContext,
  change: GroupChange,
): Promise<void> {
  await recordSyncLogs(tx, change);
  await notifyGroupChange(tx, deps, ctx, change);
}

/**
 * The sync logs a change moves: a user's joined groups (a group entered, left, or whose info the
 * joined-group list shows changed) and a group's members.
 */
async function recordSyncLogs(tx: Repos, change: GroupChange): Promise<void> {
  const { groupID } = change;
  const joinGroups = (ids: readonly string[], change: SyncChange) =>
    tx.syncLog.record(
      'join_groups',
      ids.map((u) => ({ ownerID: u, elementID: groupID, change })),
    );
  const members = (ids: readonly string[], change: SyncChange) =>
    tx.syncLog.record(
      'group_members',
      ids.map((u) => ({ ownerID: groupID, elementID: u, change })),
    );
  const everyone = async () => tx.members.userIDs(groupID);

  switch (change.kind) {
    case 'created':
      await joinGroups(change.memberIDs, 'insert');
      await members(change.memberIDs, 'insert');
      return;
    case 'infoSet':
    case 'muted':
    case 'unmuted':
      await joinGroups(await everyone(), 'update');
      return;
    case 'joined':
      await joinGroups(change.userIDs, 'insert');
      await members(change.userIDs, 'insert');
      return;
    case 'left': {
      const left = change.members.map((m) => m.userID);
      await joinGroups(left, 'delete');
      await members(left, 'delete');
      return;
    }
    case 'ownerTransferred':
      // The owner is part of the group's info in every member's list.
      await joinGroups(await everyone(), 'update');
      await members([change.oldOwnerUserID, change.newOwnerUserID], 'update');
      return;
    case 'dismissed':
      await joinGroups(change.memberIDs, change.membersDeleted ? 'delete' : 'update');
      if (change.membersDeleted) await members(change.memberIDs, 'delete');
      return;
    case 'memberMuted':
    case 'memberUnmuted':
      await members([change.userID], 'update');
      return;
    case 'membersSet':
      await members(
        change.set.map((s) => s.userID),
        'update',
      );
      return;
    case 'applied':
    case 'applicationAnswered':
      return; // no member or group changed
  }
}
