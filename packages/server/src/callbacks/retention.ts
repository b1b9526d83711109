// Keeps the delivery log from growing without end: delivered and dead events (with their attempts)
// are deleted once they finished longer ago than HUDDLE_EVENT_RETENTION_DAYS. Pending events are
// never touched. Deletes go in batches, each its own transaction, so the API never waits long.

import type { Logger } from 'pino';
import type { Store } from '../storage/store.js';

/** Events per delete transaction. */
const BATCH = 1000;
/** How often to prune. */
export const PRUNE_INTERVAL_MS = 3_600_000;

export class OutboxRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly store: Store,
    /** 0 keeps everything. */
    private readonly retentionMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.retentionMs === 0 || this.timer) return;
    this.timer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.timer.unref();
    void this.prune();
  }

  /** Deletes what is past retention now; resolves with how many events (one run at a time). */
  prune(): Promise<number> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => 0);
  }

  private async run(): Promise<number> {
    if (this.retentionMs === 0) return 0;
    const before = this.now() - this.retentionMs;
    let total = 0;
    try {
      for (;;) {
        const n = await this.store.tx((tx) => tx.events.prune(before, BATCH));
        total += n;
        if (n < BATCH) break;
      }
      if (total > 0)
        this.logger.info(
          { events: total, finishedBefore: new Date(before).toISOString() },
          'deleted delivered and dead callbacks past retention',
        );
    } catch (err) {
      this.logger.warn({ err }, 'could not prune the delivery log; trying again later');
    }
    return total;
  }
}
