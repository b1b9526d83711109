// What one after-callback attempt comes to, from what the sender got back. Pure: the clock and the
// jitter draw are arguments, so every rule is tested as a table (attempt-outcome.test.ts).
//
// - Any 2xx is delivered, whatever its body says: the dialect only notes what it could not read
//   (OpenIM: a body that is not its answer, or actionCode ≠ 0; Tencent: a body that is not a JSON
//   object), and the note is kept on the attempt, never a reason to retry.
// - Anything else fails: 1xx, 3xx (redirects are not followed), 4xx, 5xx as `HTTP <status>`; no
//   usable answer (timeout, refused or reset connection, a body over the sender's cap) with the
//   sender's reason.
// - A failure is retried on the schedule (retry-policy.ts: jitter, Retry-After), or is dead once the
//   schedule is spent.

import { afterVerdict, type DialectRules } from './dialect-adapters.js';
import { nextRetry, retryAfterMs } from './retry-policy.js';
import type { SendResult } from './send.js';

export interface AttemptOutcomeInput {
  /** What the sender got back: a status, body and Retry-After, or no usable answer and why. */
  response: SendResult;
  /** The endpoint's dialect, which reads a 2xx body. */
  dialect: DialectRules;
  /** The attempt that just ended, 1 for the first (replays included). */
  attempt: number;
  /** Delays before retry 1, 2, … in milliseconds (the configuration's retrySchedule). */
  schedule: readonly number[];
  /** When the attempt ended, on the clock the schedule runs on. */
  now: number;
  /** The jitter draw, in [0, 1). */
  random: number;
}

export type AttemptOutcome =
  /** `note`: what in the 2xx answer could not be read ('' when nothing). */
  | { kind: 'delivered'; note: string }
  /** To be tried again at `at`. */
  | { kind: 'retry'; at: number; reason: string }
  /** The retry schedule is spent. */
  | { kind: 'dead'; reason: string };

export function attemptOutcome({
  response,
  dialect,
  attempt,
  schedule,
  now,
  random,
}: AttemptOutcomeInput): AttemptOutcome {
  const verdict = afterVerdict(dialect, response);
  if (verdict.ok) return { kind: 'delivered', note: verdict.note };
  const retry = nextRetry(attempt, schedule, retryAfterMs(response.retryAfter, now), random);
  return retry.kind === 'dead'
    ? { kind: 'dead', reason: verdict.reason }
    : { kind: 'retry', at: now + retry.delayMs, reason: verdict.reason };
}
