// The report's gateway sections (issue 15): each run's deliveries, CPU and latencies, huddle ÷ the
// bare gateway, and the targets.

import type { RunFigures } from '../lib/fanout.js';
import type { IdleFigures } from '../lib/gateway-runs.js';
import { round } from '../lib/stats.js';
import type { GatewayResult } from '../scenarios/gateway.js';
import type { Target } from './callbacks.js';
import { busyCell, cpuCell, fmt, table } from './format.js';

const ms = (l: { p50: number; p99: number }) => `${fmt(l.p50, 1)} / ${fmt(l.p99, 1)}`;

/** One row per run. */
export function printRuns(runs: RunFigures[]): void {
  const rows = [
    [
      'run',
      'deliveries/s',
      'msgs/s',
      'server CPU',
      'CPU µs/delivery',
      'clients CPU',
      'machine busy',
      'send→receipt p50 / p99 ms',
      'send→last member p50 / p99 ms',
      'lost / dup / out of order',
    ],
    ...runs.map((r) => [
      r.name,
      fmt(r.deliveriesPerSec),
      fmt(r.messagesPerSec),
      cpuCell(r.serverCpuPct),
      fmt(r.cpuUsPerDelivery, 1),
      cpuCell(r.clientsCpuPct),
      busyCell(r.machineBusyPct),
      ms(r.latencyMs),
      ms(r.lastReceiptMs),
      `${r.lost} / ${r.duplicated} / ${r.outOfOrder}`,
    ]),
  ];
  console.log(table(rows));
  for (const r of runs) console.log(`  ${r.name}: ${r.mode}, ${fmt(r.deliveries)} deliveries in ${r.seconds} s`);
}

export function printIdle(idle: IdleFigures[]): void {
  const mib = (b: number) => fmt(b / 1048576, 1);
  console.log(
    table([
      ['idle connections', 'connections', 'RSS before / after MiB', 'RSS B/connection', 'JS heap B/connection'],
      ...idle.map((i) => [
        i.label,
        fmt(i.connections),
        `${mib(i.rssBeforeBytes)} / ${mib(i.rssAfterBytes)}`,
        fmt(i.bytesPerConnection),
        fmt(i.heapBytesPerConnection),
      ]),
    ]),
  );
}

export const target = (figure: string, value: number, digits: number, op: '≥' | '≤', bound: number): Target => ({
  figure,
  value: fmt(value, digits),
  target: `${op} ${bound}`,
  met: op === '≥' ? value >= bound : value <= bound,
});

export interface GatewayFigures {
  deliveriesRatio: number;
  cpuPerDeliveryRatio: number;
  pacedP99Ms: number;
  hooksOverPlain: number;
  largeLastReceiptP50Ms: number;
  idleBytesRatio: number;
  idleHeapRatio: number;
  [k: string]: number;
}

/** Prints the section; returns its figures and targets. */
export function printGateway(r: GatewayResult): { figures: GatewayFigures; targets: Target[] } {
  console.log(
    '\ngateway (issue 15): huddle (SQLite) beside bench/bare-gateway.ts, load clients in their own processes:',
  );
  printRuns([r.fanout.bare, r.fanout.huddle, r.hooks, r.paced.bare, r.paced.huddle, r.large.bare, r.large.huddle]);
  console.log(
    `  afterSendGroupMsg run: the receiver got ${fmt(r.hooks.receiver.received)} callbacks (${fmt(r.hooks.receiver.duplicates)} duplicates)`,
  );
  printIdle([r.idle.bare, r.idle.huddle]);
  const figures: GatewayFigures = {
    deliveriesRatio: round(r.fanout.huddle.deliveriesPerSec / r.fanout.bare.deliveriesPerSec, 3),
    cpuPerDeliveryRatio: round((r.fanout.huddle.cpuUsPerDelivery ?? NaN) / (r.fanout.bare.cpuUsPerDelivery ?? NaN), 2),
    pacedP99Ms: r.paced.huddle.latencyMs.p99,
    hooksOverPlain: round(r.hooks.messagesPerSec / r.fanout.huddle.messagesPerSec, 3),
    largeLastReceiptP50Ms: r.large.huddle.lastReceiptMs.p50,
    bareLargeLastReceiptP50Ms: r.large.bare.lastReceiptMs.p50,
    idleBytesRatio: round(r.idle.huddle.bytesPerConnection / r.idle.bare.bytesPerConnection, 2),
    idleHeapRatio: round(r.idle.huddle.heapBytesPerConnection / r.idle.bare.heapBytesPerConnection, 2),
    huddleIdleBytes: r.idle.huddle.bytesPerConnection,
    bareIdleBytes: r.idle.bare.bytesPerConnection,
  };
  const targets = [
    target('fan-out deliveries/s, huddle ÷ bare', figures.deliveriesRatio, 3, '≥', 0.5),
    target('fan-out server CPU per delivery, huddle ÷ bare', figures.cpuPerDeliveryRatio, 2, '≤', 2.5),
    target(
      `fan-out paced (${fmt(r.paced.huddle.deliveriesPerSec)} deliveries/s) send→receipt p99 ms`,
      figures.pacedP99Ms,
      1,
      '≤',
      50,
    ),
    target('fan-out msgs/s, afterSendGroupMsg on ÷ off', figures.hooksOverPlain, 3, '≥', 0.7),
    target('group of 2,000: send→last member p50 ms', figures.largeLastReceiptP50Ms, 1, '≤', 100),
    target('idle connection RSS, huddle ÷ bare', figures.idleBytesRatio, 2, '≤', 2),
    // RSS moves in pages the allocator keeps or returns; the JS heap after a full GC is the steadier figure.
    target('idle connection JS heap, huddle ÷ bare', figures.idleHeapRatio, 2, '≤', 2),
  ];
  return { figures, targets };
}

export const gatewayRuns = (r: GatewayResult): RunFigures[] => [
  r.fanout.bare,
  r.fanout.huddle,
  r.hooks,
  r.paced.bare,
  r.paced.huddle,
  r.large.bare,
  r.large.huddle,
];
