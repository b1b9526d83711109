// The console's overview: per endpoint, attempts over time (successes and failures per bucket),
// latency percentiles, the latest success and failure, and what waits or is dead now. All of it is
// read from the delivery log, so it is the same on every instance of a shared database.

import type { DeliveryStats, EndpointStats } from '@huddle/protocol';
import { args } from '../errors.js';
import type { Store } from '../storage/store.js';
import { requireCallbackAdmin } from './delivery-log.js';
import type { OpContext } from './context.js';

/** Upper bounds (ms) of the latency histogram; a percentile is interpolated within its bucket. */
export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];
export const MAX_BUCKETS = 500;

export interface StatsWindow {
  from: number;
  to: number;
  bucketMs: number;
}

/**
 * The duration below which a share `q` of the attempts fall, read from histogram counts as
 * Prometheus's histogram_quantile does: linear within the bucket that holds it. 0 without attempts.
 */
export function percentile(counts: readonly number[], bounds: readonly number[], q: number): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (n > 0 && below + n >= rank) {
      // Past the last bound nothing says how far: the last bound is all that is known.
      if (i >= bounds.length) return bounds[bounds.length - 1]!;
      const low = i === 0 ? 0 : bounds[i - 1]!;
      return Math.round(low + (bounds[i]! - low) * ((rank - below) / n));
    }
    below += n;
  }
  return bounds[bounds.length - 1]!;
}

/** How many buckets the window holds; refuses an empty window and one of more than MAX_BUCKETS. */
export function bucketCount({ from, to, bucketMs }: StatsWindow): number {
  if (from >= to) throw args('from must be before to');
  const slots = Math.ceil((to - from) / bucketMs);
  if (slots > MAX_BUCKETS) throw args(`the window holds ${slots} buckets; at most ${MAX_BUCKETS}`);
  return slots;
}

export function deliveryStatsService({ store }: { store: Store }) {
  const repo = store.repos.deliveryStats;
  return {
    /** `configured`: the endpoints of the configuration in force, listed even without deliveries. */
    async get(ctx: OpContext, window: StatsWindow, configured: readonly string[]): Promise<DeliveryStats> {
      requireCallbackAdmin(ctx.caller);
      const { from, to, bucketMs } = window;
      const slots = bucketCount(window);
      const [attempts, latency, backlog] = await Promise.all([
        repo.attemptsOverTime(from, to, bucketMs),
        repo.latencyHistogram(from, to, LATENCY_BOUNDS_MS),
        repo.backlog(),
      ]);
      const names = new Set([
        ...configured,
        ...attempts.map((a) => a.endpoint),
        ...backlog.filter((b) => b.pending + b.dead > 0).map((b) => b.endpoint),
      ]);
      const endpoints = [...names].map((endpoint): EndpointStats => {
        const mine = attempts.filter((a) => a.endpoint === endpoint);
        const counts = latency.find((l) => l.endpoint === endpoint)?.counts ?? [];
        const waiting = backlog.find((b) => b.endpoint === endpoint);
        const buckets = Array.from({ length: slots }, (_, i) => {
          const b = mine.find((a) => a.bucket === i);
          return { time: from + i * bucketMs, successes: b?.successes ?? 0, failures: b?.failures ?? 0 };
        });
        return {
          endpoint,
          configured: configured.includes(endpoint),
          buckets,
          successes: buckets.reduce((n, b) => n + b.successes, 0),
          failures: buckets.reduce((n, b) => n + b.failures, 0),
          latencyMs: {
            p50: percentile(counts, LATENCY_BOUNDS_MS, 0.5),
            p90: percentile(counts, LATENCY_BOUNDS_MS, 0.9),
            p99: percentile(counts, LATENCY_BOUNDS_MS, 0.99),
          },
          lastSuccessTime: Math.max(0, ...mine.map((a) => a.lastSuccessAt)),
          lastFailureTime: Math.max(0, ...mine.map((a) => a.lastFailureAt)),
          pending: waiting?.pending ?? 0,
          dead: waiting?.dead ?? 0,
        };
      });
      return { from, to, bucketMs, endpoints };
    },
  };
}
