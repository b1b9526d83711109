// Scenario 8 (issue 15; BENCH_SCENARIOS=gateway, not in the default set): OpenIM's WebSocket
// gateway on huddle (SQLite) beside a bare `ws` gateway (bench/bare-gateway.ts) in the same run:
// memory per idle connection, the fan-out to 2,000 clients in 20 groups of 100 (closed loop and
// paced), the same with afterSendGroupMsg on, and one group of 2,000. Load clients run in their own
// processes (bench/gateway-load.ts) and check every seq every member gets.

import { freePort } from '../lib/children.js';
import { startBareGateway } from '../lib/bare-gateway-process.js';
import type { RunFigures } from '../lib/fanout.js';
import {
  connectMembers,
  fanout,
  type IdleFigures,
  idleRun,
  largeGroup,
  pacedFanout,
  type Target,
} from '../lib/gateway-runs.js';
import { setupGatewayUsers } from '../lib/gateway-setup.js';
import { startHuddle, stopHuddle } from '../lib/huddle.js';
import { LoadClients } from '../lib/load-clients.js';
import { inspectArgs } from '../lib/memory.js';
import { type Receiver, receiverCall, type ReceiverStats } from '../lib/receiver-process.js';
import { sleep } from '../lib/sleep.js';
import { verify } from '../lib/verify.js';
import { defineScenario } from '../lib/scenario.js';
import { GW_IDLE, GW_PROCESSES } from '../lib/settings.js';
import { stopChild } from '../lib/children.js';
import { setWebhooks, webhookConfig, writeWebhooksFile } from '../lib/webhooks.js';

export interface GatewayPair {
  huddle: RunFigures;
  bare: RunFigures;
}

export interface GatewayResult {
  idle: { huddle: IdleFigures; bare: IdleFigures };
  fanout: GatewayPair;
  paced: GatewayPair;
  large: GatewayPair;
  /** huddle's fan-out with afterSendGroupMsg on, and what the receiver got. */
  hooks: RunFigures & { receiver: ReceiverStats };
}

/** The receiver's stats once it has `count` distinct callbacks (or after 60 s). */
async function drained(receiver: Receiver, count: number): Promise<ReceiverStats> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const stats = await receiverCall(receiver, 'stats');
    if (stats.unique >= count || Date.now() > deadline) return stats;
    await sleep(100);
  }
}

export const gateway = defineScenario({
  name: 'gateway',
  measures:
    "huddle's WebSocket gateway (SQLite) ÷ a bare ws gateway: fan-out, callbacks, a group of 2,000, idle memory",
  byDefault: false,
  uses: ['receiver'],
  async run(ctx) {
    console.log(`gateway: huddle (SQLite) and bench/bare-gateway.ts, ${GW_PROCESSES} load-client processes:`);
    const receiver = ctx.receiver();
    const gwPort = await freePort();
    const hInspect = await inspectArgs();
    const h = await startHuddle(
      'huddle-gateway',
      {
        HUDDLE_GATEWAY_PORT: String(gwPort),
        HUDDLE_CALLBACKS: writeWebhooksFile('gateway-webhooks', webhookConfig(receiver.url)),
      },
      { nodeArgs: hInspect.nodeArgs },
    );
    const bInspect = await inspectArgs();
    const bare = await startBareGateway(bInspect.nodeArgs);
    const clients = LoadClients.start(GW_PROCESSES, 'gw-load');
    try {
      const u = await setupGatewayUsers(h, 'gw', GW_IDLE);
      await bare.setGroups(Object.fromEntries([...u.groups, u.large].map((g) => [g.groupID, g.members])));
      const huddle: Target = {
        label: 'huddle',
        pids: [h.child.proc.pid!],
        urls: [`ws://127.0.0.1:${gwPort}`],
        tokenOf: (userID) => u.tokens.get(userID)!,
        inspectPorts: [hInspect.port],
      };
      const bareTarget: Target = {
        label: 'bare',
        pids: [bare.child.proc.pid!],
        urls: [bare.url],
        tokenOf: () => 'bare',
        inspectPorts: [bInspect.port],
      };
      // Idle memory first, on servers that have held no connection yet.
      const idle = {
        bare: await idleRun(clients, bareTarget, u, GW_IDLE),
        huddle: await idleRun(clients, huddle, u, GW_IDLE),
      };

      await connectMembers(clients, bareTarget, u);
      const bareFanout = await fanout(clients, bareTarget, u);
      const barePaced = await pacedFanout(clients, bareTarget, u);
      const bareLarge = await largeGroup(clients, bareTarget, u);
      await clients.all('close');

      await connectMembers(clients, huddle, u);
      const huddleFanout = await fanout(clients, huddle, u);
      const huddlePaced = await pacedFanout(clients, huddle, u);
      const huddleLarge = await largeGroup(clients, huddle, u);
      await receiverCall(receiver, 'reset', { delayMs: 0, hold: false });
      await setWebhooks(h.api, h, webhookConfig(receiver.url, { after: ['afterSendGroupMsg'] }));
      const hooksRun = await fanout(clients, huddle, u, 'fan-out huddle, afterSendGroupMsg on');
      const hooks = { ...hooksRun, receiver: await drained(receiver, hooksRun.sent) };
      verify(
        hooks,
        hooks.receiver.unique === hooksRun.sent && hooks.receiver.duplicates === 0,
        `the receiver got one afterSendGroupMsg per message sent (${hooks.receiver.unique} distinct for ${hooksRun.sent} sent, ${hooks.receiver.duplicates} duplicates)`,
      );
      await setWebhooks(h.api, h, webhookConfig(receiver.url));
      await clients.all('close');

      const result: GatewayResult = {
        idle,
        fanout: { huddle: huddleFanout, bare: bareFanout },
        paced: { huddle: huddlePaced, bare: barePaced },
        large: { huddle: huddleLarge, bare: bareLarge },
        hooks,
      };
      return { phases: [], kind: 'latency' as const, result };
    } finally {
      await clients.stopAll();
      await bare.close();
      ctx.servers.push({ label: 'bare-gateway', logFile: bare.child.logFile, exit: await stopChild(bare.child) });
      await stopHuddle(h, 'huddle-gateway', ctx.servers);
    }
  },
});
