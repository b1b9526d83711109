// The gateway scenarios' runs against one target (huddle, two huddles, or the bare gateway): the
// memory of idle connections, and the fan-out, paced and large-group runs over the groups' members.

import { sleep } from './sleep.js';
import { fanoutRun, type RunFigures } from './fanout.js';
import { convsOf, GATEWAY_GROUPS, GROUP_SIZE, type GatewayUsers } from './gateway-setup.js';
import type { ConnSpec, LoadClients } from './load-clients.js';
import { forceGc, rssBytes } from './memory.js';
import { GW_PACED, GW_WINDOW } from './settings.js';

export interface Target {
  label: string;
  /** The gateway processes; their CPU is summed. */
  pids: number[];
  /** Gateway URLs: connection i goes to urls[i mod n] and its latencies go under tag i mod n. */
  urls: string[];
  tokenOf(userID: string): string;
  /** The inspector port of each process, to force a GC before reading memory. */
  inspectPorts: number[];
}

export interface IdleFigures {
  label: string;
  connections: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  /** RSS delta ÷ connections. */
  bytesPerConnection: number;
  heapBytesPerConnection: number;
}

const specs = (t: Target, users: string[], convs: Map<string, string[]>): ConnSpec[] =>
  users.map((userID, i) => ({
    userID,
    token: t.tokenOf(userID),
    url: t.urls[i % t.urls.length]!,
    tag: i % t.urls.length,
    convs: convs.get(userID) ?? [],
  }));

/** GCs and reads the target's first process: RSS and JS heap in use. */
async function settled(t: Target): Promise<{ rss: number; heap: number }> {
  await sleep(2000);
  const heap = await forceGc(t.inspectPorts[0]!);
  await sleep(500);
  return { rss: rssBytes(t.pids[0]!), heap };
}

/** `count` authenticated connections that send nothing but the heartbeat: server memory per connection. */
export async function idleRun(clients: LoadClients, t: Target, u: GatewayUsers, count: number): Promise<IdleFigures> {
  process.stdout.write(`  idle ${t.label}: ${count} connections ... `);
  const before = await settled(t);
  await clients.connect(specs(t, u.users.slice(0, count), new Map()));
  const after = await settled(t);
  await clients.all('close');
  const out = {
    label: t.label,
    connections: count,
    rssBeforeBytes: before.rss,
    rssAfterBytes: after.rss,
    heapBeforeBytes: before.heap,
    heapAfterBytes: after.heap,
    bytesPerConnection: Math.round((after.rss - before.rss) / count),
    heapBytesPerConnection: Math.round((after.heap - before.heap) / count),
  };
  console.log(`${out.bytesPerConnection} B RSS, ${out.heapBytesPerConnection} B heap per connection`);
  return out;
}

/** Connects every group member (the large group's are the same users). */
export async function connectMembers(clients: LoadClients, t: Target, u: GatewayUsers): Promise<void> {
  await clients.connect(specs(t, u.large.members, convsOf(u)));
}

/** The first member of each group sends. */
const groupSenders = (u: GatewayUsers) => u.groups.map((g) => ({ userID: g.members[0]!, groupID: g.groupID }));

export const fanout = (clients: LoadClients, t: Target, u: GatewayUsers, name = `fan-out ${t.label}`) =>
  fanoutRun(clients, { name, serverPids: t.pids, senders: groupSenders(u), window: GW_WINDOW });

/** The fan-out paced at `rate` deliveries/s: each sender every GATEWAY_GROUPS × GROUP_SIZE / rate s. */
export const pacedFanout = (clients: LoadClients, t: Target, u: GatewayUsers, rate = GW_PACED) =>
  fanoutRun(clients, {
    name: `fan-out paced ${rate.toLocaleString('en-US')}/s ${t.label}`,
    serverPids: t.pids,
    senders: groupSenders(u),
    window: 0,
    intervalMs: (1000 * GATEWAY_GROUPS * GROUP_SIZE) / rate,
  });

/** One sender into the large group, paced at GW_PACED deliveries/s. */
export const largeGroup = (clients: LoadClients, t: Target, u: GatewayUsers): Promise<RunFigures> =>
  fanoutRun(clients, {
    name: `large group ${t.label}`,
    serverPids: t.pids,
    senders: [{ userID: u.large.members[0]!, groupID: u.large.groupID }],
    window: 0,
    intervalMs: (1000 * u.large.members.length) / GW_PACED,
  });
