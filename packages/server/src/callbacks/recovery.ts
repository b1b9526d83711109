// Outage recovery: after RECOVERY_AFTER_FAILURES failed attempts in a row to one endpoint (an outage,
// not one event the receiver keeps refusing), its first 2xx makes every waiting queue head of that
// endpoint due now, so a business server that comes back gets its backlog at once instead of at
// each group's next scheduled retry (5 s … 10 h later). Heads only, oldest first: order per group
// and deliveryConcurrency hold. Counted per process. A hurried head that fails again does not
// count towards the next outage: events the receiver refuses for good would otherwise be hurried
// after every success and spend their retry schedule in minutes.

import type { Logger } from 'pino';
import type { EventRecord } from '../storage/records.js';
import type { Store } from '../storage/store.js';

/** Failed attempts in a row to one endpoint after which its next 2xx retries its waiting queues at once. */
export const RECOVERY_AFTER_FAILURES = 3;

export class EndpointRecovery {
  /** Failed attempts in a row per endpoint, since its last 2xx. */
  private readonly failuresInARow = new Map<string, number>();
  /** Recoveries under way, which the worker's stop() lets finish before the store may close. */
  private readonly recoveries = new Set<Promise<void>>();
  /** Heads a recovery made due, until their next attempt ends: a failure of theirs is no outage. */
  private readonly hurried = new Set<string>();

  /** `wake`: tells the claim loop that heads became due. */
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly wake: () => void,
  ) {}

  /** Counts a recorded attempt; the first 2xx after an outage retries the endpoint's waiting queues now. */
  track({ id, endpoint }: EventRecord, delivered: boolean): void {
    const hurried = this.hurried.delete(id);
    const failures = this.failuresInARow.get(endpoint) ?? 0;
    if (!delivered) {
      if (!hurried) this.failuresInARow.set(endpoint, failures + 1);
      return;
    }
    this.failuresInARow.delete(endpoint);
    if (failures < RECOVERY_AFTER_FAILURES) return;
    const recovery: Promise<void> = this.recover(endpoint).finally(() => this.recoveries.delete(recovery));
    this.recoveries.add(recovery);
  }

  /** Resolves once the recoveries under way have finished. */
  async settled(): Promise<void> {
    await Promise.all(this.recoveries);
  }

  private async recover(endpoint: string): Promise<void> {
    try {
      const heads = await this.store.repos.events.retryNow({ endpoint }, this.now());
      if (heads.length === 0) return;
      // Another instance may attempt some of them: a bound keeps what this one never sees from piling up.
      if (this.hurried.size > 100_000) this.hurried.clear();
      for (const id of heads) this.hurried.add(id);
      this.logger.info(
        { endpoint, queues: heads.length },
        'endpoint answers again: its waiting callbacks are retried now',
      );
      this.wake();
    } catch (err) {
      this.logger.error({ err, endpoint }, 'could not retry the waiting callbacks of an endpoint that answers again');
    }
  }
}
