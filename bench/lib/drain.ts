// Draining a backlog: release the receiver, wait until it has answered every event, then check what
// it got against the commit order. Shared by the SQLite delivery scenarios and the PostgreSQL workers.

import type { Api } from './api.js';
import type { Backlog } from './backlog.js';
import { type CpuFigures, cpuWindow } from './cpu.js';
import { type EventCounts, eventCountsSince } from './events.js';
import type { Huddle } from './huddle.js';
import type { ErrorKind } from './recorder.js';
import { type Receiver, type ReceiverReport, type ReceiverStats, receiverCall } from './receiver-process.js';
import { sleep } from './sleep.js';
import { round } from './stats.js';
import { verify } from './verify.js';

/** What both delivery scenarios report for one drain of a backlog: (c) on SQLite, and pg by `huddle worker`s. */
export interface DrainFigures {
  groups: number;
  pairs: number;
  events: number;
  creationSeconds: number;
  creationPairsPerSec: number;
  /** Receiver clock: from the release until the last answer. */
  drainSeconds: number;
  /** events ÷ drainSeconds: callbacks delivered per second (target ≥ 1,000 for (c) at 256). */
  deliveredPerSec: number;
  /** Over the middle 80 % of the answers. */
  steadyPerSec: number | undefined;
  receiverMaxInFlight: number;
  duplicates: number;
  groupsInOrder: number;
  groupsWithEvents: number;
  server: EventCounts;
  receiverCpuPct: number | undefined;
  machineBusyPct: number | undefined;
  errors: number;
  errorKinds: ErrorKind[];
  verification: string[];
  verified: boolean;
}

/** Compares what the receiver got per group with the committed order. */
async function orderCheck(r: Receiver, expected: Map<string, string[]>) {
  const report = await receiverCall<ReceiverReport>(r, 'report');
  let inOrder = 0;
  const sample: string[] = [];
  for (const [groupID, want] of expected) {
    const got = report.perGroup[groupID] ?? [];
    if (got.length === want.length && got.every((x, i) => x === want[i])) inOrder++;
    else if (sample.length < 3) {
      const i = got.findIndex((x, k) => x !== want[k]);
      sample.push(
        `${groupID}: first difference at #${i} (got ${got[i]}, expected ${want[i]}; ${got.length} received, ${want.length} committed)`,
      );
    }
  }
  const unknownGroups = Object.keys(report.perGroup).filter((g) => !expected.has(g)).length;
  return { report, inOrder, sample, unknownGroups };
}

/** What one drain measured. */
export interface Drain {
  /** The receiver's stats when it had answered every event (or the wait ran out). */
  st: ReceiverStats;
  drainSeconds: number;
  /** The longest the bench waited for the last answer, in whole seconds. */
  waitedUpTo: number;
  server: EventCounts;
  inOrder: number;
  sample: string[];
  unknownGroups: number;
  /** Of `serverPids` (the huddle instance, or the workers), the receiver and the machine. */
  cpu: CpuFigures;
}

/**
 * Releases the callbacks the receiver holds and waits (up to max(60 s, 10 ms per event)) until it
 * has answered the backlog's events; then reads the server's counts since `before` and the order.
 */
export async function drainBacklog(
  r: Receiver,
  ctl: Api,
  h: Huddle,
  before: EventCounts,
  b: Backlog,
  serverPids: number | number[] | undefined,
): Promise<Drain> {
  const win = cpuWindow(serverPids, r.child.proc.pid);
  const w0 = performance.now();
  await receiverCall(r, 'open');
  let st = await receiverCall(r, 'stats');
  const deadline = performance.now() + Math.max(60_000, b.events * 10);
  while (performance.now() < deadline && st.answered < b.events) {
    await sleep(50);
    st = await receiverCall(r, 'stats');
  }
  const cpu = win.end((performance.now() - w0) / 1000);
  // The server records an attempt just after the answer; give it a moment to show no pending.
  const server = await eventCountsSince(ctl, h, before);
  const { inOrder, sample, unknownGroups } = await orderCheck(r, b.expected);
  const drainSeconds =
    st.lastAnswerAt !== undefined && st.openedAt !== undefined ? (st.lastAnswerAt - st.openedAt) / 1000 : NaN;
  return {
    st,
    drainSeconds,
    waitedUpTo: Math.round((deadline - w0) / 1000),
    server,
    inOrder,
    sample,
    unknownGroups,
    cpu,
  };
}

/**
 * One drain's record: `lead` (which run) first, then the figures both delivery scenarios report,
 * then `own` (the scenario's other fields). Prints the rate and makes the checks both make;
 * `backlogChecks` are the caller's, printed right after the first. `sayWait`: the answered check
 * names the wait limit ((c)'s line always did, pg's did not).
 */
export function drainRun<L extends object, O extends object>(
  lead: L,
  b: Backlog,
  d: Drain,
  own: O,
  options: { backlogChecks?: [ok: boolean, what: string][]; sayWait?: boolean } = {},
): L & DrainFigures & O {
  const { st, server, inOrder, sample, unknownGroups } = d;
  const { rec, events, expected } = b;
  const run = {
    ...lead,
    groups: b.groups,
    pairs: b.pairsDone,
    events,
    creationSeconds: round(b.creationSeconds),
    creationPairsPerSec: b.pairsPerSec,
    drainSeconds: round(d.drainSeconds),
    deliveredPerSec: Math.round(events / d.drainSeconds),
    steadyPerSec: st.steadyPerSec,
    receiverMaxInFlight: st.maxInFlight,
    duplicates: st.duplicates,
    groupsInOrder: inOrder,
    groupsWithEvents: expected.size,
    server,
    receiverCpuPct: d.cpu.receiverCpuPct,
    machineBusyPct: d.cpu.machineBusyPct,
    errors: rec.errorCount,
    errorKinds: rec.errorKinds(),
    ...own,
    verification: [] as string[],
    verified: true,
  };
  console.log(`${run.deliveredPerSec} callbacks/s over ${run.drainSeconds} s`);
  verify(run, rec.errorCount === 0, `every join_group and quit_group returned errCode 0 (${rec.errorCount} errors)`);
  for (const [ok, what] of options.backlogChecks ?? []) verify(run, ok, what);
  verify(
    run,
    st.answered >= events,
    `the receiver answered ${st.answered} of ${events} callbacks${options.sayWait ? ` within ${d.waitedUpTo} s` : ''}`,
  );
  verify(
    run,
    st.unique === events && unknownGroups === 0,
    `receiver: ${st.unique} distinct webhook-ids for ${events} committed events, ${st.duplicates} duplicates, ${unknownGroups} unknown groups`,
  );
  verify(
    run,
    inOrder === expected.size,
    `order per group = commit order in ${inOrder}/${expected.size} groups ${sample.join('; ')}`,
  );
  verify(
    run,
    server.total === events && server.delivered === events && server.pending === 0 && server.dead === 0,
    `server: ${server.total} new events, ${server.delivered} delivered, ${server.pending} pending, ${server.dead} dead`,
  );
  verify(
    run,
    st.unsigned === 0 && st.badBodies === 0,
    `every callback signed (${st.unsigned} not) with a JSON body (${st.badBodies} not)`,
  );
  return run;
}
