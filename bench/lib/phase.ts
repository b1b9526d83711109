// One measured phase: closed-loop load, a warm-up, a measured window, and its figures.

import type { Api } from './api.js';
import { cpuWindow } from './cpu.js';
import { type ErrorKind, Recorder } from './recorder.js';
import { CONCURRENCY, MAX_OPS, SECONDS, WARMUP } from './settings.js';
import { sleep } from './sleep.js';
import { type LatencySummary, percent, round, summarize } from './stats.js';

export interface PhaseResult {
  name: string;
  unit: string;
  concurrency: number;
  seconds: number;
  ops: number;
  opsPerSec: number;
  calls: number;
  callsPerSec: number;
  callLatencyMs: LatencySummary;
  opLatencyMs: LatencySummary;
  perPathLatencyMs: Record<string, LatencySummary>;
  errors: number;
  errorKinds: ErrorKind[];
  serverCpuPct: number | undefined;
  /** Server CPU time per HTTP call, in ms: less sensitive to the machine's noise than throughput. */
  serverCpuMsPerCall: number | undefined;
  /** The callback receiver's CPU, in phases that run one. */
  receiverCpuPct?: number | undefined;
  benchCpuPct: number;
  machineBusyPct: number | undefined;
  verification: string[];
  verified: boolean;
  ratioToBaseline?: number;
}

export interface PhaseOptions {
  /** Concurrent loops (default BENCH_CONCURRENCY); the pool must have at least this many connections. */
  concurrency?: number;
  /** Measured seconds (default BENCH_SECONDS). */
  seconds?: number;
  /** Warm-up seconds (default BENCH_WARMUP). */
  warmup?: number;
  /** The callback receiver's PID, to report its CPU too. */
  receiverPid?: number;
  /** Called right as the measured window opens / closes (before the loops finish their last op). */
  onMeasuredStart?: () => Promise<void>;
  onMeasuredEnd?: () => Promise<void>;
}

/**
 * Runs `op` in `concurrency` loops: WARMUP seconds discarded, then SECONDS measured (or MAX_OPS
 * operations, whichever comes first). An op is one or more calls through the recorder; it returns
 * true when every call succeeded. Operations that complete inside the window are counted.
 */
export async function runPhase(
  name: string,
  unit: string,
  api: Api,
  serverPid: number | number[] | undefined,
  op: (rec: Recorder, worker: number, seq: number) => Promise<boolean>,
  options: PhaseOptions = {},
): Promise<{ result: PhaseResult; rec: Recorder }> {
  const concurrency = options.concurrency ?? CONCURRENCY;
  const seconds = options.seconds ?? SECONDS;
  const warmup = options.warmup ?? WARMUP;
  const rec = new Recorder(api);
  let stop = false;
  let seq = 0;
  let capReached: (() => void) | undefined;
  const cap = new Promise<void>((resolve) => (capReached = resolve));

  const worker = async (w: number) => {
    while (!stop) {
      const t0 = process.hrtime.bigint();
      const ok = await op(rec, w, seq++);
      if (rec.measuring && ok) {
        rec.ops++;
        rec.opLat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (rec.ops >= MAX_OPS) capReached!();
      }
    }
  };
  process.stdout.write(`  ${name}: warm-up ${warmup}s, measuring ${seconds}s at concurrency ${concurrency} ... `);
  const workers = Array.from({ length: concurrency }, (_, w) => worker(w));
  await sleep(warmup * 1000);

  await options.onMeasuredStart?.();
  const cpu0 = process.cpuUsage();
  const win = cpuWindow(serverPid, options.receiverPid);
  const t0 = process.hrtime.bigint();
  rec.measuring = true;
  await Promise.race([new Promise((r) => setTimeout(r, seconds * 1000)), cap]);
  rec.measuring = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const used = win.end(elapsed);
  await options.onMeasuredEnd?.();
  stop = true;
  await Promise.all(workers);

  const perPath: Record<string, LatencySummary> = {};
  for (const [p, l] of rec.pathLat) perPath[p] = summarize(l);
  const result: PhaseResult = {
    name,
    unit,
    concurrency,
    seconds: round(elapsed),
    ops: rec.ops,
    opsPerSec: Math.round(rec.ops / elapsed),
    calls: rec.calls,
    callsPerSec: Math.round(rec.calls / elapsed),
    callLatencyMs: summarize(rec.lat),
    opLatencyMs: summarize(rec.opLat),
    perPathLatencyMs: perPath,
    errors: rec.errorCount,
    errorKinds: rec.errorKinds(),
    serverCpuPct: used.serverCpuPct,
    serverCpuMsPerCall:
      used.serverSeconds !== undefined && rec.calls > 0
        ? Math.round((used.serverSeconds * 1e6) / rec.calls) / 1000
        : undefined,
    receiverCpuPct: used.receiverCpuPct,
    benchCpuPct: percent((cpu.user + cpu.system) / 1e6 / elapsed),
    machineBusyPct: used.machineBusyPct,
    verification: [],
    verified: true,
  };
  console.log(`${result.opsPerSec} ${unit}, p50 ${result.callLatencyMs.p50} ms, ${rec.errorCount} errors`);
  return { result, rec };
}
