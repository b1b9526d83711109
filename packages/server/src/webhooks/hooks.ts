// What the domain sees of callbacks: `before` asks the business server (and may throw its
// rejection), `after` writes outbox rows inside the caller's transaction. Both take their request
// shape from the hook declarations in @huddle/protocol.

import {
  HOOKS,
  openimBody,
  openimUrl,
  readOpenIMAnswer,
  signatureHeaders,
  type AfterHookKey,
  type BeforeHookKey,
  type EventOf,
  type HookDefinition,
  type Hooks,
  type ModificationOf,
} from '@huddle/protocol';
import type { Logger } from 'pino';
import type { OpContext } from '../domain/context.js';
import { newSortableID } from '../domain/ids.js';
import { ApiError } from '../errors.js';
import type { Repos } from '../storage/store.js';
import type { CallbackSender } from './send.js';
import type { WebhookSettings } from './settings.js';

/** The endpoint name of the single OpenIM `url` (named endpoints come with the Tencent dialect). */
export const DEFAULT_ENDPOINT = 'default';

export interface BeforeObservation {
  hook: BeforeHookKey;
  outcome: 'allow' | 'reject' | 'fail';
  durationMs: number;
}

export function newEventID(now: number): string {
  return `evt_${newSortableID(now)}`;
}

export class CallbackHooks {
  constructor(
    private readonly settings: WebhookSettings,
    private readonly sender: CallbackSender,
    private readonly logger: Logger,
    private readonly now: () => number,
    /** Told after each enqueue commits, so delivery starts at once. */
    private readonly onEnqueued: () => void = () => {},
    private readonly observe: (o: BeforeObservation) => void = () => {},
  ) {}

  enabled(key: keyof Hooks): boolean {
    const config = this.settings.config;
    return config.url !== '' && config.hooks[key].enable;
  }

  /**
   * Runs a before-callback. Returns the validated modification (undefined: proceed unchanged);
   * throws the business server's rejection, or a callback failure when failedContinue is false.
   */
  async before<K extends BeforeHookKey>(ctx: OpContext, key: K, event: EventOf<Hooks[K]>): Promise<ModificationOf<Hooks[K]> | undefined> {
    if (!this.enabled(key)) return undefined;
    // Widened once here: the signature above already ties the event and the result to the hook.
    const hook: HookDefinition = HOOKS[key];
    const config = this.settings.config;
    const settings = config.hooks[key];
    const body = JSON.stringify(openimBody(hook, event));
    const now = this.now();
    const headers = { operationID: ctx.operationID, ...signatureHeaders(config.signingSecret, newEventID(now), Math.floor(now / 1000), body) };
    const res = await this.sender.post(openimUrl(config.url, hook.openim.command), body, headers, settings.timeoutMs);
    const verdict =
      res.statusCode === null
        ? ({ kind: 'fail', cause: 'transport', reason: res.error } as const)
        : readOpenIMAnswer(res.statusCode, res.body, hook.modifiable);
    this.observe({ hook: key, outcome: verdict.kind, durationMs: res.durationMs });

    if (verdict.kind === 'allow') return verdict.modification as ModificationOf<Hooks[K]> | undefined;
    if (verdict.kind === 'reject') throw ApiError.fromBusinessServer(verdict.errCode, verdict.errMsg, verdict.errDlt);
    this.logger.warn({ hook: key, operationID: ctx.operationID, reason: verdict.reason, failedContinue: settings.failedContinue }, 'before-callback failed');
    if (settings.failedContinue) return undefined;
    throw new ApiError(verdict.cause === 'transport' ? 'CallbackNetworkError' : 'CallbackDataError', `callback ${key} failed: ${verdict.reason}`);
  }

  /**
   * A modification that passed the hook's schema but breaks a rule only the domain knows (say, a
   * role that would escalate the caller). It counts as a failed callback: with failedContinue the
   * operation proceeds unmodified (returns), otherwise it is refused with DataError.
   */
  invalidModification(ctx: OpContext, key: BeforeHookKey, reason: string): void {
    const failedContinue = this.settings.config.hooks[key].failedContinue;
    this.logger.warn({ hook: key, operationID: ctx.operationID, reason, failedContinue }, 'before-callback returned an invalid modification');
    if (!failedContinue) throw new ApiError('CallbackDataError', `callback ${key} failed: invalid modification: ${reason}`);
  }

  /** Writes one outbox row per event, in the caller's transaction; nothing when the hook is off. */
  async after<K extends AfterHookKey>(tx: Repos, ctx: OpContext, key: K, events: EventOf<Hooks[K]>[]): Promise<void> {
    if (events.length === 0 || !this.enabled(key)) return;
    const hook: HookDefinition = HOOKS[key];
    const now = this.now();
    await tx.events.enqueue(
      events.map((event) => ({
        id: newEventID(now),
        hook: key,
        endpoint: DEFAULT_ENDPOINT,
        command: hook.openim.command,
        orderingKey: event.groupID,
        operationID: ctx.operationID,
        payload: JSON.stringify(openimBody(hook, event)),
        createdAt: now,
      })),
    );
    tx.afterCommit(this.onEnqueued);
  }
}
