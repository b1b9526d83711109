// HS256 JSON Web Tokens with node:crypto. Claims mirror OpenIM's (UserID, PlatformID, exp, iat)
// so existing token parsers keep working; jti makes every issued token distinct.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors.js';

export interface Claims {
  UserID: string;
  PlatformID: number;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

export function issueJwt(
  userID: string,
  platformID: number,
  ttlSeconds: number,
  secret: string,
  nowMs: number,
): { token: string; claims: Claims } {
  const now = Math.floor(nowMs / 1000);
  // Backdated like OpenIM's, so a client whose clock runs a little behind can use it at once.
  const claims: Claims = {
    UserID: userID,
    PlatformID: platformID,
    exp: now + ttlSeconds,
    nbf: now - 5,
    iat: now - 5,
    jti: randomBytes(12).toString('base64url'),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${HEADER}.${payload}`;
  return { token: `${input}.${sign(input, secret).toString('base64url')}`, claims };
}

/** Checks form, signature and times; the server-side registry check comes after this. */
export function verifyJwt(token: string, secret: string, nowMs: number): Claims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new ApiError('TokenMalformedError', 'token is not a JWT');
  const [header, payload, signature] = parts as [string, string, string];
  let claims: Claims;
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
    if (h.alg !== 'HS256') throw new Error('alg');
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
  } catch {
    throw new ApiError('TokenMalformedError', 'token header or payload is not valid');
  }
  const expected = sign(`${header}.${payload}`, secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ApiError('TokenInvalidError', 'token signature is not valid');
  }
  if (typeof claims.UserID !== 'string' || typeof claims.PlatformID !== 'number' || typeof claims.exp !== 'number') {
    throw new ApiError('TokenMalformedError', 'token claims are incomplete');
  }
  const now = nowMs / 1000;
  if (claims.exp <= now) throw new ApiError('TokenExpiredError', 'token has expired');
  if (typeof claims.nbf === 'number' && claims.nbf > now)
    throw new ApiError('TokenNotValidYetError', 'token is not valid yet');
  return claims;
}
