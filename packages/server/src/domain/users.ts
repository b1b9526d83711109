// Users: registration by an app admin, profile reads, and profile updates by the user or an admin,
// each asking its before-callback (which may veto or rewrite) and reporting its after-callback.

import type { UserInfoChange, UserInfoExChange, UserRegisterEvent } from '@huddle/protocol';
import { ApiError, args, noPermission, notFound } from '../errors.js';
import type { Page, UserRecord } from '../storage/records.js';
import type { Repos, UserPatch } from '../storage/store.js';
import { ask } from './callbacks.js';
import { runOperation } from './operation.js';
import { firstDuplicate } from './guards.js';
import type { DomainDeps, OpContext } from './context.js';
import { userInfo } from './views.js';

export type NewUser = Omit<UserRecord, 'createTime'>;

/** Each profile update's before- and after-hook. */
type ProfileHooks =
  | readonly ['beforeUpdateUserInfo', 'afterUpdateUserInfo']
  | readonly ['beforeUpdateUserInfoEx', 'afterUpdateUserInfoEx'];

/** The profile fields a callback may rewrite. */
type ProfilePatch = Pick<UserPatch, 'nickname' | 'faceURL' | 'ex'>;

export const USER_ID_PATTERN = /^[\p{L}\p{N}_]+$/u;

export function userService({ store, now, hooks }: DomainDeps) {
  const requireUser = async (repos: Repos, userID: string) => {
    const [user] = await repos.users.find([userID]);
    if (!user) throw notFound(`user ${userID} not found`);
    return user;
  };

  /**
   * Both profile updates: who may, whether the user exists, the before-callback (its answer over
   * the request), the write, then the after-callback; `event` is the hook's view of a patch.
   */
  async function updateProfile<P extends UserPatch>(
    ctx: OpContext,
    userID: string,
    requested: P,
    [beforeKey, afterKey]: ProfileHooks,
    event: (patch: P) => UserInfoChange | UserInfoExChange,
  ) {
    if (ctx.caller.userID !== userID && !ctx.caller.isAppAdmin)
      throw noPermission('you may only update your own profile');
    await runOperation(store, {
      what: `user ${userID}`,
      asks: hooks.enabled(beforeKey),
      // The business server hears only of requests that would succeed.
      check: (tx, _decided: P | undefined) => requireUser(tx, userID),
      decide: () => ask(hooks, ctx, beforeKey, event(requested), requested),
      async write(tx, _user, decided) {
        const patch = decided ?? requested;
        const write = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as UserPatch;
        if (Object.keys(write).length > 0) await tx.users.update(userID, write);
        // A member's record shows the profile's nickname and face where its own are empty: every
        // group the user is in has a changed member for the clients' member sync.
        if (write.nickname !== undefined || write.faceURL !== undefined) {
          const groups = await tx.members.groupIDsOf(userID);
          await tx.syncLog.record(
            'group_members',
            groups.map((groupID) => ({ ownerID: groupID, elementID: userID, change: 'update' as const })),
          );
        }
        await hooks.after(tx, ctx, afterKey, [event(patch)]);
      },
    });
  }

  return {
    /** Creates the configured app-admin users on start-up, as OpenIM does. */
    ensureAdminUsers(adminUserIDs: readonly string[]) {
      return runOperation(store, {
        asks: false,
        async check(tx) {
          const existing = new Set((await tx.users.find(adminUserIDs)).map((u) => u.userID));
          return adminUserIDs.filter((id) => !existing.has(id));
        },
        async write(tx, missing) {
          await tx.users.insert(
            missing.map((userID) => ({
              userID,
              nickname: userID,
              faceURL: '',
              ex: '',
              appMangerLevel: 2,
              globalRecvMsgOpt: 0,
              createTime: now(),
            })),
          );
        },
      });
    },

    async register(ctx: OpContext, requested: NewUser[]) {
      if (!ctx.caller.isAppAdmin) throw noPermission('only an app admin may register users');
      const dup = firstDuplicate(requested.map((u) => u.userID));
      if (dup !== undefined) throw args(`userID repeated: ${dup}`);
      const createTime = now();
      const requireFree = async (repos: Repos) => {
        const taken = await repos.users.find(requested.map((u) => u.userID));
        if (taken.length > 0) {
          throw new ApiError('RegisteredAlreadyError', `already registered: ${taken.map((u) => u.userID).join(', ')}`);
        }
      };
      const users = requested.map((u): UserRecord => ({ ...u, createTime }));
      await runOperation(store, {
        what: 'the users',
        asks: hooks.enabled('beforeUserRegister'),
        check: (tx, _decided: UserRecord[] | undefined) => requireFree(tx),
        // As OpenIM: one callback for the whole batch, after the checks; a veto registers nobody.
        // Entries matched by userID; OpenIM would register whoever the answer lists, huddle only the requested users.
        decide: () =>
          ask(hooks, ctx, 'beforeUserRegister', { users: users.map(userInfo) } satisfies UserRegisterEvent, users),
        async write(tx, _free, decided) {
          const final = decided ?? users;
          await tx.users.insert(final);
          await hooks.after(tx, ctx, 'afterUserRegister', [{ users: final.map(userInfo) }]);
        },
      }).catch((err: unknown) => {
        // Another instance registered one of them between our check and our insert.
        if (store.isUniqueViolation(err)) throw new ApiError('RegisteredAlreadyError', 'already registered');
        throw err;
      });
    },

    /** get_users: every user, or those matching, a page at a time (app admins only). */
    async searchUsers(ctx: OpContext, input: { userID: string; nickName: string; pagination: Page }) {
      if (!ctx.caller.isAppAdmin) throw noPermission('only app admins may list users');
      const found = await store.repos.users.search(
        { userID: input.userID, nickname: input.nickName },
        input.pagination,
      );
      return { total: found.total, users: found.items.map(userInfo) };
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

    /** update_user_info_ex: wrappers, absent or null leaves a field as is, "" clears it. */
    updateUserInfoEx(ctx: OpContext, userID: string, requested: UserPatch) {
      return updateProfile(ctx, userID, requested, ['beforeUpdateUserInfoEx', 'afterUpdateUserInfoEx'], (p) => ({
        userID,
        nickname: p.nickname ?? null,
        faceURL: p.faceURL ?? null,
        ex: p.ex ?? null,
      }));
    },

    /** update_user_info (OpenIM's older call): plain strings, "" leaves a field as is. */
    updateUserInfo(ctx: OpContext, info: { userID: string; nickname: string; faceURL: string; ex: string }) {
      const nonEmpty = (s: string) => (s === '' ? undefined : s);
      const requested: ProfilePatch = {
        nickname: nonEmpty(info.nickname),
        faceURL: nonEmpty(info.faceURL),
        ex: nonEmpty(info.ex),
      };
      return updateProfile(ctx, info.userID, requested, ['beforeUpdateUserInfo', 'afterUpdateUserInfo'], (p) => ({
        userID: info.userID,
        nickname: p.nickname ?? '',
        faceURL: p.faceURL ?? '',
        ex: p.ex ?? '',
      }));
    },
  };
}
export type UserService = ReturnType<typeof userService>;
