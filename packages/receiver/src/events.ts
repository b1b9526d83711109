// What a handler receives: the callback's body, typed from the same hook declarations huddle sends
// from (OpenIMBodyOf, TencentBodyOf), so a business server's types cannot drift from the wire.

import type { CallbackKey, Callbacks, OpenIMBodyOf, TencentBodyOf } from '@huddle/protocol';

export type Dialect = 'openim' | 'tencent';

interface EventHead<K extends CallbackKey> {
  /** The hook key the handler was registered for. */
  hook: K;
  /** The command as sent: OpenIM's `callbackCommand`, or Tencent's `CallbackCommand`. */
  command: string;
  /**
   * `webhook-id`: the event's ID, the same on every retry and replay ('' when the request has none).
   * Receivers deduplicate on it; the receiver's idempotency store does so before handlers run.
   */
  id: string;
  /** `operationID`: the API call that caused the callback ('' when absent). */
  operationID: string;
}

export interface OpenIMEvent<K extends CallbackKey> extends EventHead<K> {
  dialect: 'openim';
  body: OpenIMBodyOf<Callbacks[K]>;
}

export interface TencentEvent<K extends CallbackKey> extends EventHead<K> {
  dialect: 'tencent';
  body: TencentBodyOf<Callbacks[K]>;
  /** The request's query parameters Tencent defines. */
  query: { SdkAppid: string; ClientIP: string; OptPlatform: string };
}

/** Hooks Tencent has a command for. */
export type TencentHookKey = {
  [K in CallbackKey]: [TencentBodyOf<Callbacks[K]>] extends [never] ? never : K;
}[CallbackKey];

/** An event of hook K, in whichever dialect the endpoint speaks: narrow on `dialect` to read the body. */
export type HookEvent<K extends CallbackKey> = OpenIMEvent<K> | (K extends TencentHookKey ? TencentEvent<K> : never);
