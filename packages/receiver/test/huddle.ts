// A real huddle for the receiver's end-to-end tests, with its endpoints set at runtime through the
// admin API, as an operator would.

import {
  CALLBACK_KEYS,
  CALLBACKS,
  MESSAGE_HOOK_KEYS,
  USER_HOOK_KEYS,
  type AfterCallbackKey,
  type BeforeCallbackKey,
  type CallbackKey,
} from '@huddle/protocol';
import type { TestServer } from '../../server/test/harness.js';

/**
 * The group after-hooks, which one group's life (scenario.ts) sends; the user ones fire outside it,
 * and the message ones (the server's message-hooks tests) from sends and read marks.
 */
export const AFTER_KEYS = CALLBACK_KEYS.filter(
  (k): k is AfterCallbackKey =>
    CALLBACKS[k].phase === 'after' && !USER_HOOK_KEYS.includes(k) && !MESSAGE_HOOK_KEYS.includes(k),
);
export const BEFORE_KEYS = CALLBACK_KEYS.filter(
  (k): k is BeforeCallbackKey => CALLBACKS[k].phase === 'before' && !MESSAGE_HOOK_KEYS.includes(k),
);
export const hasTencent = (key: CallbackKey) => CALLBACKS[key].tencent !== undefined;

export interface EndpointSpec {
  url: string;
  hooks: readonly CallbackKey[];
  signingSecret?: string;
  /** Tencent endpoints: SDKAppID and token. */
  sdkAppId?: string;
  token?: string;
}

/** Points huddle at an OpenIM endpoint "im" and a Tencent endpoint "tc" (either may be left out). */
export async function configureEndpoints(
  s: TestServer,
  endpoints: { openim?: EndpointSpec; tencent?: EndpointSpec },
  failedContinue = false,
): Promise<void> {
  const hooks = (keys: readonly CallbackKey[]) =>
    Object.fromEntries(
      keys.map((k) => [
        k,
        { enable: true, timeout: 5, ...(CALLBACKS[k].phase === 'before' ? { failedContinue } : {}) },
      ]),
    );
  const list = [];
  if (endpoints.openim) {
    const { url, signingSecret, hooks: keys } = endpoints.openim;
    list.push({ name: 'im', url, dialect: 'openim', signingSecret, hooks: hooks(keys) });
  }
  if (endpoints.tencent) {
    const { url, signingSecret, sdkAppId, token, hooks: keys } = endpoints.tencent;
    list.push({ name: 'tc', url, dialect: 'tencent', sdkAppId, token, signingSecret, hooks: hooks(keys) });
  }
  await s.client.ok(
    '/callback/set_config',
    { config: { url: '', retrySchedule: Array(10).fill(0.1), endpoints: list } },
    s.adminToken,
  );
}

/** Resolves once every after-event huddle logged for the group is delivered (none pending or dead). */
export async function allDelivered(
  s: TestServer,
  groupID: string,
  expected: number,
  timeoutMs = 10_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { events } = await s.client.ok(
      '/callback/list_events',
      { groupID, pagination: { pageNumber: 1, showNumber: 1000 } },
      s.adminToken,
    );
    const statuses = (events as { status: string }[]).map((e) => e.status);
    if (statuses.length >= expected && statuses.every((st) => st === 'delivered')) return;
    if (Date.now() > until) throw new Error(`after-events of ${groupID} not all delivered: ${statuses.join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
