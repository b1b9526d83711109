// The run's settings, from the environment (bench/README.md lists every variable and its default).
// BENCH_SCENARIOS is read by bench/run.ts, which knows the scenarios.

import path from 'node:path';

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`${name} must be a number in [${min}, ${max}], got "${raw}"`);
  return n;
}

/** Measured seconds per phase. */
export const SECONDS = envNumber('BENCH_SECONDS', 8, 0.5, 120);
/** Warm-up seconds before each measured phase, discarded. */
export const WARMUP = envNumber('BENCH_WARMUP', 2, 0, 60);
/** Concurrent request loops = pool connections. */
export const CONCURRENCY = Math.round(envNumber('BENCH_CONCURRENCY', 32, 1, 1024));
/** A measured phase stops early after this many operations. */
export const MAX_OPS = Math.round(envNumber('BENCH_MAX_OPS', 1_000_000, 1, 1e9));
/** Measured seconds per before-hook latency phase (after 1 s of warm-up). */
export const LATENCY_SECONDS = envNumber('BENCH_LATENCY_SECONDS', 5, 0.5, 120);
/** join+quit pairs behind the delivery backlog at deliveryConcurrency 256 (the 64 reference uses 40 %). */
export const DELIVERY_PAIRS = Math.round(envNumber('BENCH_DELIVERY_PAIRS', 5000, 100, 1_000_000));
/** Groups the delivery backlog is spread over. */
export const DELIVERY_GROUPS = Math.round(envNumber('BENCH_DELIVERY_GROUPS', 600, 1, 100_000));
/** Groups of the after-hook join+quit load. */
export const HOOK_GROUPS = Math.round(envNumber('BENCH_HOOK_GROUPS', 16, 1, 100_000));
/** A directory: the huddle children run with --cpu-prof and write their profiles there. */
export const CPU_PROF = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
/** PostgreSQL server + maintenance database the bench databases are created from. */
export const PG_ADMIN_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
/** join+quit pairs per worker run of the PostgreSQL delivery backlog. */
export const PG_DELIVERY_PAIRS = Math.round(envNumber('BENCH_PG_DELIVERY_PAIRS', 3000, 100, 1_000_000));
/** Groups that backlog is spread over. */
export const PG_DELIVERY_GROUPS = Math.round(envNumber('BENCH_PG_DELIVERY_GROUPS', 600, 1, 100_000));

/** PG_ADMIN_URL with its password hidden, for printing. */
export const PG_ADMIN_URL_SHOWN = PG_ADMIN_URL.replace(/:[^:@/]*@/, ':***@');

/** Messages in the conversation whose newest 100 the messages scenario pulls. */
export const MSG_SEED = Math.round(envNumber('BENCH_MSG_SEED', 100_000, 1000, 10_000_000));
/** Timed pulls of those newest 100 (after 10 untimed). */
export const MSG_PULL_CALLS = Math.round(envNumber('BENCH_MSG_PULLS', 200, 10, 100_000));

/** Load-client processes of the gateway scenarios (the connections are spread over them). */
export const GW_PROCESSES = Math.round(envNumber('BENCH_GW_PROCESSES', 4, 1, 64));
/** Closed-loop fan-out: messages each sender keeps in flight (answered and pushed back to it). */
export const GW_WINDOW = Math.round(envNumber('BENCH_GW_WINDOW', 4, 1, 1000));
/** Deliveries/s of the paced fan-out and large-group runs (end-to-end latency). */
export const GW_PACED = Math.round(envNumber('BENCH_GW_PACED', 10_000, 100, 1_000_000));
/** Authenticated idle connections whose memory is measured. */
export const GW_IDLE = Math.round(envNumber('BENCH_GW_IDLE', 5000, 100, 100_000));
/** Deliveries/s of gatewaypg's paced run (the extra hop): below what huddle on PostgreSQL sustains here, so that it measures the hop, not a queue. */
export const GW_PG_PACED = Math.round(envNumber('BENCH_GW_PG_PACED', 1000, 100, 1_000_000));
/** gatewaypg: a NATS server the instances share pushes over (HUDDLE_NATS_URL) instead of LISTEN/NOTIFY. */
export const GW_PG_NATS = process.env.BENCH_GW_PG_NATS ?? '';
