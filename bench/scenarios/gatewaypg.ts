// Scenario 9 (issue 15; BENCH_SCENARIOS=gatewaypg, not in the default set): the gateway fan-out on
// two huddle instances sharing a PostgreSQL database, the clients split between them (pushes to the
// other instance's clients go over the bus between instances), beside one instance on the same
// database and the bare gateway in the same run; then the fan-out paced at BENCH_GW_PG_PACED, for
// the extra hop: receipt on the other instance minus receipt on the sender's.

import crypto from 'node:crypto';
import { startBareGateway } from '../lib/bare-gateway-process.js';
import { freePort, stopChild } from '../lib/children.js';
import type { RunFigures } from '../lib/fanout.js';
import { connectMembers, fanout, pacedFanout, type Target } from '../lib/gateway-runs.js';
import { GATEWAY_GROUPS, GROUP_SIZE, setupGatewayUsers } from '../lib/gateway-setup.js';
import { type Huddle, startHuddle, stopHuddle } from '../lib/huddle.js';
import { LoadClients } from '../lib/load-clients.js';
import { withBenchDatabase } from '../lib/postgres.js';
import { defineScenario } from '../lib/scenario.js';
import { GW_PG_NATS, GW_PG_PACED, GW_PROCESSES, PG_ADMIN_URL_SHOWN } from '../lib/settings.js';

export interface GatewayPgResult {
  /** bare, one instance, two instances (closed loop), two instances paced. */
  runs: RunFigures[];
  databasesDropped: string[];
}

export const gatewaypg = defineScenario({
  name: 'gatewaypg',
  measures: 'the gateway fan-out on two huddle instances on PostgreSQL, clients split; the extra hop between them',
  byDefault: false,
  uses: [],
  async run(ctx) {
    console.log(
      `gatewaypg: two huddle instances on one PostgreSQL database (${PG_ADMIN_URL_SHOWN}), bench/bare-gateway.ts:`,
    );
    const dropped: string[] = [];
    const runs = await withBenchDatabase(dropped, async (db) => {
      const secret = crypto.randomBytes(24).toString('hex');
      const ports = [await freePort(), await freePort()];
      const started: Huddle[] = [];
      const bare = await startBareGateway([]);
      const clients = LoadClients.start(GW_PROCESSES, 'gwpg-load');
      try {
        for (const [i, port] of ports.entries())
          started.push(
            await startHuddle(
              `huddle-gwpg-${i}`,
              { HUDDLE_GATEWAY_PORT: String(port), ...(GW_PG_NATS ? { HUDDLE_NATS_URL: GW_PG_NATS } : {}) },
              { database: db.url, secret },
            ),
          );
        const u = await setupGatewayUsers(started[0]!, 'gp', GATEWAY_GROUPS * GROUP_SIZE);
        await bare.setGroups(Object.fromEntries([...u.groups, u.large].map((g) => [g.groupID, g.members])));
        const tokenOf = (userID: string) => u.tokens.get(userID)!;
        const pids = started.map((h) => h.child.proc.pid!);
        const urls = ports.map((p) => `ws://127.0.0.1:${p}`);
        const bareTarget: Target = {
          label: 'bare',
          pids: [bare.child.proc.pid!],
          urls: [bare.url],
          tokenOf,
          inspectPorts: [],
        };
        const one: Target = {
          label: 'huddle PG, 1 instance',
          pids: [pids[0]!],
          urls: [urls[0]!],
          tokenOf,
          inspectPorts: [],
        };
        // Member i goes to instance i mod 2; each group's sender (its first member) is on instance 0.
        const two: Target = { label: 'huddle PG, 2 instances', pids, urls, tokenOf, inspectPorts: [] };
        const out: RunFigures[] = [];
        for (const t of [bareTarget, one, two]) {
          await connectMembers(clients, t, u);
          out.push(await fanout(clients, t, u));
          if (t === two) out.push(await pacedFanout(clients, t, u, GW_PG_PACED));
          await clients.all('close');
        }
        return out;
      } finally {
        await clients.stopAll();
        await bare.close();
        ctx.servers.push({ label: 'bare-gateway-pg', logFile: bare.child.logFile, exit: await stopChild(bare.child) });
        for (const [i, h] of started.entries()) await stopHuddle(h, `huddle-gwpg-${i}`, ctx.servers);
      }
    });
    const result: GatewayPgResult = { runs, databasesDropped: dropped };
    return { phases: [], kind: 'latency' as const, result };
  },
});
