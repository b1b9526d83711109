// Tokens huddle did not issue, for tests of what it refuses: signed like huddle's (HS256, OpenIM's
// claims), with its secret or another, never registered server-side.

import { createHmac } from 'node:crypto';
import { TEST_SECRET } from './harness.js';

/** A JWT signed like huddle's (not registered server-side unless huddle issued it). */
export function forgeJwt(claims: Record<string, unknown>, secret = TEST_SECRET): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Claims for `userID` on the web platform, valid for an hour from now. */
export function claimsFor(userID: string, platformID = 5): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { UserID: userID, PlatformID: platformID, exp: now + 3600, nbf: now - 5, iat: now - 5, jti: 'x' };
}

/** Tokens refused before any rule runs, by the code each must get. */
export function badTokens(userID: string): { name: string; token: string; code: number }[] {
  const claims = claimsFor(userID);
  const now = Math.floor(Date.now() / 1000);
  return [
    { name: 'garbage', token: 'garbage', code: 1503 },
    { name: 'malformed', token: 'a.b.c', code: 1503 },
    { name: 'forged (another secret)', token: forgeJwt(claims, 'another-secret-0123456789'), code: 1502 },
    { name: 'unregistered (right secret)', token: forgeJwt(claims), code: 1507 },
    { name: 'expired', token: forgeJwt({ ...claims, exp: now - 10 }), code: 1501 },
    { name: 'not yet valid', token: forgeJwt({ ...claims, nbf: now + 3600 }), code: 1504 },
    {
      name: 'unregistered admin claims',
      token: forgeJwt({ ...claims, UserID: 'imAdmin', PlatformID: 10 }),
      code: 1507,
    },
  ];
}
