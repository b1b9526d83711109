// A closed loop with no HTTP in it (the bare inserts of the messages scenario): `concurrency` loops
// run `op` back to back, BENCH_WARMUP seconds discarded, then BENCH_SECONDS measured. Deadlines are
// read from the clock between operations, not from timers, so an op that never yields (better-sqlite3
// is synchronous) still stops on time.

import { type CpuFigures, cpuWindow } from './cpu.js';
import { SECONDS, WARMUP } from './settings.js';
import { type LatencySummary, percent, summarize } from './stats.js';

export interface LoopResult {
  name: string;
  concurrency: number;
  seconds: number;
  ops: number;
  opsPerSec: number;
  latencyMs: LatencySummary;
  errors: number;
  errorSample: string | undefined;
  /** This process's CPU (the loop and, for SQLite, the engine itself). */
  benchCpuPct: number;
  machineBusyPct: CpuFigures['machineBusyPct'];
}

export async function timedLoop(name: string, concurrency: number, op: () => Promise<unknown>): Promise<LoopResult> {
  const clock = () => Number(process.hrtime.bigint()) / 1e6;
  const start = clock() + WARMUP * 1000;
  const end = start + SECONDS * 1000;
  const lat: number[] = [];
  let ops = 0;
  let errors = 0;
  let errorSample: string | undefined;
  let cpu: { t0: number; cpu0: NodeJS.CpuUsage; win: ReturnType<typeof cpuWindow> } | undefined;
  process.stdout.write(`  ${name}: warm-up ${WARMUP}s, measuring ${SECONDS}s at concurrency ${concurrency} ... `);

  const loop = async () => {
    for (let t0 = clock(); t0 < end; t0 = clock()) {
      // The first loop to cross into the window opens the CPU window.
      if (t0 >= start && !cpu) cpu = { t0, cpu0: process.cpuUsage(), win: cpuWindow(undefined, undefined) };
      try {
        await op();
        const t1 = clock();
        if (t0 >= start && t1 <= end) {
          ops++;
          lat.push(t1 - t0);
        }
      } catch (err) {
        errors++;
        errorSample ??= String((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  // The CPU window closes when the last loop's last op returns, a little after the measured window.
  const cpuSeconds = cpu ? (clock() - cpu.t0) / 1000 : 0;
  const used = cpu?.win.end(cpuSeconds);
  const bench = cpu ? process.cpuUsage(cpu.cpu0) : undefined;
  const result: LoopResult = {
    name,
    concurrency,
    seconds: SECONDS,
    ops,
    opsPerSec: Math.round(ops / SECONDS),
    latencyMs: summarize(lat),
    errors,
    errorSample,
    benchCpuPct: bench ? percent((bench.user + bench.system) / 1e6 / cpuSeconds) : 0,
    machineBusyPct: used?.machineBusyPct,
  };
  console.log(`${result.opsPerSec} msgs/s, p50 ${result.latencyMs.p50} ms, ${errors} errors`);
  return result;
}
