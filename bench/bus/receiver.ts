// The receiving process of bench/bus-latency.ts: subscribed to one bus (argv[2]), it records each
// message's latency (the send time travels in the payload) per run, and answers the driver over IPC.

import { type BusName, subscriber } from './buses.js';

const nowMs = () => performance.timeOrigin + performance.now();
let run = '';
let latencies: number[] = [];
let firstAt = 0;
let lastAt = 0;

const close = await subscriber(process.argv[2] as BusName, (payload) => {
  const t = nowMs();
  const m = JSON.parse(payload) as { r: string; t: number };
  if (m.r !== run) return;
  if (latencies.length === 0) firstAt = t;
  lastAt = t;
  latencies.push(t - m.t);
});

process.on('message', async (m: { t: 'begin' | 'end' | 'close'; run?: string }) => {
  if (m.t === 'begin') {
    run = m.run!;
    latencies = [];
    process.send!({ t: 'ready' });
  } else if (m.t === 'end') process.send!({ t: 'result', latencies, firstAt, lastAt });
  else {
    await close();
    process.exit(0);
  }
});
process.send!({ t: 'ready' });
