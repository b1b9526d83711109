// Builds callback requests exactly as huddle sends them (signed with @huddle/protocol's own signing
// functions), so each test can break one thing and see the receiver refuse it.

import { openimUrl, sign, tencentUrl } from '@huddle/protocol';
import type { CallbackRequest } from '../src/index.js';

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const OTHER_SECRET = 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBvZiAzMiBieXRlcw==';
export const SDK_APP_ID = '1400000000';
export const TOKEN = 'xxxxyyyy';

export const nowSeconds = () => Math.floor(Date.now() / 1000);

let seq = 0;
export const newID = () => `evt_${Date.now()}${++seq}`;

export interface SignedParts {
  id?: string;
  timestamp?: number;
  secret?: string;
  /** Replaces the computed webhook-signature header. */
  signature?: string;
}

function standardHeaders(body: string, parts: SignedParts): Record<string, string> {
  const id = parts.id ?? newID();
  const timestamp = parts.timestamp ?? nowSeconds();
  return {
    'content-type': 'application/json; charset=utf-8',
    operationid: 'op-test',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': parts.signature ?? sign(parts.secret ?? SECRET, id, timestamp, body),
  };
}

/** An OpenIM-dialect callback for `command` with `fields` after callbackCommand, signed. */
export function openimRequest(
  command: string,
  fields: object = {},
  parts: SignedParts = {},
): CallbackRequest & { headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ callbackCommand: command, ...fields });
  return { method: 'POST', url: openimUrl('/callbacks', command), headers: standardHeaders(body, parts), body };
}

export interface TencentParts extends SignedParts {
  sdkAppId?: string;
  token?: string;
  requestTime?: number;
}

/** A Tencent-dialect callback for `command` with `fields` after CallbackCommand, with Sign and a Standard Webhooks signature. */
export function tencentRequest(
  command: string,
  fields: object = {},
  parts: TencentParts = {},
): CallbackRequest & { headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ CallbackCommand: command, ...fields });
  const url = tencentUrl('/tc', {
    sdkAppId: parts.sdkAppId ?? SDK_APP_ID,
    command,
    clientIP: '127.0.0.1',
    optPlatform: 'RESTAPI',
    token: parts.token ?? TOKEN,
    requestTimeSeconds: parts.requestTime ?? nowSeconds(),
  });
  return { method: 'POST', url, headers: standardHeaders(body, parts), body };
}

/** Drops one query parameter from a request's URL, or sets it. */
export function withQuery(request: CallbackRequest, name: string, value?: string): CallbackRequest {
  const url = new URL(request.url, 'http://x');
  if (value === undefined) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return { ...request, url: `${url.pathname}${url.search}` };
}

/** A copy of the request without one header. */
export function withoutHeader<R extends CallbackRequest & { headers: Record<string, string> }>(
  request: R,
  name: string,
): R {
  const { [name]: _, ...headers } = request.headers;
  return { ...request, headers };
}
