// Sortable IDs under a fixed clock: a burst far past the per-millisecond counter stays distinct and
// in order, a clock that steps back changes nothing, and two generators (two instances) never meet.

import { describe, expect, it } from 'vitest';
import { newSortableID, sortableIDs } from './ids.js';
import { newEventID } from '../callbacks/dispatcher.js';

const NOW = 1_796_000_000_000;
const sorted = (ids: string[]) => [...ids].sort();

describe('sortableIDs', () => {
  it('gives 25,000 IDs in one millisecond, all distinct and each greater than the last', () => {
    const next = sortableIDs({ counterDigits: 4, instanceDigits: 9 });
    const ids = Array.from({ length: 25_000 }, () => next(NOW));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(sorted(ids));
    expect(ids.every((id) => id.length === 26)).toBe(true);
  });

  it('keeps increasing when the clock steps back, and sorts after older IDs when it moves on', () => {
    const next = sortableIDs({ counterDigits: 3, instanceDigits: 3 });
    const ids = [next(NOW), next(NOW - 5), next(NOW - 5), next(NOW + 1), next(NOW + 1)];
    expect(new Set(ids).size).toBe(5);
    expect(ids).toEqual(sorted(ids));
  });

  it('keeps two instances apart in the same milliseconds', () => {
    const a = sortableIDs({ counterDigits: 4, instanceDigits: 9, instance: 1 });
    const b = sortableIDs({ counterDigits: 4, instanceDigits: 9, instance: 2 });
    const ids = Array.from({ length: 5_000 }, (_, i) => [a(NOW + (i % 3)), b(NOW + (i % 3))]).flat();
    expect(new Set(ids).size).toBe(ids.length);
    // Across instances, IDs still sort by creation millisecond.
    expect(sorted(ids).map((id) => id.slice(0, 13))).toEqual(ids.map((id) => id.slice(0, 13)).sort());
  });

  it('group IDs stay 19 digits; event IDs are evt_ and 26 digits, 5,000 distinct and sorted in one millisecond', () => {
    expect(newSortableID(NOW)).toMatch(/^\d{19}$/);
    const events = Array.from({ length: 5_000 }, () => newEventID(NOW + 10));
    expect(events.every((id) => /^evt_\d{26}$/.test(id))).toBe(true);
    expect(new Set(events).size).toBe(5_000);
    expect(events).toEqual(sorted(events));
  });
});
