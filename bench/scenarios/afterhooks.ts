// Scenario 5a (issue 3, point 9 (a)): the cost of after-hooks on join+quit. Scenario 3's load with
// every hook off, then with every after-hook on; then every event is checked: written, delivered
// (the drain), received once, signed, and in commit order per (group, user).

import { Api } from '../lib/api.js';
import { eventCounts, type EventCounts, eventTotal } from '../lib/events.js';
import type { Huddle } from '../lib/huddle.js';
import { setupJoinQuit, verifyJoinQuit } from '../lib/join-quit.js';
import { procCpuSeconds } from '../lib/cpu.js';
import { type PhaseResult, runPhase } from '../lib/phase.js';
import type { Recorder } from '../lib/recorder.js';
import { type Receiver, type ReceiverReport, type ReceiverStats, receiverCall } from '../lib/receiver-process.js';
import { defineScenario } from '../lib/scenario.js';
import { CONCURRENCY, HOOK_GROUPS } from '../lib/settings.js';
import { sleep } from '../lib/sleep.js';
import { round } from '../lib/stats.js';
import { verify } from '../lib/verify.js';
import { AFTER_HOOKS, setWebhooks, webhookConfig } from '../lib/webhooks.js';

export const afterhooks = defineScenario({
  name: 'afterhooks',
  measures: '(a) join+quit pairs/s with every after-hook on ÷ all hooks off, and the drain of the events',
  byDefault: true,
  uses: ['webhooks'],
  async run(ctx) {
    const a = await afterHooksScenario(ctx.webhooks(), ctx.receiver());
    return { phases: [a.off, a.on], kind: 'throughput', result: a };
  },
});

export interface AfterHooksResult {
  hooksEnabled: string[];
  groups: number;
  off: PhaseResult;
  on: PhaseResult;
  /** pairs/s with every after-hook on ÷ pairs/s with all hooks off (target ≥ 0.7). */
  ratioOnOff: number;
  /** Server CPU per call, off ÷ on: the same comparison, less sensitive to the machine's noise. */
  cpuRatioOnOff: number | undefined;
  onRatioToBaseline?: number;
  offRatioToBaseline?: number;
  /**
   * Server CPU per pair over the whole phase (warm-up included): hooks off, and hooks on including
   * the delivery of every event the phase wrote (through the drain). Their ratio estimates the
   * on ÷ off throughput a CPU-bound server could sustain with deliveries keeping up.
   */
  cpuMsPerPairOff: number | undefined;
  cpuMsPerPairOnWithDelivery: number | undefined;
  sustainedRatioEstimate: number | undefined;
  expectedEvents: number;
  eventsByHook: Record<string, number>;
  server: EventCounts;
  pendingAtMeasuredEnd: number;
  receiverUniqueAtMeasuredEnd: number;
  /** Callbacks the receiver got per second inside the measured window. */
  deliveredPerSecInWindow: number;
  /** From the end of the measured window (and from the end of the load) until the last event was delivered. */
  drainMsFromMeasuredEnd: number | undefined;
  drainMsFromLoadEnd: number | undefined;
  serverCpuPctDuringDrain: number | undefined;
  receiver: {
    unique: number;
    duplicates: number;
    received: number;
    unsigned: number;
    badBodies: number;
    maxInFlight: number;
  };
  orderViolations: number;
  orderSample: string[];
}

/**
 * (a) join+quit with every after-hook on vs all hooks off, on one huddle whose webhooks.yml points at
 * the receiver (answering at once). Then every event is checked: written, delivered, received.
 */
async function afterHooksScenario(h: Huddle, r: Receiver): Promise<AfterHooksResult> {
  const ctl = new Api(h.api.url, 2);
  try {
    const load = await setupJoinQuit(h, 'ah', HOOK_GROUPS, CONCURRENCY);
    const pid = h.child.proc.pid;
    const receiverPid = r.child.proc.pid;
    const op = (rec: Recorder, w: number) => load.op(rec, w);

    // All hooks off (url set, signing secret set: only `enable` differs between the two phases).
    await setWebhooks(ctl, h, webhookConfig(r.url));
    await receiverCall(r, 'reset', { delayMs: 0 });
    const offCpu0 = procCpuSeconds(pid);
    const off = (await runPhase('join+quit, callbacks off', 'pairs/s', h.api, pid, op, { receiverPid })).result;
    const offCpu1 = procCpuSeconds(pid);
    const offPairs = load.quits;
    await verifyJoinQuit(h, load, off);
    const offEvents = await eventTotal(ctl, h);
    const offReceived = (await receiverCall(r, 'stats')).received;
    verify(
      off,
      offEvents === 0 && offReceived === 0,
      `with all hooks off no event was written (${offEvents}) and none received (${offReceived})`,
    );

    // Every after-hook on.
    await setWebhooks(ctl, h, webhookConfig(r.url, { after: AFTER_HOOKS }));
    await receiverCall(r, 'reset', { delayMs: 0 });
    load.joins = 0;
    load.quits = 0;
    let atStart: ReceiverStats | undefined;
    let atEnd: ReceiverStats | undefined;
    let pendingAtEnd = -1;
    let measuredEnd = 0;
    const onCpu0 = procCpuSeconds(pid);
    const on = (
      await runPhase('join+quit, every after-hook on', 'pairs/s', h.api, pid, op, {
        receiverPid,
        onMeasuredStart: async () => {
          atStart = await receiverCall(r, 'stats');
        },
        onMeasuredEnd: async () => {
          measuredEnd = performance.now();
          [atEnd, pendingAtEnd] = await Promise.all([
            receiverCall(r, 'stats'),
            eventTotal(ctl, h, { status: 'pending' }),
          ]);
        },
      })
    ).result;
    const loadEnd = performance.now();
    const expected = 2 * load.joins + load.quits; // afterMemberJoinGroup + afterJoinGroup per join, afterQuitGroup per quit

    // Drain: until the server has nothing pending and the receiver has every event.
    const srv0 = procCpuSeconds(pid);
    let drainedAt: number | undefined;
    const deadline = loadEnd + Math.max(60_000, expected * 10);
    while (performance.now() < deadline) {
      const [pending, st] = await Promise.all([eventTotal(ctl, h, { status: 'pending' }), receiverCall(r, 'stats')]);
      if (pending === 0 && st.unique >= expected) {
        drainedAt = performance.now();
        break;
      }
      await sleep(25);
    }
    const srv1 = procCpuSeconds(pid);
    const onPairs = load.quits;
    await verifyJoinQuit(h, load, on);

    const byHook: Record<string, number> = {};
    for (const hook of AFTER_HOOKS) byHook[hook] = await eventTotal(ctl, h, { hook });
    const server = await eventCounts(ctl, h);
    const st = await receiverCall(r, 'stats');
    const report = await receiverCall<ReceiverReport>(r, 'report');

    // Order: per group the events must follow commit order. Several users share a group here, so
    // the check is per (group, user): afterMemberJoinGroup, afterJoinGroup, afterQuitGroup, repeated.
    let violations = 0;
    const sample: string[] = [];
    const cycle = ['MJ', 'J', 'Q'];
    for (const [groupID, list] of Object.entries(report.perGroup)) {
      const next = new Map<string, number>();
      for (const entry of list) {
        const [kind, user] = entry.split(':') as [string, string];
        const i = next.get(user) ?? 0;
        if (cycle[i % 3] !== kind) {
          violations++;
          if (sample.length < 5) sample.push(`${groupID} ${user}: got ${kind}, expected ${cycle[i % 3]}`);
        }
        next.set(user, i + 1);
      }
      for (const [user, n] of next) {
        if (n % 3 !== 0) {
          violations++;
          if (sample.length < 5) sample.push(`${groupID} ${user}: ${n} events, not whole join/quit cycles`);
        }
      }
    }

    verify(
      on,
      drainedAt !== undefined,
      `every event delivered within ${Math.round((deadline - loadEnd) / 1000)} s of the end of the load`,
    );
    verify(
      on,
      byHook.afterMemberJoinGroup === load.joins &&
        byHook.afterJoinGroup === load.joins &&
        byHook.afterQuitGroup === load.quits,
      `events written: ${byHook.afterMemberJoinGroup} afterMemberJoinGroup and ${byHook.afterJoinGroup} afterJoinGroup for ${load.joins} joins, ${byHook.afterQuitGroup} afterQuitGroup for ${load.quits} quits`,
    );
    const others = AFTER_HOOKS.filter(
      (k) => !['afterMemberJoinGroup', 'afterJoinGroup', 'afterQuitGroup'].includes(k),
    ).reduce((a, k) => a + byHook[k]!, 0);
    verify(on, others === 0, `no other after-event written (${others})`);
    verify(
      on,
      server.total === expected && server.delivered === expected && server.pending === 0 && server.dead === 0,
      `server: ${server.total} events (expected ${expected}), ${server.delivered} delivered, ${server.pending} pending, ${server.dead} dead`,
    );
    verify(
      on,
      st.unique === expected,
      `receiver: ${st.unique} distinct webhook-ids (expected ${expected}), ${st.duplicates} duplicates, ${st.received} requests`,
    );
    verify(
      on,
      st.unsigned === 0 && st.badBodies === 0,
      `receiver: every callback signed (${st.unsigned} unsigned) with a JSON body (${st.badBodies} not)`,
    );
    verify(
      on,
      violations === 0,
      `order per (group, user) afterMemberJoinGroup → afterJoinGroup → afterQuitGroup: ${violations} violations ${sample.join('; ')}`,
    );

    const windowSec = on.seconds;
    const perPair = (a: number | undefined, b: number | undefined, pairs: number) =>
      a !== undefined && b !== undefined && pairs > 0 ? round(((b - a) * 1000) / pairs, 3) : undefined;
    const cpuOff = perPair(offCpu0, offCpu1, offPairs);
    const cpuOn = drainedAt === undefined ? undefined : perPair(onCpu0, srv1, onPairs);
    return {
      cpuMsPerPairOff: cpuOff,
      cpuMsPerPairOnWithDelivery: cpuOn,
      sustainedRatioEstimate: cpuOff && cpuOn ? round(cpuOff / cpuOn, 3) : undefined,
      hooksEnabled: [...AFTER_HOOKS],
      groups: load.groups.length,
      off,
      on,
      ratioOnOff: round(on.opsPerSec / off.opsPerSec, 3),
      cpuRatioOnOff:
        off.serverCpuMsPerCall && on.serverCpuMsPerCall
          ? round(off.serverCpuMsPerCall / on.serverCpuMsPerCall, 3)
          : undefined,
      expectedEvents: expected,
      eventsByHook: byHook,
      server,
      pendingAtMeasuredEnd: pendingAtEnd,
      receiverUniqueAtMeasuredEnd: atEnd?.unique ?? -1,
      deliveredPerSecInWindow: atStart && atEnd ? Math.round((atEnd.unique - atStart.unique) / windowSec) : -1,
      drainMsFromMeasuredEnd: drainedAt === undefined ? undefined : Math.round(drainedAt - measuredEnd),
      drainMsFromLoadEnd: drainedAt === undefined ? undefined : Math.round(drainedAt - loadEnd),
      serverCpuPctDuringDrain:
        drainedAt !== undefined && srv0 !== undefined && srv1 !== undefined && drainedAt > loadEnd
          ? round(((srv1 - srv0) * 100_000) / (drainedAt - loadEnd), 0)
          : undefined,
      receiver: {
        unique: st.unique,
        duplicates: st.duplicates,
        received: st.received,
        unsigned: st.unsigned,
        badBodies: st.badBodies,
        maxInFlight: st.maxInFlight,
      },
      orderViolations: violations,
      orderSample: sample,
    };
  } finally {
    await ctl.close();
  }
}
