// Scenario 6 (issue 4, point 6; BENCH_SCENARIOS=pg, not in the default set): join+quit on SQLite vs
// PostgreSQL with one instance and with two sharing the database, and delivery by one worker process
// vs two. Each PostgreSQL configuration gets a fresh database, dropped afterwards.

import crypto from 'node:crypto';
import { Api } from '../lib/api.js';
import { orderedJoinQuitBacklog, setupBacklogLoad } from '../lib/backlog.js';
import { stopChild } from '../lib/children.js';
import { drainBacklog, type DrainFigures, drainRun } from '../lib/drain.js';
import { eventCounts, eventTotal } from '../lib/events.js';
import { type Huddle, type ServerRecord, startHuddle, startWorker, stopHuddle } from '../lib/huddle.js';
import { setupJoinQuit, verifyJoinQuit } from '../lib/join-quit.js';
import { type PhaseResult, runPhase } from '../lib/phase.js';
import { withBenchDatabase } from '../lib/postgres.js';
import { receiverCall, startReceiver } from '../lib/receiver-process.js';
import { defineScenario } from '../lib/scenario.js';
import { CONCURRENCY, PG_ADMIN_URL_SHOWN, PG_DELIVERY_GROUPS, PG_DELIVERY_PAIRS } from '../lib/settings.js';
import { sleep } from '../lib/sleep.js';
import { verify } from '../lib/verify.js';
import { webhookConfig, writeWebhooksFile } from '../lib/webhooks.js';

export const pg = defineScenario({
  name: 'pg',
  measures: 'join+quit on PostgreSQL (1 and 2 instances) ÷ SQLite, and delivery by 1 vs 2 huddle workers',
  // It needs a PostgreSQL server and adds about 2 minutes.
  byDefault: false,
  uses: [],
  async run(ctx) {
    const result = await pgScenario(ctx.servers);
    return { phases: [result.sqlite, result.pg1, result.pg2], kind: 'throughput', result };
  },
});

export interface PgDeliveryRun extends DrainFigures {
  workers: number;
  deliveryConcurrencyPerWorker: number;
  pendingAtRelease: number;
  heldAtRelease: number;
  ratioToBaseline?: number;
  workerCpuPct: number | undefined;
}

export interface PgResult {
  sqlite: PhaseResult;
  pg1: PhaseResult;
  pg2: PhaseResult;
  delivery: PgDeliveryRun[];
  databasesDropped: string[];
}

/** join+quit (scenario 3's load: 16 groups, BENCH_CONCURRENCY loops) on `instances` (loop w → instance w mod n). */
async function pgJoinQuitPhase(name: string, instances: Huddle[]): Promise<PhaseResult> {
  const h = instances[0]!;
  const load = await setupJoinQuit(h, 'pj', 16, CONCURRENCY, (w) => instances[w % instances.length]!.api);
  const pids = instances.map((x) => x.child.proc.pid!);
  const { result } = await runPhase(name, 'pairs/s', h.api, pids, (rec, w) => load.op(rec, w));
  await verifyJoinQuit(h, load, result);
  if (instances.length > 1) {
    // The other instance reads the same state.
    const info = await instances[1]!.api.ok<{ groupInfos: any[] }>(
      '/group/get_groups_info',
      { groupIDs: load.groups },
      h.adminToken,
    );
    const ok = info.groupInfos.length === load.groups.length && info.groupInfos.every((g) => g.memberCount === 1);
    verify(result, ok, `the second instance sees the same: every group has only its owner`);
  }
  return result;
}

async function pgScenario(servers: ServerRecord[]): Promise<PgResult> {
  console.log(`PostgreSQL (${PG_ADMIN_URL_SHOWN}; a fresh database per configuration, dropped afterwards):`);
  const dropped: string[] = [];
  // (2) SQLite, one instance: the same load in the same run.
  const sq = await startHuddle('huddle-sqlite');
  let sqlite: PhaseResult;
  try {
    sqlite = await pgJoinQuitPhase('join+quit SQLite, 1 instance', [sq]);
  } finally {
    await stopHuddle(sq, 'huddle-sqlite', servers);
  }

  // (1) PostgreSQL, one instance.
  const pg1 = await withBenchDatabase(dropped, async (db) => {
    const h = await startHuddle('huddle-pg-1', {}, { database: db.url });
    try {
      return await pgJoinQuitPhase('join+quit PostgreSQL, 1 instance', [h]);
    } finally {
      await stopHuddle(h, 'huddle-pg-1', servers);
    }
  });

  // (1) PostgreSQL, two instances on one database; the loops split evenly, same total concurrency.
  const pg2 = await withBenchDatabase(dropped, async (db) => {
    const secret = crypto.randomBytes(24).toString('hex');
    const started = await Promise.allSettled([
      startHuddle('huddle-pg-2a', {}, { database: db.url, secret }),
      startHuddle('huddle-pg-2b', {}, { database: db.url, secret }),
    ]);
    const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      return await pgJoinQuitPhase('join+quit PostgreSQL, 2 instances', instances);
    } finally {
      for (const [i, h] of instances.entries()) await stopHuddle(h, `huddle-pg-2${'ab'[i]}`, servers);
    }
  });

  const delivery = await pgDelivery(dropped, servers);
  return { sqlite, pg1, pg2, delivery, databasesDropped: dropped };
}

/** One API instance (serve --no-worker) builds a backlog; then 1 or 2 `huddle worker`s drain it. */
async function pgDelivery(dropped: string[], servers: ServerRecord[]): Promise<PgDeliveryRun[]> {
  const delivery: PgDeliveryRun[] = [];
  const r = await startReceiver();
  try {
    await withBenchDatabase(dropped, async (db) => {
      const secret = crypto.randomBytes(24).toString('hex');
      const hooks = ['afterMemberJoinGroup', 'afterQuitGroup'];
      const perWorker = 64;
      // 60 s timeout: the first callbacks stay open at the receiver until every worker is up.
      const webhooks = writeWebhooksFile(
        'pg-delivery',
        webhookConfig(r.url, { after: hooks, deliveryConcurrency: perWorker, timeout: 60 }),
      );
      const h = await startHuddle(
        'huddle-pg-api',
        { HUDDLE_CALLBACKS: webhooks },
        { database: db.url, secret, args: ['serve', '--no-worker'] },
      );
      const ctl = new Api(h.api.url, 2);
      try {
        const load = await setupBacklogLoad(h, 'pd', 'pg delivery', PG_DELIVERY_GROUPS);

        for (const workers of [1, 2]) {
          const s = workers > 1 ? 's' : '';
          await receiverCall(r, 'reset', { delayMs: 0, hold: true });
          const before = await eventCounts(ctl, h);
          process.stdout.write(
            `  pg delivery, ${workers} worker${s}: backlog of ${PG_DELIVERY_PAIRS} join+quit pairs over ${load.groups.length} groups (no worker running) ... `,
          );
          const b = await orderedJoinQuitBacklog(h.api, load, PG_DELIVERY_PAIRS);
          console.log(`${b.pairsPerSec} pairs/s, ${b.rec.errorCount} errors`);
          const pendingAtRelease = (await eventTotal(ctl, h, { status: 'pending' })) - before.pending;

          // Start the workers; the receiver holds what they send until all of them are up.
          process.stdout.write(
            `  pg delivery, ${workers} worker${s}: ${pendingAtRelease} callbacks pending; starting the worker${s} ... `,
          );
          const startedWorkers = await Promise.allSettled(
            Array.from({ length: workers }, (_, k) =>
              startWorker(`huddle-pg-worker${workers}-${k + 1}`, db.url, secret, webhooks),
            ),
          );
          const workerChildren = startedWorkers.flatMap((st) => (st.status === 'fulfilled' ? [st.value] : []));
          try {
            const failed = startedWorkers.find((st) => st.status === 'rejected');
            if (failed) throw (failed as PromiseRejectedResult).reason;
            await sleep(1500); // every worker has claimed its first batch
            const held = (await receiverCall(r, 'stats')).held;
            const d = await drainBacklog(
              r,
              ctl,
              h,
              before,
              b,
              workerChildren.map((c) => c.proc.pid!),
            );
            const own = { pendingAtRelease, heldAtRelease: held, workerCpuPct: d.cpu.serverCpuPct };
            const pendingCheck: [boolean, string] = [
              pendingAtRelease === b.events,
              `with no worker running, all ${b.events} events were pending (${pendingAtRelease})`,
            ];
            delivery.push(
              drainRun({ workers, deliveryConcurrencyPerWorker: perWorker }, b, d, own, {
                backlogChecks: [pendingCheck],
              }),
            );
          } finally {
            for (const c of workerChildren)
              servers.push({ label: c.name, logFile: c.logFile, exit: await stopChild(c) });
          }
        }
      } finally {
        await ctl.close();
        await stopHuddle(h, 'huddle-pg-api', servers);
      }
    });
  } finally {
    await r.control.close();
    await stopChild(r.child);
  }
  return delivery;
}
