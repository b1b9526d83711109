// What the domain sees of callbacks: `before` asks the one endpoint that enables the hook (and may
// throw its rejection), `after` writes one outbox row per enabling endpoint inside the caller's
// transaction. Both take their request shape from the hook declarations in @huddle/protocol, in the
// endpoint's dialect.

import {
  CALLBACKS,
  tencentPlatform,
  type AfterCallbackKey,
  type BeforeCallbackKey,
  type EventOf,
  type CallbackDefinition,
  type Callbacks,
  type ModificationOf,
  type TencentContext,
  type Verdict,
} from '@huddle/protocol';
import type { Logger } from 'pino';
import type { CallbackPort, GroupFacts, OpContext, Outbox } from '../domain/context.js';
import { sortableIDs } from '../domain/ids.js';
import { ApiError } from '../errors.js';
import type { NewEvent } from '../storage/records.js';
import { hasUrl, isActive, type EndpointConfig, type CallbackSettings } from './config-file.js';
import { beforeVerdict, dialectOf } from './dialect-adapters.js';
import type { CallbackSender, SendResult } from './send.js';
import type { LiveCallbackConfig } from './live-config.js';

/** One before-callback asked: metrics count it, the decision log keeps it (decision-recorder.ts). */
export interface BeforeObservation {
  hook: BeforeCallbackKey;
  outcome: 'allow' | 'reject' | 'fail';
  durationMs: number;
  /** When the request went out. */
  time: number;
  endpoint: string;
  command: string;
  url: string;
  /** The group it concerns (its ordering key: the conversation or user for hooks without a group). */
  groupID: string;
  operationID: string;
  failedContinue: boolean;
  verdict: Verdict<unknown>;
  response: SendResult;
}

/**
 * Event IDs: `evt_` + 26 digits (13 ms + 4 counter + 9 instance). An invite of 1,000 users to two
 * endpoints writes 2,000 rows in one millisecond; 10,000 fit before the counter runs ahead, and two
 * instances meet only if their 9-digit instance numbers do (about 1 in 10^9 per pair).
 */
const nextEventDigits = sortableIDs({ counterDigits: 4, instanceDigits: 9 });

export function newEventID(now: number): string {
  return `evt_${nextEventDigits(now)}`;
}

/**
 * One callback request of `event` to `endpoint`, as huddle sends it (the dialect's body, URL,
 * headers, signature); undefined when the dialect has no callback for the hook.
 */
export async function oneRequest(
  endpoint: EndpointConfig,
  hook: CallbackDefinition,
  event: object,
  tencent: () => TencentContext,
  meta: { operationID: string; clientIP: string; optPlatform: string },
  now: number,
) {
  const dialect = dialectOf(endpoint);
  const [first] = await dialect.bodies(hook, [event as { groupID: string }], tencent);
  if (!first) return undefined;
  const payload = JSON.stringify(first.body);
  const request = dialect.request(
    endpoint,
    { id: newEventID(now), command: dialect.command(hook), payload, ...meta },
    now,
  );
  return { dialect, payload, request, groupID: first.groupID };
}

/** Tencent bodies report who acted, when, and the groups' type and name (as the operation passes them). */
function tencentContext(ctx: OpContext, groups: readonly GroupFacts[], now: number): TencentContext {
  const facts = new Map(groups.map((g) => [g.groupID, g]));
  return { operator: ctx.caller.userID, eventTime: now, group: (id) => facts.get(id) };
}

export class CallbackDispatcher implements CallbackPort {
  /**
   * Observations of answers that modify, held until the domain has applied them: an answer the
   * domain refuses (invalidModification) is observed as failed, not as a modification. The domain
   * applies an answer in the same turn of the event loop as `before` returns, so a setImmediate
   * observes it after that verdict.
   */
  private readonly unapplied = new WeakMap<OpContext, Map<BeforeCallbackKey, BeforeObservation>>();

  constructor(
    private readonly settings: LiveCallbackConfig,
    private readonly sender: CallbackSender,
    private readonly logger: Logger,
    private readonly now: () => number,
    /** Told after each enqueue commits, so delivery starts at once. */
    private readonly onEnqueued: () => void = () => {},
    private readonly observe: (o: BeforeObservation) => void = () => {},
  ) {}

  /**
   * Endpoints that enable the hook (at most one for a before-hook: the configuration checks it),
   * and, for a message hook given its event, whose filters let the message through. A paused
   * endpoint is not asked before a change, but its after-events are recorded: they wait for resume.
   */
  private endpointsFor(key: keyof Callbacks, event?: object): EndpointConfig[] {
    const eligible = CALLBACKS[key].phase === 'before' ? isActive : hasUrl;
    return this.settings.config.endpoints.filter(
      (e) => eligible(e) && e.hooks[key].enable && (event === undefined || passes(CALLBACKS[key], e.hooks[key], event)),
    );
  }

  enabled<K extends keyof Callbacks>(key: K, event?: EventOf<Callbacks[K]>): boolean {
    return this.endpointsFor(key, event).length > 0;
  }

  /**
   * Runs a before-callback. Returns the validated modification (undefined: proceed unchanged);
   * throws the business server's rejection, or a callback failure when failedContinue is false.
   */
  async before<K extends BeforeCallbackKey>(
    ctx: OpContext,
    key: K,
    event: EventOf<Callbacks[K]>,
    groups: readonly GroupFacts[] = [],
  ): Promise<ModificationOf<Callbacks[K]> | undefined> {
    const [endpoint] = this.endpointsFor(key, event);
    if (!endpoint) return undefined;
    // Widened once here: the signature above already ties the event and the result to the hook.
    const hook: CallbackDefinition = CALLBACKS[key];
    const settings = endpoint.hooks[key];
    const now = this.now();
    const built = await oneRequest(
      endpoint,
      hook,
      event,
      () => tencentContext(ctx, groups, now),
      { operationID: ctx.operationID, clientIP: ctx.clientIP, optPlatform: platformOf(ctx) },
      now,
    );
    if (!built) return undefined;
    const { dialect, payload, request, groupID } = built;
    const res = await this.sender.post(request.url, payload, request.headers, settings.timeoutMs);
    const verdict = beforeVerdict(dialect, hook, res);
    this.observeOnceApplied(ctx, {
      hook: key,
      outcome: verdict.kind,
      durationMs: res.durationMs,
      time: now,
      endpoint: endpoint.name,
      command: dialect.command(hook),
      url: request.url,
      groupID,
      operationID: ctx.operationID,
      failedContinue: settings.failedContinue,
      verdict,
      response: res,
    });

    if (verdict.kind === 'allow') return verdict.modification as ModificationOf<Callbacks[K]> | undefined;
    if (verdict.kind === 'reject') throw ApiError.fromBusinessServer(verdict, endpoint.dialect);
    this.logger.warn(
      {
        hook: key,
        endpoint: endpoint.name,
        operationID: ctx.operationID,
        reason: verdict.reason,
        failedContinue: settings.failedContinue,
      },
      'before-callback failed',
    );
    if (settings.failedContinue) return undefined;
    throw ApiError.fromCallbackFailure(verdict, key);
  }

  /**
   * A modification that passed the hook's schema but breaks a rule only the domain knows (say, a
   * role that would escalate the caller). It counts as a failed callback: with failedContinue the
   * operation proceeds unmodified (returns), otherwise it is refused with DataError.
   */
  invalidModification(ctx: OpContext, key: BeforeCallbackKey, reason: string): void {
    const settings: CallbackSettings | undefined = this.endpointsFor(key)[0]?.hooks[key];
    const failedContinue = settings?.failedContinue ?? true;
    const observed = this.unapplied.get(ctx)?.get(key);
    if (observed) {
      observed.outcome = 'fail';
      observed.verdict = { kind: 'fail', cause: 'data', reason: `invalid modification: ${reason}` };
    }
    this.logger.warn(
      { hook: key, operationID: ctx.operationID, reason, failedContinue },
      'before-callback returned an invalid modification',
    );
    if (!failedContinue)
      throw new ApiError('CallbackDataError', `callback ${key} failed: invalid modification: ${reason}`);
  }

  /** Observes a before-callback now, or, when its answer modifies, once the domain has applied it. */
  private observeOnceApplied(ctx: OpContext, o: BeforeObservation): void {
    if (o.verdict.kind !== 'allow' || o.verdict.modification === undefined) {
      this.observe(o);
      return;
    }
    const held = this.unapplied.get(ctx) ?? new Map<BeforeCallbackKey, BeforeObservation>();
    this.unapplied.set(ctx, held);
    held.set(o.hook, o);
    setImmediate(() => {
      held.delete(o.hook);
      this.observe(o);
    });
  }

  /** Writes the outbox rows of every endpoint that enables the hook, in the caller's transaction. */
  async after<K extends AfterCallbackKey>(
    tx: Outbox,
    ctx: OpContext,
    key: K,
    events: EventOf<Callbacks[K]>[],
    groups: readonly GroupFacts[] = [],
  ): Promise<void> {
    if (events.length === 0) return;
    const endpoints = this.endpointsFor(key);
    if (endpoints.length === 0) return;
    const hook: CallbackDefinition = CALLBACKS[key];
    const now = this.now();
    const origin = {
      operationID: ctx.operationID,
      createdAt: now,
      clientIP: ctx.clientIP,
      optPlatform: platformOf(ctx),
    };
    const rows: NewEvent[] = [];
    const tencent = () => tencentContext(ctx, groups, now);
    for (const endpoint of endpoints) {
      const dialect = dialectOf(endpoint);
      const base = { hook: key, endpoint: endpoint.name, command: dialect.command(hook), ...origin };
      const passing = events.filter((event) => passes(hook, endpoint.hooks[key], event));
      if (passing.length === 0) continue;
      for (const { groupID, body } of await dialect.bodies(hook, passing, tencent)) {
        rows.push({ ...base, id: newEventID(now), orderingKey: groupID, payload: JSON.stringify(body) });
      }
    }
    if (rows.length === 0) return;
    await tx.events.enqueue(rows);
    tx.afterCommit(this.onEnqueued);
  }
}

/** OpenIM's message filters: `deniedTypes`, and `attentionIds` where the hook has them. */
function passes(hook: CallbackDefinition, settings: CallbackSettings, event: object): boolean {
  const filter = hook.messageFilter;
  if (!filter) return true;
  const facts = filter.of(event);
  if (settings.deniedTypes?.includes(facts.contentType)) return false;
  const attention = filter.attention ? (settings.attentionIds ?? []) : [];
  return attention.length === 0 || attention.includes(facts.target);
}

/** Tencent's OptPlatform for the caller: app-admin calls are RESTAPI, as Tencent's REST API is. */
function platformOf(ctx: OpContext): string {
  return tencentPlatform(ctx.caller.platformID, ctx.caller.isAppAdmin);
}
