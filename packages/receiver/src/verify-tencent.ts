// Tencent Cloud Chat's callback authentication: SdkAppid must be this app's; with a token, Sign
// must be SHA-256(token + RequestTime) and RequestTime within 60 s of now (Tencent's console guide).
// The signature covers neither the body nor the command: pair it with HTTPS, or with a signing secret.

import { tencentSignMatches } from '@huddle/protocol';
import { ReceiverError } from './errors.js';
import { checkFreshness } from './timestamp.js';

export const TENCENT_TOLERANCE_SECONDS = 60;

export interface TencentApp {
  /** The SdkAppid every request must carry. */
  sdkAppId: string;
  /** The callback token; false when the endpoint sends no Sign (Tencent's authentication is optional). */
  token: string | false;
}

export function verifyTencent(
  query: URLSearchParams,
  app: TencentApp,
  nowSeconds = Math.floor(Date.now() / 1000),
): void {
  const sdkAppId = query.get('SdkAppid');
  if (!sdkAppId) throw new ReceiverError('missing_parameter', 'the SdkAppid parameter is missing');
  if (sdkAppId !== app.sdkAppId) throw new ReceiverError('wrong_app', 'SdkAppid is not this app');
  if (app.token === false) return;
  const sign = query.get('Sign');
  const requestTime = query.get('RequestTime');
  if (!sign) throw new ReceiverError('missing_parameter', 'the Sign parameter is missing');
  if (!requestTime) throw new ReceiverError('missing_parameter', 'the RequestTime parameter is missing');
  checkFreshness(requestTime, nowSeconds, TENCENT_TOLERANCE_SECONDS, 'RequestTime');
  // Hex is hex in either case: an upper-case Sign is accepted.
  if (!tencentSignMatches(app.token, requestTime, sign.toLowerCase()))
    throw new ReceiverError('bad_signature', 'Sign does not match the token');
}
