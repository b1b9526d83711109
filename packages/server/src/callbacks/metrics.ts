// Prometheus metrics of the callback machinery, served at GET /metrics. One registry per app, so
// several instances in one process (tests) never share counters.
//
// The queue gauges (depth, dead, oldest age) count rows of the outbox, which costs as much as the
// outbox is long (17 ms on the event loop at 87,091 pending): a scrape reads them from the store at
// most once per STATS_MAX_AGE_MS, and concurrent scrapes share that one read, so any number of
// scrapers cost one count a second and each scrape O(1). The values are then at most 1 s old (the
// oldest age is computed at each scrape from the cached creation time); with several instances on
// one database each reads the shared outbox, so they all show the same figures.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventRepo } from '../storage/store.js';
import type { BeforeObservation } from './dispatcher.js';

/**
 * What one after-callback attempt came to, as metrics and the live view label it: delivered, failed
 * (to be retried) or dead (schedule spent).
 */
export type AttemptOutcomeLabel = 'delivered' | 'failed' | 'dead';

/** How old the queue gauges may be. */
export const STATS_MAX_AGE_MS = 1000;

type QueueStats = Awaited<ReturnType<EventRepo['stats']>>;

export class CallbackMetrics {
  readonly registry = new Registry();
  private readonly deliveries: Counter<'hook' | 'outcome'>;
  private readonly attemptSeconds: Histogram<'hook' | 'outcome'>;
  private readonly beforeTotal: Counter<'hook' | 'outcome'>;
  private readonly beforeSeconds: Histogram<'hook' | 'outcome'>;
  private readonly queueDepth: Gauge;
  private readonly deadEvents: Gauge;
  private readonly oldestAge: Gauge;
  private readonly inFlight: Gauge;
  /** The last read of the queue stats (in progress or done), and when it started. */
  private snapshot: { at: number; stats: Promise<QueueStats> } | undefined;

  constructor(
    private readonly events: Pick<EventRepo, 'stats'>,
    private readonly now: () => number,
    private readonly inFlightCount: () => number = () => 0,
    options: { processMetrics?: boolean } = {},
  ) {
    const registers = [this.registry];
    this.deliveries = new Counter({
      name: 'huddle_callback_deliveries_total',
      help: 'After-callback attempts by hook and outcome: delivered, failed (will be retried), dead (retry schedule spent)',
      labelNames: ['hook', 'outcome'],
      registers,
    });
    this.attemptSeconds = new Histogram({
      name: 'huddle_callback_attempt_duration_seconds',
      help: 'Duration of after-callback HTTP attempts, by hook and outcome (success, failure)',
      labelNames: ['hook', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.beforeTotal = new Counter({
      name: 'huddle_callback_before_callbacks_total',
      help: 'Before-callbacks by hook and verdict: allow, reject, fail (timeout, transport or unusable answer)',
      labelNames: ['hook', 'outcome'],
      registers,
    });
    this.beforeSeconds = new Histogram({
      name: 'huddle_callback_before_callback_duration_seconds',
      help: 'Round trip of before-callbacks, by hook and verdict',
      labelNames: ['hook', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'huddle_callback_queue_depth',
      help: 'After-events waiting to be delivered (pending, including in flight)',
      registers,
    });
    this.deadEvents = new Gauge({
      name: 'huddle_callback_dead_events',
      help: 'After-events dead-lettered and not replayed',
      registers,
    });
    this.oldestAge = new Gauge({
      name: 'huddle_callback_oldest_pending_age_seconds',
      help: 'Age of the oldest pending after-event (0 when none is pending)',
      registers,
    });
    this.inFlight = new Gauge({
      name: 'huddle_callback_in_flight',
      help: 'After-callback attempts in flight in this process',
      registers,
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'huddle_' });
  }

  attempt(hook: string, outcome: AttemptOutcomeLabel, durationMs: number): void {
    this.deliveries.inc({ hook, outcome });
    this.attemptSeconds.observe({ hook, outcome: outcome === 'delivered' ? 'success' : 'failure' }, durationMs / 1000);
  }

  before(o: BeforeObservation): void {
    this.beforeTotal.inc({ hook: o.hook, outcome: o.outcome });
    this.beforeSeconds.observe({ hook: o.hook, outcome: o.outcome }, o.durationMs / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The queue stats, read at most once per STATS_MAX_AGE_MS; concurrent callers share one read. */
  private queueStats(now: number): Promise<QueueStats> {
    if (this.snapshot && now - this.snapshot.at < STATS_MAX_AGE_MS) return this.snapshot.stats;
    const stats = this.events.stats();
    const snapshot = { at: now, stats };
    this.snapshot = snapshot;
    // A failed read is not cached: the next scrape tries again.
    stats.catch(() => {
      if (this.snapshot === snapshot) this.snapshot = undefined;
    });
    return stats;
  }

  /** The text exposition, with the queue gauges at most STATS_MAX_AGE_MS old. */
  async render(): Promise<string> {
    const { pending, dead, oldestPendingAt } = await this.queueStats(this.now());
    this.queueDepth.set(pending);
    this.deadEvents.set(dead);
    this.oldestAge.set(oldestPendingAt === null ? 0 : Math.max(0, this.now() - oldestPendingAt) / 1000);
    this.inFlight.set(this.inFlightCount());
    return this.registry.metrics();
  }
}
