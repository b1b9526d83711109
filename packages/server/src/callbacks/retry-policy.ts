// When a failed after-callback is tried again. Pure: the caller passes the random source.
//
// - An event gets 1 + retrySchedule.length attempts over its lifetime. After attempt n fails
//   (n counted from 1, replays included), retry n waits retrySchedule[n-1]; when the schedule is
//   spent the event is dead-lettered. A replayed dead event therefore gets one more attempt and is
//   dead again if it fails: replay once the receiver is fixed.
// - Jitter: every scheduled delay is multiplied by a uniform factor in [0.8, 1.2) (Svix's ±20 %),
//   so events that failed together (a receiver outage) do not all come back in the same instant.
// - Retry-After (seconds or an HTTP date, on any failed response that carries one, typically 429 or
//   503) can only postpone a retry, never bring it forward: the delay is the larger of the jittered
//   scheduled delay and the Retry-After. A Retry-After is capped at RETRY_AFTER_CAP_MS (10 h, Hook0's
//   cap; the longest step of the default schedule) or at twice the scheduled delay when that is
//   larger, so a receiver cannot park an event (and the rest of its group, which waits behind it)
//   for days by asking.
//   We do not follow Svix's [base, 2×base] clamp: with a 5 s first step it would turn a receiver's
//   "come back in 60 s" into 10 s and the retry would be refused again.

export const JITTER = 0.2;
export const RETRY_AFTER_CAP_MS = 10 * 3_600_000;

/**
 * A Retry-After header's wait in milliseconds: whole seconds, or an HTTP date read against `now`
 * (a date already past waits 0); undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export type RetryDecision = { kind: 'retry'; delayMs: number } | { kind: 'dead' };

/**
 * @param attempt the attempt that just failed, 1 for the first.
 * @param scheduleMs delays before retry 1, 2, … in milliseconds.
 * @param retryAfterMs the receiver's Retry-After, when it sent one.
 * @param random a number in [0, 1) (Math.random in production; fixed in tests).
 */
export function nextRetry(
  attempt: number,
  scheduleMs: readonly number[],
  retryAfterMs: number | undefined,
  random: number,
): RetryDecision {
  const base = scheduleMs[attempt - 1];
  if (base === undefined || attempt < 1) return { kind: 'dead' };
  const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * random));
  if (retryAfterMs === undefined || !(retryAfterMs > 0)) return { kind: 'retry', delayMs: jittered };
  const cap = Math.max(RETRY_AFTER_CAP_MS, 2 * base);
  return { kind: 'retry', delayMs: Math.max(jittered, Math.min(Math.round(retryAfterMs), cap)) };
}
