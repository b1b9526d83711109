// `npm run soak`: crash and soak run, not part of CI. A huddle process on a SQLite file (or, with
// SOAK_ENGINE=postgres, a fresh PostgreSQL database) takes writes
// from concurrent clients while it is killed with SIGKILL at random moments (and restarted on the
// same database) and the business server is down for a stretch of the run. Afterwards:
// - lost events: every acknowledged change has its outbox events, and every outbox event reached the
//   business server (distinct webhook-ids), none dead-lettered;
// - duplicates: deliveries beyond the first of a webhook-id (expected after a kill, never lost);
// - order: per group, the business server first saw the events in commit order;
// - invariants: the group invariants and the outbox's story against the tables (db-invariants.ts);
// - memory: the server's resident set, sampled every few seconds, for each process lifetime.
// It prints the figures and exits 1 when any check fails.
//
// Environment: SOAK_OPS (operations, default 5000), SOAK_MINUTES (run for this long instead of a
// number of operations), SOAK_KILLS (SIGKILLs spread over the run, default 5), SOAK_OUTAGE (the
// fraction of the run the business server is down, default 0.2), SOAK_CLIENTS (concurrent callers,
// default 8), SOAK_GROUPS (groups the writes spread over, default 100), SOAK_SEED, SOAK_ENGINE
// (sqlite or postgres; PostgreSQL at HUDDLE_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CALLBACK_KEYS, CALLBACKS } from '@huddle/protocol';
import { groupViolations, messageViolations, outboxViolations } from './db-invariants.js';
import { queryDatabase, TEST_SECRET, type Client } from './harness.js';
import { createTestDatabase } from './postgres.js';
import { startReceiver, writeWebhooksYaml } from './receiver.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const OPS = Number(process.env.SOAK_OPS ?? 5000);
const MINUTES = process.env.SOAK_MINUTES ? Number(process.env.SOAK_MINUTES) : undefined;
const KILLS = Number(process.env.SOAK_KILLS ?? 5);
const OUTAGE = Number(process.env.SOAK_OUTAGE ?? 0.2);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 8);
let seed = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
const SEED = seed;

/** mulberry32, so a run can be repeated with SOAK_SEED. */
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-soak-'));
const ENGINE = process.env.SOAK_ENGINE ?? 'sqlite';
if (ENGINE !== 'sqlite' && ENGINE !== 'postgres')
  throw new Error(`SOAK_ENGINE must be sqlite or postgres, not ${ENGINE}`);
const pgDatabase = ENGINE === 'postgres' ? await createTestDatabase('soak') : undefined;
const database = pgDatabase?.url ?? path.join(dir, 'huddle.db');
const query = <T>(sql: string) => queryDatabase<T>(database, sql);
const USERS = Array.from({ length: 40 }, (_, i) => `s${i}`);
const GROUPS = Array.from({ length: Number(process.env.SOAK_GROUPS ?? 100) }, (_, i) => `sg${i}`);

// ---------------------------------------------------------------------------------------------
// The server, killed and restarted

const rx = await startReceiver();
// Enough retries to outlast the outage and the restarts: nothing may end dead.
const webhooks = writeWebhooksYaml(dir, {
  url: rx.url,
  retrySchedule: [0.2, 0.5, 1, 2, 4, 8, 15, 30, 60, 60, 60, 60],
  hooks: Object.fromEntries(
    CALLBACK_KEYS.filter((k) => CALLBACKS[k].phase === 'after').map((k) => [k, { enable: true, timeout: 2 }]),
  ),
});
let server: ServerProcess = await start();
let admin = '';

async function start(): Promise<ServerProcess> {
  // PostgreSQL keeps a killed instance's leases until they run out (another instance could still
  // be alive): a short margin, so the restarted one takes them over within seconds.
  const pg: Record<string, string> = pgDatabase ? { HUDDLE_LEASE_MARGIN_SECONDS: '2' } : {};
  return startServerProcess({
    HUDDLE_DATABASE: database,
    HUDDLE_SECRET: TEST_SECRET,
    HUDDLE_CALLBACKS: webhooks,
    HUDDLE_LOG_LEVEL: 'info',
    ...pg,
  });
}

/** Resident set of the server process, in MiB (Linux). */
function rssMiB(pid: number | undefined): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** One array of samples per process lifetime. */
const memory: { at: number; mib: number }[][] = [[]];
const sampler = setInterval(() => {
  const mib = rssMiB(server.child.pid);
  if (mib !== undefined) memory.at(-1)!.push({ at: Date.now(), mib });
}, 5000);

let restarting: Promise<void> | undefined;
let kills = 0;
async function killAndRestart(): Promise<void> {
  const dead = server;
  dead.child.kill('SIGKILL');
  await dead.exited;
  await dead.client.close().catch(() => {});
  kills++;
  server = await start();
  memory.push([]);
}

// ---------------------------------------------------------------------------------------------
// The load

const acknowledged = new Map<string, string>(); // operationID -> path
let tried = 0;
let unknown = 0; // the connection died with the process: committed or not, nobody knows
let refused = 0;
let opSeq = 0;

/** One random change that always changes something when it succeeds (so it always has events). */
function operation(): [string, Record<string, unknown>] {
  const groupID = pick(GROUPS);
  const user = pick(USERS);
  const n = ++opSeq;
  return pick<() => [string, Record<string, unknown>]>([
    () => ['/group/join_group', { groupID, joinSource: 1, inviterUserID: user }],
    () => ['/group/join_group', { groupID, joinSource: 1, inviterUserID: user }],
    () => ['/group/quit_group', { groupID, userID: user }],
    () => [
      '/group/invite_user_to_group',
      { groupID, invitedUserIDs: [user, pick(USERS)].filter((u, i, a) => a.indexOf(u) === i) },
    ],
    () => ['/group/kick_group', { groupID, kickedUserIDs: [user] }],
    () => [
      '/group/set_group_member_info',
      { members: [{ groupID, userID: user, nickname: `n${n}`, roleLevel: pick([20, 60]) }] },
    ],
    () => ['/group/set_group_info_ex', { groupID, introduction: `intro ${n}` }],
  ])();
}

/** The current server's client, waiting out a restart. */
async function client(): Promise<Client> {
  if (restarting) await restarting;
  return server.client;
}

async function call(path: string, body: unknown): Promise<void> {
  tried++;
  const c = await client();
  const operationID = `soak-${tried}-${Math.floor(rnd() * 1e9)}`;
  let res: Awaited<ReturnType<typeof c.raw>>;
  try {
    res = await c.raw(path, body, { token: admin, operationID });
  } catch {
    unknown++;
    return;
  }
  if (res.status !== 200 || res.body?.errCode === 500) throw new Error(`${path} answered ${res.status}: ${res.text}`);
  if (res.body.errCode === 0) acknowledged.set(operationID, path);
  else refused++;
}

const started = Date.now();
const endAt = MINUTES !== undefined ? started + MINUTES * 60_000 : undefined;
const done = () => (endAt !== undefined ? Date.now() >= endAt : tried >= OPS);
const progress = () => (endAt !== undefined ? (Date.now() - started) / (endAt - started) : tried / OPS);

console.log(
  `soak: seed ${SEED}, ${MINUTES !== undefined ? `${MINUTES} min` : `${OPS} operations`}, ${KILLS} SIGKILLs, business server down ${OUTAGE * 100}% of the run, ${CLIENTS} clients, ${GROUPS.length} groups; data in ${dir}`,
);
admin = (await server.client.ok('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' })).token;
await server.client.ok('/user/user_register', { users: USERS.map((userID) => ({ userID, nickname: userID })) }, admin);
for (const groupID of GROUPS) {
  await server.client.ok(
    '/group/create_group',
    { ownerUserID: USERS[0], groupInfo: { groupID, groupName: groupID, groupType: 2, needVerification: 2 } },
    admin,
  );
}

// Kills at random moments, spread over the run; the outage in the middle.
const killPoints = Array.from({ length: KILLS }, (_, i) => (i + 0.2 + rnd() * 0.6) / KILLS).sort();
const outageFrom = 0.4 - OUTAGE / 2;
let outage = 'before' as 'before' | 'down' | 'after';
const chaos = setInterval(() => {
  const p = progress();
  if (killPoints.length > 0 && p >= killPoints[0]! && !restarting) {
    killPoints.shift();
    restarting = killAndRestart().finally(() => (restarting = undefined));
  }
  if (outage === 'before' && p >= outageFrom && OUTAGE > 0) {
    outage = 'down';
    void rx.down();
  } else if (outage === 'down' && p >= outageFrom + OUTAGE) {
    outage = 'after';
    void rx.up();
  }
}, 20);

await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    while (!done()) await call(...operation());
  }),
);
clearInterval(chaos);
if (restarting) await restarting;
if (outage === 'down') await rx.up();
const loadSeconds = (Date.now() - started) / 1000;

// ---------------------------------------------------------------------------------------------
// Settling and the checks

console.log(`soak: load done in ${loadSeconds.toFixed(0)} s; waiting for the outbox to drain`);
// A backlog drains one event per group at a time: wait as long as it shrinks, give up after a minute
// without progress (what is left then counts as lost).
const settle = Date.now();
let progressAt = Date.now();
let left = Infinity;
for (;;) {
  const [row] = await query<{ n: number }>(
    "SELECT CAST(COUNT(*) AS INTEGER) AS n FROM webhook_events WHERE status = 'pending'",
  );
  if (row!.n === 0) break;
  if (row!.n < left) [left, progressAt] = [row!.n, Date.now()];
  if (Date.now() - progressAt > 60_000) break;
  await new Promise((r) => setTimeout(r, 500));
}
const drainSeconds = (Date.now() - settle) / 1000;
clearInterval(sampler);

const events = await query<{ id: string; operation_id: string; ordering_key: string; status: string }>(
  'SELECT id, operation_id, ordering_key, status FROM webhook_events ORDER BY seq',
);
const received = rx.requests();
const firstSeen = new Map<string, number>();
received.forEach((r, i) => {
  const id = r.headers['webhook-id'] as string;
  if (!firstSeen.has(id)) firstSeen.set(id, i);
});
const withEvents = new Set(events.map((e) => e.operation_id));
const ackWithoutEvents = [...acknowledged.keys()].filter((op) => !withEvents.has(op));
const undelivered = events.filter((e) => !firstSeen.has(e.id));
const dead = events.filter((e) => e.status === 'dead').length;
const outOfOrder: string[] = [];
for (const groupID of GROUPS) {
  const committed = events.filter((e) => e.ordering_key === groupID).map((e) => e.id);
  const seen = [...committed].sort((a, b) => firstSeen.get(a)! - firstSeen.get(b)!);
  if (committed.join() !== seen.join()) outOfOrder.push(groupID);
}
const violations = [
  ...(await groupViolations(query)),
  ...(await outboxViolations(query)),
  ...(await messageViolations(query)),
];

/** Growth of the resident set over the longest process lifetime, past its first minute of warm-up. */
const longest = [...memory].sort((a, b) => b.length - a.length)[0] ?? [];
const steady = longest.filter((s) => s.at - (longest[0]?.at ?? 0) >= 60_000);
const third = Math.floor(steady.length / 3);
const avg = (xs: { mib: number }[]) => xs.reduce((a, s) => a + s.mib, 0) / Math.max(1, xs.length);
const memoryGrowth = third > 0 ? avg(steady.slice(-third)) - avg(steady.slice(0, third)) : undefined;
const peak = Math.max(0, ...memory.flat().map((s) => s.mib));

const figures = {
  seed: SEED,
  loadSeconds: Math.round(loadSeconds),
  drainSeconds: Math.round(drainSeconds),
  requestsTried: tried,
  acknowledged: acknowledged.size,
  refused,
  unknownOutcome: unknown,
  sigkills: kills,
  engine: ENGINE,
  businessServerOutage: OUTAGE > 0,
  events: events.length,
  deliveries: received.length,
  duplicates: received.length - firstSeen.size,
  lostEvents: ackWithoutEvents.length + undelivered.length,
  deadEvents: dead,
  groupsOutOfOrder: outOfOrder.length,
  invariantViolations: violations.length,
  rssPeakMiB: Math.round(peak),
  rssGrowthMiB: memoryGrowth === undefined ? 'n/a (run under 2 min per process)' : Math.round(memoryGrowth * 10) / 10,
  rssSamplesLongestLife: longest.map((s) => Math.round(s.mib)),
};
console.log(JSON.stringify(figures, null, 2));
for (const v of violations.slice(0, 20)) console.log(`violation: ${v}`);
if (ackWithoutEvents.length > 0)
  console.log(`acknowledged without events: ${ackWithoutEvents.slice(0, 10).join(', ')}`);
if (undelivered.length > 0)
  console.log(
    `never delivered: ${undelivered
      .slice(0, 10)
      .map((e) => e.id)
      .join(', ')}`,
  );

server.child.kill('SIGTERM');
await server.exited;
await server.client.close();
await rx.close();
const failed = figures.lostEvents > 0 || dead > 0 || outOfOrder.length > 0 || violations.length > 0;
if (!failed) {
  fs.rmSync(dir, { recursive: true, force: true });
  await pgDatabase?.drop();
}
console.log(failed ? `soak: FAILED (data kept in ${pgDatabase ? database : dir})` : `soak: clean (${ENGINE})`);
process.exit(failed ? 1 : 0);
