// Property-based fuzzing (fast-check) of every API path: runs of valid operations by random callers
// on random groups, interleaved with mutated ones (a field dropped, a wrong JSON type, huge or exotic
// unicode strings, extra or re-cased keys, a body that is not an object or not JSON, bad tokens,
// other users' groups), some sent concurrently. After every run: no HTTP 5xx or errCode 500, every
// refusal a well-formed envelope with an errCode, the server still answering, the group invariants
// holding in the database, no outbox event carrying a refused request's operationID, and the
// outbox's events replaying to exactly the memberships in the tables. At the end every event has
// reached a real receiver once, in commit order per group.
//
// CI runs a fixed seed; `npm run fuzz` runs longer: FUZZ_RUNS (runs), FUZZ_STEPS (requests per run at
// most) and FUZZ_SEED (a failing run prints the seed and path to replay it).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CALLBACK_KEYS, CALLBACKS, orderingKeyOf, type CallbackDefinition } from '@huddle/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { groupViolations, messageViolations, outboxViolations } from './db-invariants.js';
import { startServer, TEST_SECRET, type TestServer } from './harness.js';
import { startReceiver, writeWebhooksYaml, type Receiver } from './receiver.js';
import { REQUESTS, routePaths, type Picker } from './requests.js';
import { badTokens } from './tokens.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20260708);
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const STEPS = Number(process.env.FUZZ_STEPS ?? 60);

const USERS = Array.from({ length: 8 }, (_, i) => `fz${i}`);
const PATHS = Object.keys(REQUESTS);
const AFTER_KEYS = CALLBACK_KEYS.filter((k) => CALLBACKS[k].phase === 'after');
/** The queue a received body belongs to (its group's; a user's for the user hooks, whose bodies carry the same keys as their events). */
const queueOf = (command: string, body: object) =>
  orderingKeyOf(
    CALLBACKS[CALLBACK_KEYS.find((k) => CALLBACKS[k].openim.command === command)!] as CallbackDefinition,
    body,
  );

let s: TestServer;
let rx: Receiver;
const tokens = new Map<string, string>();
/** Groups that were created (any of them may since have been dismissed). */
const groups: string[] = [];
/** Each group's owner, as the accepted creations and transfers tell it. */
const owners = new Map<string, string>();
const refused = new Set<string>();
/** Accepted requests by path, for the report. */
const accepted = new Map<string, number>();
let fresh = 0;
let sent = 0;
/** Numbers the requests' operationIDs. */
let seq = 0;

beforeAll(async () => {
  rx = await startReceiver();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-test-'));
  // Every after-hook on from the first request, so the outbox tells the whole story.
  const webhooks = writeWebhooksYaml(dir, {
    url: rx.url,
    retrySchedule: [0.05, 0.1],
    hooks: Object.fromEntries(AFTER_KEYS.map((k) => [k, { enable: true, timeout: 2 }])),
  });
  s = await startServer({ dir, env: { HUDDLE_CALLBACKS: webhooks } });
  await s.register(...USERS);
  for (const u of USERS) tokens.set(u, await s.tokenFor(u));
  tokens.set('imAdmin', s.adminToken);
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

// ---------------------------------------------------------------------------------------------
// What a step is

/** A value that does not belong where it is put. */
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    1.5,
    -0,
    2 ** 31,
    2 ** 53 + 2,
    1e308,
    '',
    ' ',
    '0',
    'null',
    [],
    {},
    [null],
    { value: 1 },
    '__proto__',
    'x'.repeat(70_000),
    '𝕏'.repeat(5_000),
    '\u0000\u202e\ud800',
    "'; DROP TABLE groups; --",
    '%s%n%x',
  ),
);

type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'recase'; at: number }
  | { kind: 'body'; value: unknown }
  | { kind: 'raw'; text: string }
  | { kind: 'oversize' }
  | { kind: 'token'; which: number }
  | { kind: 'operationID'; value: string | null };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }), weight: 15 },
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }), weight: 40 },
  {
    arbitrary: fc.record({
      kind: fc.constant('extra' as const),
      key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'GROUPID')),
      value: hostileValue,
    }),
    weight: 10,
  },
  { arbitrary: fc.record({ kind: fc.constant('recase' as const), at: fc.nat() }), weight: 10 },
  {
    arbitrary: fc.record({
      kind: fc.constant('body' as const),
      value: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(null)),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      text: fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('{', '{"groupID":', '[1,', '\u0000', '{"a":1}{"b":2}'),
      ),
    }),
    weight: 5,
  },
  { arbitrary: fc.constant({ kind: 'oversize' as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('token' as const), which: fc.nat() }), weight: 10 },
  {
    arbitrary: fc.record({
      kind: fc.constant('operationID' as const),
      value: fc.oneof(fc.constant(null), fc.constantFrom('', ' ', 'x'.repeat(5000), 'é')),
    }),
    weight: 2,
  },
);

interface Step {
  path: string;
  /** Index into the callers (USERS, then the app admin, who calls half the time). */
  caller: number;
  picks: number[];
  mutation: Mutation | null;
  /** Sent together with the previous step. */
  concurrent: boolean;
}

/** The writes that build up state come up more often than the rest. */
const WEIGHTS: Record<string, number> = {
  '/group/create_group': 10,
  '/msg/send_msg': 4,
  '/group/join_group': 6,
  '/group/invite_user_to_group': 6,
  '/group/quit_group': 6,
  '/group/kick_group': 5,
  '/group/transfer_group': 8,
  '/group/set_group_member_info': 5,
  '/group/group_application_response': 5,
  // A dismissal ends a group's story: rarer than the rest.
  '/group/dismiss_group': 1,
  // Message and conversation reads change nothing: rarer too, so the writes keep building state.
  '/msg/newest_seq': 1,
  '/msg/pull_msg_by_seq': 1,
  '/msg/get_conversations_has_read_and_max_seq': 1,
  '/conversation/get_incremental_conversations': 1,
  '/conversation/get_full_conversation_ids': 1,
  '/conversation/get_owner_conversation': 1,
  '/conversation/get_not_notify_conversation_ids': 1,
  '/conversation/get_pinned_conversation_ids': 1,
  '/conversation/get_conversations': 1,
  '/conversation/get_all_conversations': 1,
  '/jssdk/get_active_conversations': 1,
  '/jssdk/get_conversations': 1,
  '/friend/get_designated_friends': 1,
};

const step: fc.Arbitrary<Step> = fc.record({
  path: fc.oneof(...PATHS.map((p) => ({ arbitrary: fc.constant(p), weight: WEIGHTS[p] ?? 2 }))),
  caller: fc.nat({ max: USERS.length * 2 }),
  picks: fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
  mutation: fc.option(mutation, { freq: 2 }),
  concurrent: fc.boolean(),
});

// ---------------------------------------------------------------------------------------------
// Running a step

/** Draws values for a body from the step's picks, round-robin. */
function picker(picks: number[]): Picker {
  let i = 0;
  const next = () => picks[i++ % picks.length]!;
  const p: Picker = {
    int: (n) => next() % n,
    user: () => USERS[next() % USERS.length]!,
    users: (max) => [...new Set(Array.from({ length: 1 + p.int(max) }, () => p.user()))],
    // Mostly the newest groups, where the members are; now and then one that does not exist.
    group: () =>
      groups.length === 0 || p.int(20) === 0 ? 'no-such-group' : groups[Math.max(0, groups.length - 1 - p.int(6))]!,
    owner: (groupID) => (p.int(4) > 0 ? owners.get(groupID) : undefined) ?? p.user(),
    fresh: (prefix) => `${prefix}${++fresh}`,
    eventID: () => (p.int(4) === 0 ? 'evt_none' : `evt_${next()}`),
  };
  return p;
}

/** Every [container, key] in a body, depth first. */
function slots(value: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []) {
  if (Array.isArray(value))
    value.forEach((v, i) => {
      out.push([value, i]);
      slots(v, out);
    });
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push([value as Record<string, unknown>, k]);
      slots(v, out);
    }
  return out;
}

interface Request {
  path: string;
  body: unknown;
  token: string | null;
  operationID: string | null;
  mutated: boolean;
}

const ADMIN_ONLY_EFFECTS = new Set(['/callback/set_config', '/callback/test_endpoint']);

function build(st: Step, n: number): Request {
  const callers = [...USERS, 'imAdmin'];
  let who = st.caller >= USERS.length ? 'imAdmin' : callers[st.caller]!;
  // An accepted set_config would switch the hooks off, and a test event reaches the receiver outside
  // the outbox (an extra delivery below): only non-admins send them.
  if (ADMIN_ONLY_EFFECTS.has(st.path) && who === 'imAdmin') who = USERS[0]!;
  const body: Record<string, unknown> = REQUESTS[st.path]!(picker(st.picks));
  if (st.path === '/auth/parse_token') body.token = tokens.get(USERS[st.picks[0]! % USERS.length]!);
  const req: Request = {
    path: st.path,
    body,
    token: tokens.get(who)!,
    operationID: `fz-${n}`,
    mutated: st.mutation !== null,
  };
  const m = st.mutation;
  if (!m) return req;
  const all = slots(body);
  const slot = 'at' in m && all.length > 0 ? all[m.at % all.length]! : undefined;
  switch (m.kind) {
    case 'drop':
      if (slot && Array.isArray(slot[0])) slot[0].splice(slot[1] as number, 1);
      else if (slot) delete (slot[0] as Record<string, unknown>)[slot[1]];
      break;
    case 'replace':
      if (slot) (slot[0] as Record<string | number, unknown>)[slot[1]] = m.value;
      break;
    case 'extra':
      Object.defineProperty(body, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
      break;
    case 'recase':
      if (slot && !Array.isArray(slot[0])) {
        const obj = slot[0] as Record<string, unknown>;
        const key = slot[1] as string;
        const v = obj[key];
        delete obj[key];
        obj[key.toUpperCase()] = v;
      }
      break;
    case 'body':
      req.body = m.value;
      break;
    case 'raw':
      req.body = m.text;
      break;
    case 'oversize':
      req.body = JSON.stringify({ ...body, pad: 'x'.repeat(1024 * 1024) });
      break;
    case 'token': {
      const bad = badTokens(USERS[0]!);
      // No token, an empty one, one of the bad ones, or another user's.
      const choices: (string | null)[] = [
        null,
        '',
        ...bad.map((b) => b.token),
        tokens.get(USERS[m.which % USERS.length]!)!,
      ];
      req.token = choices[m.which % choices.length]!;
      break;
    }
    case 'operationID':
      // Missing or blank, or odd but unique: outbox rows are matched to requests by operationID.
      req.operationID = m.value === null || m.value.trim() === '' ? m.value : `${m.value}-${n}`;
      break;
  }
  return req;
}

interface Outcome {
  req: Request;
  status: number;
  body: any;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

async function send(req: Request): Promise<Outcome> {
  const res = await s.client.raw(req.path, typeof req.body === 'string' ? req.body : JSON.stringify(req.body), {
    token: req.token === '' ? null : req.token,
    operationID: req.operationID,
    headers: req.token === '' ? { token: '' } : {},
  });
  sent++;
  return { req, ...res };
}

/** What every answer must be, whatever was asked. */
function checkAnswer({ req, status, body, text, headers }: Outcome): void {
  const what = `${req.path} ${text.slice(0, 300)}`;
  // The only other status: the admin secret's back-off after wrong secrets from this address.
  if (status === 429) {
    expect([req.path, body?.errCode, Number(headers['retry-after']) > 0], what).toEqual([
      '/auth/get_admin_token',
      429,
      true,
    ]);
    return;
  }
  expect(status, what).toBe(200);
  expect(body, what).toBeTypeOf('object');
  expect(body.errCode, what).toBeTypeOf('number');
  expect(body.errCode, what).not.toBe(500);
  expect(body.errMsg, what).toBeTypeOf('string');
  expect(body.errDlt, what).toBeTypeOf('string');
  if (body.errCode !== 0) {
    expect(body.errMsg, what).not.toBe('');
    expect(body, what).not.toHaveProperty('data');
    expect(body.errDlt, what).not.toContain(TEST_SECRET);
    expect(body.errDlt, what).not.toMatch(/ {4}at |\bSELECT\b|\bINSERT\b|node_modules/);
  }
}

/** Keeps the callers' tokens usable after a force_logout, and the list of groups current. */
async function follow({ req, body }: Outcome): Promise<void> {
  if (body.errCode !== 0) {
    if (req.operationID) refused.add(req.operationID);
    if (body.errCode === 1506)
      for (const u of USERS) if (tokens.get(u) === req.token) tokens.set(u, await s.tokenFor(u));
    return;
  }
  accepted.set(req.path, (accepted.get(req.path) ?? 0) + 1);
  if (req.path === '/group/create_group') {
    groups.push(body.data.groupInfo.groupID);
    owners.set(body.data.groupInfo.groupID, body.data.groupInfo.ownerUserID);
  }
  const sent = req.body as { groupID?: unknown; newOwnerUserID?: unknown };
  if (req.path === '/group/transfer_group') owners.set(String(sent.groupID), String(sent.newOwnerUserID));
}

async function runSteps(steps: Step[]): Promise<void> {
  let batch: Request[] = [];
  const flush = async () => {
    const outcomes = await Promise.all(batch.map(send));
    batch = [];
    for (const o of outcomes) {
      checkAnswer(o);
      await follow(o);
    }
  };
  for (const st of steps) {
    if (!st.concurrent || batch.length >= 4) await flush();
    batch.push(build(st, ++seq));
  }
  await flush();
  const health = await s.client.raw('/healthz', undefined, { method: 'GET' });
  expect(health.status).toBe(200);
  expect(await groupViolations(s.query)).toEqual([]);
  expect(await messageViolations(s.query)).toEqual([]);
  expect(await outboxViolations(s.query, refused)).toEqual([]);
}

it(
  `answers every request cleanly and keeps every invariant (seed ${SEED}, ${RUNS} runs)`,
  async () => {
    // The table of bodies covers exactly what the server serves.
    expect(PATHS.sort()).toEqual(
      routePaths(s.app)
        .map((r) => r.path)
        .sort(),
    );
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: Math.ceil(STEPS / 2), maxLength: STEPS }), runSteps), {
      seed: SEED,
      numRuns: RUNS,
      // Shrinking replays runs against a server whose state moved on: keep it short.
      endOnFailure: process.env.FUZZ_SHRINK === undefined,
    });
    const events = (await s.query<{ n: number }>('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM webhook_events'))[0]!.n;
    console.log(
      `fuzz: seed ${SEED}, ${RUNS} runs: ${sent} requests, ${refused.size} refused, ${events} events, 0 violations; accepted ${JSON.stringify(Object.fromEntries(accepted))}`,
    );
    // The runs must really reach the rules: about a group created per run (the seed's walk changes
    // whenever a route is added: 24 of 30 with search_msg and get_connection_history under the old
    // seed, 20260707), many requests refused.
    expect(groups.length).toBeGreaterThanOrEqual(RUNS);
    expect(refused.size).toBeGreaterThan(sent / 5);
    expect(refused.size).toBeLessThan(sent);
  },
  Math.max(120_000, RUNS * STEPS * 50),
);

it('delivers every event of the run to the business server once, in commit order per group', async () => {
  const events = await s.query<{ id: string; ordering_key: string }>(
    'SELECT id, ordering_key FROM webhook_events ORDER BY seq',
  );
  expect(events.length).toBeGreaterThan(0);
  const ids = new Set(events.map((e) => e.id));
  const got = await rx.waitFor((rs) => new Set(rs.map((r) => r.headers['webhook-id'])).size >= ids.size, 20_000);
  const arrived = got.map((r) => r.headers['webhook-id'] as string);
  expect(new Set(arrived)).toEqual(ids);
  for (const key of new Set(events.map((e) => e.ordering_key))) {
    const committed = events.filter((e) => e.ordering_key === key).map((e) => e.id);
    const delivered = [
      ...new Set(got.filter((r) => queueOf(r.command, r.body) === key).map((r) => r.headers['webhook-id'])),
    ];
    expect(delivered, `queue ${key}`).toEqual(committed);
  }
});
