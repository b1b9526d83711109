// Hostile clients against one huddle child, each scenario on a fresh server; prints the server's
// peak RSS (VmHWM) and what happened to the connections. Run by hand:
//
//   npx tsx bench/attacks.ts                       # every scenario
//   ATTACKS=pipeline,bodies npx tsx bench/attacks.ts
//
// pipeline   PIPE_CONNECTIONS (1) sockets, each writing PIPE_REQUESTS (1,500) GET /openapi.json in
//            one write and never reading
// bodies     BODY_CONNECTIONS (1,500) sockets, each POSTing a 1 MiB body without a token
// drip       DRIP_CONNECTIONS (200) sockets sending headers and then one body byte a second;
//            counts how many the server still holds after DRIP_SECONDS (40)
// secret     wrong secrets to /auth/get_admin_token for SECRET_SECONDS (5), 8 at a time

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-attacks-'));

interface Server {
  proc: ChildProcess;
  port: number;
  secret: string;
  exited: Promise<string>;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function start(label: string, env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const secret = crypto.randomBytes(24).toString('hex');
  const log = fs.openSync(path.join(tmp, `${label}.log`), 'a');
  const proc = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HUDDLE_HOST: '127.0.0.1',
      HUDDLE_PORT: String(port),
      HUDDLE_GATEWAY_PORT: '0',
      HUDDLE_DATABASE: path.join(tmp, `${label}.db`),
      HUDDLE_SECRET: secret,
      HUDDLE_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const exited = new Promise<string>((resolve) => proc.once('exit', (code, signal) => resolve(String(code ?? signal))));
  for (;;) {
    if (proc.exitCode !== null)
      throw new Error(`${label} exited: ${fs.readFileSync(path.join(tmp, `${label}.log`), 'utf8')}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      /* not yet listening */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, port, secret, exited };
}

const rssMiB = (pid: number, field: 'VmRSS' | 'VmHWM') => {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
};

async function stop(s: Server): Promise<string> {
  s.proc.kill('SIGKILL');
  return s.exited;
}

/** Bytes the process has read from files and sockets so far (rchar), in MiB. */
const readMiB = (pid: number) => {
  try {
    return Math.round(Number(/rchar:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))![1]) / 1048576);
  } catch {
    return NaN;
  }
};

/** Connections the server holds open (established, on its port), from `ss`. */
const held = (port: number) => {
  try {
    return execFileSync('ss', ['-tnH', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean).length;
  } catch {
    return NaN;
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sockets the server has closed (end, reset or error), counted. */
function watch(sockets: net.Socket[]) {
  const closed = { count: 0 };
  for (const s of sockets) {
    s.on('error', () => {});
    s.once('close', () => closed.count++);
  }
  return closed;
}

async function pipeline(): Promise<void> {
  const connections = num('PIPE_CONNECTIONS', 1);
  const requests = num('PIPE_REQUESTS', 1500);
  const s = await start('pipeline');
  const before = rssMiB(s.proc.pid!, 'VmRSS');
  const baseline = held(s.port); // the readiness check's keep-alive connection
  const payload = Buffer.from(`GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(requests));
  const sockets: net.Socket[] = [];
  for (let i = 0; i < connections; i++) {
    const socket = await connect(s.port);
    socket.pause();
    socket.write(payload);
    sockets.push(socket);
  }
  // Settle: the server has parsed what it will parse within a few seconds.
  await sleep(num('PIPE_SETTLE_MS', 8000));
  const alive = s.proc.exitCode === null;
  console.log(
    `pipeline ${connections} × ${requests} GET /openapi.json: RSS ${before} → peak ${rssMiB(s.proc.pid!, 'VmHWM')} MiB; the server holds ${held(s.port) - baseline} of the ${connections} connections; server ${alive ? 'alive' : `died (${await s.exited})`}`,
  );
  for (const socket of sockets) socket.destroy();
  await stop(s);
}

async function bodies(): Promise<void> {
  const connections = num('BODY_CONNECTIONS', 1500);
  const s = await start('bodies');
  const before = rssMiB(s.proc.pid!, 'VmRSS');
  const baseline = held(s.port); // the readiness check's keep-alive connection
  const readBefore = readMiB(s.proc.pid!);
  const body = Buffer.alloc(1024 * 1024, 'a');
  const head = `POST /group/create_group HTTP/1.1\r\nHost: x\r\noperationID: op\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
  const sockets: net.Socket[] = [];
  let answered = 0;
  for (let i = 0; i < connections; i++) {
    const socket = await connect(s.port).catch(() => undefined);
    if (!socket) continue;
    socket.on('data', () => answered++);
    socket.write(head);
    socket.write(body);
    sockets.push(socket);
  }
  await sleep(num('BODY_SETTLE_MS', 8000));
  console.log(
    `bodies ${connections} × 1 MiB without a token: RSS ${before} → peak ${rssMiB(s.proc.pid!, 'VmHWM')} MiB, read ${readMiB(s.proc.pid!) - readBefore} MiB; ${answered} answers, the server holds ${held(s.port) - baseline} of them`,
  );
  for (const socket of sockets) socket.destroy();
  await stop(s);
}

async function drip(): Promise<void> {
  const connections = num('DRIP_CONNECTIONS', 200);
  const seconds = num('DRIP_SECONDS', 40);
  const s = await start('drip');
  const head = `POST /auth/get_admin_token HTTP/1.1\r\nHost: x\r\noperationID: op\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n`;
  const sockets: net.Socket[] = [];
  for (let i = 0; i < connections; i++) {
    const socket = await connect(s.port);
    socket.write(head);
    sockets.push(socket);
  }
  const closed = watch(sockets);
  const timer = setInterval(() => sockets.forEach((socket) => socket.writable && socket.write('a')), 1000);
  await sleep(seconds * 1000);
  clearInterval(timer);
  console.log(
    `drip ${connections} bodies at 1 byte/s: after ${seconds} s the server had closed ${closed.count}, holds ${connections - closed.count}`,
  );
  for (const socket of sockets) socket.destroy();
  await stop(s);
}

async function secret(): Promise<void> {
  const seconds = num('SECRET_SECONDS', 5);
  const s = await start('secret', { HUDDLE_RATE_LIMIT_WRITES_PER_MINUTE: '60' });
  const pool = new Pool(`http://127.0.0.1:${s.port}`, { connections: 8 });
  const codes = new Map<number, number>();
  const end = Date.now() + seconds * 1000;
  let tries = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < end) {
        const res = await pool.request({
          path: '/auth/get_admin_token',
          method: 'POST',
          headers: { operationID: `op-${tries}`, 'content-type': 'application/json' },
          body: JSON.stringify({ secret: `wrong-${crypto.randomBytes(8).toString('hex')}`, userID: 'imAdmin' }),
        });
        const { errCode } = (await res.body.json()) as { errCode: number };
        codes.set(errCode, (codes.get(errCode) ?? 0) + 1);
        tries++;
      }
    }),
  );
  const summary = [...codes].map(([code, n]) => `${n} × errCode ${code}`).join(', ');
  console.log(`secret: ${tries} wrong secrets in ${seconds} s (${Math.round(tries / seconds)}/s): ${summary}`);
  await pool.close();
  await stop(s);
}

const SCENARIOS: Record<string, () => Promise<void>> = { pipeline, bodies, drip, secret };
try {
  for (const name of (process.env.ATTACKS ?? Object.keys(SCENARIOS).join(',')).split(',')) await SCENARIOS[name]!();
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
