// The report: the header printed as a run starts, and at the end the phase table, each scenario's
// figures and targets, every check, the servers' logs, and the summary (bench/results/latest.json).

import os from 'node:os';
import type { DeliveryRun } from './lib/delivery-run.js';
import type { GitState } from './lib/git-state.js';
import type { ServerRecord } from './lib/huddle.js';
import type { PhaseResult } from './lib/phase.js';
import type { ErrorKind } from './lib/recorder.js';
import { scanLog } from './lib/server-logs.js';
import { CONCURRENCY, SECONDS, WARMUP } from './lib/settings.js';
import { round } from './lib/stats.js';
import type { Verified } from './lib/verify.js';
import { printAfterHooks, printBeforeHook, printDelivery, type Target } from './report/callbacks.js';
import { busyCell, cpuCell, fmt, table } from './report/format.js';
import { gatewayChecks, printGatewaySections } from './report/gateway-sections.js';
import { messagesChecks, printMessages } from './report/messages.js';
import { printPostgres } from './report/postgres.js';
import { writeSummary } from './report/summary.js';
import type { Outputs } from './scenarios/index.js';
import type { PgDeliveryRun } from './scenarios/pg.js';

/** The first lines of a run: the machine, the settings, the commit and the load. */
export function printHeader(selected: string[], git: GitState | undefined): void {
  console.log(
    `huddle bench: ${os.cpus().length} CPUs, node ${process.version}, ${SECONDS}s measured + ${WARMUP}s warm-up per phase, concurrency ${CONCURRENCY}; scenarios ${selected.join(',')}`,
  );
  console.log(
    `  git ${git ? `${git.commit} + ${git.modifiedFiles} uncommitted files` : 'unknown'}; load average at start ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (the machine's other work skews every figure)`,
  );
}

export interface RunRecord {
  started: Date;
  git: GitState | undefined;
  loadAtStart: number[];
  /** BENCH_SCENARIOS as given (or the default set). */
  selected: string[];
  before: PhaseResult;
  after: PhaseResult;
  /** By scenario name, in the order they ran. */
  outputs: Outputs;
  servers: ServerRecord[];
  receiverExit: number | string | null;
}

/** Prints the report and writes latest.json; returns whether every check passed. */
export function report(run: RunRecord): boolean {
  const { before, after, outputs, servers, receiverExit } = run;
  const ran = Object.values(outputs);
  const phases: PhaseResult[] = [before, ...ran.flatMap((o) => o.phases), after];
  /** Phases measuring throughput (ratio to the baseline); the latency phases of (b) are not. */
  const huddlePhases = ran.filter((o) => o.kind === 'throughput').flatMap((o) => o.phases);
  const latencyPhases = ran.filter((o) => o.kind === 'latency').flatMap((o) => o.phases);
  const afterHooks = outputs.afterhooks?.result;
  const beforeHook = outputs.beforehook?.result;
  const delivery: DeliveryRun[] | undefined =
    outputs.delivery || outputs.deliverydefault
      ? [...(outputs.delivery?.result ?? []), ...(outputs.deliverydefault?.result ?? [])]
      : undefined;
  const pgResult = outputs.pg?.result;
  const messagesResult = outputs.messages?.result;

  const baseRate = (before.callsPerSec + after.callsPerSec) / 2;
  const baseP50 = (before.callLatencyMs.p50 + after.callLatencyMs.p50) / 2;
  for (const p of huddlePhases) p.ratioToBaseline = round(p.callsPerSec / baseRate, 3);
  if (afterHooks) {
    afterHooks.offRatioToBaseline = afterHooks.off.ratioToBaseline;
    afterHooks.onRatioToBaseline = afterHooks.on.ratioToBaseline;
  }
  for (const d of pgResult?.delivery ?? []) d.ratioToBaseline = round(d.deliveredPerSec / baseRate, 3);
  const logs = servers.map((s) => ({ ...s, log: scanLog(s.logFile) }));

  const rows = [
    [
      'scenario',
      'ops/s',
      'HTTP calls/s',
      'call p50 ms',
      'call p99 ms',
      'op p99 ms',
      'calls/s ÷ baseline',
      'p50 × baseline',
      'errors',
      'server CPU',
      'server CPU ms/call',
      'receiver CPU',
      'bench CPU',
      'machine busy',
    ],
    ...phases.map((p) => [
      p.name,
      `${fmt(p.opsPerSec)} ${p.unit}`,
      fmt(p.callsPerSec),
      fmt(p.callLatencyMs.p50, 2),
      fmt(p.callLatencyMs.p99, 2),
      fmt(p.opLatencyMs.p99, 2),
      p.ratioToBaseline === undefined ? '-' : fmt(p.ratioToBaseline, 3),
      p.name.startsWith('baseline') || latencyPhases.includes(p) ? '-' : fmt(p.callLatencyMs.p50 / baseP50, 1),
      fmt(p.errors),
      cpuCell(p.serverCpuPct),
      fmt(p.serverCpuMsPerCall, 3),
      cpuCell(p.receiverCpuPct),
      cpuCell(p.benchCpuPct),
      busyCell(p.machineBusyPct),
    ]),
  ];
  console.log(`\n${table(rows)}`);
  console.log(
    `\nbaseline (mean of before/after) = ${fmt(baseRate)} req/s; before ${fmt(before.callsPerSec)}, after ${fmt(after.callsPerSec)}`,
  );
  console.log("(server CPU ms/call: for the receiver round-trip rows, the receiver's CPU per call)");
  for (const p of phases) {
    const paths = Object.entries(p.perPathLatencyMs);
    if (paths.length > 1)
      for (const [k, s] of paths)
        console.log(`  ${p.name}: ${k} p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms (${s.count} calls)`);
  }

  // The three callback figures and their targets.
  const targets: Target[] = [];
  if (afterHooks) targets.push(printAfterHooks(afterHooks));
  if (beforeHook) targets.push(...printBeforeHook(beforeHook));
  if (delivery) targets.push(...printDelivery(delivery));
  const pgFigures = pgResult && printPostgres(pgResult);
  const messagesFigures = messagesResult && printMessages(messagesResult);
  if (targets.length > 0) {
    console.log('\ntargets (issue 3, point 9):');
    for (const t of targets)
      console.log(`  ${t.met ? 'MET    ' : 'NOT MET'} ${t.figure}: ${t.value} (target ${t.target})`);
  }
  const gateway = printGatewaySections(outputs);

  // Everything that was checked, under the label its lines print with.
  const checked: [string, Verified & { errorKinds: ErrorKind[] }][] = [
    ...phases.map((p): [string, PhaseResult] => [p.name, p]),
    ...(delivery ?? []).map((d): [string, DeliveryRun] => [`delivery c${d.deliveryConcurrency}`, d]),
    ...(pgResult?.delivery ?? []).map((d): [string, PgDeliveryRun] => [`pg delivery, ${d.workers} workers`, d]),
    ...(messagesResult ? messagesChecks(messagesResult) : []),
    ...gatewayChecks(outputs),
  ];
  console.log('\nverification:');
  for (const [label, x] of checked) for (const v of x.verification) console.log(`  [${label}] ${v}`);
  for (const [label, x] of checked)
    for (const e of x.errorKinds) console.log(`  [${label}] ERROR ×${e.count} ${e.kind}: ${e.sample}`);
  console.log('');
  for (const s of logs) {
    console.log(`${s.label} server: exit ${s.exit}; ${s.log.lines} log lines at warn+ (HUDDLE_LOG_LEVEL=warn)`);
    for (const g of s.log.byMessage.slice(0, 10))
      console.log(`  ×${g.count} level ${g.level} ${g.msg}: ${g.sample.slice(0, 200)}`);
  }
  if (receiverExit !== null) console.log(`receiver: exit ${receiverExit}`);

  const allVerified = checked.every(([, x]) => x.verified);
  writeSummary({
    ...run,
    baseRate,
    baseP50,
    phases,
    afterHooks,
    beforeHook,
    delivery,
    targets,
    pgResult,
    pgFigures,
    messagesResult,
    messagesFigures,
    gateway,
    logs,
    allVerified,
  });
  return allVerified;
}
