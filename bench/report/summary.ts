// The run's record: the full summary written to bench/results/latest.json, and its one-line digest
// printed last.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DeliveryRun } from '../lib/delivery-run.js';
import type { GitState } from '../lib/git-state.js';
import type { ServerRecord } from '../lib/huddle.js';
import type { PhaseResult } from '../lib/phase.js';
import type { LogScan } from '../lib/server-logs.js';
import {
  CONCURRENCY,
  DELIVERY_GROUPS,
  DELIVERY_PAIRS,
  LATENCY_SECONDS,
  MAX_OPS,
  MSG_PULL_CALLS,
  MSG_SEED,
  PG_ADMIN_URL_SHOWN,
  SECONDS,
  WARMUP,
} from '../lib/settings.js';
import { RESULTS_DIR } from '../lib/workdir.js';
import type { AfterHooksResult } from '../scenarios/afterhooks.js';
import type { BeforeHookResult } from '../scenarios/beforehook.js';
import type { MessagesResult } from '../scenarios/messages.js';
import type { PgResult } from '../scenarios/pg.js';
import type { Target } from './callbacks.js';
import type { GatewaySummary } from './gateway-sections.js';
import type { MessagesFigures } from './messages.js';

export interface SummaryInput {
  started: Date;
  git: GitState | undefined;
  loadAtStart: number[];
  /** BENCH_SCENARIOS as given (or the default set). */
  selected: string[];
  before: PhaseResult;
  after: PhaseResult;
  baseRate: number;
  baseP50: number;
  phases: PhaseResult[];
  afterHooks: AfterHooksResult | undefined;
  beforeHook: BeforeHookResult | undefined;
  delivery: DeliveryRun[] | undefined;
  targets: Target[];
  pgResult: PgResult | undefined;
  pgFigures: Record<string, number> | undefined;
  messagesResult: MessagesResult | undefined;
  messagesFigures: MessagesFigures | undefined;
  /** The gateway scenarios' results, figures and targets (gateway, gatewaypg). */
  gateway: GatewaySummary;
  logs: (ServerRecord & { log: LogScan })[];
  receiverExit: number | string | null;
  allVerified: boolean;
}

export function writeSummary(input: SummaryInput): void {
  const {
    started,
    git,
    loadAtStart,
    selected,
    before,
    after,
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
    receiverExit,
    allVerified,
  } = input;
  const summary = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      loadavgAtStart: loadAtStart,
      loadavgAtEnd: os.loadavg(),
    },
    git,
    settings: {
      seconds: SECONDS,
      warmupSeconds: WARMUP,
      concurrency: CONCURRENCY,
      maxOps: MAX_OPS,
      latencySeconds: LATENCY_SECONDS,
      deliveryPairs: DELIVERY_PAIRS,
      deliveryGroups: DELIVERY_GROUPS,
      scenarios: selected,
      client: 'undici Pool, keep-alive, pipelining 1',
    },
    baseline: {
      before: before.callsPerSec,
      after: after.callsPerSec,
      meanCallsPerSec: Math.round(baseRate),
      meanP50Ms: baseP50,
    },
    phases,
    callbacks: {
      afterHooks: afterHooks && { ...afterHooks, off: afterHooks.off.name, on: afterHooks.on.name },
      beforeHook: beforeHook && {
        ...beforeHook,
        rows: beforeHook.rows.map((x) => ({
          ...x,
          without: x.without.name,
          with: x.with.name,
          receiverRoundTrip: x.receiverRoundTrip.name,
        })),
      },
      delivery,
      targets,
    },
    postgres: pgResult && {
      adminUrl: PG_ADMIN_URL_SHOWN,
      figures: pgFigures,
      joinQuit: { sqlite: pgResult.sqlite.name, pg1: pgResult.pg1.name, pg2: pgResult.pg2.name },
      delivery: pgResult.delivery,
      databasesDropped: pgResult.databasesDropped,
    },
    messages: messagesResult && {
      figures: messagesFigures,
      settings: { seedMessages: MSG_SEED, pullCalls: MSG_PULL_CALLS },
      engines: messagesResult.engines.map((e) => ({ ...e, send: e.send.name })),
      databasesDropped: messagesResult.databasesDropped,
    },
    gateway,
    servers: logs.map((s) => ({
      label: s.label,
      exit: s.exit,
      linesAtWarnOrAbove: s.log.lines,
      messages: s.log.byMessage,
    })),
    receiverExit,
    allVerified,
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log('\nsummary JSON (also in bench/results/latest.json):');
  console.log(
    JSON.stringify({
      baselineReqPerSec: Math.round(baseRate),
      phases: phases.map((p) => ({
        name: p.name,
        opsPerSec: p.opsPerSec,
        unit: p.unit,
        callsPerSec: p.callsPerSec,
        p50ms: p.callLatencyMs.p50,
        p99ms: p.callLatencyMs.p99,
        ratioToBaseline: p.ratioToBaseline,
        errors: p.errors,
        verified: p.verified,
      })),
      callbacks: {
        afterHooksOnOff: afterHooks?.ratioOnOff,
        pendingAtMeasuredEnd: afterHooks?.pendingAtMeasuredEnd,
        drainMs: afterHooks?.drainMsFromMeasuredEnd,
        beforeHookAddedOverRttP50: beforeHook?.rows.map((x) => ({
          concurrency: x.concurrency,
          p50: x.addedOverRoundTripP50,
          p99: x.addedOverRoundTripP99,
        })),
        deliveredPerSec: delivery?.map((d) => ({
          deliveryConcurrency: d.deliveryConcurrency,
          perSec: d.deliveredPerSec,
          verified: d.verified,
        })),
        targetsMet: targets.map((t) => t.met),
      },
      postgres: pgFigures,
      messages: messagesFigures,
      gateway: { figures: gateway.figures, targetsMet: gateway.targets.map((t) => t.met) },
      allVerified,
    }),
  );
}
