// Users: registration by an app admin, profile reads, and profile updates by the user or an admin.

import { ApiError, args, noPermission, notFound } from '../errors.js';
import type { UserRecord } from '../storage/records.js';
import type { UserPatch } from '../storage/store.js';
import { firstDuplicate } from './guards.js';
import type { DomainDeps, OpContext } from './context.js';
import { userInfo } from './views.js';

export type NewUser = Omit<UserRecord, 'createTime'>;

export const USER_ID_PATTERN = /^[\p{L}\p{N}_]+$/u;

export function userService({ store, now }: DomainDeps) {
  return {
    /** Creates the configured app-admin users on start-up, as OpenIM does. */
    async ensureAdminUsers(adminUserIDs: readonly string[]) {
      await store.tx(async (tx) => {
        const existing = new Set((await tx.users.find(adminUserIDs)).map((u) => u.userID));
        const missing = adminUserIDs.filter((id) => !existing.has(id));
        await tx.users.insert(
          missing.map((userID) => ({ userID, nickname: userID, faceURL: '', ex: '', appMangerLevel: 2, globalRecvMsgOpt: 0, createTime: now() })),
        );
      });
    },

    async register(ctx: OpContext, users: NewUser[]) {
      if (!ctx.caller.isAppAdmin) throw noPermission('only an app admin may register users');
      const dup = firstDuplicate(users.map((u) => u.userID));
      if (dup !== undefined) throw args(`userID repeated: ${dup}`);
      const createTime = now();
      await store.tx(async (tx) => {
        const taken = await tx.users.find(users.map((u) => u.userID));
        if (taken.length > 0) {
          throw new ApiError('RegisteredAlreadyError', `already registered: ${taken.map((u) => u.userID).join(', ')}`);
        }
        await tx.users.insert(users.map((u): UserRecord => ({ ...u, createTime })));
      }).catch((err: unknown) => {
        // Another instance registered one of them between our check and our insert.
        if (store.isUniqueViolation(err)) throw new ApiError('RegisteredAlreadyError', 'already registered');
        throw err;
      });
    },

    async getUsersInfo(_ctx: OpContext, userIDs: string[]) {
      const byID = new Map((await store.repos.users.find(userIDs)).map((u) => [u.userID, u]));
      // Keep the caller's order; unknown IDs are left out, as OpenIM does.
      const usersInfo = [...new Set(userIDs)].flatMap((id) => {
        const u = byID.get(id);
        return u ? [userInfo(u)] : [];
      });
      return { usersInfo };
    },

    async updateUserInfoEx(ctx: OpContext, userID: string, patch: UserPatch) {
      if (ctx.caller.userID !== userID && !ctx.caller.isAppAdmin) throw noPermission('you may only update your own profile');
      await store.tx(async (tx) => {
        const [user] = await tx.users.find([userID]);
        if (!user) throw notFound(`user ${userID} not found`);
        await tx.users.update(userID, patch);
      });
    },
  };
}
export type UserService = ReturnType<typeof userService>;
