// One drain of scenario (c) on a SQLite huddle: a backlog built while the receiver holds every
// callback, then released to a receiver answering 100 ms after each arrives.

import type { Api } from './api.js';
import { type BacklogLoad, orderedJoinQuitBacklog } from './backlog.js';
import { drainBacklog, type DrainFigures, drainRun } from './drain.js';
import { eventCounts, eventTotal } from './events.js';
import type { Huddle } from './huddle.js';
import { type Receiver, receiverCall } from './receiver-process.js';
import { type LatencySummary, summarize } from './stats.js';
import { setWebhooks, webhookConfig } from './webhooks.js';

export interface DeliveryRun extends DrainFigures {
  /** A number, or `default (N)`: the configuration left it out and huddle's default N applied. */
  deliveryConcurrency: number | string;
  creationCallLatencyMs: LatencySummary;
  /** Callbacks the receiver held open (unanswered) when it was released, and events then pending. */
  heldAtOpen: number;
  pendingAtOpen: number;
  orderSample: string[];
  serverCpuPct: number | undefined;
}

const DELIVERY_HOOKS = ['afterMemberJoinGroup', 'afterQuitGroup'];
// 60 s timeout: the first callbacks stay open while the backlog is built (the hook timeout bounds
// an attempt; it does not change how fast a 100 ms receiver is served).
export const deliveryDoc = (r: Receiver, deliveryConcurrency: number | 'default') =>
  webhookConfig(r.url, { after: DELIVERY_HOOKS, deliveryConcurrency, timeout: 60 });

/** One drain: the backlog built while the receiver holds every callback, then released. */
export async function deliveryRun(
  r: Receiver,
  ctl: Api,
  h: Huddle,
  load: BacklogLoad,
  deliveryConcurrency: number | 'default',
  pairs: number,
): Promise<DeliveryRun> {
  await setWebhooks(ctl, h, deliveryDoc(r, deliveryConcurrency));
  const effective = (
    await ctl.ok<{ config: { deliveryConcurrency: number } }>('/callback/get_config', {}, h.adminToken)
  ).config.deliveryConcurrency;
  const label = deliveryConcurrency === 'default' ? `default (${effective})` : deliveryConcurrency;
  await receiverCall(r, 'reset', { delayMs: 100, hold: true });
  const before = await eventCounts(ctl, h);
  process.stdout.write(
    `  delivery c${label}: backlog of ${pairs} join+quit pairs over ${load.groups.length} groups ... `,
  );
  const b = await orderedJoinQuitBacklog(h.api, load, pairs);
  const cl = summarize(b.rec.lat);
  console.log(
    `${b.pairsPerSec} pairs/s (call p50 ${cl.p50} ms, p99 ${cl.p99} ms, max ${cl.max} ms), ${b.rec.errorCount} errors`,
  );

  const [pendingAtOpen, held] = [
    await eventTotal(ctl, h, { status: 'pending' }),
    (await receiverCall(r, 'stats')).held,
  ];
  process.stdout.write(
    `  delivery c${label}: ${b.events} callbacks pending (${held} held open at the receiver); releasing ... `,
  );
  const d = await drainBacklog(r, ctl, h, before, b, h.child.proc.pid);
  const own = {
    creationCallLatencyMs: cl,
    heldAtOpen: held,
    pendingAtOpen,
    orderSample: d.sample,
    serverCpuPct: d.cpu.serverCpuPct,
  };
  return drainRun({ deliveryConcurrency: label }, b, d, own, { sayWait: true });
}
