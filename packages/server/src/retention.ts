// Keeps a table from growing without end: rows older than a retention period are deleted in
// batches, each its own transaction, so the API never waits long. One instance of this per kind
// of data (finished callbacks, messages); a period of 0 keeps everything.

import type { Logger } from 'pino';

/** Rows per delete transaction. */
const BATCH = 1000;
/** How often to prune. */
export const PRUNE_INTERVAL_MS = 3_600_000;

export interface RetentionOptions {
  /** What is deleted, for the log ("delivered and dead callbacks"). */
  what: string;
  /** 0 keeps everything. */
  retentionMs: number;
  /** Deletes up to `limit` rows older than `before`, in one transaction; returns how many. */
  prune(before: number, limit: number): Promise<number>;
  logger: Logger;
  now?: () => number;
}

export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly options: RetentionOptions) {}

  start(): void {
    if (this.options.retentionMs === 0 || this.timer) return;
    this.timer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.timer.unref();
    void this.prune();
  }

  /** Deletes what is past retention now; resolves with how many rows (one run at a time). */
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
    const { retentionMs, what, logger, now = Date.now } = this.options;
    if (retentionMs === 0) return 0;
    const before = now() - retentionMs;
    let total = 0;
    try {
      for (;;) {
        const n = await this.options.prune(before, BATCH);
        total += n;
        if (n < BATCH) break;
      }
      if (total > 0)
        logger.info({ deleted: total, before: new Date(before).toISOString() }, `deleted ${what} past retention`);
    } catch (err) {
      logger.warn({ err }, `could not delete ${what} past retention; trying again later`);
    }
    return total;
  }
}
