// The receiver: verifies a callback, finds its handler by the command it carries, runs it once per
// webhook-id, and answers in the request's dialect. Every outcome is an answer: a refused request,
// a handler that throws, a store that fails. The adapters only move bytes in and out.

import {
  CALLBACKS,
  type AfterCallbackKey,
  type BeforeCallbackKey,
  type CallbackDefinition,
  type CallbackKey,
} from '@huddle/protocol';
import type { Answer, ModifyFields } from './answers.js';
import { ReceiverError } from './errors.js';
import type { HookEvent } from './events.js';
import { Deduplicator, MemoryIdempotencyStore, type RecordedAnswer } from './idempotency.js';
import { dialectSettings, type DialectSettings, type ErrorContext, type ReceiverOptions } from './options.js';
import { renderAnswer, acknowledge, failure } from './render.js';
import { acceptCallback, type AcceptedCallback, type CallbackRequest } from './request.js';
import { hooksFor, preferred } from './routes.js';

export type BeforeHandler<K extends BeforeCallbackKey> = (
  event: HookEvent<K>,
) => Answer<ModifyFields<K>> | Promise<Answer<ModifyFields<K>>>;
export type AfterHandler<K extends AfterCallbackKey> = (event: HookEvent<K>) => void | Promise<void>;
/** A before-hook's handler must return allow(), reject() or modify(); an after-hook's returns nothing. */
export type Handler<K extends CallbackKey> = K extends BeforeCallbackKey
  ? BeforeHandler<K>
  : K extends AfterCallbackKey
    ? AfterHandler<K>
    : never;

export interface CallbackResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const ANSWER_KINDS = new Set(['allow', 'reject', 'modify']);

const json = (status: number, body: unknown): CallbackResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

/**
 * The default onError. A refused request is expected traffic (a scanner, a sender without the secret):
 * one line, no stack. A handler that throws is a bug in the application: its stack.
 */
const logError = (error: unknown, context: ErrorContext) =>
  error instanceof ReceiverError
    ? console.warn(`huddle receiver: refused a request: ${error.code} (HTTP ${error.status}): ${error.message}`)
    : console.error('huddle receiver:', context, error);

export class Receiver {
  readonly maxBodyBytes: number;
  private readonly settings: Partial<Record<'openim' | 'tencent', DialectSettings>>;
  private readonly handlers = new Map<CallbackKey, (event: never) => unknown>();
  private readonly dedupe: Deduplicator | undefined;
  private readonly onError: (error: unknown, context: ErrorContext) => void;

  constructor(options: ReceiverOptions) {
    this.settings = dialectSettings(options);
    const store = options.idempotency ?? new MemoryIdempotencyStore();
    this.dedupe = store === false ? undefined : new Deduplicator(store);
    this.onError = options.onError ?? logError;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /** Handles hook `key` in both dialects. One handler per hook; hooks without one are acknowledged (allowed). */
  on<K extends CallbackKey>(key: K, handler: Handler<K>): this {
    if (!Object.hasOwn(CALLBACKS, key)) throw new Error(`${String(key)} is not a huddle hook`);
    if (this.handlers.has(key)) throw new Error(`${key} already has a handler`);
    this.handlers.set(key, handler as (event: never) => unknown);
    return this;
  }

  /** Answers one callback. Never throws: a refusal or a failure is an answer too. */
  async handle(request: CallbackRequest): Promise<CallbackResponse> {
    let callback: AcceptedCallback;
    try {
      callback = acceptCallback(request, this.settings, (dialect, command) => hooksFor(dialect, command).length > 0);
    } catch (err) {
      if (!(err instanceof ReceiverError)) throw err;
      return this.refuse(err);
    }
    try {
      const answer =
        callback.id && this.dedupe
          ? await this.dedupe.once(callback.id, () => this.dispatch(callback))
          : await this.dispatch(callback);
      return json(answer.status, answer.body);
    } catch (err) {
      // The idempotency store failed: huddle retries, and the handler has not been recorded as run.
      this.onError(err, { stage: 'handler', dialect: callback.dialect, command: callback.command, id: callback.id });
      const answer = failure(callback.dialect);
      return json(answer.status, answer.body);
    }
  }

  /** The answer to a request refused before any handler ran (adapters use it for oversized bodies). */
  refuse(error: ReceiverError): CallbackResponse {
    this.onError(error, { stage: 'verify' });
    return json(error.status, { error: error.code, message: error.message });
  }

  /** The rendered answer of the handler for this callback; failures become failure answers here. */
  private async dispatch(callback: AcceptedCallback): Promise<RecordedAnswer> {
    const { dialect, command, id } = callback;
    const key = preferred(hooksFor(dialect, command), dialect, callback.body).find((k) => this.handlers.has(k));
    const handler = key && this.handlers.get(key);
    // A command this version does not know, or a hook nobody handles: received, carry on.
    if (!key || !handler) return acknowledge(dialect);
    const hook: CallbackDefinition = CALLBACKS[key];
    try {
      const result = await handler(this.event(key, callback) as never);
      if (hook.phase === 'after') return acknowledge(dialect);
      if (!isAnswer(result)) throw new Error(`the ${key} handler must return allow(), reject() or modify()`);
      return renderAnswer(dialect, hook, result);
    } catch (err) {
      this.onError(err, { stage: 'handler', dialect, command, id });
      return failure(dialect);
    }
  }

  private event(key: CallbackKey, c: AcceptedCallback): HookEvent<CallbackKey> {
    const head = { hook: key, command: c.command, id: c.id, operationID: c.operationID };
    if (c.dialect === 'openim') return { ...head, dialect: 'openim', body: c.body as never };
    const query = {
      SdkAppid: c.query.get('SdkAppid') ?? '',
      ClientIP: c.query.get('ClientIP') ?? '',
      OptPlatform: c.query.get('OptPlatform') ?? '',
    };
    return { ...head, dialect: 'tencent', body: c.body as never, query } as HookEvent<CallbackKey>;
  }
}

const isAnswer = (value: unknown): value is Answer<unknown> =>
  typeof value === 'object' && value !== null && ANSWER_KINDS.has((value as { kind?: unknown }).kind as string);

/** A receiver for huddle's callbacks; register handlers with `on`, then mount it with an adapter. */
export const createReceiver = (options: ReceiverOptions): Receiver => new Receiver(options);
