// A child's memory: its RSS from /proc, and a full GC forced through the inspector (the child runs
// with --inspect on a port of ours), so that idle-connection figures are not garbage not yet collected.

import fs from 'node:fs';
import WebSocket from 'ws';
import { freePort } from './children.js';

/** Node flags for a child whose GC the bench may force; `port` goes to `forceGc`. */
export async function inspectArgs(): Promise<{ port: number; nodeArgs: string[] }> {
  const port = await freePort();
  return { port, nodeArgs: [`--inspect=127.0.0.1:${port}`] };
}

/** Resident set size in bytes, from /proc/PID/status. */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** Runs two full GCs in the child and answers its JS heap in use afterwards (bytes). */
export async function forceGc(port: number): Promise<number> {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(list[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const call = (method: string) =>
    new Promise<any>((resolve) => {
      const my = ++id;
      const onMessage = (data: WebSocket.RawData) => {
        const m = JSON.parse(data.toString());
        if (m.id !== my) return;
        ws.off('message', onMessage);
        resolve(m.result);
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id: my, method }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    return (await call('Runtime.getHeapUsage')).usedSize as number;
  } finally {
    ws.close();
  }
}
