// Generated IDs are decimal strings (OpenIM clients treat group IDs as opaque digits) that sort by
// creation time and never repeat: 13 digits of milliseconds, a per-millisecond counter, and a
// random number drawn once per generator (per process), which keeps instances sharing a database
// apart. The counter never wraps: when a millisecond's counter is spent, the generator moves on to
// the next millisecond (running ahead of the clock for as long as the burst lasts), and a clock
// that steps back is ignored until it catches up, so each generator's IDs strictly increase.

import { randomInt } from 'node:crypto';

export interface SortableIDOptions {
  /** Digits of the per-millisecond counter: 10^counterDigits IDs per millisecond before running ahead. */
  counterDigits: number;
  /** Digits of the per-generator random instance number. */
  instanceDigits: number;
  /** The instance number (tests); random by default. */
  instance?: number;
}

const MS_DIGITS = 13;

/** A generator of sortable IDs; call it with the current time in milliseconds. */
export function sortableIDs({
  counterDigits,
  instanceDigits,
  instance = randomInt(10 ** instanceDigits),
}: SortableIDOptions): (nowMs: number) => string {
  const perMs = 10 ** counterDigits;
  const suffix = String(instance).padStart(instanceDigits, '0');
  let lastMs = -1;
  let counter = 0;
  return (nowMs) => {
    if (nowMs > lastMs) {
      lastMs = nowMs;
      counter = 0;
    } else if (++counter === perMs) {
      lastMs++;
      counter = 0;
    }
    return `${String(lastMs).padStart(MS_DIGITS, '0')}${String(counter).padStart(counterDigits, '0')}${suffix}`;
  };
}

/**
 * Group IDs: 19 digits (13 + 3 + 3), as before, which still fit a signed 64-bit integer for clients
 * that parse them. Instances sharing a database can meet on the same ID (same millisecond, counter
 * and 1-in-1000 instance number): creation checks the ID is free inside its transaction.
 */
export const newSortableID = sortableIDs({ counterDigits: 3, instanceDigits: 3 });
