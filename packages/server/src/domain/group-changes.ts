// Every change a group operation makes, as data, recorded in the operation's write transaction:
// the sync logs clients pull deltas from (and, with them, what else must follow a group change).

import type { Repos, SyncChange } from '../storage/store.js';

export type GroupChange =
  | { kind: 'created'; groupID: string; memberIDs: readonly string[] }
  | { kind: 'infoSet'; groupID: string; changed: readonly string[] }
  | { kind: 'muted' | 'unmuted'; groupID: string }
  | { kind: 'applied'; groupID: string; userIDs: readonly string[] }
  | { kind: 'joined'; groupID: string; userIDs: readonly string[]; via: 'entered' | 'invited' | 'accepted' }
  | { kind: 'applicationRefused'; groupID: string; userID: string }
  | { kind: 'left'; groupID: string; userIDs: readonly string[]; via: 'quit' | 'kicked' }
  | { kind: 'ownerTransferred'; groupID: string; oldOwnerUserID: string; newOwnerUserID: string }
  | { kind: 'dismissed'; groupID: string; memberIDs: readonly string[]; membersDeleted: boolean }
  | { kind: 'memberMuted' | 'memberUnmuted'; groupID: string; userID: string }
  | { kind: 'membersSet'; groupID: string; userIDs: readonly string[] };

/**
 * The sync logs a change moves: a user's joined groups (a group entered, left, or whose info the
 * joined-group list shows changed) and a group's members.
 */
export async function recordGroupChange(tx: Repos, change: GroupChange): Promise<void> {
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
    case 'left':
      await joinGroups(change.userIDs, 'delete');
      await members(change.userIDs, 'delete');
      return;
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
      await members(change.userIDs, 'update');
      return;
    case 'applied':
    case 'applicationRefused':
      return; // no member or group changed
  }
}
