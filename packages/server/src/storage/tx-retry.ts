// Transactions that lose a race to another writer (PostgreSQL's serialization_failure 40001 or
// deadlock_detected 40P01, SQLite's BUSY) are run again from the start, a bounded number of times,
// so a race never reaches an API caller as an internal error. A transaction body only reads and
// writes through its repositories; its after-commit callbacks run once, after the attempt that
// commits, so nothing happens twice.

import { setTimeout as sleep } from 'node:timers/promises';

/** Attempts in all (the first and up to four retries). */
export const TX_ATTEMPTS = 5;
/** Full-jitter backoff: before retry n, wait a random time up to BASE * 2^(n-1) (10, 20, 40, 80 ms). */
const BACKOFF_BASE_MS = 10;

const POSTGRES_TRANSIENT = new Set(['40001', '40P01']);

/** PostgreSQL errors worth a fresh attempt: the transaction lost a race, nothing is wrong with it. */
export const isPostgresTransient = (err: unknown): boolean =>
  POSTGRES_TRANSIENT.has(String((err as { code?: unknown })?.code));

/** SQLite's BUSY family (another process held the write lock past busy_timeout, or a stale WAL snapshot). */
export const isSqliteTransient = (err: unknown): boolean =>
  /^SQLITE_BUSY/.test(String((err as { code?: unknown })?.code));

/** Runs `attempt` until it succeeds, fails with a non-transient error, or TX_ATTEMPTS are spent. */
export async function retryTransient<T>(
  attempt: () => Promise<T>,
  isTransient: (err: unknown) => boolean,
  random: () => number = Math.random,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= TX_ATTEMPTS || !isTransient(err)) throw err;
      await sleep(Math.floor(random() * BACKOFF_BASE_MS * 2 ** (n - 1)));
    }
  }
}
