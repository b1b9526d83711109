// Keeps every before-callback decision (the console's "Before-callbacks" page) without slowing or
// failing the operation that asked: `record` only turns the observation into a row and queues it;
// the rows are written in batches on a later turn of the event loop, after the answer has gone back
// to the operation. The queue is bounded: past MAX_QUEUED a decision is dropped, counted and logged,
// never waited for. A failed write is logged and its batch given up. close() writes what is queued.

import type { Logger } from 'pino';
import { sortableIDs } from '../domain/ids.js';
import type { DecisionKind, DecisionRecord } from '../storage/records.js';
import type { BeforeObservation } from './dispatcher.js';
import { excerpt, loggedURL } from './recorder.js';

/** Decisions waiting to be written at most; more are dropped (a database that cannot keep up). */
export const MAX_QUEUED = 10_000;
/** Decisions per write at most. */
const BATCH = 500;

/** `dec_` + 13 ms + 3 counter + 6 instance digits: sortable by time, unique across instances. */
const nextDecisionDigits = sortableIDs({ counterDigits: 3, instanceDigits: 6 });

/**
 * Whether an allowing answer changes anything: the hook's schema reads every answer into its
 * modification, with the fields the answer left out undefined (an empty list changes nothing either).
 */
function changes(modification: unknown): boolean {
  if (modification === undefined || modification === null) return false;
  if (typeof modification !== 'object') return true;
  return Object.values(modification).some(
    (v) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0),
  );
}

function kindOf(o: BeforeObservation): DecisionKind {
  if (o.verdict.kind === 'allow') return changes(o.verdict.modification) ? 'modify' : 'allow';
  return o.verdict.kind === 'reject' ? 'reject' : 'failed';
}

/** The row the decision log keeps of one before-callback. */
export function decisionOf(o: BeforeObservation): DecisionRecord {
  const v = o.verdict;
  return {
    id: `dec_${nextDecisionDigits(o.time)}`,
    decidedAt: o.time,
    hook: o.hook,
    endpoint: o.endpoint,
    command: o.command,
    // Tencent's Sign masked, as in the delivery log: the log says where, it is no valid request.
    url: loggedURL(o.url),
    groupID: o.groupID,
    operationID: o.operationID,
    decision: kindOf(o),
    failedContinue: o.failedContinue,
    latencyMs: o.response.durationMs,
    statusCode: o.response.statusCode,
    errCode: v.kind === 'reject' ? v.errCode : 0,
    errMsg: v.kind === 'reject' ? v.errMsg : '',
    error: v.kind === 'fail' ? v.reason : '',
    answer: excerpt(o.response.body),
  };
}

export class DecisionRecorder {
  private queue: DecisionRecord[] = [];
  private scheduled = false;
  private writing: Promise<void> | undefined;
  /** Decisions dropped since the last warning, and in all. */
  private droppedSinceWarning = 0;
  private droppedTotal = 0;

  constructor(
    /** Writes one batch (a transaction); a rejection is logged, never thrown at an operation. */
    private readonly write: (batch: readonly DecisionRecord[]) => Promise<void>,
    private readonly logger: Logger,
    private readonly maxQueued = MAX_QUEUED,
  ) {}

  /** Decisions dropped because the queue was full, since start. */
  get dropped(): number {
    return this.droppedTotal;
  }

  record(o: BeforeObservation): void {
    if (this.queue.length >= this.maxQueued) {
      this.droppedSinceWarning++;
      this.droppedTotal++;
      return;
    }
    this.queue.push(decisionOf(o));
    this.schedule();
  }

  /** Writes everything queued now; resolves when it is written (or given up). */
  flush(): Promise<void> {
    this.writing ??= this.drain().finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
    return this.writing;
  }

  /** Writes what is queued (app close, after the server stopped taking requests). */
  async close(): Promise<void> {
    while (this.writing || this.queue.length > 0) await this.flush();
  }

  /** One write per turn of the event loop at most: the decisions of that turn go together. */
  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH);
      try {
        await this.write(batch);
      } catch (err) {
        this.logger.warn({ err, lost: batch.length }, 'could not record before-callback decisions');
      }
    }
    if (this.droppedSinceWarning > 0) {
      this.logger.warn(
        { dropped: this.droppedSinceWarning, droppedTotal: this.droppedTotal, maxQueued: this.maxQueued },
        'before-callback decisions dropped: the decision log could not keep up',
      );
      this.droppedSinceWarning = 0;
    }
  }
}
