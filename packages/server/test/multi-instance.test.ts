// Several huddle instances on one PostgreSQL database (issue 4):
// - three processes started at the same moment on an empty database migrate it once and share one
//   generated admin secret;
// - a callback configuration saved on one instance takes effect on the others without a restart;
// - the README's two-instance setup (`huddle serve --no-worker` + `huddle worker`) works end to end,
//   and an API-only instance's changes reach the worker instance promptly (LISTEN/NOTIFY);
// - two `huddle serve` processes under concurrent load from both, one killed with SIGKILL mid-load:
//   every committed event arrives, in order per group, and the test reports the duplicates.
// PostgreSQL only: skipped with a visible message when it is unreachable (fails under CI=true).

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttemptNotice } from '@huddle/protocol';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type App, type AppOptions } from '../src/app.js';
import { loadConfig } from '../src/server-config.js';
import { createLogger } from '../src/logger.js';
import { Client, TEST_SECRET } from './harness.js';
import { testClock } from './clock.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './postgres.js';
import { startReceiver, writeWebhooksYaml, type ReceivedRequest } from './receiver.js';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(SERVER_DIR, '../..');
/** What `npm install` links, and the README's commands run. */
const HUDDLE_BIN = path.join(ROOT, 'node_modules', '.bin', 'huddle');
const MIGRATIONS = fs
  .readdirSync(path.join(SERVER_DIR, 'src/storage/postgres/migrations'))
  .filter((f) => f.endsWith('.sql')).length;

const withPostgres = await postgresAvailable();
if (!withPostgres)
  console.warn('*** multi-instance.test.ts: PostgreSQL is unreachable: skipping the several-instances tests ***');

let scratchDir: string | undefined;
/** A scratch directory, made on first use (a run whose filter skips every test here leaves nothing). */
const scratch = () => (scratchDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-multi-')));
const procs: Proc[] = [];
const databases: TestDatabase[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const p of procs) p.killGroup('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  for (const c of cleanups.reverse()) await c().catch(() => {});
  for (const db of databases) await db.drop();
  if (scratchDir) fs.rmSync(scratchDir, { recursive: true, force: true });
}, 180_000);

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

interface Proc {
  child: ChildProcess;
  output(): string;
  url: string;
  client: Client;
  /** Fields of the "listening" log line. */
  listening: Record<string, unknown>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signals the process group (huddle, and anything it might have started). */
  killGroup(signal: NodeJS.Signals): void;
}

/** Environment without any HUDDLE_* variable of the caller's. */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HUDDLE_')));
}

/**
 * Starts `node_modules/.bin/huddle <args>` in a process group of its own and waits for its
 * "listening" line. It runs from a scratch directory unless `cwd` says otherwise: the command works
 * from anywhere.
 */
async function huddle(
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; wait?: boolean } = {},
): Promise<Proc> {
  const child = spawn(HUDDLE_BIN, args, {
    cwd: options.cwd ?? scratch(),
    env: { ...baseEnv(), HUDDLE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const proc: Proc = {
    child,
    output: () => out,
    url: '',
    client: undefined as unknown as Client,
    listening: {},
    exited,
    killGroup(signal) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    },
  };
  procs.push(proc);
  if (options.wait === false) return proc;
  await waitListening(proc);
  return proc;
}

/** `n` servers in this process on one database, each with a client; closed after the suite. */
async function inProcessInstances(
  n: number,
  database: string,
  env: Record<string, string> = {},
  options: AppOptions = {},
): Promise<{ apps: App[]; clients: Client[] }> {
  const apps: App[] = [];
  const clients: Client[] = [];
  cleanups.push(async () => {
    for (const c of clients) await c.close();
    for (const a of apps) await a.close();
  });
  for (let i = 0; i < n; i++) {
    const app = await createApp(
      loadConfig({
        HUDDLE_DATABASE: database,
        HUDDLE_PORT: '0',
        HUDDLE_GATEWAY_PORT: '0',
        HUDDLE_SECRET: TEST_SECRET,
        ...env,
      }),
      createLogger('silent'),
      options,
    );
    apps.push(app);
    const { port } = await app.listen();
    clients.push(new Client(`http://127.0.0.1:${port}`));
  }
  return { apps, clients };
}

/** GET /callback/live as the console reads it: the `attempt` events, as they arrive. */
async function openLiveStream(baseURL: string, token: string): Promise<{ notices: AttemptNotice[]; close(): void }> {
  const notices: AttemptNotice[] = [];
  const req = http.get(`${baseURL}/callback/live`, { headers: { token } });
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    req.once('response', resolve).once('error', reject),
  );
  expect(res.statusCode).toBe(200);
  let buffered = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = /^event: attempt\ndata: (.*)$/m.exec(frame)?.[1];
      if (data) notices.push(JSON.parse(data) as AttemptNotice);
    }
  });
  res.on('error', () => {});
  return { notices, close: () => req.destroy() };
}

async function waitListening(proc: Proc): Promise<void> {
  const until = Date.now() + 30_000;
  let line: string | undefined;
  while (
    !(line = proc
      .output()
      .split('\n')
      .find((l) => /listening on http:\/\/127\.0\.0\.1:\d+/.test(l)))
  ) {
    if (Date.now() > until || proc.child.exitCode !== null) throw new Error(`huddle did not start: ${proc.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  proc.listening = JSON.parse(line) as Record<string, unknown>;
  proc.url = `http://127.0.0.1:${/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line)![1]}`;
  proc.client = new Client(proc.url);
  cleanups.push(() => proc.client.close());
}

async function stop(proc: Proc): Promise<void> {
  proc.child.kill('SIGTERM');
  const { code } = await proc.exited;
  expect(code, proc.output()).toBe(0);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function eventually(predicate: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const HOUR = 3_600_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const unique = (rs: ReceivedRequest[]) => [...new Map(rs.map((r) => [r.headers['webhook-id'] as string, r])).values()];

// Each test has a database, receiver and instances of its own: all but the load test run side by
// side (mostly they wait on PostgreSQL and on processes starting); the load test runs alone after.
describe.skipIf(!withPostgres)('several instances on one PostgreSQL database', () => {
  it.concurrent('three instances started at once on an empty database migrate it once and share one generated secret', async () => {
    const db = await database();
    const env = { HUDDLE_DATABASE: db.url, HUDDLE_PORT: '0', HUDDLE_GATEWAY_PORT: '0' }; // no HUDDLE_SECRET: generated, in the database
    const three = await Promise.all([0, 1, 2].map(() => huddle(['serve'], env, { wait: false })));
    await Promise.all(three.map(waitListening));

    const migrations = await query<{ version: number }>(
      db.url,
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(migrations.map((m) => m.version)).toEqual(Array.from({ length: MIGRATIONS }, (_, i) => i + 1));
    const [stored] = await query<{ value: string }>(db.url, "SELECT value FROM settings WHERE key = 'admin_secret'");
    expect(stored!.value.length).toBeGreaterThanOrEqual(32);
    // Exactly one generated it; every one says where it is, none prints it.
    expect(three.filter((p) => p.output().includes('generated an admin secret'))).toHaveLength(1);
    for (const p of three) {
      expect(p.output()).toContain("SELECT value FROM settings WHERE key = 'admin_secret'");
      expect(p.output()).not.toContain(stored!.value);
      expect(
        p
          .output()
          .split('\n')
          .filter((l) => l.includes('listening')),
      ).toHaveLength(1);
    }
    // A token from one instance is good on the others.
    const { token } = await three[0]!.client.ok('/auth/get_admin_token', { secret: stored!.value, userID: 'imAdmin' });
    for (const p of three)
      expect((await p.client.post('/user/get_users_info', { userIDs: ['imAdmin'] }, token)).errCode).toBe(0);
    const admins = await query<{ n: number }>(db.url, "SELECT COUNT(*)::int AS n FROM users WHERE user_id = 'imAdmin'");
    expect(admins[0]!.n).toBe(1);
    await Promise.all(three.map(stop));
  }, 180_000);

  it.concurrent("a user's write limit holds across instances, however the writes are spread", async () => {
    const db = await database();
    const LIMIT = 20;
    // Both instances read one clock that stands still: nothing refills during the burst.
    const clock = testClock();
    const { clients } = await inProcessInstances(
      2,
      db.url,
      { HUDDLE_RATE_LIMIT_WRITES_PER_MINUTE: String(LIMIT) },
      { now: clock.now },
    );
    const { token: admin } = await clients[0]!.ok('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' });
    await clients[0]!.ok('/user/user_register', { users: [{ userID: 'writer', nickname: 'w' }] }, admin);
    const { token } = await clients[0]!.ok('/auth/get_user_token', { userID: 'writer', platformID: 5 }, admin);
    // Alternating between the instances, as a load balancer would: the limit counts once.
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 6; i++) {
      const res = await clients[i % 2]!.raw(
        '/user/update_user_info_ex',
        { userInfo: { userID: 'writer', nickname: `w${i}` } },
        { token },
      );
      statuses.push(res.status);
    }
    expect(statuses.filter((st) => st === 200)).toHaveLength(LIMIT);
    expect(statuses.slice(LIMIT)).toEqual(Array(6).fill(429));
  }, 180_000);

  it.concurrent('a callback configuration saved on one instance takes effect on the others without a restart', async () => {
    const db = await database();
    const rx = await startReceiver();
    cleanups.push(() => rx.close());
    // No periodic re-read within the test: only the signal can carry the change to B.
    const { apps, clients } = await inProcessInstances(2, db.url, {}, { settingsPollMs: HOUR });
    const [a, b] = clients as [Client, Client];
    const { token } = await a.ok('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' });
    await a.ok(
      '/user/user_register',
      {
        users: [
          { userID: 'owner', nickname: 'o' },
          { userID: 'u1', nickname: 'u1' },
        ],
      },
      token,
    );
    await a.ok(
      '/group/create_group',
      { ownerUserID: 'owner', groupInfo: { groupID: 'g1', groupType: 2, needVerification: 2 } },
      token,
    );

    // Saved on A; B runs it moments later (signalled), with no restart.
    const config = {
      url: rx.url,
      deliveryConcurrency: 7,
      afterMemberJoinGroup: { enable: true, timeout: 2 },
      afterQuitGroup: { enable: true, timeout: 2 },
    };
    let appliedOnB: number | undefined;
    apps[1]!.callbackConfig.onChange(() => (appliedOnB ??= performance.now()));
    await a.ok('/callback/set_config', { config }, token);
    const answered = performance.now();
    await eventually(
      async () => (await b.ok('/callback/get_config', {}, token)).config.url === rx.url,
      30_000,
      'B to run the configuration saved on A',
    );
    const delay = Math.round(Math.max(0, appliedOnB! - answered));
    expect(apps[1]!.callbackConfig.config.deliveryConcurrency).toBe(7);
    expect((await b.ok('/callback/get_config', {}, token)).source).toBe('api');
    console.log(`shared configuration: saved on A, applied on B ${delay} ms after A answered (LISTEN/NOTIFY)`);

    // B now enqueues with it, and the callbacks arrive.
    await b.ok('/group/join_group', { groupID: 'g1', joinSource: 1, inviterUserID: 'u1' }, token);
    await b.ok('/group/quit_group', { groupID: 'g1', userID: 'u1' }, token);
    const got = await rx.waitForCount(2, undefined, 30_000);
    expect(got.map((r) => r.command)).toEqual(['callbackAfterMemberJoinGroupCommand', 'callbackAfterQuitGroupCommand']);
  }, 180_000);

  it.concurrent("a configuration written behind every instance's back is picked up by the periodic re-read", async () => {
    const db = await database();
    const rx = await startReceiver();
    cleanups.push(() => rx.close());
    const { apps, clients } = await inProcessInstances(2, db.url, {}, { settingsPollMs: 100 });
    const { token } = await clients[0]!.ok('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' });
    await clients[0]!.ok(
      '/callback/set_config',
      { config: { url: rx.url, deliveryConcurrency: 7, afterMemberJoinGroup: { enable: true, timeout: 2 } } },
      token,
    );
    await eventually(
      () => apps.every((app) => app.callbackConfig.config.deliveryConcurrency === 7),
      30_000,
      'both instances to run the saved configuration',
    );

    // No signal, and an older timestamp, as from a machine whose clock is behind.
    const older = { url: rx.url, deliveryConcurrency: 3, afterQuitGroup: { enable: true, timeout: 2 } };
    const [row] = await query<{ value: string }>(db.url, "SELECT value FROM settings WHERE key = 'webhooks'");
    const doc = {
      ...JSON.parse(row!.value),
      ...older,
      afterMemberJoinGroup: { ...JSON.parse(row!.value).afterMemberJoinGroup, enable: false },
    };
    await query(db.url, "UPDATE settings SET value = $1, updated_at = 1 WHERE key = 'webhooks'", [JSON.stringify(doc)]);
    await eventually(
      () => apps.every((app) => app.callbackConfig.config.deliveryConcurrency === 3),
      30_000,
      'both instances to re-read the configuration',
    );
    expect(apps.every((app) => !app.callbackConfig.config.endpoints[0]!.hooks.afterMemberJoinGroup.enable)).toBe(true);
  }, 180_000);

  it.concurrent("an API-only instance's changes wake a worker-only instance (LISTEN/NOTIFY), not its poll", async () => {
    const db = await database();
    const rx = await startReceiver();
    cleanups.push(() => rx.close());
    const { clients } = await inProcessInstances(1, db.url, {}, { role: { worker: false } });
    const api = clients[0]!;
    const { token } = await api.ok('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' });
    await api.ok(
      '/user/user_register',
      {
        users: [
          { userID: 'owner', nickname: 'o' },
          { userID: 'u1', nickname: 'u1' },
        ],
      },
      token,
    );
    await api.ok(
      '/group/create_group',
      { ownerUserID: 'owner', groupInfo: { groupID: 'g1', groupType: 2, needVerification: 2 } },
      token,
    );
    await api.ok(
      '/callback/set_config',
      {
        config: {
          url: rx.url,
          afterMemberJoinGroup: { enable: true, timeout: 2 },
          afterQuitGroup: { enable: true, timeout: 2 },
        },
      },
      token,
    );
    // The worker looks for due callbacks once at start, then only when woken: an hour's idle poll.
    await inProcessInstances(1, db.url, {}, { role: { api: false }, worker: { idlePollMs: HOUR } });
    for (let i = 0; i < 6; i++) {
      if (i % 2 === 0) await api.ok('/group/join_group', { groupID: 'g1', joinSource: 1, inviterUserID: 'u1' }, token);
      else await api.ok('/group/quit_group', { groupID: 'g1', userID: 'u1' }, token);
      await rx.waitForCount(i + 1, undefined, 30_000);
    }
    expect(rx.requests().map((r) => r.command)).toEqual(
      Array.from({ length: 6 }, (_, i) =>
        i % 2 === 0 ? 'callbackAfterMemberJoinGroupCommand' : 'callbackAfterQuitGroupCommand',
      ),
    );
  }, 180_000);

  it.concurrent("runs the README's two-instance setup: huddle serve --no-worker and huddle worker", async () => {
    const db = await database();
    const rx = await startReceiver();
    cleanups.push(() => rx.close());
    const webhooks = writeWebhooksYaml(path.join(scratch(), 'readme'), {
      url: rx.url,
      hooks: { afterMemberJoinGroup: { enable: true, timeout: 5 }, afterQuitGroup: { enable: true, timeout: 5 } },
    });
    // As in the README (run from the checkout), with free ports instead of 10002 and 10003.
    const env = { HUDDLE_DATABASE: db.url, HUDDLE_SECRET: TEST_SECRET, HUDDLE_CALLBACKS: webhooks };
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const api = await huddle(['serve', '--no-worker', '--port', String(apiPort)], env, { cwd: ROOT });
    const worker = await huddle(['worker', '--port', String(workerPort)], env, { cwd: ROOT });
    expect(api.listening.role).toBe('serve --no-worker');
    expect(worker.listening.role).toBe('worker');
    expect(worker.url).toBe(`http://127.0.0.1:${workerPort}`);

    // The worker instance answers /healthz and /metrics, and nothing of the API.
    expect((await worker.client.raw('/healthz', undefined, { method: 'GET', operationID: null })).status).toBe(200);
    const metrics = await worker.client.raw('/metrics', undefined, { method: 'GET', operationID: null });
    expect(metrics.text).toContain('huddle_callback_in_flight');
    const refused = await worker.client.raw('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' });
    expect(refused.status).toBe(404);

    const { token } = await api.client.ok('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' });
    await api.client.ok(
      '/user/user_register',
      {
        users: [
          { userID: 'owner', nickname: 'o' },
          { userID: 'u1', nickname: 'u1' },
          { userID: 'w', nickname: 'w' },
        ],
      },
      token,
    );
    await api.client.ok(
      '/group/create_group',
      { ownerUserID: 'owner', groupInfo: { groupID: 'g1', groupType: 2, needVerification: 2 } },
      token,
    );
    await api.client.ok(
      '/group/create_group',
      { ownerUserID: 'owner', groupInfo: { groupID: 'warm', groupType: 2, needVerification: 2 } },
      token,
    );

    // The console's live view on the API instance shows the attempts the worker instance makes.
    // The worker forwards them once it has heard that someone watches: warm up until one arrives.
    const live = await openLiveStream(api.url, token);
    cleanups.push(async () => live.close());
    const relayed = () => live.notices.some((n) => n.groupID === 'warm');
    for (let i = 0; !relayed(); i++) {
      expect(i, 'a relayed attempt within 100 tries').toBeLessThan(100);
      await api.client.ok(
        i % 2 === 0 ? '/group/join_group' : '/group/quit_group',
        i % 2 === 0 ? { groupID: 'warm', joinSource: 1, inviterUserID: 'w' } : { groupID: 'warm', userID: 'w' },
        token,
      );
      // Up to half a second for this try's attempt to come through, then another try.
      const until = Date.now() + 500;
      while (!relayed() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    }

    // One change at a time, the worker idle in between: how long from the API's answer to the
    // business server's receipt, across instances.
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const op = i % 2 === 0 ? '/group/join_group' : '/group/quit_group';
      const body =
        i % 2 === 0 ? { groupID: 'g1', joinSource: 1, inviterUserID: 'u1' } : { groupID: 'g1', userID: 'u1' };
      await api.client.ok(op, body, token);
      const answered = Date.now();
      const [req] = (await rx.waitForCount(i + 1, (r) => r.body?.groupID === 'g1', 30_000)).slice(i);
      delays.push(req!.receivedAt - answered);
      await new Promise((r) => setTimeout(r, 100 + (i % 5) * 60));
    }
    const commands = rx
      .requests()
      .filter((r) => r.body?.groupID === 'g1')
      .map((r) => r.command);
    expect(commands).toEqual(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0 ? 'callbackAfterMemberJoinGroupCommand' : 'callbackAfterQuitGroupCommand',
      ),
    );
    const sorted = [...delays].sort((x, y) => x - y);
    console.log(
      `two-instance setup: API answer -> receiver, worker on another instance: median ${median(delays)} ms, max ${sorted.at(-1)} ms over ${delays.length} changes (idle poll would be up to 1000 ms)`,
    );
    // That these are signalled, not found by the poll, is the worker-only instance test's (above).
    // Every one of those deliveries appeared on the API instance's live stream, as delivered.
    const g1IDs = rx
      .requests()
      .filter((r) => r.body?.groupID === 'g1')
      .map((r) => r.headers['webhook-id']);
    await eventually(
      () => g1IDs.every((id) => live.notices.some((n) => n.eventID === id && n.outcome === 'delivered')),
      10_000,
      'the live stream to show every g1 delivery',
    );

    await stop(api);
    await stop(worker);
  }, 180_000);

  it('two serve instances under load from both, one killed with SIGKILL: every committed event arrives, in order per group', async () => {
    const db = await database();
    const rx = await startReceiver();
    cleanups.push(() => rx.close());
    rx.answer('*', { delayMs: 20 }); // a slow business server, so a backlog is pending at the kill
    const concurrency = 4;
    const webhooks = writeWebhooksYaml(path.join(scratch(), 'kill'), {
      url: rx.url,
      retrySchedule: [0.05, 0.1, 0.2],
      deliveryConcurrency: concurrency,
      hooks: { afterMemberJoinGroup: { enable: true, timeout: 2 }, afterQuitGroup: { enable: true, timeout: 2 } },
    });
    // Leases last 2 s (timeout) + 2 s (margin): the dead instance's groups wait 4 s, then move.
    const env = {
      HUDDLE_DATABASE: db.url,
      HUDDLE_SECRET: TEST_SECRET,
      HUDDLE_CALLBACKS: webhooks,
      HUDDLE_PORT: '0',
      HUDDLE_GATEWAY_PORT: '0',
      HUDDLE_LEASE_MARGIN_SECONDS: '2',
    };
    const [a, b] = await Promise.all([huddle(['serve'], env), huddle(['serve'], env)]);
    const { token } = await a.client.ok('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' });
    const users = Array.from({ length: 12 }, (_, i) => `u${i}`);
    const groups = Array.from({ length: 6 }, (_, i) => `g${i}`);
    await a.client.ok(
      '/user/user_register',
      { users: [{ userID: 'owner', nickname: 'o' }, ...users.map((u) => ({ userID: u, nickname: u }))] },
      token,
    );
    for (const g of groups)
      await b.client.ok(
        '/group/create_group',
        { ownerUserID: 'owner', groupInfo: { groupID: g, groupType: 2, needVerification: 2 } },
        token,
      );

    // Every user alternates join and quit, spread over the groups; joins and quits of one group
    // and user go through both instances. After the kill everything goes to A.
    const acknowledged: { op: 'join' | 'quit'; groupID: string; userID: string; via: 'A' | 'B' }[] = [];
    let alive: [Proc, 'A' | 'B'][] = [
      [a, 'A'],
      [b, 'B'],
    ];
    let done = false;
    const load = users.map(async (u, ui) => {
      for (let round = 0; !done; round++) {
        const groupID = groups[(ui + round) % groups.length]!;
        for (const [k, op] of (['join', 'quit'] as const).entries()) {
          const [proc, via] = alive[(ui + round + k) % alive.length]!;
          const body = op === 'join' ? { groupID, joinSource: 1, inviterUserID: u } : { groupID, userID: u };
          try {
            const res = await proc.client.post(`/group/${op === 'join' ? 'join_group' : 'quit_group'}`, body, token);
            if (res.errCode === 0) acknowledged.push({ op, groupID, userID: u, via });
          } catch {
            // the connection died with the instance: not acknowledged
          }
          if (done) return;
        }
      }
    });
    await eventually(() => acknowledged.length >= 250, 30_000, '250 acknowledged changes');
    b.killGroup('SIGKILL');
    const killedAt = Date.now();
    alive = [[a, 'A']];
    expect((await b.exited).signal).toBe('SIGKILL');
    const ackedAtKill = acknowledged.length;
    const receivedAtKill = new Set(rx.requests().map((r) => r.headers['webhook-id'] as string));
    const leased = await query<{ id: string }>(
      db.url,
      "SELECT id FROM webhook_events WHERE status = 'pending' AND locked_by = $1",
      [b.listening.workerID],
    );
    const leasedByB = leased.length;
    const leasedAndReceived = leased.filter((e) => receivedAtKill.has(e.id)).length;
    const pendingAtKill = (
      await query<{ n: number }>(db.url, "SELECT COUNT(*)::int AS n FROM webhook_events WHERE status = 'pending'")
    )[0]!.n;
    // The load goes on against A for a while.
    await eventually(() => acknowledged.length >= ackedAtKill + 150, 30_000, '150 more acknowledged changes');
    done = true;
    await Promise.all(load);

    // Every committed event (a superset of the acknowledged changes': a change B committed but could
    // not answer counts too) arrives at least once.
    const committed = await query<{ id: string }>(db.url, 'SELECT id FROM webhook_events');
    const ids = new Set(committed.map((e) => e.id));
    await rx.waitFor((rs) => new Set(rs.map((r) => r.headers['webhook-id'] as string)).size >= ids.size, 30_000);
    const allDeliveredAfterKillMs = Date.now() - killedAt;
    await eventually(
      async () =>
        (
          await query<{ n: number }>(
            db.url,
            "SELECT COUNT(*)::int AS n FROM webhook_events WHERE status <> 'delivered'",
          )
        )[0]!.n === 0,
      10_000,
      'every event recorded as delivered',
    );
    const delivered = rx.requests();
    const firsts = unique(delivered);
    expect(new Set(firsts.map((r) => r.headers['webhook-id'] as string))).toEqual(ids);

    // Every acknowledged change is among them.
    const key = (r: { op: string; groupID: string; userID: string }) => `${r.op}:${r.groupID}:${r.userID}`;
    const asChange = (r: ReceivedRequest) => ({
      op: r.command === 'callbackAfterQuitGroupCommand' ? 'quit' : 'join',
      groupID: r.body.groupID as string,
      userID: r.body.userID as string,
    });
    const seen = new Map<string, number>();
    for (const r of firsts) seen.set(key(asChange(r)), (seen.get(key(asChange(r))) ?? 0) + 1);
    const need = new Map<string, number>();
    for (const c of acknowledged) need.set(key(c), (need.get(key(c)) ?? 0) + 1);
    for (const [k, n] of need) expect(seen.get(k) ?? 0, k).toBeGreaterThanOrEqual(n);

    // Order per group: first arrivals follow the commit order (seq), and per group and user joins
    // and quits alternate, starting with a join.
    const order = await query<{ id: string; ordering_key: string }>(
      db.url,
      'SELECT id, ordering_key FROM webhook_events ORDER BY seq',
    );
    for (const g of groups) {
      const expected = order.filter((e) => e.ordering_key === g).map((e) => e.id);
      const arrived = firsts.filter((r) => r.body.groupID === g).map((r) => r.headers['webhook-id']);
      expect(arrived, `group ${g}`).toEqual(expected);
      for (const u of users) {
        const story = firsts.filter((r) => r.body.groupID === g && r.body.userID === u).map((r) => asChange(r).op);
        story.forEach((op, i) => expect(op, `${g}/${u} event ${i}`).toBe(i % 2 === 0 ? 'join' : 'quit'));
      }
    }

    // Only what B had in flight when it died can arrive twice.
    const duplicates = delivered.length - firsts.length;
    const viaB = acknowledged.filter((c) => c.via === 'B').length;
    console.log(
      `multi-instance kill test: ${acknowledged.length} acknowledged changes (${acknowledged.length - viaB} via A, ${viaB} via B), ` +
        `${ackedAtKill} before the SIGKILL; at the kill ${pendingAtKill} events pending, ${leasedByB} leased by the killed instance (${leasedAndReceived} of them already received); ` +
        `${ids.size} committed events, ${firsts.length} delivered (all, ${allDeliveredAfterKillMs} ms after the kill), ${duplicates} duplicate deliveries`,
    );
    expect(pendingAtKill).toBeGreaterThan(0);
    expect(duplicates).toBeLessThanOrEqual(concurrency);
    await stop(a);
  }, 180_000);
});
