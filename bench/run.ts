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
//   BENCH_SCENARIOS    comma-separated subset of huddle scenarios: create,joinquit,read (default all)
//   BENCH_CPU_PROF     a directory: run the huddle child with --cpu-prof and write its profile there

import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number in [${min}, ${max}], got "${raw}"`);
  return n;
}

const SECONDS = envNumber('BENCH_SECONDS', 8, 0.5, 120);
const WARMUP = envNumber('BENCH_WARMUP', 2, 0, 60);
const CONCURRENCY = Math.round(envNumber('BENCH_CONCURRENCY', 32, 1, 1024));
const MAX_OPS = Math.round(envNumber('BENCH_MAX_OPS', 1_000_000, 1, 1e9));
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS || 'create,joinquit,read').split(',').map((x) => x.trim()));
for (const name of SCENARIOS) if (!['create', 'joinquit', 'read'].includes(name)) throw new Error(`BENCH_SCENARIOS: unknown scenario "${name}"`);
const CPU_PROF = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;

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
    process.exit(130);
  });
}

function startChild(name: string, script: string, env: Record<string, string>, logFile: string, nodeArgs: string[] = []): Child {
  const fd = fs.openSync(logFile, 'a');
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
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
  const exited = new Promise<number | string | null>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal)));
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
  constructor(readonly url: string, connections: number) {
    this.pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  /** One POST; returns the HTTP status, parsed envelope (if JSON) and latency in ms. */
  async post(urlPath: string, body: string, token?: string): Promise<{ status: number; env: Envelope | undefined; ms: number; text: string }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', operationID: `bench-${++this.op}` };
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
    if (r.status !== 200 || !r.env || r.env.errCode !== 0) throw new Error(`${urlPath}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    return r.env.data as T;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

async function waitReady(api: Api, child: Child, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
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
    if (Date.now() > deadline) throw new Error(`${child.name} did not answer within ${timeoutMs} ms:\n${tail(child.logFile)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
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
  async call(urlPath: string, body: string, token?: string, check?: (data: any) => string | undefined): Promise<any> {
    let r;
    try {
      r = await this.api.post(urlPath, body, token);
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
  const pct = (p: number) => v[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
  const r = (x: number) => Math.round(x * 100) / 100;
  let sum = 0;
  for (const x of v) sum += x;
  return { count: n, p50: r(pct(0.5)), p90: r(pct(0.9)), p99: r(pct(0.99)), max: r(v[n - 1]!), mean: r(sum / n) };
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
  errorKinds: { kind: string; count: number; sample: string }[];
  serverCpuPct: number | undefined;
  /** Server CPU time per HTTP call, in ms: less sensitive to the machine's noise than throughput. */
  serverCpuMsPerCall: number | undefined;
  benchCpuPct: number;
  machineBusyPct: number | undefined;
  verification: string[];
  verified: boolean;
  ratioToBaseline?: number;
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
  serverPid: number | undefined,
  op: (rec: Recorder, worker: number, seq: number) => Promise<boolean>,
): Promise<{ result: PhaseResult; rec: Recorder }> {
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
  process.stdout.write(`  ${name}: warm-up ${WARMUP}s, measuring ${SECONDS}s at concurrency ${CONCURRENCY} ... `);
  const workers = Array.from({ length: CONCURRENCY }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, WARMUP * 1000));

  const cpu0 = process.cpuUsage();
  const srv0 = procCpuSeconds(serverPid);
  const m0 = machineJiffies();
  const t0 = process.hrtime.bigint();
  rec.measuring = true;
  await Promise.race([new Promise((r) => setTimeout(r, SECONDS * 1000)), cap]);
  rec.measuring = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const srv1 = procCpuSeconds(serverPid);
  const m1 = machineJiffies();
  stop = true;
  await Promise.all(workers);

  const pct = (x: number) => Math.round(x * 1000) / 10;
  const perPath: Record<string, LatencySummary> = {};
  for (const [p, l] of rec.pathLat) perPath[p] = summarize(l);
  const result: PhaseResult = {
    name,
    unit,
    concurrency: CONCURRENCY,
    seconds: Math.round(elapsed * 100) / 100,
    ops: rec.ops,
    opsPerSec: Math.round(rec.ops / elapsed),
    calls: rec.calls,
    callsPerSec: Math.round(rec.calls / elapsed),
    callLatencyMs: summarize(rec.lat),
    opLatencyMs: summarize(rec.opLat),
    perPathLatencyMs: perPath,
    errors: rec.errorCount,
    errorKinds: [...rec.errors].map(([kind, e]) => ({ kind, count: e.count, sample: e.sample })),
    serverCpuPct: srv0 !== undefined && srv1 !== undefined ? pct((srv1 - srv0) / elapsed) : undefined,
    serverCpuMsPerCall:
      srv0 !== undefined && srv1 !== undefined && rec.calls > 0 ? Math.round(((srv1 - srv0) * 1e6) / rec.calls) / 1000 : undefined,
    benchCpuPct: pct((cpu.user + cpu.system) / 1e6 / elapsed),
    machineBusyPct: m0 && m1 ? pct((os.cpus().length * (m1.busy - m0.busy)) / (m1.total - m0.total)) : undefined,
    verification: [],
    verified: true,
  };
  console.log(`${result.opsPerSec} ${unit}, ${rec.errorCount} errors`);
  return { result, rec };
}

function verify(result: PhaseResult, ok: boolean, what: string): void {
  result.verification.push(`${ok ? 'ok' : 'FAILED'}: ${what}`);
  if (!ok) result.verified = false;
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-bench-'));

/** 1. Bare node:http in a child process, same request shape and client as the huddle phases. */
async function baseline(label: string): Promise<PhaseResult> {
  const port = await freePort();
  const child = startChild(`bare node:http (${label})`, 'bench/bare-server.ts', { BARE_PORT: String(port) }, path.join(tmp, 'bare.log'));
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

async function startHuddle(): Promise<Huddle> {
  const port = await freePort();
  const secret = crypto.randomBytes(24).toString('hex');
  const child = startChild(
    'huddle',
    'packages/server/src/main.ts',
    {
      HUDDLE_HOST: '127.0.0.1',
      HUDDLE_PORT: String(port),
      HUDDLE_DATABASE: path.join(tmp, 'huddle.db'),
      HUDDLE_SECRET: secret,
      HUDDLE_LOG_LEVEL: 'warn',
    },
    path.join(tmp, 'huddle.log'),
    CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [],
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

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}_${String(i).padStart(6, '0')}`);

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
  verify(result, result.errors === 0, `every create_group returned errCode 0 with memberCount 5 (${result.errors} errors)`);
  const unique = new Set(created.map((c) => c.groupID)).size;
  verify(result, unique === created.length, `${created.length} groups created (warm-up included), ${unique} distinct groupIDs`);
  // Read back a sample: the groups exist with the right owner and member count.
  const sample = Array.from({ length: Math.min(200, created.length) }, () => created[Math.floor(Math.random() * created.length)]!);
  const byID = new Map(sample.map((c) => [c.groupID, c.owner]));
  const info = await h.api.ok<{ groupInfos: any[] }>('/group/get_groups_info', { groupIDs: [...byID.keys()] }, h.adminToken);
  const good = info.groupInfos.filter((g) => byID.get(g.groupID) === g.ownerUserID && g.memberCount === 5).length;
  verify(result, good === byID.size, `read-back of ${byID.size} random groups: ${good} found with the right owner and 5 members`);
  return result;
}

/** 3. join_group + quit_group by the same user on needVerification=2 groups (user tokens). */
async function joinQuitScenario(h: Huddle): Promise<PhaseResult> {
  const groupCount = 16;
  const joiners = ids('jq', CONCURRENCY);
  await h.register(['jq_owner', ...joiners]);
  const tokens = await Promise.all(joiners.map((u) => h.tokenFor(u)));
  const groups: string[] = [];
  for (let i = 0; i < groupCount; i++) {
    const d = await h.api.ok(
      '/group/create_group',
      {
        ownerUserID: 'jq_owner',
        adminUserIDs: [],
        memberUserIDs: [],
        groupInfo: { groupID: '', groupName: `open ${i}`, groupType: 2, needVerification: 2 },
      },
      h.adminToken,
    );
    groups.push(d.groupInfo.groupID);
  }
  let joins = 0;
  let quits = 0;
  const rounds = new Array<number>(CONCURRENCY).fill(0);
  // Worker w is user w; it walks the groups round-robin, so a user never races itself.
  const { result } = await runPhase('join+quit', 'pairs/s', h.api, h.child.proc.pid, async (rec, w) => {
    const groupID = groups[(w + rounds[w]!++) % groupCount]!;
    const userID = joiners[w]!;
    const token = tokens[w]!;
    const j = await rec.call('/group/join_group', JSON.stringify({ groupID, reqMessage: '', joinSource: 3, inviterUserID: '', ex: '' }), token);
    if (j === undefined) return false;
    joins++;
    const q = await rec.call('/group/quit_group', JSON.stringify({ groupID, userID }), token);
    if (q === undefined) return false;
    quits++;
    return true;
  });
  verify(result, result.errors === 0, `every join_group and quit_group returned errCode 0 (${result.errors} errors)`);
  verify(result, joins === quits, `${joins} joins and ${quits} quits succeeded (warm-up included)`);
  const info = await h.api.ok<{ groupInfos: any[] }>('/group/get_groups_info', { groupIDs: groups }, h.adminToken);
  const counts = info.groupInfos.map((g) => g.memberCount as number);
  verify(result, counts.length === groupCount && counts.every((c) => c === 1), `after the run every group has only its owner (memberCount ${[...new Set(counts)].join(',')})`);
  let listed = 0;
  for (const groupID of groups) {
    const l = await h.api.ok('/group/get_group_member_list', { groupID, pagination: { pageNumber: 1, showNumber: 100 }, filter: 0, keyword: '' }, h.adminToken);
    if (l.total === 1 && l.members.length === 1 && l.members[0].userID === 'jq_owner') listed++;
  }
  verify(result, listed === groupCount, `member lists: ${listed}/${groupCount} groups list exactly the owner`);
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
  verify(result, result.errors === 0, `every get_group_member_list returned errCode 0 with total 200 and 200 members (${result.errors} errors)`);
  result.verification.push(`info: response data is ${bytes} bytes of JSON`);
  return result;
}

/** Server log lines at warn or above, grouped by message. */
function scanLog(file: string): { lines: number; byMessage: { level: number; msg: string; count: number; sample: string }[] } {
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
  const line = (r: string[]) => '| ' + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ') + ' |';
  return [line(rows[0]!), '|' + widths.map((w, c) => (c === 0 ? '-'.repeat(w + 1) + '-' : '-'.repeat(w + 1) + ':')).join('|') + '|', ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  const started = new Date();
  console.log(
    `huddle bench: ${os.cpus().length} CPUs, node ${process.version}, ${SECONDS}s measured + ${WARMUP}s warm-up per phase, concurrency ${CONCURRENCY}`,
  );
  const phases: PhaseResult[] = [];
  const before = await baseline('before');
  phases.push(before);

  const h = await startHuddle();
  let huddleExit: number | string | null = null;
  const huddlePhases: PhaseResult[] = [];
  try {
    if (SCENARIOS.has('create')) huddlePhases.push(await createGroupScenario(h));
    if (SCENARIOS.has('joinquit')) huddlePhases.push(await joinQuitScenario(h));
    if (SCENARIOS.has('read')) huddlePhases.push(await readScenario(h));
  } finally {
    await h.api.close();
    huddleExit = await stopChild(h.child);
  }
  phases.push(...huddlePhases);

  const after = await baseline('after');
  phases.push(after);

  const baseRate = (before.callsPerSec + after.callsPerSec) / 2;
  const baseP50 = (before.callLatencyMs.p50 + after.callLatencyMs.p50) / 2;
  for (const p of huddlePhases) p.ratioToBaseline = Math.round((p.callsPerSec / baseRate) * 1000) / 1000;
  const log = scanLog(h.child.logFile);

  const rows = [
    ['scenario', 'ops/s', 'HTTP calls/s', 'call p50 ms', 'call p99 ms', 'op p99 ms', 'calls/s ÷ baseline', 'p50 × baseline', 'errors', 'server CPU', 'server CPU ms/call', 'bench CPU', 'machine busy'],
    ...phases.map((p) => [
      p.name,
      `${fmt(p.opsPerSec)} ${p.unit}`,
      fmt(p.callsPerSec),
      fmt(p.callLatencyMs.p50, 2),
      fmt(p.callLatencyMs.p99, 2),
      fmt(p.opLatencyMs.p99, 2),
      p.ratioToBaseline === undefined ? '-' : fmt(p.ratioToBaseline, 3),
      p.name.startsWith('baseline') ? '-' : fmt(p.callLatencyMs.p50 / baseP50, 1),
      fmt(p.errors),
      p.serverCpuPct === undefined ? '-' : `${fmt(p.serverCpuPct)} %`,
      fmt(p.serverCpuMsPerCall, 3),
      `${fmt(p.benchCpuPct)} %`,
      p.machineBusyPct === undefined ? '-' : `${fmt(p.machineBusyPct)} / ${os.cpus().length * 100} %`,
    ]),
  ];
  console.log('\n' + table(rows));
  console.log(`\nbaseline (mean of before/after) = ${fmt(baseRate)} req/s; before ${fmt(before.callsPerSec)}, after ${fmt(after.callsPerSec)}`);
  for (const p of phases) {
    const paths = Object.entries(p.perPathLatencyMs);
    if (paths.length > 1) for (const [k, s] of paths) console.log(`  ${p.name}: ${k} p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms (${s.count} calls)`);
  }
  console.log('\nverification:');
  for (const p of phases) for (const v of p.verification) console.log(`  [${p.name}] ${v}`);
  for (const p of phases) for (const e of p.errorKinds) console.log(`  [${p.name}] ERROR ×${e.count} ${e.kind}: ${e.sample}`);
  console.log(`\nhuddle server: exit ${huddleExit}; ${log.lines} log lines at warn+ (HUDDLE_LOG_LEVEL=warn)`);
  for (const g of log.byMessage.slice(0, 10)) console.log(`  ×${g.count} level ${g.level} ${g.msg}: ${g.sample.slice(0, 200)}`);

  const allVerified = phases.every((p) => p.verified);
  const summary = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
    settings: { seconds: SECONDS, warmupSeconds: WARMUP, concurrency: CONCURRENCY, maxOps: MAX_OPS, client: 'undici Pool, keep-alive, pipelining 1' },
    baseline: { before: before.callsPerSec, after: after.callsPerSec, meanCallsPerSec: Math.round(baseRate), meanP50Ms: baseP50 },
    phases,
    serverLog: { linesAtWarnOrAbove: log.lines, messages: log.byMessage },
    huddleExit,
    allVerified,
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), JSON.stringify(summary, null, 2) + '\n');
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
}
