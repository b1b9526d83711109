// How a callback is written, how it goes out and how its answer reads, per endpoint dialect. The
// hooks layer (before-callbacks and outbox rows), the delivery worker (after-callbacks) and
// `huddle callbacks test` all go through here, so each dialect's commands, bodies, URLs, headers and
// verdict rules live in one place.

import {
  CALLBACK_KEYS,
  CALLBACKS,
  isOpenIMDelivered,
  isTencentDelivered,
  openimBody,
  openimUrl,
  orderingKeyOf,
  readOpenIMAnswer,
  readTencentAnswer,
  signatureHeaders,
  tencentBodies,
  tencentUrl,
  type AfterVerdict,
  type CallbackDefinition,
  type TencentContext,
  type Verdict,
} from '@huddle/protocol';
import type { Dialect, EndpointConfig } from './config-file.js';
import type { SendResult } from './send.js';

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

/** A callback body and the queue it goes in (its group's; see orderingKeyOf). */
export interface CallbackBody {
  groupID: string;
  body: object;
}

export interface DialectRules {
  /** The hook's command in this dialect (Tencent's only where it has the callback: the configuration checks). */
  command(hook: CallbackDefinition): string;
  /**
   * The bodies a hook's events make: OpenIM one per event; Tencent may batch several into one, or
   * have none. `context` (who acted, the groups' facts) is asked for only by dialects that use it.
   */
  bodies(
    hook: CallbackDefinition,
    events: object[],
    context: () => TencentContext | Promise<TencentContext>,
  ): Promise<CallbackBody[]>;
  request(
    endpoint: EndpointConfig,
    callback: OutgoingCallback,
    now: number,
  ): { url: string; headers: Record<string, string> };
  /** A before-callback's answer: allow (with the hook's validated modification), reject or fail. */
  readBefore(hook: CallbackDefinition, statusCode: number, body: string): Verdict<unknown>;
  /** An after-callback's answer: delivered (any 2xx, noting a body it cannot read), or why not (then it is retried). */
  delivered(statusCode: number, body: string): AfterVerdict;
}

// Standard Webhooks headers go with both dialects: webhook-id always (receivers dedupe on it), the
// signature when the endpoint has a signing secret.
const commonHeaders = (endpoint: EndpointConfig, cb: OutgoingCallback, now: number) => ({
  operationID: cb.operationID,
  ...signatureHeaders(endpoint.signingSecret, cb.id, Math.floor(now / 1000), cb.payload),
});

/** The hooks by OpenIM command: a request built from an outbox row finds its query parameters here. */
const OPENIM_HOOKS = new Map<string, CallbackDefinition>(
  CALLBACK_KEYS.map((k) => [CALLBACKS[k].openim.command, CALLBACKS[k]]),
);

/** The extra query parameters of an OpenIM request (the message hooks' `key`), from its body. */
function openimQuery(cb: OutgoingCallback): Record<string, string> {
  const query = OPENIM_HOOKS.get(cb.command)?.openim.query;
  return query ? query(JSON.parse(cb.payload) as Record<string, unknown>) : {};
}

const DIALECTS: Record<Dialect, DialectRules> = {
  openim: {
    command: (hook) => hook.openim.command,
    bodies: async (hook, events) =>
      events.map((event) => ({ groupID: orderingKeyOf(hook, event), body: openimBody(hook, event) })),
    request: (endpoint, cb, now) => ({
      url: openimUrl(endpoint.url, cb.command, openimQuery(cb)),
      headers: commonHeaders(endpoint, cb, now),
    }),
    readBefore: (hook, statusCode, body) => readOpenIMAnswer(statusCode, body, hook.modifiable),
    delivered: isOpenIMDelivered,
  },
  tencent: {
    command: (hook) => hook.tencent!.command,
    bodies: async (hook, events, context) =>
      tencentBodies(hook, events, await context()).map(({ orderingKey, body }) => ({ groupID: orderingKey, body })),
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
    readBefore: (hook, statusCode, body) =>
      readTencentAnswer(statusCode, body, hook.tencent?.modification, hook.modifiable),
    delivered: isTencentDelivered,
  },
};

export const dialectOf = (endpoint: EndpointConfig): DialectRules => DIALECTS[endpoint.dialect];

/** A sent before-callback's verdict; no answer at all is a transport failure. */
export function beforeVerdict(dialect: DialectRules, hook: CallbackDefinition, res: SendResult): Verdict<unknown> {
  return res.statusCode === null
    ? { kind: 'fail', cause: 'transport', reason: res.error }
    : dialect.readBefore(hook, res.statusCode, res.body);
}

/** Whether a sent after-callback was delivered, or why not (no answer: the transport's error). */
export function afterVerdict(dialect: DialectRules, res: SendResult): AfterVerdict {
  return res.statusCode === null ? { ok: false, reason: res.error } : dialect.delivered(res.statusCode, res.body);
}
