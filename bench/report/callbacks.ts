// The report's sections on the business-server callbacks (issue 3, point 9): (a) after-hooks' cost,
// (b) a before-hook's added latency, (c) callbacks delivered per second; each gives its targets.

import type { DeliveryRun } from '../lib/delivery-run.js';
import { CONCURRENCY } from '../lib/settings.js';
import type { AfterHooksResult } from '../scenarios/afterhooks.js';
import type { BeforeHookResult } from '../scenarios/beforehook.js';
import { backlogCells, drainCells, fmt, table } from './format.js';

/** A figure with a target: printed MET / NOT MET; a missed target does not fail the run. */
export interface Target {
  figure: string;
  value: string;
  target: string;
  met: boolean;
}

export function printAfterHooks(a: AfterHooksResult): Target {
  console.log(
    `\n(a) after-callbacks on join+quit (${a.groups} groups, concurrency ${CONCURRENCY}; every after-hook: ${a.hooksEnabled.length} hooks, 3 fire per pair):`,
  );
  console.log(
    `  hooks off ${fmt(a.off.opsPerSec)} pairs/s (${fmt(a.offRatioToBaseline, 3)} × baseline calls/s), hooks on ${fmt(a.on.opsPerSec)} pairs/s (${fmt(a.onRatioToBaseline, 3)} × baseline)` +
      ` -> on ÷ off = ${fmt(a.ratioOnOff, 3)} (target ≥ 0.7); by server CPU per call, off ÷ on = ${fmt(a.cpuRatioOnOff, 3)}`,
  );
  console.log(
    `  server CPU per pair over the whole phase: off ${fmt(a.cpuMsPerPairOff, 3)} ms, on ${fmt(a.cpuMsPerPairOnWithDelivery, 3)} ms including the delivery of all its events` +
      ` -> sustained on ÷ off estimate ${fmt(a.sustainedRatioEstimate, 3)}`,
  );
  console.log(
    `  events: ${a.expectedEvents} written in the hooks-on phase (warm-up included); ${a.deliveredPerSecInWindow}/s reached the receiver inside the measured window;` +
      ` ${a.pendingAtMeasuredEnd} pending when the window ended; drained ${fmt(a.drainMsFromMeasuredEnd)} ms after the window ended (${fmt(a.drainMsFromLoadEnd)} ms after the load stopped; server CPU ${fmt(a.serverCpuPctDuringDrain)} % meanwhile)`,
  );
  console.log(
    `  delivered ${a.server.delivered}, pending ${a.server.pending}, dead ${a.server.dead}; receiver: ${a.receiver.unique} distinct webhook-ids, ${a.receiver.duplicates} duplicates; order violations ${a.orderViolations}`,
  );
  return {
    figure: '(a) join+quit, every after-hook on ÷ all off',
    value: fmt(a.ratioOnOff, 3),
    target: '≥ 0.7',
    met: a.ratioOnOff >= 0.7,
  };
}

export function printBeforeHook(b: BeforeHookResult): Target[] {
  const targets: Target[] = [];
  console.log(`\n(b) latency added by ${b.hook} on ${b.operation} (per call, ms):`);
  const brows = [
    [
      'concurrency',
      'no hook p50',
      'hook p50',
      'added p50',
      'receiver RTT p50',
      'added − RTT p50',
      'no hook p99',
      'hook p99',
      'added p99',
      'receiver RTT p99',
      'added − RTT p99',
    ],
    ...b.rows.map((x) => [
      String(x.concurrency),
      fmt(x.without.callLatencyMs.p50, 2),
      fmt(x.with.callLatencyMs.p50, 2),
      fmt(x.addedP50, 2),
      fmt(x.receiverRoundTrip.callLatencyMs.p50, 2),
      fmt(x.addedOverRoundTripP50, 2),
      fmt(x.without.callLatencyMs.p99, 2),
      fmt(x.with.callLatencyMs.p99, 2),
      fmt(x.addedP99, 2),
      fmt(x.receiverRoundTrip.callLatencyMs.p99, 2),
      fmt(x.addedOverRoundTripP99, 2),
    ]),
  ];
  console.log(table(brows));
  for (const x of b.rows) {
    targets.push({
      figure: `(b) ${b.hook} added over the receiver round trip, p50, concurrency ${x.concurrency}`,
      value: `${fmt(x.addedOverRoundTripP50, 2)} ms`,
      target: '≤ 1 ms',
      met: x.addedOverRoundTripP50 <= 1,
    });
  }
  return targets;
}

export function printDelivery(delivery: DeliveryRun[]): Target[] {
  const targets: Target[] = [];
  console.log('\n(c) callbacks delivered per second to a receiver answering after 100 ms:');
  const drows = [
    [
      'deliveryConcurrency',
      'groups',
      'callbacks',
      'backlog build',
      'pending at release',
      'drain s',
      'delivered/s',
      'steady /s (10–90 %)',
      'receiver max in flight',
      'groups in order',
      'duplicates',
      'server CPU',
      'receiver CPU',
      'machine busy',
    ],
    ...delivery.map((d) => [
      String(d.deliveryConcurrency),
      ...backlogCells(d),
      fmt(d.pendingAtOpen),
      fmt(d.drainSeconds, 2),
      fmt(d.deliveredPerSec),
      ...drainCells(d, d.serverCpuPct),
    ]),
  ];
  console.log(table(drows));
  const main256 = delivery.find((d) => d.deliveryConcurrency === 256);
  if (main256) {
    targets.push({
      figure: '(c) callbacks/s to a 100 ms receiver, deliveryConcurrency 256',
      value: fmt(main256.deliveredPerSec),
      target: '≥ 1,000',
      met: main256.deliveredPerSec >= 1000,
    });
  }
  const byDefault = delivery.find((d) => typeof d.deliveryConcurrency === 'string');
  if (byDefault) {
    targets.push({
      figure: `(c) callbacks/s to a 100 ms receiver, default configuration (${byDefault.deliveryConcurrency})`,
      value: fmt(byDefault.deliveredPerSec),
      target: '≥ 1,000',
      met: byDefault.deliveredPerSec >= 1000,
    });
    const old = delivery.find((d) => d.deliveryConcurrency === 64 && d.groups === byDefault.groups);
    if (old)
      console.log(
        `  default ÷ the old default (64), same load: ${(byDefault.deliveredPerSec / old.deliveredPerSec).toFixed(2)}`,
      );
  }
  return targets;
}
