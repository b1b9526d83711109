// The recorder: writes each ended after-callback attempt and its event's next state (delivered,
// rescheduled or dead) while this worker still holds the lease, chains the group's next event in
// the same transaction, then tells `onAttempt` (metrics, the console's live view) and the log.

import type { Logger } from 'pino';
import type { AttemptRecord, EventRecord, EventStatus } from '../storage/records.js';
import type { EventRepo, Store } from '../storage/store.js';
import type { AttemptOutcome } from './attempt-outcome.js';
import type { CallbackConfig } from './config-file.js';
import type { AttemptOutcomeLabel } from './metrics.js';
import type { SendResult } from './send.js';
import type { LiveCallbackConfig } from './live-config.js';

/** Response bodies are kept in the attempt log up to this many bytes. */
export const RESPONSE_EXCERPT_BYTES = 4096;
/** Attempts recorded per transaction at most. */
const FINISH_BATCH = 256;

/** Cuts a response body to at most `bytes` UTF-8 bytes without splitting a character. */
export function excerpt(body: string, bytes = RESPONSE_EXCERPT_BYTES): string {
  if (body.length <= bytes / 3 || Buffer.byteLength(body) <= bytes) return body;
  let cut = Buffer.from(body).subarray(0, bytes).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return cut;
}

/** Told about every recorded attempt (metrics, the console's live view). */
export type AttemptListener = (
  hook: string,
  outcome: AttemptOutcomeLabel,
  durationMs: number,
  attempt: AttemptRecord & { groupID: string; endpoint: string },
) => void;

/**
 * The URL as the delivery log keeps it: a signature in the query (Tencent's Sign, made from the
 * endpoint's token) is masked, so the log shows where the attempt went and not a valid request.
 */
export function loggedURL(url: string): string {
  return url.replace(/([?&]Sign=)[^&]*/i, '$1…');
}

/** An attempt that has ended: where it went, when, what came back, and what it comes to. */
export interface EndedAttempt {
  url: string;
  startedAt: number;
  endedAt: number;
  response: SendResult;
  outcome: AttemptOutcome;
}

/** Chaining: the claim loop's side of leasing a finished queue's next event in the recording transaction. */
export interface Chaining {
  freeSlots(finishing: number, config: CallbackConfig): number;
  lease(
    events: Pick<EventRepo, 'claim'>,
    config: CallbackConfig,
    limit: number,
    queues: readonly { endpoint: string; orderingKey: string }[],
  ): Promise<EventRecord[]>;
  take(events: readonly EventRecord[], config: CallbackConfig): Promise<void>;
}

type NextState = { status: EventStatus; nextAttemptAt: number; lastError: string; finishedAt: number | null };

interface PendingFinish {
  attempt: AttemptRecord;
  next: NextState;
  /** The event's queue, whose next event may follow it at once. */
  queue: { endpoint: string; orderingKey: string };
  resolve: (recorded: boolean) => void;
  reject: (err: unknown) => void;
}

const LABEL: Record<AttemptOutcome['kind'], AttemptOutcomeLabel> = {
  delivered: 'delivered',
  retry: 'failed',
  dead: 'dead',
};

/** The event's state after an attempt that ended at `at`. */
function nextState(outcome: AttemptOutcome, at: number): NextState {
  switch (outcome.kind) {
    case 'delivered':
      return { status: 'delivered', nextAttemptAt: at, lastError: '', finishedAt: at };
    case 'retry':
      return { status: 'pending', nextAttemptAt: outcome.at, lastError: outcome.reason, finishedAt: null };
    case 'dead':
      return { status: 'dead', nextAttemptAt: at, lastError: outcome.reason, finishedAt: at };
  }
}

export class AttemptRecorder {
  private finishQueue: PendingFinish[] = [];
  private flushing = false;

  /** `workerID`: the lease holder the writes are made for. */
  constructor(
    private readonly store: Store,
    private readonly workerID: string,
    private readonly settings: LiveCallbackConfig,
    private readonly chaining: Chaining,
    private readonly logger: Logger,
    private readonly onAttempt?: AttemptListener,
  ) {}

  /** Records an ended attempt; false when the lease was lost meanwhile (nothing written, nobody told). */
  async record(event: EventRecord, { url, startedAt, endedAt, response, outcome }: EndedAttempt): Promise<boolean> {
    const attemptNo = event.attempts + 1;
    const attempt: AttemptRecord = {
      eventID: event.id,
      attempt: attemptNo,
      startedAt,
      durationMs: Math.round(response.durationMs),
      statusCode: response.statusCode,
      outcome: outcome.kind === 'delivered' ? 'success' : 'failure',
      // A delivered attempt's error says what in its 2xx answer could not be read (delivery log).
      error: outcome.kind === 'delivered' ? outcome.note : outcome.reason,
      responseExcerpt: excerpt(response.body),
      url: loggedURL(url),
    };
    const next = nextState(outcome, endedAt);
    const recorded = await this.write(event, attempt, next);
    if (!recorded) {
      this.logger.warn({ eventID: event.id, hook: event.hook }, 'callback attempt not recorded: the lease was lost');
      return false;
    }
    this.onAttempt?.(event.hook, LABEL[outcome.kind], response.durationMs, {
      ...attempt,
      groupID: event.orderingKey,
      endpoint: event.endpoint,
    });
    if (outcome.kind === 'dead') {
      this.logger.warn(
        {
          eventID: event.id,
          hook: event.hook,
          groupID: event.orderingKey,
          attempts: attemptNo,
          reason: outcome.reason,
        },
        'callback dead-lettered: retry schedule spent',
      );
    } else if (outcome.kind === 'retry') {
      this.logger.info(
        {
          eventID: event.id,
          hook: event.hook,
          attempt: attemptNo,
          reason: outcome.reason,
          retryAt: new Date(outcome.at).toISOString(),
        },
        'callback attempt failed; will retry',
      );
    }
    return true;
  }

  /**
   * Writes an attempt and the event's next state at once. Attempts that finish while a transaction
   * is being written wait and go into the next one together (group commit under load). The first
   * flush waits one event-loop turn to gather attempts ending together: +25 % deliveries/s at 128
   * in flight (~825 -> ~1,050/s against a 100 ms receiver).
   */
  private write(event: EventRecord, attempt: AttemptRecord, next: NextState): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.finishQueue.push({
        attempt,
        next,
        queue: { endpoint: event.endpoint, orderingKey: event.orderingKey },
        resolve,
        reject,
      });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.finishQueue.length > 0) {
        const batch = this.finishQueue.splice(0, FINISH_BATCH);
        const config = this.settings.config;
        const slots = this.chaining.freeSlots(batch.length, config);
        try {
          const { results, chained } = await this.store.tx(async (tx) => {
            // finishMany takes the batch's queue-head locks itself, in the order every writer does.
            const results = await tx.events.finishMany(
              batch.map((f) => ({ attempt: f.attempt, workerID: this.workerID, next: f.next })),
            );
            // Chaining: a queue whose head just finished has a new head; lease it in the same
            // transaction and send it now, instead of at the next claim round. A busy group's
            // events then follow each other without a round trip through the claim loop.
            const queues = batch.filter((f, i) => results[i] && f.next.status !== 'pending').map((f) => f.queue);
            const chained =
              slots > 0 && queues.length > 0 ? await this.chaining.lease(tx.events, config, slots, queues) : [];
            return { results, chained };
          });
          batch.forEach((f, i) => f.resolve(results[i]!));
          await this.chaining.take(chained, config);
        } catch (err) {
          for (const f of batch) f.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
