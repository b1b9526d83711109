// Tokens: issued as HS256 JWTs and registered server-side, so force_logout revokes them at once.

import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError, args, noPermission, notFound } from '../errors.js';
import { issueJwt, verifyJwt } from '../auth/jwt.js';
import { Platform, type Caller, type DomainDeps, type OpContext } from './context.js';
import { secretBackoff } from './secret-backoff.js';

export interface AuthDeps extends DomainDeps {
  secret: string;
  adminUserIDs: readonly string[];
  tokenTtlSeconds: number;
}

/** How a token is kept server-side (and named between instances): never the token itself. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

function sameSecret(given: string, actual: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(actual).digest();
  return timingSafeEqual(a, b);
}

export function authService(deps: AuthDeps) {
  const { store, now } = deps;
  const admins = new Set(deps.adminUserIDs);
  const isAppAdmin = (userID: string) => admins.has(userID);
  const backoff = secretBackoff(store.repos.secretFailures);

  async function issue(userID: string, platformID: number) {
    const { token, claims } = issueJwt(userID, platformID, deps.tokenTtlSeconds, deps.secret, now());
    await store.repos.tokens.insert({
      tokenHash: hashToken(token),
      userID,
      platformID,
      expiresAt: claims.exp * 1000,
      state: 0,
    });
    return { token, expireTimeSeconds: deps.tokenTtlSeconds };
  }

  /** Resolves a token to its caller: signature, expiry, then the server-side registry. */
  async function authenticate(token: string): Promise<Caller & { exp: number }> {
    const claims = verifyJwt(token, deps.secret, now());
    const record = await store.repos.tokens.get(hashToken(token));
    if (!record) throw new ApiError('TokenNotExistError', 'token is not registered');
    if (record.state === 2) throw new ApiError('TokenKickedError', 'token was revoked by force_logout');
    if (record.state !== 0) throw new ApiError('TokenUnknownError', 'token is not usable');
    return {
      userID: claims.UserID,
      platformID: claims.PlatformID,
      isAppAdmin: isAppAdmin(claims.UserID),
      exp: claims.exp,
    };
  }

  function requireAppAdmin(ctx: OpContext): void {
    if (!ctx.caller.isAppAdmin) throw noPermission('only an app admin may do this');
  }

  return {
    isAppAdmin,
    authenticate,
    requireAppAdmin,

    /** Each try counts against the caller's address until it names the right secret (secret-backoff.ts). */
    async getAdminToken(ctx: OpContext, input: { secret: string; userID: string }) {
      await backoff.claim(ctx.clientIP, now());
      if (!sameSecret(input.secret, deps.secret)) throw noPermission('secret invalid');
      await backoff.reset(ctx.clientIP);
      if (!isAppAdmin(input.userID)) throw args(`userID ${input.userID} is not an app admin`);
      const [user] = await store.repos.users.find([input.userID]);
      if (!user) throw notFound(`user ${input.userID} not found`);
      return issue(input.userID, Platform.Admin);
    },

    async getUserToken(ctx: OpContext, input: { platformID: number; userID: string }) {
      requireAppAdmin(ctx);
      if (input.platformID === Platform.Admin) throw noPermission('platformID 10 is reserved for admin tokens');
      if (isAppAdmin(input.userID)) throw noPermission("don't get Admin token");
      const [user] = await store.repos.users.find([input.userID]);
      if (!user) throw notFound(`user ${input.userID} not found`);
      if (user.appMangerLevel >= 3) throw args('notification accounts cannot get a user token');
      return issue(input.userID, input.platformID);
    },

    async parseToken(input: { token: string }) {
      const caller = await authenticate(input.token);
      return { userID: caller.userID, platformID: caller.platformID, expireTimeSeconds: caller.exp };
    },

    async forceLogout(ctx: OpContext, input: { platformID: number; userID: string }) {
      requireAppAdmin(ctx);
      await store.repos.tokens.kick(input.userID, input.platformID);
      deps.onLogout?.(input.userID, input.platformID);
    },

    /**
     * A login on a platform replaced older connections there (OpenIM's multi-login rule): the
     * platform's other tokens are revoked, as OpenIM's InvalidateToken does.
     */
    async keepOnlyToken(userID: string, platformID: number, keepTokenHash: string) {
      await store.repos.tokens.kick(userID, platformID, keepTokenHash);
    },
  };
}
export type AuthService = ReturnType<typeof authService>;
