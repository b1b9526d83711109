// The delivery worker: after-events go out of the outbox to their endpoints, one attempt at a time
// per group. Its parts, each in a file of its own:
// - claim-loop.ts leases due events (order per group, concurrency, leases, shutdown);
// - an attempt (here) posts the event in its endpoint's dialect (send.ts) and reads what that comes
//   to (attempt-outcome.ts: delivered, retry at, dead);
// - recorder.ts writes the attempt and the event's next state, and chains the group's next event;
// - recovery.ts retries an endpoint's waiting queues at once when it answers again after an outage.
//
// An event whose hook was disabled after it was enqueued is still delivered: it reports a change
// that committed.

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventRecord } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import { attemptOutcome } from './attempt-outcome.js';
import { ClaimLoop, DEFAULT_TIMEOUT_MS, type ClaimLoopOptions } from './claim-loop.js';
import { isActive, type CallbackSettings, type CallbackConfig } from './config-file.js';
import { dialectOf } from './dialect-adapters.js';
import { AttemptRecorder, type AttemptListener } from './recorder.js';
import { EndpointRecovery } from './recovery.js';
import type { CallbackSender } from './send.js';
import type { LiveCallbackConfig } from './live-config.js';

export interface WorkerOptions extends ClaimLoopOptions {
  /** Jitter source, [0, 1). */
  random?: () => number;
  /** Told about every recorded attempt (metrics, the console's live view). */
  onAttempt?: AttemptListener;
}

export class DeliveryWorker {
  /** This process's lease holder name. */
  readonly id = `worker-${randomBytes(6).toString('hex')}`;
  private readonly loop: ClaimLoop;
  private readonly recorder: AttemptRecorder;
  private readonly recovery: EndpointRecovery;
  private readonly random: () => number;

  constructor(
    private readonly store: Store,
    settings: LiveCallbackConfig,
    private readonly sender: CallbackSender,
    logger: Logger,
    private readonly now: () => number = Date.now,
    options: WorkerOptions = {},
  ) {
    this.random = options.random ?? Math.random;
    const attempt = (event: EventRecord, config: CallbackConfig, signal: AbortSignal) =>
      this.attempt(event, config, signal);
    this.loop = new ClaimLoop(this.id, store, settings, attempt, logger, now, options);
    this.recorder = new AttemptRecorder(store, this.id, settings, this.loop, logger, options.onAttempt);
    this.recovery = new EndpointRecovery(store, logger, now, () => this.loop.wake());
  }

  /** Attempts in flight right now. */
  get inFlightCount(): number {
    return this.loop.inFlightCount;
  }

  get isRunning(): boolean {
    return this.loop.isRunning;
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  /** Something may have become claimable (an enqueue committed, an attempt ended, a replay). */
  wake(): void {
    this.loop.wake();
  }

  /**
   * Stops claiming, lets in-flight attempts finish for up to graceMs, aborts the rest, lets a
   * recovery under way finish, and releases the leases left, so the next start sends those first.
   */
  async stop(): Promise<void> {
    if (!(await this.loop.stop())) return;
    await this.recovery.settled();
    await this.loop.releaseLeases();
  }

  /** One attempt of a leased event: post it, read the answer, record what it comes to. */
  private async attempt(event: EventRecord, config: CallbackConfig, signal: AbortSignal): Promise<void> {
    const endpoint = config.endpoints.find((e) => e.name === event.endpoint && isActive(e));
    const startedAt = this.now();
    // Claimed under the previous configuration, whose endpoint is gone now: it waits for it.
    if (!endpoint) return void (await this.store.repos.events.release(this.id, event.id));
    const hook = (endpoint.hooks as Record<string, CallbackSettings | undefined>)[event.hook];
    const timeoutMs = hook?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const dialect = dialectOf(endpoint);
    const request = dialect.request(endpoint, event, startedAt);
    const response = await this.sender.post(request.url, event.payload, request.headers, timeoutMs, signal);
    if (signal.aborted) return; // shutting down: stop() releases the lease; no attempt is recorded

    const endedAt = this.now();
    const outcome = attemptOutcome({
      response,
      dialect,
      attempt: event.attempts + 1,
      schedule: config.retrySchedule,
      now: endedAt,
      random: this.random(),
    });
    if (await this.recorder.record(event, { url: request.url, startedAt, endedAt, response, outcome }))
      this.recovery.track(event, outcome.kind === 'delivered');
  }
}
