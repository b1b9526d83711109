// Tencent's signed callback URL: its query parameters, and the Sign that proves the request comes
// from the app (SHA-256 of token + RequestTime). Apart from the rest of the Tencent dialect because
// it needs node:crypto, which the callback declarations (used by browser bundles) must not.

import { createHash, timingSafeEqual } from 'node:crypto';

/** Tencent's callback signature: lowercase hex SHA-256 of token + RequestTime (decimal seconds). */
export function tencentSign(token: string, requestTimeSeconds: number | string): string {
  return createHash('sha256').update(`${token}${requestTimeSeconds}`).digest('hex');
}

/** Whether a received Sign is tencentSign(token, requestTime), exactly (constant-time comparison). */
export function tencentSignMatches(token: string, requestTime: number | string, sign: string): boolean {
  const expected = Buffer.from(tencentSign(token, requestTime));
  const given = Buffer.from(sign);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface TencentRequestParams {
  sdkAppId: string;
  command: string;
  clientIP: string;
  optPlatform: string;
  /** When set, the URL carries Sign and RequestTime. */
  token?: string;
  requestTimeSeconds: number;
}

/** The callback URL: the configured URL with Tencent's query parameters appended, in Tencent's order. */
export function tencentUrl(baseUrl: string, p: TencentRequestParams): string {
  const q = new URLSearchParams({
    SdkAppid: p.sdkAppId,
    CallbackCommand: p.command,
    contenttype: 'json',
    ClientIP: p.clientIP,
    OptPlatform: p.optPlatform,
  });
  if (p.token) {
    q.set('Sign', tencentSign(p.token, p.requestTimeSeconds));
    q.set('RequestTime', String(p.requestTimeSeconds));
  }
  return `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}${q.toString()}`;
}
