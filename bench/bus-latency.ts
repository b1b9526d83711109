// Which bus should carry pushes between huddle instances? `npx tsx bench/bus-latency.ts`: a ~200-byte
// message from this process to a receiving process (bench/bus/receiver.ts) over PostgreSQL
// LISTEN/NOTIFY, NATS (127.0.0.1:4222) and Redis pub/sub (127.0.0.1:6379), paced at 1,000/s and
// 10,000/s and then as fast as it goes: latency p50/p99 (send time in the payload vs receipt) and
// the rate that arrived. BUS_SECONDS (3) per paced run, BUS_BURST (20,000) messages in the fast one.

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BUS_NAMES, type BusName, publisher } from './bus/buses.js';
import { table, fmt } from './report/format.js';
import { summarize } from './lib/stats.js';

const SECONDS = Number(process.env.BUS_SECONDS || 3);
const BURST = Number(process.env.BUS_BURST || 20_000);
const nowMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A ~200-byte payload: the run, the index, the send time, padding. */
const payload = (run: string, i: number) => {
  const head = JSON.stringify({ r: run, i, t: nowMs(), p: '' });
  return head.replace('"p":""', `"p":"${'x'.repeat(Math.max(0, 200 - head.length))}"`);
};

function receiverOf(bus: BusName) {
  const child = fork(fileURLToPath(new URL('./bus/receiver.ts', import.meta.url)), [bus], {
    execArgv: ['--import', 'tsx'],
  });
  const next = () => new Promise<any>((resolve) => child.once('message', resolve));
  return { child, next };
}

interface Row {
  bus: BusName;
  rate: string;
  sent: number;
  received: number;
  sentPerSec: number;
  receivedPerSec: number;
  p50: number;
  p99: number;
  max: number;
}

async function runOne(bus: BusName, rate: number | 'max', r: ReturnType<typeof receiverOf>): Promise<Row> {
  const pub = await publisher(bus);
  const run = `${bus}-${rate}-${Date.now()}`;
  r.child.send({ t: 'begin', run });
  await r.next();
  const t0 = nowMs();
  let sent = 0;
  if (rate === 'max') {
    // As fast as it goes, at most 256 unconfirmed publishes (pg: one NOTIFY at a time regardless).
    const inFlight = new Set<Promise<void>>();
    while (sent < BURST) {
      const p = pub.publish(payload(run, sent++));
      inFlight.add(p);
      void p.then(() => inFlight.delete(p));
      if (inFlight.size >= 256) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } else {
    // Paced: every millisecond, what the rate owes so far.
    while (nowMs() - t0 < SECONDS * 1000) {
      const owed = Math.floor(((nowMs() - t0) / 1000) * rate);
      while (sent < owed) void pub.publish(payload(run, sent++));
      await sleep(1);
    }
  }
  await pub.flush();
  const sentSeconds = (nowMs() - t0) / 1000;
  // Whatever is still on the way: up to 20 s more.
  const deadline = Date.now() + 20_000;
  let res: { latencies: number[]; firstAt: number; lastAt: number };
  for (;;) {
    r.child.send({ t: 'end' });
    res = await r.next();
    if (res.latencies.length >= sent || Date.now() > deadline) break;
    await sleep(200);
  }
  await pub.close();
  const l = summarize(res.latencies);
  return {
    bus,
    rate: rate === 'max' ? 'as fast as it goes' : `${fmt(rate)}/s`,
    sent,
    received: res.latencies.length,
    sentPerSec: Math.round(sent / sentSeconds),
    receivedPerSec: Math.round(res.latencies.length / ((res.lastAt - t0) / 1000)),
    p50: l.p50,
    p99: l.p99,
    max: l.max,
  };
}

const rows: Row[] = [];
for (const bus of BUS_NAMES) {
  const r = receiverOf(bus);
  await r.next();
  for (const rate of [1000, 10_000, 'max'] as const) {
    const row = await runOne(bus, rate, r);
    console.log(`${bus} ${row.rate}: sent ${row.sent}, received ${row.received}, p50 ${row.p50} ms, p99 ${row.p99} ms`);
    rows.push(row);
  }
  r.child.send({ t: 'close' });
}
console.log(
  `\n${table([
    ['bus', 'rate', 'sent', 'received', 'sent/s', 'received/s', 'p50 ms', 'p99 ms', 'max ms'],
    ...rows.map((x) => [
      x.bus,
      x.rate,
      fmt(x.sent),
      fmt(x.received),
      fmt(x.sentPerSec),
      fmt(x.receivedPerSec),
      fmt(x.p50, 2),
      fmt(x.p99, 2),
      fmt(x.max, 1),
    ]),
  ])}`,
);
if (rows.some((x) => x.received !== x.sent)) process.exitCode = 1;
