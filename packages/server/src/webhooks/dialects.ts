// How a callback goes out and how its answer reads, per endpoint dialect. The hooks layer (before-
// callbacks) and the delivery worker (after-callbacks) both send through here, so the two dialects'
// URLs, headers and verdict rules each live in one place.

import {
  isOpenIMDelivered,
  isTencentDelivered,
  openimUrl,
  readOpenIMAnswer,
  readTencentAnswer,
  signatureHeaders,
  tencentUrl,
  type HookDefinition,
  type Verdict,
} from '@huddle/protocol';
import type { Dialect, EndpointConfig } from './config.js';

/** One callback as sent: an outbox row has exactly these fields. */
export interface OutgoingCallback {
  /** The event ID: `webhook-id`, what receivers dedupe on. */
  id: string;
  command: string;
  operationID: string;
  payload: string;
  clientIP: string;
  optPlatform: string;
}

export interface DialectRules {
  request(endpoint: EndpointConfig, callback: OutgoingCallback, now: number): { url: string; headers: Record<string, string> };
  /** A before-callback's answer: allow (with the hook's validated modification), reject or fail. */
  readBefore(hook: HookDefinition, statusCode: number, body: string): Verdict<unknown>;
  /** An after-callback's answer: delivered, or why not (then it is retried). */
  delivered(statusCode: number, body: string): { ok: true } | { ok: false; reason: string };
}

// Standard Webhooks headers go with both dialects: webhook-id always (receivers dedupe on it), the
// signature when the endpoint has a signing secret.
const commonHeaders = (endpoint: EndpointConfig, cb: OutgoingCallback, now: number) => ({
  operationID: cb.operationID,
  ...signatureHeaders(endpoint.signingSecret, cb.id, Math.floor(now / 1000), cb.payload),
});

const DIALECTS: Record<Dialect, DialectRules> = {
  openim: {
    request: (endpoint, cb, now) => ({ url: openimUrl(endpoint.url, cb.command), headers: commonHeaders(endpoint, cb, now) }),
    readBefore: (hook, statusCode, body) => readOpenIMAnswer(statusCode, body, hook.modifiable),
    delivered: isOpenIMDelivered,
  },
  tencent: {
    request: (endpoint, cb, now) => ({
      url: tencentUrl(endpoint.url, {
        sdkAppId: endpoint.sdkAppId,
        command: cb.command,
        clientIP: cb.clientIP,
        optPlatform: cb.optPlatform,
        token: endpoint.token,
        requestTimeSeconds: Math.floor(now / 1000),
      }),
      headers: commonHeaders(endpoint, cb, now),
    }),
    readBefore: (hook, statusCode, body) => readTencentAnswer(statusCode, body, hook.tencent?.modification, hook.modifiable),
    delivered: isTencentDelivered,
  },
};

export const dialectOf = (endpoint: EndpointConfig): DialectRules => DIALECTS[endpoint.dialect];
