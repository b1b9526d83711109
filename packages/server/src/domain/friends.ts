// huddle keeps no friends or block lists. OpenIM's SDKs still ask for them at every login (and the
// JS SDK reports a failed sync without answers), so each user's lists answer as empty: a version
// log that never moves, an empty ID list, empty pages.

import { noPermission } from '../errors.js';
import type { OpContext } from './context.js';
import type { ClientVersion } from './group-sync.js';

/** The name of every user's friend log: it never changes, so a client that has it is current. */
export const FRIENDS_VERSION_ID = '000000000000000000000001';
const FRIENDS_VERSION = 1;

function requireSelf(ctx: OpContext, userID: string): void {
  if (userID !== ctx.caller.userID && !ctx.caller.isAppAdmin)
    throw noPermission(`you may only read your own friends, not ${userID}'s`);
}

export function friendService() {
  return {
    /** get_incremental_friends: once the client holds the log, nothing changes; before, start over. */
    incremental(ctx: OpContext, userID: string, client: ClientVersion) {
      requireSelf(ctx, userID);
      const current = client.version === FRIENDS_VERSION && client.versionID === FRIENDS_VERSION_ID;
      return {
        version: FRIENDS_VERSION,
        versionID: FRIENDS_VERSION_ID,
        full: !current,
        delete: [] as never[],
        insert: [] as never[],
        update: [] as never[],
        sortVersion: 0,
      };
    },

    /** get_full_friend_user_ids: the idHash of no IDs is 0. */
    fullUserIDs(ctx: OpContext, userID: string, idHash: number) {
      requireSelf(ctx, userID);
      const equal = idHash === 0;
      return {
        version: FRIENDS_VERSION,
        versionID: FRIENDS_VERSION_ID,
        equal,
        userIDs: equal ? null : ([] as never[]),
      };
    },

    friendList(ctx: OpContext, userID: string) {
      requireSelf(ctx, userID);
      return { total: 0, friendsInfo: [] as never[] };
    },

    /** get_designated_friends: the JS SDK asks before its first one-to-one message to a user. */
    designated(ctx: OpContext, ownerUserID: string) {
      requireSelf(ctx, ownerUserID);
      return { friendsInfo: [] as never[] };
    },

    blackList(ctx: OpContext, userID: string) {
      requireSelf(ctx, userID);
      return { total: 0, blacks: [] as never[] };
    },
  };
}
