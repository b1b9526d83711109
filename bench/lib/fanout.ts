// One gateway run: senders send 1003 into their groups (closed loop or paced), the load clients count
// the pushes; after a warm-up a measured window gives deliveries/s, messages/s, the server's CPU per
// delivery and the end-to-end latencies; then every connection is checked for every seq of the run.

import { cpuWindow } from './cpu.js';
import type { LoadClients } from './load-clients.js';
import { SECONDS, WARMUP } from './settings.js';
import { sleep } from './sleep.js';
import { type LatencySummary, round, summarize } from './stats.js';
import { type Verified, verify } from './verify.js';

export interface RunSpec {
  /** Of the row: "fan-out huddle", … */
  name: string;
  /** The gateway processes measured (one or two huddles, or the bare gateway). */
  serverPids: number[];
  senders: { userID: string; groupID: string }[];
  /** Closed loop: messages each sender keeps in flight; 0: paced, one every `intervalMs` per sender. */
  window: number;
  intervalMs?: number;
  seconds?: number;
}

export interface RunFigures extends Verified {
  name: string;
  mode: string;
  seconds: number;
  /** Messages answered over the whole run (warm-up included). */
  sent: number;
  deliveries: number;
  deliveriesPerSec: number;
  messagesPerSec: number;
  serverCpuPct: number | undefined;
  /** Server CPU µs per delivery. */
  cpuUsPerDelivery: number | undefined;
  clientsCpuPct: number | undefined;
  machineBusyPct: number | undefined;
  /** Send → receipt, every delivery in the window, and by tag (the receiving connection's instance). */
  latencyMs: LatencySummary;
  latencyByTagMs: LatencySummary[];
  /** Per message: send → its last member's receipt. */
  lastReceiptMs: LatencySummary;
  sendErrors: number;
  errorSample: string;
  lost: number;
  duplicated: number;
  outOfOrder: number;
}

export async function fanoutRun(clients: LoadClients, spec: RunSpec): Promise<RunFigures> {
  const seconds = spec.seconds ?? SECONDS;
  const mode =
    spec.window > 0
      ? `closed loop, ${spec.window} in flight per sender`
      : `paced, every ${spec.intervalMs} ms per sender`;
  process.stdout.write(
    `  ${spec.name} (${spec.senders.length} senders, ${mode}): warm-up ${WARMUP}s, measuring ${seconds}s ... `,
  );
  await clients.all('begin');
  await clients.start(spec.senders, spec.window, spec.intervalMs);
  await sleep(WARMUP * 1000);
  await clients.measure(true);
  const c0 = await clients.count();
  const server = cpuWindow(spec.serverPids, undefined);
  const load = cpuWindow(clients.pids, undefined);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const c1 = await clients.count();
  const elapsed = (performance.now() - t0) / 1000;
  const used = server.end(elapsed);
  const loadUsed = load.end(elapsed);
  await clients.measure(false);
  const senders = await clients.stop();
  const { byTag, lastReceipt } = await clients.latencies();
  const expect = Object.fromEntries(senders.map((s) => [`sg_${s.groupID}`, { min: s.first, max: s.last }]));
  const checks = await clients.collect(expect);
  const deliveries = c1.delivered - c0.delivered;
  const sent = senders.reduce((n, s) => n + s.acked, 0);
  const out: RunFigures = {
    name: spec.name,
    mode,
    seconds: round(elapsed),
    sent,
    deliveries,
    deliveriesPerSec: Math.round(deliveries / elapsed),
    messagesPerSec: Math.round((c1.done - c0.done) / elapsed),
    serverCpuPct: used.serverCpuPct,
    cpuUsPerDelivery:
      used.serverSeconds !== undefined && deliveries > 0
        ? round((used.serverSeconds * 1e6) / deliveries, 1)
        : undefined,
    clientsCpuPct: loadUsed.serverCpuPct,
    machineBusyPct: used.machineBusyPct,
    latencyMs: summarize(byTag.flat()),
    latencyByTagMs: byTag.map((l) => summarize(l ?? [])),
    lastReceiptMs: summarize([...lastReceipt.values()]),
    sendErrors: senders.reduce((n, s) => n + s.errors, 0),
    errorSample: senders.find((s) => s.errorSample)?.errorSample ?? '',
    lost: checks.lost,
    duplicated: checks.dups,
    outOfOrder: checks.gaps + checks.wrongStart,
    verification: [],
    verified: true,
  };
  console.log(
    `${out.deliveriesPerSec.toLocaleString('en-US')} deliveries/s, ${out.messagesPerSec} msgs/s, ${out.cpuUsPerDelivery} µs CPU/delivery, p50 ${out.latencyMs.p50} ms, p99 ${out.latencyMs.p99} ms`,
  );
  verify(
    out,
    out.sendErrors === 0,
    `every 1003 answered errCode 0 (${sent} sent, ${out.sendErrors} errors${out.errorSample ? `: ${out.errorSample}` : ''})`,
  );
  verify(
    out,
    senders.every((s) => s.unfinished === 0),
    'every message sent was pushed back to its sender',
  );
  verify(
    out,
    senders.every((s) => s.last - s.first + 1 === s.acked),
    "each sender's seqs run from its run's first to its last with one seq per message answered",
  );
  verify(
    out,
    checks.lost === 0 && checks.dups === 0 && checks.gaps === 0 && checks.wrongStart === 0,
    `every member connection got each seq of its group once, in order (${checks.checked} connection×conversation checks: ${checks.lost} lost, ${checks.dups} duplicated, ${checks.gaps} out of order, ${checks.wrongStart} with the wrong first seq)`,
  );
  return out;
}
