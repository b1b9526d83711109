import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE_MS } from './config-file.js';
import { nextRetry, RETRY_AFTER_CAP_MS } from './retry-policy.js';

const S = 1000;
const H = 3_600_000;
const schedule = [5 * S, 300 * S, 1800 * S];

describe('nextRetry', () => {
  it.each([
    // attempt, random, Retry-After, expected
    { attempt: 1, random: 0.5, retryAfter: undefined, expected: 5 * S, why: 'no jitter at the midpoint' },
    { attempt: 1, random: 0, retryAfter: undefined, expected: 4 * S, why: '-20 % at the low end' },
    { attempt: 1, random: 0.999999, retryAfter: undefined, expected: 6 * S, why: 'just under +20 % at the high end' },
    { attempt: 2, random: 0.5, retryAfter: undefined, expected: 300 * S, why: 'second step' },
    { attempt: 3, random: 0.25, retryAfter: undefined, expected: 1800 * S * 0.9, why: 'last step, -10 %' },
    { attempt: 1, random: 0.5, retryAfter: 60 * S, expected: 60 * S, why: 'Retry-After postpones' },
    { attempt: 2, random: 0.5, retryAfter: 10 * S, expected: 300 * S, why: 'Retry-After never brings a retry forward' },
    { attempt: 1, random: 0.5, retryAfter: 0, expected: 5 * S, why: 'Retry-After 0 means the schedule' },
    { attempt: 1, random: 0.5, retryAfter: 48 * H, expected: RETRY_AFTER_CAP_MS, why: 'Retry-After capped at 10 h' },
    { attempt: 1, random: 0.5, retryAfter: Number.NaN, expected: 5 * S, why: 'a nonsense Retry-After is ignored' },
  ])('attempt $attempt, random $random, Retry-After $retryAfter: $why', ({ attempt, random, retryAfter, expected }) => {
    expect(nextRetry(attempt, schedule, retryAfter, random)).toEqual({ kind: 'retry', delayMs: Math.round(expected) });
  });

  it('caps Retry-After at twice the step when the step is longer than the cap', () => {
    expect(nextRetry(1, [8 * H], 100 * H, 0.5)).toEqual({ kind: 'retry', delayMs: 16 * H });
  });

  it('dead-letters once 1 + schedule length attempts failed, whatever Retry-After says', () => {
    expect(nextRetry(4, schedule, undefined, 0.5)).toEqual({ kind: 'dead' });
    expect(nextRetry(4, schedule, 5 * S, 0.5)).toEqual({ kind: 'dead' });
    expect(nextRetry(1, [], undefined, 0.5)).toEqual({ kind: 'dead' });
    expect(nextRetry(0, schedule, undefined, 0.5)).toEqual({ kind: 'dead' });
  });

  it('spreads retries over ±20 % of the step', () => {
    const delays = Array.from({ length: 1000 }, (_, i) => {
      const d = nextRetry(1, [10 * S], undefined, i / 1000);
      return d.kind === 'retry' ? d.delayMs : -1;
    });
    expect(Math.min(...delays)).toBe(8 * S);
    expect(Math.max(...delays)).toBeLessThan(12 * S);
    expect(Math.max(...delays)).toBeGreaterThan(11.9 * S);
  });

  it('the default schedule gives 8 attempts over about 27.6 hours', () => {
    let attempt = 1;
    let total = 0;
    for (;;) {
      const d = nextRetry(attempt, DEFAULT_RETRY_SCHEDULE_MS, undefined, 0.5);
      if (d.kind === 'dead') break;
      total += d.delayMs;
      attempt++;
    }
    expect(attempt).toBe(8);
    expect(total / H).toBeCloseTo(27.6, 1);
  });
});
