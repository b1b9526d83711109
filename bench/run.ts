// `npm run bench`: HTTP throughput and latency of huddle against a bare node:http baseline measured
// in the same run, on the same machine, with the same load generator. See bench/README.md.
//
// Every server under test runs in its own child process; this process is only the load generator
// (an undici Pool with keep-alive and a fixed number of concurrent request loops).
//
// Environment:
//   BENCH_SECONDS      measured seconds per phase (default 8)
//   BENCH_WARMUP       warm-up seconds before each measured phase, discarded (default 2)
//   BENCH_CONCURRENCY  concurrent request loops = pool connections (default 32)
//   BENCH_MAX_OPS      stop a measured phase early after this many operations (default 1,000,000)
//   BENCH_SCENARIOS    comma-separated subset of scenarios: create,joinquit,read (plain API) and
//                      afterhooks,beforehook,delivery (business-server callbacks); default all
//   BENCH_CPU_PROF     a directory: run the huddle children with --cpu-prof and write profiles there
//   BENCH_HOOK_GROUPS      groups of the after-hook join+quit load (default 16, as scenario 3)
//   BENCH_LATENCY_SECONDS  measured seconds per before-hook latency phase (default 5; 1 s warm-up)
//   BENCH_DELIVERY_PAIRS   join+quit pairs behind the delivery backlog at deliveryConcurrency 256
//                          (default 5000 = 10,000 callbacks; the 64 reference uses 40 % of it)
//   BENCH_DELIVERY_GROUPS  groups the delivery backlog is spread over (default 600)
//   BENCH_SCENARIOS=deliverydefault   (in the default set) the same drain with huddle's default
//                          deliveryConcurrency: 2,000 callbacks over 200 groups (issue 12, item 14)
//   BENCH_SCENARIOS=pg     PostgreSQL (issue 4, point 6; not in the default set): join+quit on SQLite,
//                          PostgreSQL with one instance and with two; delivery with one worker vs two
//   BENCH_PG_URL           PostgreSQL server + maintenance database for creating the bench databases
//                          (default postgres://postgres@127.0.0.1:5432/test); each one is dropped after
//   BENCH_PG_DELIVERY_PAIRS   join+quit pairs per worker run of the PostgreSQL delivery backlog (3000)
//   BENCH_PG_DELIVERY_GROUPS  groups that backlog is spread over (default 600)

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOOK_KEYS, HOOKS, openimBody, openimUrl, signatureHeaders } from '@huddle/protocol';
import pg from 'pg';
import { Pool } from 'undici';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`${name} must be a number in [${min}, ${max}], got "${raw}"`);
  return n;
}

const SECONDS = envNumber('BENCH_SECONDS', 8, 0.5, 120);
const WARMUP = envNumber('BENCH_WARMUP', 2, 0, 60);
const CONCURRENCY = Math.round(envNumber('BENCH_CONCURRENCY', 32, 1, 1024));
const MAX_OPS = Math.round(envNumber('BENCH_MAX_OPS', 1_000_000, 1, 1e9));
const ALL_SCENARIOS = ['create', 'joinquit', 'read', 'afterhooks', 'beforehook', 'delivery', 'deliverydefault', 'pg'];
/** `pg` needs a PostgreSQL server and adds about 2 minutes, so it runs only when asked for. */
const DEFAULT_SCENARIOS = ALL_SCENARIOS.filter((x) => x !== 'pg');
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS || DEFAULT_SCENARIOS.join(',')).split(',').map((x) => x.trim()));
for (const name of SCENARIOS)
  if (!ALL_SCENARIOS.includes(name)) throw new Error(`BENCH_SCENARIOS: unknown scenario "${name}"`);
const LATENCY_SECONDS = envNumber('BENCH_LATENCY_SECONDS', 5, 0.5, 120);
const DELIVERY_PAIRS = Math.round(envNumber('BENCH_DELIVERY_PAIRS', 5000, 100, 1_000_000));
const DELIVERY_GROUPS = Math.round(envNumber('BENCH_DELIVERY_GROUPS', 600, 1, 100_000));
const HOOK_GROUPS = Math.round(envNumber('BENCH_HOOK_GROUPS', 16, 1, 100_000));
const CPU_PROF = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
const PG_ADMIN_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const PG_DELIVERY_PAIRS = Math.round(envNumber('BENCH_PG_DELIVERY_PAIRS', 3000, 100, 1_000_000));
const PG_DELIVERY_GROUPS = Math.round(envNumber('BENCH_PG_DELIVERY_GROUPS', 600, 1, 100_000));

// ---------------------------------------------------------------------------------------------
// Child processes: started by us, always stopped by us (also on Ctrl-C or a crash).

interface Child {
  name: string;
  proc: ChildProcess;
  logFile: string;
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.error(`\nbench: ${sig}, stopping child processes`);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    // The PostgreSQL databases this run created go too (WITH (FORCE) closes stray connections).
    const timer = setTimeout(() => process.exit(130), 5000);
    dropBenchDatabases()
      .catch((err: unknown) => console.error(`bench: could not drop the bench databases: ${(err as Error).message}`))
      .finally(() => {
        clearTimeout(timer);
        process.exit(130);
      });
  });
}

function startChild(
  name: string,
  script: string,
  env: Record<string, string>,
  logFile: string,
  nodeArgs: string[] = [],
  args: string[] = [],
): Child {
  const fd = fs.openSync(logFile, 'a');
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return { name, proc, logFile };
}

async function stopChild(child: Child): Promise<number | string | null> {
  const { proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode ?? proc.signalCode;
  const exited = new Promise<number | string | null>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const CLK_TCK = 100; // Linux USER_HZ

/** CPU seconds (user+system) a process has used so far, from /proc; undefined off Linux. */
function procCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Summed CPU seconds of several processes (e.g. two huddle instances); undefined if any is unknown. */
function cpuSecondsOf(pids: number | number[] | undefined): number | undefined {
  if (pids === undefined) return undefined;
  let sum = 0;
  for (const pid of Array.isArray(pids) ? pids : [pids]) {
    const s = procCpuSeconds(pid);
    if (s === undefined) return undefined;
    sum += s;
  }
  return sum;
}

/** Whole-machine busy and total jiffies, from /proc/stat. */
function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
/** CPU seconds per second as a percentage, one decimal. */
const percent = (x: number) => Math.round(x * 1000) / 10;

interface CpuFigures {
  /** CPU seconds the server process(es) used in the window. */
  serverSeconds: number | undefined;
  serverCpuPct: number | undefined;
  receiverCpuPct: number | undefined;
  /** Out of 100 % per CPU. */
  machineBusyPct: number | undefined;
}

/**
 * Opens a CPU window over the server process(es), the callback receiver and the whole machine;
 * `end(elapsed)` reads them again and gives each as a share of the `elapsed` seconds.
 */
function cpuWindow(
  serverPids: number | number[] | undefined,
  receiverPid: number | undefined,
): { end(elapsed: number): CpuFigures } {
  const srv0 = cpuSecondsOf(serverPids);
  const rcv0 = procCpuSeconds(receiverPid);
  const m0 = machineJiffies();
  return {
    end(elapsed) {
      const srv1 = cpuSecondsOf(serverPids);
      const rcv1 = procCpuSeconds(receiverPid);
      const m1 = machineJiffies();
      const serverSeconds = srv0 !== undefined && srv1 !== undefined ? srv1 - srv0 : undefined;
      return {
        serverSeconds,
        serverCpuPct: serverSeconds !== undefined ? percent(serverSeconds / elapsed) : undefined,
        receiverCpuPct: rcv0 !== undefined && rcv1 !== undefined ? percent((rcv1 - rcv0) / elapsed) : undefined,
        machineBusyPct:
          m0 && m1 ? percent((os.cpus().length * (m1.busy - m0.busy)) / (m1.total - m0.total)) : undefined,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP calls and the load loop.

interface Envelope {
  errCode: number;
  errMsg: string;
  errDlt: string;
  data?: any;
}

class Api {
  readonly pool: Pool;
  private op = 0;
  constructor(
    readonly url: string,
    connections: number,
  ) {
    this.pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  /** One POST; returns the HTTP status, parsed envelope (if JSON) and latency in ms. */
  async post(
    urlPath: string,
    body: string,
    token?: string,
    extraHeaders?: Record<string, string>,
  ): Promise<{ status: number; env: Envelope | undefined; ms: number; text: string }> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      operationID: `bench-${++this.op}`,
      ...extraHeaders,
    };
    if (token) headers.token = token;
    const t0 = process.hrtime.bigint();
    const res = await this.pool.request({ path: urlPath, method: 'POST', headers, body });
    const text = await res.body.text();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    let env: Envelope | undefined;
    try {
      env = JSON.parse(text) as Envelope;
    } catch {
      env = undefined;
    }
    return { status: res.statusCode, env, ms, text };
  }

  /** Setup call: throws unless HTTP 200 and errCode 0. */
  async ok<T = any>(urlPath: string, body: unknown, token?: string): Promise<T> {
    const r = await this.post(urlPath, JSON.stringify(body), token);
    if (r.status !== 200 || !r.env || r.env.errCode !== 0)
      throw new Error(`${urlPath}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    return r.env.data as T;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

async function waitReady(_api: Api, child: Child, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`${child.name} exited before answering:\n${tail(child.logFile)}`);
    }
    try {
      if (await probe()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${child.name} did not answer within ${timeoutMs} ms:\n${tail(child.logFile)}`);
    await sleep(100);
  }
}

interface ErrorKind {
  kind: string;
  count: number;
  sample: string;
}

/** Records one phase: per-call latencies (per path), completed operations, and every error. */
class Recorder {
  measuring = false;
  ops = 0;
  calls = 0;
  readonly lat: number[] = [];
  readonly opLat: number[] = [];
  readonly pathLat = new Map<string, number[]>();
  errorCount = 0;
  readonly errors = new Map<string, { count: number; sample: string }>();
  constructor(readonly api: Api) {}

  /**
   * One measured call. Returns data on HTTP 200 + errCode 0 (+ check passing); otherwise records
   * the error (during warm-up too: an error is never silently skipped) and returns undefined.
   */
  async call(
    urlPath: string,
    body: string,
    token?: string,
    check?: (data: any) => string | undefined,
    headers?: Record<string, string>,
    via: Api = this.api,
  ): Promise<any> {
    let r: Awaited<ReturnType<Api['post']>>;
    try {
      r = await via.post(urlPath, body, token, headers);
    } catch (err) {
      this.error(`${urlPath} transport ${(err as Error).name}`, String((err as Error).message));
      return undefined;
    }
    if (this.measuring) {
      this.calls++;
      this.lat.push(r.ms);
      let l = this.pathLat.get(urlPath);
      if (!l) this.pathLat.set(urlPath, (l = []));
      l.push(r.ms);
    }
    if (r.status !== 200 || !r.env || r.env.errCode !== 0) {
      this.error(`${urlPath} HTTP ${r.status} errCode ${r.env?.errCode ?? '-'}`, r.text.slice(0, 300));
      return undefined;
    }
    const problem = check?.(r.env.data);
    if (problem) {
      this.error(`${urlPath} bad data: ${problem}`, r.text.slice(0, 300));
      return undefined;
    }
    return r.env.data ?? {};
  }

  error(key: string, sample: string): void {
    this.errorCount++;
    const e = this.errors.get(key);
    if (e) e.count++;
    else this.errors.set(key, { count: 1, sample });
  }

  /** Every kind of error with its count and first sample, for the results. */
  errorKinds(): ErrorKind[] {
    return [...this.errors].map(([kind, e]) => ({ kind, count: e.count, sample: e.sample }));
  }
}

interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

function summarize(values: number[]): LatencySummary {
  const v = Float64Array.from(values).sort();
  const n = v.length;
  if (n === 0) return { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const at = (p: number) => v[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
  let sum = 0;
  for (const x of v) sum += x;
  return {
    count: n,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(v[n - 1]!),
    mean: round(sum / n),
  };
}

interface PhaseResult {
  name: string;
  unit: string;
  concurrency: number;
  seconds: number;
  ops: number;
  opsPerSec: number;
  calls: number;
  callsPerSec: number;
  callLatencyMs: LatencySummary;
  opLatencyMs: LatencySummary;
  perPathLatencyMs: Record<string, LatencySummary>;
  errors: number;
  errorKinds: ErrorKind[];
  serverCpuPct: number | undefined;
  /** Server CPU time per HTTP call, in ms: less sensitive to the machine's noise than throughput. */
  serverCpuMsPerCall: number | undefined;
  /** The callback receiver's CPU, in phases that run one. */
  receiverCpuPct?: number | undefined;
  benchCpuPct: number;
  machineBusyPct: number | undefined;
  verification: string[];
  verified: boolean;
  ratioToBaseline?: number;
}

interface PhaseOptions {
  /** Concurrent loops (default BENCH_CONCURRENCY); the pool must have at least this many connections. */
  concurrency?: number;
  /** Measured seconds (default BENCH_SECONDS). */
  seconds?: number;
  /** Warm-up seconds (default BENCH_WARMUP). */
  warmup?: number;
  /** The callback receiver's PID, to report its CPU too. */
  receiverPid?: number;
  /** Called right as the measured window opens / closes (before the loops finish their last op). */
  onMeasuredStart?: () => Promise<void>;
  onMeasuredEnd?: () => Promise<void>;
}

/**
 * Runs `op` in `concurrency` loops: WARMUP seconds discarded, then SECONDS measured (or MAX_OPS
 * operations, whichever comes first). An op is one or more calls through the recorder; it returns
 * true when every call succeeded. Operations that complete inside the window are counted.
 */
async function runPhase(
  name: string,
  unit: string,
  api: Api,
  serverPid: number | number[] | undefined,
  op: (rec: Recorder, worker: number, seq: number) => Promise<boolean>,
  options: PhaseOptions = {},
): Promise<{ result: PhaseResult; rec: Recorder }> {
  const concurrency = options.concurrency ?? CONCURRENCY;
  const seconds = options.seconds ?? SECONDS;
  const warmup = options.warmup ?? WARMUP;
  const rec = new Recorder(api);
  let stop = false;
  let seq = 0;
  let capReached: (() => void) | undefined;
  const cap = new Promise<void>((resolve) => (capReached = resolve));

  const worker = async (w: number) => {
    while (!stop) {
      const t0 = process.hrtime.bigint();
      const ok = await op(rec, w, seq++);
      if (rec.measuring && ok) {
        rec.ops++;
        rec.opLat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (rec.ops >= MAX_OPS) capReached!();
      }
    }
  };
  process.stdout.write(`  ${name}: warm-up ${warmup}s, measuring ${seconds}s at concurrency ${concurrency} ... `);
  const workers = Array.from({ length: concurrency }, (_, w) => worker(w));
  await sleep(warmup * 1000);

  await options.onMeasuredStart?.();
  const cpu0 = process.cpuUsage();
  const win = cpuWindow(serverPid, options.receiverPid);
  const t0 = process.hrtime.bigint();
  rec.measuring = true;
  await Promise.race([new Promise((r) => setTimeout(r, seconds * 1000)), cap]);
  rec.measuring = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const used = win.end(elapsed);
  await options.onMeasuredEnd?.();
  stop = true;
  await Promise.all(workers);

  const perPath: Record<string, LatencySummary> = {};
  for (const [p, l] of rec.pathLat) perPath[p] = summarize(l);
  const result: PhaseResult = {
    name,
    unit,
    concurrency,
    seconds: round(elapsed),
    ops: rec.ops,
    opsPerSec: Math.round(rec.ops / elapsed),
    calls: rec.calls,
    callsPerSec: Math.round(rec.calls / elapsed),
    callLatencyMs: summarize(rec.lat),
    opLatencyMs: summarize(rec.opLat),
    perPathLatencyMs: perPath,
    errors: rec.errorCount,
    errorKinds: rec.errorKinds(),
    serverCpuPct: used.serverCpuPct,
    serverCpuMsPerCall:
      used.serverSeconds !== undefined && rec.calls > 0
        ? Math.round((used.serverSeconds * 1e6) / rec.calls) / 1000
        : undefined,
    receiverCpuPct: used.receiverCpuPct,
    benchCpuPct: percent((cpu.user + cpu.system) / 1e6 / elapsed),
    machineBusyPct: used.machineBusyPct,
    verification: [],
    verified: true,
  };
  console.log(`${result.opsPerSec} ${unit}, p50 ${result.callLatencyMs.p50} ms, ${rec.errorCount} errors`);
  return { result, rec };
}

/** Anything that carries checks: a phase, a delivery run. */
interface Verified {
  verification: string[];
  verified: boolean;
}

function verify(result: Verified, ok: boolean, what: string): void {
  result.verification.push(`${ok ? 'ok' : 'FAILED'}: ${what}`);
  if (!ok) result.verified = false;
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-bench-'));

/** 1. Bare node:http in a child process, same request shape and client as the huddle phases. */
async function baseline(label: string): Promise<PhaseResult> {
  const port = await freePort();
  const child = startChild(
    `bare node:http (${label})`,
    'bench/bare-server.ts',
    { BARE_PORT: String(port) },
    path.join(tmp, 'bare.log'),
  );
  const api = new Api(`http://127.0.0.1:${port}`, CONCURRENCY);
  try {
    await waitReady(api, child, async () => (await api.post('/ping', '{}')).status === 200);
    // A body the size and shape of a create_group request.
    const body = JSON.stringify({
      ownerUserID: 'u_000001',
      adminUserIDs: [],
      memberUserIDs: ['u_000002', 'u_000003', 'u_000004', 'u_000005'],
      groupInfo: { groupID: '', groupName: 'bench', groupType: 2, needVerification: 0 },
    });
    const { result } = await runPhase(`baseline ${label}`, 'req/s', api, child.proc.pid, async (rec) => {
      return (await rec.call('/group/create_group', body)) !== undefined;
    });
    verify(result, result.errors === 0, `every response HTTP 200 errCode 0 (${result.errors} errors)`);
    return result;
  } finally {
    await api.close();
    await stopChild(child);
  }
}

interface Huddle {
  child: Child;
  api: Api;
  adminToken: string;
  register(userIDs: string[]): Promise<void>;
  tokenFor(userID: string): Promise<string>;
}

/**
 * A huddle child on its own database file in the temp dir; `extraEnv` adds e.g. HUDDLE_WEBHOOKS.
 * `options.database` (a postgres:// URL) and `options.secret` let several instances share one database.
 */
async function startHuddle(
  label = 'huddle',
  extraEnv: Record<string, string> = {},
  options: { database?: string; secret?: string; args?: string[] } = {},
): Promise<Huddle> {
  const port = await freePort();
  const secret = options.secret ?? crypto.randomBytes(24).toString('hex');
  const child = startChild(
    label,
    'packages/server/src/main.ts',
    {
      HUDDLE_HOST: '127.0.0.1',
      HUDDLE_PORT: String(port),
      HUDDLE_DATABASE: options.database ?? path.join(tmp, `${label}.db`),
      HUDDLE_SECRET: secret,
      HUDDLE_LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    path.join(tmp, `${label}.log`),
    CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [],
    options.args ?? [],
  );
  const api = new Api(`http://127.0.0.1:${port}`, CONCURRENCY);
  let adminToken = '';
  await waitReady(api, child, async () => {
    const r = await api.post('/auth/get_admin_token', JSON.stringify({ secret, userID: 'imAdmin' }));
    if (r.env?.errCode === 0) adminToken = r.env.data.token;
    return adminToken !== '';
  });
  return {
    child,
    api,
    adminToken,
    async register(userIDs) {
      for (let i = 0; i < userIDs.length; i += 1000) {
        const users = userIDs.slice(i, i + 1000).map((userID) => ({ userID, nickname: userID }));
        await api.ok('/user/user_register', { users }, adminToken);
      }
    },
    async tokenFor(userID) {
      return (await api.ok<{ token: string }>('/auth/get_user_token', { userID, platformID: 5 }, adminToken)).token;
    },
  };
}

/** A stopped server, for the log scan and exit codes at the end. */
type ServerRecord = { label: string; logFile: string; exit: number | string | null };

async function stopHuddle(h: Huddle, label: string, servers: ServerRecord[]): Promise<void> {
  await h.api.close();
  servers.push({ label, logFile: h.child.logFile, exit: await stopChild(h.child) });
}

const ids = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}_${String(i).padStart(6, '0')}`);

/** 2. create_group by the app admin: owner + 4 members, owners rotating over a pool of users. */
async function createGroupScenario(h: Huddle): Promise<PhaseResult> {
  const users = ids('cg', 2000);
  await h.register(users);
  const created: { groupID: string; owner: string }[] = [];
  const { result } = await runPhase('create_group', 'groups/s', h.api, h.child.proc.pid, async (rec, _w, seq) => {
    const base = (seq * 5) % users.length;
    const owner = users[base]!;
    const members = [1, 2, 3, 4].map((k) => users[(base + k) % users.length]!);
    const body = JSON.stringify({
      ownerUserID: owner,
      adminUserIDs: [],
      memberUserIDs: members,
      groupInfo: { groupID: '', groupName: `bench ${seq}`, groupType: 2, needVerification: 0 },
    });
    const data = await rec.call('/group/create_group', body, h.adminToken, (d) => {
      const g = d?.groupInfo;
      if (!g?.groupID) return 'no groupID';
      if (g.memberCount !== 5) return `memberCount ${g.memberCount}`;
      if (g.ownerUserID !== owner) return `owner ${g.ownerUserID}`;
      return undefined;
    });
    if (data === undefined) return false;
    created.push({ groupID: data.groupInfo.groupID, owner });
    return true;
  });
  verify(
    result,
    result.errors === 0,
    `every create_group returned errCode 0 with memberCount 5 (${result.errors} errors)`,
  );
  const unique = new Set(created.map((c) => c.groupID)).size;
  verify(
    result,
    unique === created.length,
    `${created.length} groups created (warm-up included), ${unique} distinct groupIDs`,
  );
  // Read back a sample: the groups exist with the right owner and member count.
  const sample = Array.from(
    { length: Math.min(200, created.length) },
    () => created[Math.floor(Math.random() * created.length)]!,
  );
  const byID = new Map(sample.map((c) => [c.groupID, c.owner]));
  const info = await h.api.ok<{ groupInfos: any[] }>(
    '/group/get_groups_info',
    { groupIDs: [...byID.keys()] },
    h.adminToken,
  );
  const good = info.groupInfos.filter((g) => byID.get(g.groupID) === g.ownerUserID && g.memberCount === 5).length;
  verify(
    result,
    good === byID.size,
    `read-back of ${byID.size} random groups: ${good} found with the right owner and 5 members`,
  );
  return result;
}

/**
 * The join+quit load of scenario 3 (also used with callbacks on and off): `loops` users, each
 * joining and then quitting `groupCount` needVerification=2 groups round-robin with its own token.
 */
interface JoinQuitLoad {
  owner: string;
  groups: string[];
  joiners: string[];
  /** Successful calls since the last reset (warm-up included). */
  joins: number;
  quits: number;
  op: (rec: Recorder, w: number) => Promise<boolean>;
}

async function setupJoinQuit(
  h: Huddle,
  prefix: string,
  groupCount: number,
  loops: number,
  /** Which instance loop w sends to (default h): splits the load over several instances. */
  via: (w: number) => Api = () => h.api,
): Promise<JoinQuitLoad> {
  const owner = `${prefix}_owner`;
  const joiners = ids(prefix, loops);
  await h.register([owner, ...joiners]);
  const tokens = await Promise.all(joiners.map((u) => h.tokenFor(u)));
  const groups: string[] = [];
  for (let i = 0; i < groupCount; i++) {
    const d = await h.api.ok(
      '/group/create_group',
      {
        ownerUserID: owner,
        adminUserIDs: [],
        memberUserIDs: [],
        groupInfo: { groupID: '', groupName: `open ${i}`, groupType: 2, needVerification: 2 },
      },
      h.adminToken,
    );
    groups.push(d.groupInfo.groupID);
  }
  const rounds = new Array<number>(loops).fill(0);
  const load: JoinQuitLoad = {
    owner,
    groups,
    joiners,
    joins: 0,
    quits: 0,
    // Worker w is user w; it walks the groups round-robin, so a user never races itself.
    async op(rec, w) {
      const groupID = groups[(w + rounds[w]!++) % groupCount]!;
      const userID = joiners[w]!;
      const token = tokens[w]!;
      const api = via(w);
      const j = await rec.call(
        '/group/join_group',
        JSON.stringify({ groupID, reqMessage: '', joinSource: 3, inviterUserID: '', ex: '' }),
        token,
        undefined,
        undefined,
        api,
      );
      if (j === undefined) return false;
      load.joins++;
      const q = await rec.call(
        '/group/quit_group',
        JSON.stringify({ groupID, userID }),
        token,
        undefined,
        undefined,
        api,
      );
      if (q === undefined) return false;
      load.quits++;
      return true;
    },
  };
  return load;
}

/** After a join+quit phase: no call failed, and every group is back to only its owner. */
async function verifyJoinQuit(h: Huddle, load: JoinQuitLoad, result: PhaseResult): Promise<void> {
  verify(result, result.errors === 0, `every join_group and quit_group returned errCode 0 (${result.errors} errors)`);
  verify(result, load.joins === load.quits, `${load.joins} joins and ${load.quits} quits succeeded (warm-up included)`);
  const info = await h.api.ok<{ groupInfos: any[] }>('/group/get_groups_info', { groupIDs: load.groups }, h.adminToken);
  const counts = info.groupInfos.map((g) => g.memberCount as number);
  verify(
    result,
    counts.length === load.groups.length && counts.every((c) => c === 1),
    `after the run every group has only its owner (memberCount ${[...new Set(counts)].join(',')})`,
  );
  let listed = 0;
  for (const groupID of load.groups) {
    const l = await h.api.ok(
      '/group/get_group_member_list',
      { groupID, pagination: { pageNumber: 1, showNumber: 100 }, filter: 0, keyword: '' },
      h.adminToken,
    );
    if (l.total === 1 && l.members.length === 1 && l.members[0].userID === load.owner) listed++;
  }
  verify(
    result,
    listed === load.groups.length,
    `member lists: ${listed}/${load.groups.length} groups list exactly the owner`,
  );
}

/** 3. join_group + quit_group by the same user on needVerification=2 groups (user tokens). */
async function joinQuitScenario(h: Huddle): Promise<PhaseResult> {
  const load = await setupJoinQuit(h, 'jq', 16, CONCURRENCY);
  const { result } = await runPhase('join+quit', 'pairs/s', h.api, h.child.proc.pid, (rec, w) => load.op(rec, w));
  await verifyJoinQuit(h, load, result);
  return result;
}

/** 4. get_group_member_list of a 200-member group, whole list in one page, by a member. */
async function readScenario(h: Huddle): Promise<PhaseResult> {
  const users = ids('rd', 200);
  await h.register(users);
  const d = await h.api.ok(
    '/group/create_group',
    {
      ownerUserID: users[0],
      adminUserIDs: users.slice(1, 4),
      memberUserIDs: users.slice(4),
      groupInfo: { groupID: '', groupName: 'big', groupType: 2, needVerification: 0 },
    },
    h.adminToken,
  );
  const groupID: string = d.groupInfo.groupID;
  const token = await h.tokenFor(users[10]!);
  const body = JSON.stringify({ groupID, pagination: { pageNumber: 1, showNumber: 200 }, filter: 0, keyword: '' });
  let bytes = 0;
  const { result } = await runPhase('get_group_member_list (200)', 'lists/s', h.api, h.child.proc.pid, async (rec) => {
    const data = await rec.call('/group/get_group_member_list', body, token, (x) => {
      if (x?.total !== 200) return `total ${x?.total}`;
      if (x.members?.length !== 200) return `members ${x.members?.length}`;
      return undefined;
    });
    if (data !== undefined && bytes === 0) bytes = JSON.stringify(data).length;
    return data !== undefined;
  });
  verify(
    result,
    result.errors === 0,
    `every get_group_member_list returned errCode 0 with total 200 and 200 members (${result.errors} errors)`,
  );
  result.verification.push(`info: response data is ${bytes} bytes of JSON`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Business-server callbacks (issue 3, point 9): (a) after-hooks' cost on join+quit, (b) the latency
// a before-hook adds, (c) callbacks delivered per second to a slow (100 ms) receiver.

interface Receiver {
  child: Child;
  /** webhooks.yml `url`: callbacks arrive at `${url}/${command}?contenttype=json`. */
  url: string;
  origin: string;
  /** Control calls (/__bench/…), on their own connections. */
  control: Api;
}

interface ReceiverStats {
  now: number;
  held: number;
  received: number;
  answered: number;
  unique: number;
  duplicates: number;
  badBodies: number;
  unsigned: number;
  inFlight: number;
  maxInFlight: number;
  openedAt?: number;
  firstAnswerAt?: number;
  lastAnswerAt?: number;
  steadyPerSec?: number;
  byCommand: Record<string, number>;
}

const CALLBACK_PATH = '/callbackExample';
const SIGNING_SECRET = `whsec_${crypto.randomBytes(32).toString('base64')}`;
const AFTER_HOOKS = HOOK_KEYS.filter((k) => HOOKS[k].phase === 'after');

async function startReceiver(): Promise<Receiver> {
  const port = await freePort();
  const child = startChild(
    'receiver',
    'bench/receiver.ts',
    { RECEIVER_PORT: String(port) },
    path.join(tmp, 'receiver.log'),
  );
  const origin = `http://127.0.0.1:${port}`;
  const control = new Api(origin, 2);
  await waitReady(control, child, async () => (await control.post('/__bench/stats', '{}')).status === 200);
  return { child, url: `${origin}${CALLBACK_PATH}`, origin, control };
}

const receiverCall = <T = ReceiverStats>(
  r: Receiver,
  what: 'reset' | 'open' | 'stats' | 'report',
  body: unknown = {},
) => r.control.ok<T>(`/__bench/${what}`, body);

/** A webhooks.yml document (JSON, which is YAML too): `url`, a signing secret, and every hook named. */
function webhookConfig(
  url: string,
  options: {
    after?: readonly string[];
    before?: readonly string[];
    deliveryConcurrency?: number | 'default';
    timeout?: number;
  } = {},
): Record<string, unknown> {
  const doc: Record<string, unknown> = { url, signingSecret: SIGNING_SECRET };
  // 'default': no deliveryConcurrency key, huddle's default applies.
  if (options.deliveryConcurrency !== 'default') doc.deliveryConcurrency = options.deliveryConcurrency ?? 64;
  for (const key of HOOK_KEYS) {
    const before = HOOKS[key].phase === 'before';
    const enable = (before ? options.before : options.after)?.includes(key) ?? false;
    // failedContinue false: a failed before-callback fails the call, so the bench counts it as an error.
    doc[key] = before
      ? { enable, timeout: options.timeout ?? 5, failedContinue: false }
      : { enable, timeout: options.timeout ?? 5 };
  }
  return doc;
}

function writeWebhooksFile(name: string, doc: Record<string, unknown>): string {
  const file = path.join(tmp, `${name}.yml`);
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

async function setWebhooks(ctl: Api, h: Huddle, doc: Record<string, unknown>): Promise<void> {
  await ctl.ok('/webhook/set_config', { config: doc }, h.adminToken);
}

interface EventCounts {
  total: number;
  pending: number;
  delivered: number;
  dead: number;
}

async function eventTotal(ctl: Api, h: Huddle, filter: { status?: string; hook?: string } = {}): Promise<number> {
  const d = await ctl.ok<{ total: number }>(
    '/webhook/list_events',
    { groupID: '', ...filter, pagination: { pageNumber: 1, showNumber: 0 } },
    h.adminToken,
  );
  return d.total;
}

async function eventCounts(ctl: Api, h: Huddle): Promise<EventCounts> {
  const [total, pending, delivered, dead] = await Promise.all([
    eventTotal(ctl, h),
    eventTotal(ctl, h, { status: 'pending' }),
    eventTotal(ctl, h, { status: 'delivered' }),
    eventTotal(ctl, h, { status: 'dead' }),
  ]);
  return { total, pending, delivered, dead };
}

interface AfterHooksResult {
  hooksEnabled: string[];
  groups: number;
  off: PhaseResult;
  on: PhaseResult;
  /** pairs/s with every after-hook on ÷ pairs/s with all hooks off (target ≥ 0.7). */
  ratioOnOff: number;
  /** Server CPU per call, off ÷ on: the same comparison, less sensitive to the machine's noise. */
  cpuRatioOnOff: number | undefined;
  onRatioToBaseline?: number;
  offRatioToBaseline?: number;
  /**
   * Server CPU per pair over the whole phase (warm-up included): hooks off, and hooks on including
   * the delivery of every event the phase wrote (through the drain). Their ratio estimates the
   * on ÷ off throughput a CPU-bound server could sustain with deliveries keeping up.
   */
  cpuMsPerPairOff: number | undefined;
  cpuMsPerPairOnWithDelivery: number | undefined;
  sustainedRatioEstimate: number | undefined;
  expectedEvents: number;
  eventsByHook: Record<string, number>;
  server: EventCounts;
  pendingAtMeasuredEnd: number;
  receiverUniqueAtMeasuredEnd: number;
  /** Callbacks the receiver got per second inside the measured window. */
  deliveredPerSecInWindow: number;
  /** From the end of the measured window (and from the end of the load) until the last event was delivered. */
  drainMsFromMeasuredEnd: number | undefined;
  drainMsFromLoadEnd: number | undefined;
  serverCpuPctDuringDrain: number | undefined;
  receiver: {
    unique: number;
    duplicates: number;
    received: number;
    unsigned: number;
    badBodies: number;
    maxInFlight: number;
  };
  orderViolations: number;
  orderSample: string[];
}

/**
 * (a) join+quit with every after-hook on vs all hooks off, on one huddle whose webhooks.yml points at
 * the receiver (answering at once). Then every event is checked: written, delivered, received.
 */
async function afterHooksScenario(h: Huddle, r: Receiver): Promise<AfterHooksResult> {
  const ctl = new Api(h.api.url, 2);
  try {
    const load = await setupJoinQuit(h, 'ah', HOOK_GROUPS, CONCURRENCY);
    const pid = h.child.proc.pid;
    const receiverPid = r.child.proc.pid;
    const op = (rec: Recorder, w: number) => load.op(rec, w);

    // All hooks off (url set, signing secret set: only `enable` differs between the two phases).
    await setWebhooks(ctl, h, webhookConfig(r.url));
    await receiverCall(r, 'reset', { delayMs: 0 });
    const offCpu0 = procCpuSeconds(pid);
    const off = (await runPhase('join+quit, callbacks off', 'pairs/s', h.api, pid, op, { receiverPid })).result;
    const offCpu1 = procCpuSeconds(pid);
    const offPairs = load.quits;
    await verifyJoinQuit(h, load, off);
    const offEvents = await eventTotal(ctl, h);
    const offReceived = (await receiverCall(r, 'stats')).received;
    verify(
      off,
      offEvents === 0 && offReceived === 0,
      `with all hooks off no event was written (${offEvents}) and none received (${offReceived})`,
    );

    // Every after-hook on.
    await setWebhooks(ctl, h, webhookConfig(r.url, { after: AFTER_HOOKS }));
    await receiverCall(r, 'reset', { delayMs: 0 });
    load.joins = 0;
    load.quits = 0;
    let atStart: ReceiverStats | undefined;
    let atEnd: ReceiverStats | undefined;
    let pendingAtEnd = -1;
    let measuredEnd = 0;
    const onCpu0 = procCpuSeconds(pid);
    const on = (
      await runPhase('join+quit, every after-hook on', 'pairs/s', h.api, pid, op, {
        receiverPid,
        onMeasuredStart: async () => {
          atStart = await receiverCall(r, 'stats');
        },
        onMeasuredEnd: async () => {
          measuredEnd = performance.now();
          [atEnd, pendingAtEnd] = await Promise.all([
            receiverCall(r, 'stats'),
            eventTotal(ctl, h, { status: 'pending' }),
          ]);
        },
      })
    ).result;
    const loadEnd = performance.now();
    const expected = 2 * load.joins + load.quits; // afterMemberJoinGroup + afterJoinGroup per join, afterQuitGroup per quit

    // Drain: until the server has nothing pending and the receiver has every event.
    const srv0 = procCpuSeconds(pid);
    let drainedAt: number | undefined;
    const deadline = loadEnd + Math.max(60_000, expected * 10);
    while (performance.now() < deadline) {
      const [pending, st] = await Promise.all([eventTotal(ctl, h, { status: 'pending' }), receiverCall(r, 'stats')]);
      if (pending === 0 && st.unique >= expected) {
        drainedAt = performance.now();
        break;
      }
      await sleep(25);
    }
    const srv1 = procCpuSeconds(pid);
    const onPairs = load.quits;
    await verifyJoinQuit(h, load, on);

    const byHook: Record<string, number> = {};
    for (const hook of AFTER_HOOKS) byHook[hook] = await eventTotal(ctl, h, { hook });
    const server = await eventCounts(ctl, h);
    const st = await receiverCall(r, 'stats');
    const report = await receiverCall<{ perGroup: Record<string, string[]>; duplicateIDs: string[] }>(r, 'report');

    // Order: per group the events must follow commit order. Several users share a group here, so
    // the check is per (group, user): afterMemberJoinGroup, afterJoinGroup, afterQuitGroup, repeated.
    let violations = 0;
    const sample: string[] = [];
    const cycle = ['MJ', 'J', 'Q'];
    for (const [groupID, list] of Object.entries(report.perGroup)) {
      const next = new Map<string, number>();
      for (const entry of list) {
        const [kind, user] = entry.split(':') as [string, string];
        const i = next.get(user) ?? 0;
        if (cycle[i % 3] !== kind) {
          violations++;
          if (sample.length < 5) sample.push(`${groupID} ${user}: got ${kind}, expected ${cycle[i % 3]}`);
        }
        next.set(user, i + 1);
      }
      for (const [user, n] of next) {
        if (n % 3 !== 0) {
          violations++;
          if (sample.length < 5) sample.push(`${groupID} ${user}: ${n} events, not whole join/quit cycles`);
        }
      }
    }

    verify(
      on,
      drainedAt !== undefined,
      `every event delivered within ${Math.round((deadline - loadEnd) / 1000)} s of the end of the load`,
    );
    verify(
      on,
      byHook.afterMemberJoinGroup === load.joins &&
        byHook.afterJoinGroup === load.joins &&
        byHook.afterQuitGroup === load.quits,
      `events written: ${byHook.afterMemberJoinGroup} afterMemberJoinGroup and ${byHook.afterJoinGroup} afterJoinGroup for ${load.joins} joins, ${byHook.afterQuitGroup} afterQuitGroup for ${load.quits} quits`,
    );
    const others = AFTER_HOOKS.filter(
      (k) => !['afterMemberJoinGroup', 'afterJoinGroup', 'afterQuitGroup'].includes(k),
    ).reduce((a, k) => a + byHook[k]!, 0);
    verify(on, others === 0, `no other after-event written (${others})`);
    verify(
      on,
      server.total === expected && server.delivered === expected && server.pending === 0 && server.dead === 0,
      `server: ${server.total} events (expected ${expected}), ${server.delivered} delivered, ${server.pending} pending, ${server.dead} dead`,
    );
    verify(
      on,
      st.unique === expected,
      `receiver: ${st.unique} distinct webhook-ids (expected ${expected}), ${st.duplicates} duplicates, ${st.received} requests`,
    );
    verify(
      on,
      st.unsigned === 0 && st.badBodies === 0,
      `receiver: every callback signed (${st.unsigned} unsigned) with a JSON body (${st.badBodies} not)`,
    );
    verify(
      on,
      violations === 0,
      `order per (group, user) afterMemberJoinGroup → afterJoinGroup → afterQuitGroup: ${violations} violations ${sample.join('; ')}`,
    );

    const windowSec = on.seconds;
    const perPair = (a: number | undefined, b: number | undefined, pairs: number) =>
      a !== undefined && b !== undefined && pairs > 0 ? round(((b - a) * 1000) / pairs, 3) : undefined;
    const cpuOff = perPair(offCpu0, offCpu1, offPairs);
    const cpuOn = drainedAt === undefined ? undefined : perPair(onCpu0, srv1, onPairs);
    return {
      cpuMsPerPairOff: cpuOff,
      cpuMsPerPairOnWithDelivery: cpuOn,
      sustainedRatioEstimate: cpuOff && cpuOn ? round(cpuOff / cpuOn, 3) : undefined,
      hooksEnabled: [...AFTER_HOOKS],
      groups: load.groups.length,
      off,
      on,
      ratioOnOff: round(on.opsPerSec / off.opsPerSec, 3),
      cpuRatioOnOff:
        off.serverCpuMsPerCall && on.serverCpuMsPerCall
          ? round(off.serverCpuMsPerCall / on.serverCpuMsPerCall, 3)
          : undefined,
      expectedEvents: expected,
      eventsByHook: byHook,
      server,
      pendingAtMeasuredEnd: pendingAtEnd,
      receiverUniqueAtMeasuredEnd: atEnd?.unique ?? -1,
      deliveredPerSecInWindow: atStart && atEnd ? Math.round((atEnd.unique - atStart.unique) / windowSec) : -1,
      drainMsFromMeasuredEnd: drainedAt === undefined ? undefined : Math.round(drainedAt - measuredEnd),
      drainMsFromLoadEnd: drainedAt === undefined ? undefined : Math.round(drainedAt - loadEnd),
      serverCpuPctDuringDrain:
        drainedAt !== undefined && srv0 !== undefined && srv1 !== undefined && drainedAt > loadEnd
          ? round(((srv1 - srv0) * 100_000) / (drainedAt - loadEnd), 0)
          : undefined,
      receiver: {
        unique: st.unique,
        duplicates: st.duplicates,
        received: st.received,
        unsigned: st.unsigned,
        badBodies: st.badBodies,
        maxInFlight: st.maxInFlight,
      },
      orderViolations: violations,
      orderSample: sample,
    };
  } finally {
    await ctl.close();
  }
}

interface BeforeHookRow {
  concurrency: number;
  without: PhaseResult;
  with: PhaseResult;
  receiverRoundTrip: PhaseResult;
  /** with − without, per call. */
  addedP50: number;
  addedP99: number;
  /** (with − without) − the receiver's own round trip: what huddle adds beyond the business server. */
  addedOverRoundTripP50: number;
  addedOverRoundTripP99: number;
}

interface BeforeHookResult {
  hook: string;
  operation: string;
  rows: BeforeHookRow[];
  hookCalls: number;
}

/**
 * (b) set_group_member_info (a member renaming itself) with beforeSetGroupMemberInfo off and on,
 * and the receiver's own round trip: the same POST sent straight from the bench.
 */
async function beforeHookScenario(h: Huddle, r: Receiver, phases: PhaseResult[]): Promise<BeforeHookResult> {
  const ctl = new Api(h.api.url, 2);
  const direct = new Api(r.origin, 8);
  try {
    const members = ids('bh', 8);
    await h.register(['bh_owner', ...members]);
    const tokens = await Promise.all(members.map((u) => h.tokenFor(u)));
    const d = await h.api.ok(
      '/group/create_group',
      {
        ownerUserID: 'bh_owner',
        adminUserIDs: [],
        memberUserIDs: members,
        groupInfo: { groupID: '', groupName: 'before', groupType: 2, needVerification: 0 },
      },
      h.adminToken,
    );
    const groupID: string = d.groupInfo.groupID;
    const pid = h.child.proc.pid;
    const receiverPid = r.child.proc.pid;
    const hook = 'beforeSetGroupMemberInfo' as const;
    const command = HOOKS[hook].openim.command;
    const opts = (concurrency: number): PhaseOptions => ({
      concurrency,
      seconds: LATENCY_SECONDS,
      warmup: 1,
      receiverPid,
    });
    let succeeded = 0;
    const op = async (rec: Recorder, w: number, seq: number) => {
      const body = JSON.stringify({
        members: [{ groupID, userID: members[w]!, nickname: `nick ${seq}`, ex: `ex ${seq}` }],
      });
      const ok = (await rec.call('/group/set_group_member_info', body, tokens[w]!)) !== undefined;
      if (ok) succeeded++;
      return ok;
    };
    // What huddle sends for that call: same path, body, headers (signed), same kind of client.
    const directOp = async (rec: Recorder, w: number, seq: number) => {
      const body = JSON.stringify(
        openimBody(HOOKS[hook], {
          groupID,
          userID: members[w]!,
          nickname: `nick ${seq}`,
          faceURL: null,
          roleLevel: null,
          ex: `ex ${seq}`,
        }),
      );
      const now = Date.now();
      const headers = signatureHeaders(SIGNING_SECRET, `evt_bench_${seq}_${w}`, Math.floor(now / 1000), body);
      const target = new URL(openimUrl(r.url, command));
      return (await rec.call(`${target.pathname}${target.search}`, body, undefined, undefined, headers)) !== undefined;
    };

    const rows: BeforeHookRow[] = [];
    let hookCalls = 0;
    await receiverCall(r, 'reset', { delayMs: 0 });
    for (const concurrency of [1, 8]) {
      await setWebhooks(ctl, h, webhookConfig(r.url));
      const received0 = (await receiverCall(r, 'stats')).byCommand[command] ?? 0;
      const without = (
        await runPhase(`set_group_member_info c${concurrency}, no hook`, 'calls/s', h.api, pid, op, opts(concurrency))
      ).result;
      const received1 = (await receiverCall(r, 'stats')).byCommand[command] ?? 0;
      verify(without, without.errors === 0, `every call errCode 0 (${without.errors} errors)`);
      verify(without, received1 === received0, `hook off: the receiver got no ${command} (${received1 - received0})`);

      await setWebhooks(ctl, h, webhookConfig(r.url, { before: [hook] }));
      succeeded = 0;
      const withHook = (
        await runPhase(
          `set_group_member_info c${concurrency}, ${hook} on`,
          'calls/s',
          h.api,
          pid,
          op,
          opts(concurrency),
        )
      ).result;
      const received2 = (await receiverCall(r, 'stats')).byCommand[command] ?? 0;
      hookCalls += received2 - received1;
      verify(
        withHook,
        withHook.errors === 0,
        `every call errCode 0 (${withHook.errors} errors; failedContinue false, so a failed callback would show here)`,
      );
      verify(
        withHook,
        received2 - received1 === succeeded,
        `hook on: the receiver got one ${command} per successful call (${received2 - received1} for ${succeeded})`,
      );

      const rtt = (
        await runPhase(
          `receiver round trip c${concurrency} (direct POST)`,
          'calls/s',
          direct,
          receiverPid,
          directOp,
          opts(concurrency),
        )
      ).result;
      verify(rtt, rtt.errors === 0, `every direct POST answered 200 with errCode 0 (${rtt.errors} errors)`);
      await receiverCall(r, 'reset', { delayMs: 0 });
      phases.push(without, withHook, rtt);

      const addedP50 = withHook.callLatencyMs.p50 - without.callLatencyMs.p50;
      const addedP99 = withHook.callLatencyMs.p99 - without.callLatencyMs.p99;
      rows.push({
        concurrency,
        without,
        with: withHook,
        receiverRoundTrip: rtt,
        addedP50: round(addedP50),
        addedP99: round(addedP99),
        addedOverRoundTripP50: round(addedP50 - rtt.callLatencyMs.p50),
        addedOverRoundTripP99: round(addedP99 - rtt.callLatencyMs.p99),
      });
    }
    await setWebhooks(ctl, h, webhookConfig(r.url));
    return {
      hook,
      operation: 'set_group_member_info (one entry: a member sets its own nickname and ex)',
      rows,
      hookCalls,
    };
  } finally {
    await ctl.close();
    await direct.close();
  }
}

/** What both delivery scenarios report for one drain of a backlog: (c) on SQLite, and pg by `huddle worker`s. */
interface DrainFigures {
  groups: number;
  pairs: number;
  events: number;
  creationSeconds: number;
  creationPairsPerSec: number;
  /** Receiver clock: from the release until the last answer. */
  drainSeconds: number;
  /** events ÷ drainSeconds: callbacks delivered per second (target ≥ 1,000 for (c) at 256). */
  deliveredPerSec: number;
  /** Over the middle 80 % of the answers. */
  steadyPerSec: number | undefined;
  receiverMaxInFlight: number;
  duplicates: number;
  groupsInOrder: number;
  groupsWithEvents: number;
  server: EventCounts;
  receiverCpuPct: number | undefined;
  machineBusyPct: number | undefined;
  errors: number;
  errorKinds: ErrorKind[];
  verification: string[];
  verified: boolean;
}

interface DeliveryRun extends DrainFigures {
  /** A number, or `default (N)`: the configuration left it out and huddle's default N applied. */
  deliveryConcurrency: number | string;
  creationCallLatencyMs: LatencySummary;
  /** Callbacks the receiver held open (unanswered) when it was released, and events then pending. */
  heldAtOpen: number;
  pendingAtOpen: number;
  orderSample: string[];
  serverCpuPct: number | undefined;
}

/** The users and groups a delivery backlog is built over (see orderedJoinQuitBacklog). */
interface BacklogLoad {
  groups: string[];
  users: string[];
  tokens: Map<string, string>;
  loops: number;
  usersPerLoop: number;
}

/**
 * Registers BENCH_CONCURRENCY loops × 4 users (with their tokens) and creates `groupCount`
 * needVerification=2 groups owned by `${prefix}_owner`; `label` names the progress line and the groups.
 */
async function setupBacklogLoad(h: Huddle, prefix: string, label: string, groupCount: number): Promise<BacklogLoad> {
  const loops = CONCURRENCY;
  const usersPerLoop = 4;
  const owner = `${prefix}_owner`;
  const users = ids(prefix, loops * usersPerLoop);
  await h.register([owner, ...users]);
  const tokens = new Map<string, string>();
  for (let i = 0; i < users.length; i += 16) {
    const batch = users.slice(i, i + 16);
    const t = await Promise.all(batch.map((u) => h.tokenFor(u)));
    batch.forEach((u, k) => tokens.set(u, t[k]!));
  }
  process.stdout.write(`  ${label}: creating ${groupCount} groups ... `);
  const groups: string[] = new Array(groupCount);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < groupCount; i = next++) {
        const g = await h.api.ok(
          '/group/create_group',
          {
            ownerUserID: owner,
            adminUserIDs: [],
            memberUserIDs: [],
            groupInfo: { groupID: '', groupName: `${label} ${i}`, groupType: 2, needVerification: 2 },
          },
          h.adminToken,
        );
        groups[i] = g.groupInfo.groupID;
      }
    }),
  );
  console.log('done');
  return { groups, users, tokens, loops, usersPerLoop };
}

/** A backlog as built: the recorder of its calls (latencies kept) and, per group, the events committed in order. */
interface Backlog {
  rec: Recorder;
  expected: Map<string, string[]>;
  groups: number;
  pairsDone: number;
  creationSeconds: number;
  pairsPerSec: number;
  events: number;
}

/**
 * Builds a backlog of join+quit pairs whose commit order per group the bench knows: loop w owns
 * the groups g ≡ w (mod loops) and runs them one after another; its users take turns joining and
 * then quitting. Records, per group, the events committed (MJ:user, Q:user) in order.
 */
async function orderedJoinQuitBacklog(api: Api, o: BacklogLoad, pairs: number): Promise<Backlog> {
  const rec = new Recorder(api);
  rec.measuring = true; // keep the calls' latencies
  const expected = new Map<string, string[]>();
  let pairsDone = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.loops }, async (_, w) => {
      const mine = o.groups.filter((_, g) => g % o.loops === w);
      const share = Math.floor(pairs / o.loops) + (w < pairs % o.loops ? 1 : 0);
      for (let k = 0; k < share && mine.length > 0; k++) {
        const groupID = mine[k % mine.length]!;
        const userID = o.users[w * o.usersPerLoop + (Math.floor(k / mine.length) % o.usersPerLoop)]!;
        const token = o.tokens.get(userID)!;
        let list = expected.get(groupID);
        if (!list) expected.set(groupID, (list = []));
        const j = await rec.call(
          '/group/join_group',
          JSON.stringify({ groupID, reqMessage: '', joinSource: 3, inviterUserID: '', ex: '' }),
          token,
        );
        if (j === undefined) continue;
        list.push(`MJ:${userID}`);
        const q = await rec.call('/group/quit_group', JSON.stringify({ groupID, userID }), token);
        if (q === undefined) break; // the user is still in the group: this loop stops
        list.push(`Q:${userID}`);
        pairsDone++;
      }
    }),
  );
  const creationSeconds = (performance.now() - t0) / 1000;
  const events = [...expected.values()].reduce((a, l) => a + l.length, 0);
  return {
    rec,
    expected,
    groups: o.groups.length,
    pairsDone,
    creationSeconds,
    pairsPerSec: Math.round(pairsDone / creationSeconds),
    events,
  };
}

/** The server's event counts since `before`, once it has recorded the last attempts (up to 5 s). */
async function eventCountsSince(ctl: Api, h: Huddle, before: EventCounts): Promise<EventCounts> {
  let server = await eventCounts(ctl, h);
  for (let i = 0; i < 100 && server.pending - before.pending > 0; i++) {
    await sleep(50);
    server = await eventCounts(ctl, h);
  }
  return {
    total: server.total - before.total,
    pending: server.pending - before.pending,
    delivered: server.delivered - before.delivered,
    dead: server.dead - before.dead,
  };
}

/** Compares what the receiver got per group with the committed order. */
async function orderCheck(r: Receiver, expected: Map<string, string[]>) {
  const report = await receiverCall<{ perGroup: Record<string, string[]>; duplicateIDs: string[] }>(r, 'report');
  let inOrder = 0;
  const sample: string[] = [];
  for (const [groupID, want] of expected) {
    const got = report.perGroup[groupID] ?? [];
    if (got.length === want.length && got.every((x, i) => x === want[i])) inOrder++;
    else if (sample.length < 3) {
      const i = got.findIndex((x, k) => x !== want[k]);
      sample.push(
        `${groupID}: first difference at #${i} (got ${got[i]}, expected ${want[i]}; ${got.length} received, ${want.length} committed)`,
      );
    }
  }
  const unknownGroups = Object.keys(report.perGroup).filter((g) => !expected.has(g)).length;
  return { report, inOrder, sample, unknownGroups };
}

/** What one drain measured. */
interface Drain {
  /** The receiver's stats when it had answered every event (or the wait ran out). */
  st: ReceiverStats;
  drainSeconds: number;
  /** The longest the bench waited for the last answer, in whole seconds. */
  waitedUpTo: number;
  server: EventCounts;
  inOrder: number;
  sample: string[];
  unknownGroups: number;
  /** Of `serverPids` (the huddle instance, or the workers), the receiver and the machine. */
  cpu: CpuFigures;
}

/**
 * Releases the callbacks the receiver holds and waits (up to max(60 s, 10 ms per event)) until it
 * has answered the backlog's events; then reads the server's counts since `before` and the order.
 */
async function drainBacklog(
  r: Receiver,
  ctl: Api,
  h: Huddle,
  before: EventCounts,
  b: Backlog,
  serverPids: number | number[] | undefined,
): Promise<Drain> {
  const win = cpuWindow(serverPids, r.child.proc.pid);
  const w0 = performance.now();
  await receiverCall(r, 'open');
  let st = await receiverCall(r, 'stats');
  const deadline = performance.now() + Math.max(60_000, b.events * 10);
  while (performance.now() < deadline && st.answered < b.events) {
    await sleep(50);
    st = await receiverCall(r, 'stats');
  }
  const cpu = win.end((performance.now() - w0) / 1000);
  // The server records an attempt just after the answer; give it a moment to show no pending.
  const server = await eventCountsSince(ctl, h, before);
  const { inOrder, sample, unknownGroups } = await orderCheck(r, b.expected);
  const drainSeconds =
    st.lastAnswerAt !== undefined && st.openedAt !== undefined ? (st.lastAnswerAt - st.openedAt) / 1000 : NaN;
  return {
    st,
    drainSeconds,
    waitedUpTo: Math.round((deadline - w0) / 1000),
    server,
    inOrder,
    sample,
    unknownGroups,
    cpu,
  };
}

/**
 * One drain's record: `lead` (which run) first, then the figures both delivery scenarios report,
 * then `own` (the scenario's other fields). Prints the rate and makes the checks both make;
 * `backlogChecks` are the caller's, printed right after the first. `sayWait`: the answered check
 * names the wait limit ((c)'s line always did, pg's did not).
 */
function drainRun<L extends object, O extends object>(
  lead: L,
  b: Backlog,
  d: Drain,
  own: O,
  options: { backlogChecks?: [ok: boolean, what: string][]; sayWait?: boolean } = {},
): L & DrainFigures & O {
  const { st, server, inOrder, sample, unknownGroups } = d;
  const { rec, events, expected } = b;
  const run = {
    ...lead,
    groups: b.groups,
    pairs: b.pairsDone,
    events,
    creationSeconds: round(b.creationSeconds),
    creationPairsPerSec: b.pairsPerSec,
    drainSeconds: round(d.drainSeconds),
    deliveredPerSec: Math.round(events / d.drainSeconds),
    steadyPerSec: st.steadyPerSec,
    receiverMaxInFlight: st.maxInFlight,
    duplicates: st.duplicates,
    groupsInOrder: inOrder,
    groupsWithEvents: expected.size,
    server,
    receiverCpuPct: d.cpu.receiverCpuPct,
    machineBusyPct: d.cpu.machineBusyPct,
    errors: rec.errorCount,
    errorKinds: rec.errorKinds(),
    ...own,
    verification: [] as string[],
    verified: true,
  };
  console.log(`${run.deliveredPerSec} callbacks/s over ${run.drainSeconds} s`);
  verify(run, rec.errorCount === 0, `every join_group and quit_group returned errCode 0 (${rec.errorCount} errors)`);
  for (const [ok, what] of options.backlogChecks ?? []) verify(run, ok, what);
  verify(
    run,
    st.answered >= events,
    `the receiver answered ${st.answered} of ${events} callbacks${options.sayWait ? ` within ${d.waitedUpTo} s` : ''}`,
  );
  verify(
    run,
    st.unique === events && unknownGroups === 0,
    `receiver: ${st.unique} distinct webhook-ids for ${events} committed events, ${st.duplicates} duplicates, ${unknownGroups} unknown groups`,
  );
  verify(
    run,
    inOrder === expected.size,
    `order per group = commit order in ${inOrder}/${expected.size} groups ${sample.join('; ')}`,
  );
  verify(
    run,
    server.total === events && server.delivered === events && server.pending === 0 && server.dead === 0,
    `server: ${server.total} new events, ${server.delivered} delivered, ${server.pending} pending, ${server.dead} dead`,
  );
  verify(
    run,
    st.unsigned === 0 && st.badBodies === 0,
    `every callback signed (${st.unsigned} not) with a JSON body (${st.badBodies} not)`,
  );
  return run;
}

/**
 * (c) A backlog of afterMemberJoinGroup/afterQuitGroup events over DELIVERY_GROUPS groups, built while
 * the receiver holds every callback open; then the receiver answers each one 100 ms after it arrives
 * (100 ms after the release for those held) and we measure how fast the backlog drains.
 */
async function deliveryScenario(r: Receiver, servers: ServerRecord[]): Promise<DeliveryRun[]> {
  // Concurrency 256 comes from the file at start-up.
  const h = await startHuddle('huddle-delivery', {
    HUDDLE_WEBHOOKS: writeWebhooksFile('delivery', deliveryDoc(r, 256)),
  });
  const ctl = new Api(h.api.url, 2);
  const runs: DeliveryRun[] = [];
  try {
    const load = await setupBacklogLoad(h, 'dl', 'delivery', DELIVERY_GROUPS);
    runs.push(await deliveryRun(r, ctl, h, load, 256, DELIVERY_PAIRS));
    runs.push(await deliveryRun(r, ctl, h, load, 64, Math.max(100, Math.round(DELIVERY_PAIRS * 0.4))));
  } finally {
    await ctl.close();
    await stopHuddle(h, 'huddle-delivery', servers);
  }
  return runs;
}

/** Issue 12, item 14: a slow business server with the default configuration. */
const DEFAULT_DELIVERY_PAIRS = 1000;
const DEFAULT_DELIVERY_GROUPS = 200;

/**
 * (c) with defaults: a huddle whose configuration names no deliveryConcurrency, 2,000 callbacks
 * over 200 groups, the same 100 ms receiver (299/s with the old default of 64; target ≥ 1,000/s).
 */
async function deliveryDefaultScenario(r: Receiver, servers: ServerRecord[]): Promise<DeliveryRun[]> {
  const h = await startHuddle('huddle-delivery-default', {
    HUDDLE_WEBHOOKS: writeWebhooksFile('delivery-default', deliveryDoc(r, 'default')),
  });
  const ctl = new Api(h.api.url, 2);
  try {
    const load = await setupBacklogLoad(h, 'dd', 'delivery (defaults)', DEFAULT_DELIVERY_GROUPS);
    const byDefault = await deliveryRun(r, ctl, h, load, 'default', DEFAULT_DELIVERY_PAIRS);
    // The old default, same load, same run: a ratio that holds on a noisy machine.
    return [byDefault, await deliveryRun(r, ctl, h, load, 64, DEFAULT_DELIVERY_PAIRS)];
  } finally {
    await ctl.close();
    await stopHuddle(h, 'huddle-delivery-default', servers);
  }
}

const DELIVERY_HOOKS = ['afterMemberJoinGroup', 'afterQuitGroup'];
// 60 s timeout: the first callbacks stay open while the backlog is built (the hook timeout bounds
// an attempt; it does not change how fast a 100 ms receiver is served).
const deliveryDoc = (r: Receiver, deliveryConcurrency: number | 'default') =>
  webhookConfig(r.url, { after: DELIVERY_HOOKS, deliveryConcurrency, timeout: 60 });

/** One drain: the backlog built while the receiver holds every callback, then released. */
async function deliveryRun(
  r: Receiver,
  ctl: Api,
  h: Huddle,
  load: BacklogLoad,
  deliveryConcurrency: number | 'default',
  pairs: number,
): Promise<DeliveryRun> {
  await setWebhooks(ctl, h, deliveryDoc(r, deliveryConcurrency));
  const effective = (await ctl.ok<{ config: { deliveryConcurrency: number } }>('/webhook/get_config', {}, h.adminToken))
    .config.deliveryConcurrency;
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

// ---------------------------------------------------------------------------------------------
// PostgreSQL (issue 4, point 6; BENCH_SCENARIOS=pg): join+quit on SQLite vs PostgreSQL with one
// instance and with two sharing the database, and delivery by one worker process vs two.

/** Databases this run created and has not dropped yet (dropped at the end, also on Ctrl-C). */
const pgDatabases = new Set<string>();

async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh, empty database on PG_ADMIN_URL's server; returns its URL. */
async function createBenchDatabase(): Promise<{ name: string; url: string }> {
  const name = `huddle_bench_${crypto.randomBytes(6).toString('hex')}`;
  await pgAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  pgDatabases.add(name);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function dropBenchDatabase(name: string): Promise<void> {
  await pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  pgDatabases.delete(name);
}

async function dropBenchDatabases(): Promise<string[]> {
  const names = [...pgDatabases];
  for (const name of names) await dropBenchDatabase(name);
  return names;
}

/** Runs `fn` on a fresh bench database, then drops it (also when `fn` throws) and notes it in `dropped`. */
async function withBenchDatabase<T>(
  dropped: string[],
  fn: (db: { name: string; url: string }) => Promise<T>,
): Promise<T> {
  const db = await createBenchDatabase();
  try {
    return await fn(db);
  } finally {
    await dropBenchDatabase(db.name);
    dropped.push(db.name);
  }
}

/** A `huddle worker` child (delivery only; answers GET /healthz) on a shared PostgreSQL database. */
async function startWorker(label: string, database: string, secret: string, webhooks: string): Promise<Child> {
  const port = await freePort();
  const child = startChild(
    label,
    'packages/server/src/main.ts',
    {
      HUDDLE_HOST: '127.0.0.1',
      HUDDLE_PORT: String(port),
      HUDDLE_DATABASE: database,
      HUDDLE_SECRET: secret,
      HUDDLE_LOG_LEVEL: 'warn',
      HUDDLE_WEBHOOKS: webhooks,
    },
    path.join(tmp, `${label}.log`),
    CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [],
    ['worker'],
  );
  const probe = new Api(`http://127.0.0.1:${port}`, 1);
  try {
    await waitReady(probe, child, async () => {
      const res = await probe.pool.request({ path: '/healthz', method: 'GET' });
      await res.body.text();
      return res.statusCode === 200;
    });
  } finally {
    await probe.close();
  }
  return child;
}

interface PgDeliveryRun extends DrainFigures {
  workers: number;
  deliveryConcurrencyPerWorker: number;
  pendingAtRelease: number;
  heldAtRelease: number;
  ratioToBaseline?: number;
  workerCpuPct: number | undefined;
}

interface PgResult {
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
  console.log(
    `PostgreSQL (${PG_ADMIN_URL.replace(/:[^:@/]*@/, ':***@')}; a fresh database per configuration, dropped afterwards):`,
  );
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

  // (3) Delivery: one API instance (serve --no-worker) builds a backlog; then 1 or 2 `huddle worker`s drain it.
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
        { HUDDLE_WEBHOOKS: webhooks },
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
  return { sqlite, pg1, pg2, delivery, databasesDropped: dropped };
}

/** Server log lines at warn or above, grouped by message. */
function scanLog(file: string): {
  lines: number;
  byMessage: { level: number; msg: string; count: number; sample: string }[];
} {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { lines: 0, byMessage: [] };
  }
  const groups = new Map<string, { level: number; msg: string; count: number; sample: string }>();
  let lines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    lines++;
    let level = 0;
    let msg = line.slice(0, 120);
    try {
      const j = JSON.parse(line) as { level?: number; msg?: string };
      level = j.level ?? 0;
      msg = j.msg ?? msg;
    } catch {
      // not pino JSON (e.g. a Node warning)
    }
    const key = `${level} ${msg}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { level, msg, count: 1, sample: line.slice(0, 400) });
  }
  return { lines, byMessage: [...groups.values()] };
}

// ---------------------------------------------------------------------------------------------
// Report.

function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined || Number.isNaN(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  return [
    line(rows[0]!),
    `|${widths.map((w, c) => (c === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

/** A table cell for a CPU share; '-' where it is unknown (off Linux). */
const cpuCell = (pct: number | undefined) => (pct === undefined ? '-' : `${fmt(pct)} %`);
/** The same for the whole machine, out of 100 % per CPU. */
const busyCell = (pct: number | undefined) => (pct === undefined ? '-' : `${fmt(pct)} / ${os.cpus().length * 100} %`);

/** The backlog cells both delivery tables show: groups, callbacks, how long building it took. */
const backlogCells = (d: DrainFigures) => [
  fmt(d.groups),
  fmt(d.events),
  `${fmt(d.creationSeconds, 1)} s (${fmt(d.creationPairsPerSec)} pairs/s)`,
];

/** The drain cells both delivery tables end with; `serverCpuPct` is the huddle instance's or the workers'. */
const drainCells = (d: DrainFigures, serverCpuPct: number | undefined) => [
  fmt(d.steadyPerSec),
  fmt(d.receiverMaxInFlight),
  `${d.groupsInOrder}/${d.groupsWithEvents}`,
  fmt(d.duplicates),
  cpuCell(serverCpuPct),
  cpuCell(d.receiverCpuPct),
  busyCell(d.machineBusyPct),
];

/** The commit measured, and how many files differ from it (the bench runs the working tree). */
function gitState(): { commit: string; modifiedFiles: number } | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' });
    return { commit, modifiedFiles: status.split('\n').filter(Boolean).length };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const started = new Date();
  const git = gitState();
  const loadAtStart = os.loadavg();
  console.log(
    `huddle bench: ${os.cpus().length} CPUs, node ${process.version}, ${SECONDS}s measured + ${WARMUP}s warm-up per phase, concurrency ${CONCURRENCY}; scenarios ${[...SCENARIOS].join(',')}`,
  );
  console.log(
    `  git ${git ? `${git.commit} + ${git.modifiedFiles} uncommitted files` : 'unknown'}; load average at start ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (the machine's other work skews every figure)`,
  );
  const phases: PhaseResult[] = [];
  const before = await baseline('before');
  phases.push(before);

  /** Phases measuring throughput (ratio to the baseline); the latency phases of (b) are not. */
  const huddlePhases: PhaseResult[] = [];
  const servers: ServerRecord[] = [];

  if (SCENARIOS.has('create') || SCENARIOS.has('joinquit') || SCENARIOS.has('read')) {
    const h = await startHuddle();
    try {
      if (SCENARIOS.has('create')) huddlePhases.push(await createGroupScenario(h));
      if (SCENARIOS.has('joinquit')) huddlePhases.push(await joinQuitScenario(h));
      if (SCENARIOS.has('read')) huddlePhases.push(await readScenario(h));
    } finally {
      await stopHuddle(h, 'huddle', servers);
    }
  }
  phases.push(...huddlePhases);

  let afterHooks: AfterHooksResult | undefined;
  let beforeHook: BeforeHookResult | undefined;
  let delivery: DeliveryRun[] | undefined;
  const latencyPhases: PhaseResult[] = [];
  let receiverExit: number | string | null = null;
  if (
    SCENARIOS.has('afterhooks') ||
    SCENARIOS.has('beforehook') ||
    SCENARIOS.has('delivery') ||
    SCENARIOS.has('deliverydefault')
  ) {
    console.log('business-server callbacks (receiver: bench/receiver.ts, its own process):');
    const r = await startReceiver();
    try {
      if (SCENARIOS.has('afterhooks') || SCENARIOS.has('beforehook')) {
        // url set and signing on from the start; the scenarios switch hooks with /webhook/set_config.
        const h = await startHuddle('huddle-webhooks', {
          HUDDLE_WEBHOOKS: writeWebhooksFile('webhooks', webhookConfig(r.url)),
        });
        try {
          if (SCENARIOS.has('afterhooks')) {
            afterHooks = await afterHooksScenario(h, r);
            huddlePhases.push(afterHooks.off, afterHooks.on);
            phases.push(afterHooks.off, afterHooks.on);
          }
          if (SCENARIOS.has('beforehook')) {
            beforeHook = await beforeHookScenario(h, r, latencyPhases);
            phases.push(...latencyPhases);
          }
        } finally {
          await stopHuddle(h, 'huddle-webhooks', servers);
        }
      }
      if (SCENARIOS.has('delivery')) delivery = await deliveryScenario(r, servers);
      if (SCENARIOS.has('deliverydefault')) (delivery ??= []).push(...(await deliveryDefaultScenario(r, servers)));
    } finally {
      await r.control.close();
      receiverExit = await stopChild(r.child);
    }
  }

  let pgResult: PgResult | undefined;
  if (SCENARIOS.has('pg')) {
    pgResult = await pgScenario(servers);
    const pgPhases = [pgResult.sqlite, pgResult.pg1, pgResult.pg2];
    huddlePhases.push(...pgPhases);
    phases.push(...pgPhases);
  }

  const after = await baseline('after');
  phases.push(after);

  const baseRate = (before.callsPerSec + after.callsPerSec) / 2;
  const baseP50 = (before.callLatencyMs.p50 + after.callLatencyMs.p50) / 2;
  for (const p of huddlePhases) p.ratioToBaseline = round(p.callsPerSec / baseRate, 3);
  if (afterHooks) {
    afterHooks.offRatioToBaseline = afterHooks.off.ratioToBaseline;
    afterHooks.onRatioToBaseline = afterHooks.on.ratioToBaseline;
  }
  for (const d of pgResult?.delivery ?? []) d.ratioToBaseline = round(d.deliveredPerSec / baseRate, 3);
  const logs = servers.map((s) => ({ ...s, log: scanLog(s.logFile) }));

  const rows = [
    [
      'scenario',
      'ops/s',
      'HTTP calls/s',
      'call p50 ms',
      'call p99 ms',
      'op p99 ms',
      'calls/s ÷ baseline',
      'p50 × baseline',
      'errors',
      'server CPU',
      'server CPU ms/call',
      'receiver CPU',
      'bench CPU',
      'machine busy',
    ],
    ...phases.map((p) => [
      p.name,
      `${fmt(p.opsPerSec)} ${p.unit}`,
      fmt(p.callsPerSec),
      fmt(p.callLatencyMs.p50, 2),
      fmt(p.callLatencyMs.p99, 2),
      fmt(p.opLatencyMs.p99, 2),
      p.ratioToBaseline === undefined ? '-' : fmt(p.ratioToBaseline, 3),
      p.name.startsWith('baseline') || latencyPhases.includes(p) ? '-' : fmt(p.callLatencyMs.p50 / baseP50, 1),
      fmt(p.errors),
      cpuCell(p.serverCpuPct),
      fmt(p.serverCpuMsPerCall, 3),
      cpuCell(p.receiverCpuPct),
      cpuCell(p.benchCpuPct),
      busyCell(p.machineBusyPct),
    ]),
  ];
  console.log(`\n${table(rows)}`);
  console.log(
    `\nbaseline (mean of before/after) = ${fmt(baseRate)} req/s; before ${fmt(before.callsPerSec)}, after ${fmt(after.callsPerSec)}`,
  );
  console.log("(server CPU ms/call: for the receiver round-trip rows, the receiver's CPU per call)");
  for (const p of phases) {
    const paths = Object.entries(p.perPathLatencyMs);
    if (paths.length > 1)
      for (const [k, s] of paths)
        console.log(`  ${p.name}: ${k} p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms (${s.count} calls)`);
  }

  // The three callback figures and their targets.
  const targets: { figure: string; value: string; target: string; met: boolean }[] = [];
  if (afterHooks) {
    const a = afterHooks;
    console.log(
      `\n(a) after-callbacks on join+quit (${a.groups} groups, concurrency ${CONCURRENCY}; every after-hook: ${a.hooksEnabled.length} hooks, 3 fire per pair):`,
    );
    console.log(
      `  hooks off ${fmt(a.off.opsPerSec)} pairs/s (${fmt(a.offRatioToBaseline, 3)} × baseline calls/s), hooks on ${fmt(a.on.opsPerSec)} pairs/s (${fmt(a.onRatioToBaseline, 3)} × baseline)` +
        ` -> on ÷ off = ${fmt(a.ratioOnOff, 3)} (target ≥ 0.7); by server CPU per call, off ÷ on = ${fmt(a.cpuRatioOnOff, 3)}`,
    );
    console.log(
      `  server CPU per pair over the whole phase: off ${fmt(a.cpuMsPerPairOff, 3)} ms, on ${fmt(a.cpuMsPerPairOnWithDelivery, 3)} ms including the delivery of all its events` +
        ` -> sustained on ÷ off estimate ${fmt(a.sustainedRatioEstimate, 3)}`,
    );
    console.log(
      `  events: ${a.expectedEvents} written in the hooks-on phase (warm-up included); ${a.deliveredPerSecInWindow}/s reached the receiver inside the measured window;` +
        ` ${a.pendingAtMeasuredEnd} pending when the window ended; drained ${fmt(a.drainMsFromMeasuredEnd)} ms after the window ended (${fmt(a.drainMsFromLoadEnd)} ms after the load stopped; server CPU ${fmt(a.serverCpuPctDuringDrain)} % meanwhile)`,
    );
    console.log(
      `  delivered ${a.server.delivered}, pending ${a.server.pending}, dead ${a.server.dead}; receiver: ${a.receiver.unique} distinct webhook-ids, ${a.receiver.duplicates} duplicates; order violations ${a.orderViolations}`,
    );
    targets.push({
      figure: '(a) join+quit, every after-hook on ÷ all off',
      value: fmt(a.ratioOnOff, 3),
      target: '≥ 0.7',
      met: a.ratioOnOff >= 0.7,
    });
  }
  if (beforeHook) {
    console.log(`\n(b) latency added by ${beforeHook.hook} on ${beforeHook.operation} (per call, ms):`);
    const brows = [
      [
        'concurrency',
        'no hook p50',
        'hook p50',
        'added p50',
        'receiver RTT p50',
        'added − RTT p50',
        'no hook p99',
        'hook p99',
        'added p99',
        'receiver RTT p99',
        'added − RTT p99',
      ],
      ...beforeHook.rows.map((x) => [
        String(x.concurrency),
        fmt(x.without.callLatencyMs.p50, 2),
        fmt(x.with.callLatencyMs.p50, 2),
        fmt(x.addedP50, 2),
        fmt(x.receiverRoundTrip.callLatencyMs.p50, 2),
        fmt(x.addedOverRoundTripP50, 2),
        fmt(x.without.callLatencyMs.p99, 2),
        fmt(x.with.callLatencyMs.p99, 2),
        fmt(x.addedP99, 2),
        fmt(x.receiverRoundTrip.callLatencyMs.p99, 2),
        fmt(x.addedOverRoundTripP99, 2),
      ]),
    ];
    console.log(table(brows));
    for (const x of beforeHook.rows) {
      targets.push({
        figure: `(b) ${beforeHook.hook} added over the receiver round trip, p50, concurrency ${x.concurrency}`,
        value: `${fmt(x.addedOverRoundTripP50, 2)} ms`,
        target: '≤ 1 ms',
        met: x.addedOverRoundTripP50 <= 1,
      });
    }
  }
  if (delivery) {
    console.log('\n(c) callbacks delivered per second to a receiver answering after 100 ms:');
    const drows = [
      [
        'deliveryConcurrency',
        'groups',
        'callbacks',
        'backlog build',
        'pending at release',
        'drain s',
        'delivered/s',
        'steady /s (10–90 %)',
        'receiver max in flight',
        'groups in order',
        'duplicates',
        'server CPU',
        'receiver CPU',
        'machine busy',
      ],
      ...delivery.map((d) => [
        String(d.deliveryConcurrency),
        ...backlogCells(d),
        fmt(d.pendingAtOpen),
        fmt(d.drainSeconds, 2),
        fmt(d.deliveredPerSec),
        ...drainCells(d, d.serverCpuPct),
      ]),
    ];
    console.log(table(drows));
    const main256 = delivery.find((d) => d.deliveryConcurrency === 256);
    if (main256) {
      targets.push({
        figure: '(c) callbacks/s to a 100 ms receiver, deliveryConcurrency 256',
        value: fmt(main256.deliveredPerSec),
        target: '≥ 1,000',
        met: main256.deliveredPerSec >= 1000,
      });
    }
    const byDefault = delivery.find((d) => typeof d.deliveryConcurrency === 'string');
    if (byDefault) {
      targets.push({
        figure: `(c) callbacks/s to a 100 ms receiver, default configuration (${byDefault.deliveryConcurrency})`,
        value: fmt(byDefault.deliveredPerSec),
        target: '≥ 1,000',
        met: byDefault.deliveredPerSec >= 1000,
      });
      const old = delivery.find((d) => d.deliveryConcurrency === 64 && d.groups === byDefault.groups);
      if (old)
        console.log(
          `  default ÷ the old default (64), same load: ${(byDefault.deliveredPerSec / old.deliveredPerSec).toFixed(2)}`,
        );
    }
  }
  let pgFigures: Record<string, number> | undefined;
  if (pgResult) {
    const { sqlite, pg1, pg2 } = pgResult;
    pgFigures = {
      sqlitePairsPerSec: sqlite.opsPerSec,
      pg1PairsPerSec: pg1.opsPerSec,
      pg2PairsPerSec: pg2.opsPerSec,
      pg1OverSqlite: round(pg1.opsPerSec / sqlite.opsPerSec, 3),
      pg2OverPg1: round(pg2.opsPerSec / pg1.opsPerSec, 3),
    };
    console.log(`\nPostgreSQL: join+quit at concurrency ${CONCURRENCY} (16 groups), pairs/s and calls/s ÷ baseline:`);
    for (const p of [sqlite, pg1, pg2])
      console.log(
        `  ${p.name}: ${fmt(p.opsPerSec)} pairs/s (${fmt(p.ratioToBaseline, 3)} × baseline), server CPU ${fmt(p.serverCpuMsPerCall, 3)} ms/call (huddle processes only, not PostgreSQL's)`,
      );
    console.log(
      `  PostgreSQL ÷ SQLite (1 instance) = ${fmt(pgFigures.pg1OverSqlite, 3)}; 2 instances ÷ 1 instance (PostgreSQL) = ${fmt(pgFigures.pg2OverPg1, 3)}`,
    );
    console.log(
      `\nPostgreSQL delivery: a backlog written by a serve --no-worker instance with no worker running, drained by huddle worker processes to a receiver answering at once:`,
    );
    const prow = [
      [
        'workers',
        'deliveryConcurrency each',
        'groups',
        'callbacks',
        'backlog build',
        'held at release',
        'drain s',
        'delivered/s',
        '÷ baseline',
        'steady /s (10–90 %)',
        'receiver max in flight',
        'groups in order',
        'duplicates',
        'worker CPU',
        'receiver CPU',
        'machine busy',
      ],
      ...pgResult.delivery.map((d) => [
        String(d.workers),
        String(d.deliveryConcurrencyPerWorker),
        ...backlogCells(d),
        fmt(d.heldAtRelease),
        fmt(d.drainSeconds, 2),
        fmt(d.deliveredPerSec),
        fmt(d.ratioToBaseline, 3),
        ...drainCells(d, d.workerCpuPct),
      ]),
    ];
    console.log(table(prow));
    const one = pgResult.delivery.find((d) => d.workers === 1);
    const two = pgResult.delivery.find((d) => d.workers === 2);
    if (one && two) {
      pgFigures.delivery1PerSec = one.deliveredPerSec;
      pgFigures.delivery2PerSec = two.deliveredPerSec;
      pgFigures.delivery2Over1 = round(two.deliveredPerSec / one.deliveredPerSec, 3);
      console.log(`  2 workers ÷ 1 worker = ${fmt(pgFigures.delivery2Over1, 3)}`);
    }
    console.log(`  databases created and dropped: ${pgResult.databasesDropped.join(', ')}`);
  }
  if (targets.length > 0) {
    console.log('\ntargets (issue 3, point 9):');
    for (const t of targets)
      console.log(`  ${t.met ? 'MET    ' : 'NOT MET'} ${t.figure}: ${t.value} (target ${t.target})`);
  }

  // Everything that was checked, under the label its lines print with.
  const checked: [string, Verified & { errorKinds: ErrorKind[] }][] = [
    ...phases.map((p): [string, PhaseResult] => [p.name, p]),
    ...(delivery ?? []).map((d): [string, DeliveryRun] => [`delivery c${d.deliveryConcurrency}`, d]),
    ...(pgResult?.delivery ?? []).map((d): [string, PgDeliveryRun] => [`pg delivery, ${d.workers} workers`, d]),
  ];
  console.log('\nverification:');
  for (const [label, x] of checked) for (const v of x.verification) console.log(`  [${label}] ${v}`);
  for (const [label, x] of checked)
    for (const e of x.errorKinds) console.log(`  [${label}] ERROR ×${e.count} ${e.kind}: ${e.sample}`);
  console.log('');
  for (const s of logs) {
    console.log(`${s.label} server: exit ${s.exit}; ${s.log.lines} log lines at warn+ (HUDDLE_LOG_LEVEL=warn)`);
    for (const g of s.log.byMessage.slice(0, 10))
      console.log(`  ×${g.count} level ${g.level} ${g.msg}: ${g.sample.slice(0, 200)}`);
  }
  if (receiverExit !== null) console.log(`receiver: exit ${receiverExit}`);

  const allVerified = checked.every(([, x]) => x.verified);
  const summary = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      loadavgAtStart: loadAtStart,
      loadavgAtEnd: os.loadavg(),
    },
    git,
    settings: {
      seconds: SECONDS,
      warmupSeconds: WARMUP,
      concurrency: CONCURRENCY,
      maxOps: MAX_OPS,
      latencySeconds: LATENCY_SECONDS,
      deliveryPairs: DELIVERY_PAIRS,
      deliveryGroups: DELIVERY_GROUPS,
      scenarios: [...SCENARIOS],
      client: 'undici Pool, keep-alive, pipelining 1',
    },
    baseline: {
      before: before.callsPerSec,
      after: after.callsPerSec,
      meanCallsPerSec: Math.round(baseRate),
      meanP50Ms: baseP50,
    },
    phases,
    callbacks: {
      afterHooks: afterHooks && { ...afterHooks, off: afterHooks.off.name, on: afterHooks.on.name },
      beforeHook: beforeHook && {
        ...beforeHook,
        rows: beforeHook.rows.map((x) => ({
          ...x,
          without: x.without.name,
          with: x.with.name,
          receiverRoundTrip: x.receiverRoundTrip.name,
        })),
      },
      delivery,
      targets,
    },
    postgres: pgResult && {
      adminUrl: PG_ADMIN_URL.replace(/:[^:@/]*@/, ':***@'),
      figures: pgFigures,
      joinQuit: { sqlite: pgResult.sqlite.name, pg1: pgResult.pg1.name, pg2: pgResult.pg2.name },
      delivery: pgResult.delivery,
      databasesDropped: pgResult.databasesDropped,
    },
    servers: logs.map((s) => ({
      label: s.label,
      exit: s.exit,
      linesAtWarnOrAbove: s.log.lines,
      messages: s.log.byMessage,
    })),
    receiverExit,
    allVerified,
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log('\nsummary JSON (also in bench/results/latest.json):');
  console.log(
    JSON.stringify({
      baselineReqPerSec: Math.round(baseRate),
      phases: phases.map((p) => ({
        name: p.name,
        opsPerSec: p.opsPerSec,
        unit: p.unit,
        callsPerSec: p.callsPerSec,
        p50ms: p.callLatencyMs.p50,
        p99ms: p.callLatencyMs.p99,
        ratioToBaseline: p.ratioToBaseline,
        errors: p.errors,
        verified: p.verified,
      })),
      callbacks: {
        afterHooksOnOff: afterHooks?.ratioOnOff,
        pendingAtMeasuredEnd: afterHooks?.pendingAtMeasuredEnd,
        drainMs: afterHooks?.drainMsFromMeasuredEnd,
        beforeHookAddedOverRttP50: beforeHook?.rows.map((x) => ({
          concurrency: x.concurrency,
          p50: x.addedOverRoundTripP50,
          p99: x.addedOverRoundTripP99,
        })),
        deliveredPerSec: delivery?.map((d) => ({
          deliveryConcurrency: d.deliveryConcurrency,
          perSec: d.deliveredPerSec,
          verified: d.verified,
        })),
        targetsMet: targets.map((t) => t.met),
      },
      postgres: pgFigures,
      allVerified,
    }),
  );
  if (!allVerified) {
    console.error('\nbench: VERIFICATION FAILED (see above)');
    process.exitCode = 1;
  }
}

try {
  await main();
} finally {
  for (const c of children) c.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
  const left = await dropBenchDatabases().catch((err: unknown) => {
    console.error(
      `bench: could not drop the bench databases ${[...pgDatabases].join(', ')}: ${(err as Error).message}`,
    );
    process.exitCode = 1;
    return [];
  });
  if (left.length > 0) console.error(`bench: dropped leftover bench databases ${left.join(', ')}`);
}
