// The claim loop: leases due after-events from the outbox and hands each to an attempt, up to
// `deliveryConcurrency` in flight at once (read on every claim, so a runtime change applies at once).
//
// - Order per group: `claim` only ever leases the head of each (endpoint, group) queue, and the head
//   stays pending (and leased) while its attempt is in flight, so a group never has two events in
//   flight and event N+1 waits until N is delivered or dead. Different groups go in parallel.
// - Chaining: the recorder's transaction that records N as delivered (or dead) also leases N+1 if it
//   is due (lease(), freeSlots(), take()), and N+1 goes out at once; the loop picks up queues that
//   had nothing in flight.
// - Nothing here runs on the request path: `wake()` only flips a flag, so a slow or dead receiver can
//   hold up deliveries but never an API call.
// - Leases: one worker ID per process. A lease lasts the longest hook timeout plus a margin
//   (LEASE_MARGIN_MS unless configured), so it outlives any attempt; the recorder writes only while
//   the lease is still held. With several instances on PostgreSQL, an instance that dies holding
//   leases delays its groups until they expire; then any worker claims them. On SQLite one process
//   owns the database, so start-up drops every lease: whatever a crashed run had in flight goes out
//   again at once (at-least-once; receivers dedupe on webhook-id).
// - Only events of configured endpoints with a URL are claimed; the others stay pending until their
//   endpoint is configured again (the file or set_config). Events are only written for such
//   endpoints, so these were enqueued before the endpoint was removed.
// - stop(): no more claims; in-flight attempts get `graceMs` to finish and are recorded as usual;
//   the rest are aborted (recorded as nothing), and releaseLeases() lets the next start send them first.

import type { Logger } from 'pino';
import type { EventRecord } from '../storage/records.js';
import type { EventRepo, Store } from '../storage/store.js';
import { activeEndpoints, type CallbackSettings, type CallbackConfig } from './config-file.js';
import type { LiveCallbackConfig } from './live-config.js';

/** How long a lease outlives the hook's timeout. */
export const LEASE_MARGIN_MS = 30_000;
/** A hook's timeout when it has none of its own. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** Shortest pause between two claim rounds that did not fill every free slot. */
const CLAIM_INTERVAL_MS = 2;
/** The pause is at least this many times the last round's duration (a long backlog makes claims dearer). */
const CLAIM_DUTY = 4;
const MAX_CLAIM_PAUSE_MS = 250;

export interface ClaimLoopOptions {
  /** Longest sleep when nothing is due: a safety net for missed wakes and other writers. */
  idlePollMs?: number;
  /** stop(): how long in-flight attempts may take to finish before they are aborted. */
  graceMs?: number;
  /** Drop every lease at start: right when this process is the database's only worker (SQLite). */
  releaseAllOnStart?: boolean;
  /** How long a lease outlives the longest hook timeout (default LEASE_MARGIN_MS). */
  leaseMarginMs?: number;
}

/** One leased event's attempt; `signal` aborts it at shutdown, and then it must record nothing. */
export type Attempt = (event: EventRecord, config: CallbackConfig, signal: AbortSignal) => Promise<void>;

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

export class ClaimLoop {
  private readonly inFlight = new Map<string, InFlight>();
  private running = false;
  private loop: Promise<void> | undefined;
  private woken = false;
  private wakeSleeper: (() => void) | undefined;
  private readonly idlePollMs: number;
  private readonly graceMs: number;
  private lastRoundEnd = 0;
  private lastRoundMs = 0;

  /** `id`: the lease holder name. */
  constructor(
    readonly id: string,
    private readonly store: Store,
    private readonly settings: LiveCallbackConfig,
    private readonly attempt: Attempt,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly options: ClaimLoopOptions = {},
  ) {
    this.idlePollMs = options.idlePollMs ?? 1000;
    this.graceMs = options.graceMs ?? 5000;
    // A new URL, concurrency or schedule applies to the next claim.
    settings.onChange(() => this.wake());
  }

  /** Attempts in flight right now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (this.options.releaseAllOnStart) {
      const released = await this.store.repos.events.release();
      if (released > 0)
        this.logger.info({ released }, 'released the leases of a previous run; those callbacks go out again now');
    }
    this.running = true;
    this.loop = this.run();
  }

  /** Something may have become claimable (an enqueue committed, an attempt ended, a replay). */
  wake(): void {
    this.woken = true;
    const sleeper = this.wakeSleeper;
    this.wakeSleeper = undefined;
    sleeper?.();
  }

  /**
   * Stops claiming, lets in-flight attempts finish for up to graceMs and aborts the rest. False when
   * the loop was not started. Their leases stay held until releaseLeases().
   */
  async stop(): Promise<boolean> {
    if (!this.loop) return false;
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = undefined;
    if (this.inFlight.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.graceMs)));
    await Promise.race([Promise.all([...this.inFlight.values()].map((f) => f.done)), grace]);
    clearTimeout(timer);
    const left = [...this.inFlight.values()];
    if (left.length > 0) {
      this.logger.info(
        { aborted: left.length },
        'aborting callback attempts still in flight; they are sent again at the next start',
      );
      for (const f of left) f.controller.abort();
      await Promise.all(left.map((f) => f.done));
    }
    return true;
  }

  /** Drops this worker's leases, so that the next start (of any worker) sends those events first. */
  async releaseLeases(): Promise<void> {
    try {
      await this.store.repos.events.release(this.id);
    } catch (err) {
      this.logger.error({ err }, 'could not release callback leases');
    }
  }

  /** Leases up to `limit` due queue heads (of `queues` only, when given) for this worker. */
  lease(
    events: Pick<EventRepo, 'claim'>,
    config: CallbackConfig,
    limit: number,
    queues?: readonly { endpoint: string; orderingKey: string }[],
  ): Promise<EventRecord[]> {
    const now = this.now();
    const endpoints = activeEndpoints(config).map((e) => e.name);
    return events.claim(this.id, now, now + this.leaseMs(config), limit, endpoints, queues);
  }

  /** The slots `finishing` attempts free for chained events, less any the configuration took away meanwhile. */
  freeSlots(finishing: number, config: CallbackConfig): number {
    return this.running ? Math.min(finishing, config.deliveryConcurrency - (this.inFlight.size - finishing)) : 0;
  }

  /** Sends events leased outside the loop (chaining), or releases them when stopping. */
  async take(events: readonly EventRecord[], config: CallbackConfig): Promise<void> {
    for (const event of events) {
      if (this.running) this.dispatch(event, config);
      else await this.store.repos.events.release(this.id, event.id);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeSleeper = undefined;
        resolve();
      }, ms);
      timer.unref();
      this.wakeSleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let delay = this.idlePollMs;
      try {
        if (this.claimable() > 0) {
          await this.pace();
          // Read after the pause: a configuration change or more finished attempts count.
          const config = this.settings.config;
          const limit = this.claimable();
          if (!this.running) break;
          if (limit > 0) {
            const started = performance.now();
            const claimed = await this.lease(this.store.repos.events, config, limit);
            if (!this.running) break; // stop() and releaseLeases() release what was just claimed
            for (const event of claimed) this.dispatch(event, config);
            // Every slot taken: the next round comes when an attempt ends (that wakes us).
            const full = claimed.length === limit;
            const endpoints = activeEndpoints(config).map((e) => e.name);
            const due = full || this.woken ? undefined : await this.store.repos.events.nextWakeAt(endpoints);
            this.lastRoundMs = performance.now() - started;
            this.lastRoundEnd = performance.now();
            if (full) continue;
            if (due !== undefined) delay = Math.min(this.idlePollMs, Math.max(0, due - this.now()));
          }
        }
      } catch (err) {
        if (!this.running) break;
        this.logger.error({ err }, 'callback delivery: claiming failed; trying again shortly');
        delay = this.idlePollMs;
      }
      if (this.woken || !this.running) continue;
      if (delay > 0) await this.sleep(delay);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Free delivery slots; 0 while no endpoint has a URL (events then stay pending). */
  private claimable(): number {
    const config = this.settings.config;
    return activeEndpoints(config).length === 0 ? 0 : config.deliveryConcurrency - this.inFlight.size;
  }

  /**
   * Spaces claim rounds a little so that one round picks up every slot freed meanwhile (instead of
   * one claim per finished attempt), and never lets claiming take more than about 1/(1+CLAIM_DUTY)
   * of the database when a long backlog makes each claim expensive.
   */
  private async pace(): Promise<void> {
    if (this.lastRoundEnd === 0) return;
    const pause = Math.min(MAX_CLAIM_PAUSE_MS, Math.max(CLAIM_INTERVAL_MS, CLAIM_DUTY * this.lastRoundMs));
    const wait = this.lastRoundEnd + pause - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  private leaseMs(config: CallbackConfig): number {
    let longest = DEFAULT_TIMEOUT_MS;
    for (const e of config.endpoints)
      for (const h of Object.values<CallbackSettings>(e.hooks)) longest = Math.max(longest, h.timeoutMs);
    return longest + (this.options.leaseMarginMs ?? LEASE_MARGIN_MS);
  }

  private dispatch(event: EventRecord, config: CallbackConfig): void {
    const controller = new AbortController();
    const done = this.attempt(event, config, controller.signal)
      .catch((err: unknown) => {
        // The lease expires (or is released at stop), so the event is tried again.
        this.logger.error({ err, eventID: event.id }, 'callback delivery failed unexpectedly');
      })
      .finally(() => {
        this.inFlight.delete(event.id);
        this.wake();
      });
    this.inFlight.set(event.id, { controller, done });
  }
}
