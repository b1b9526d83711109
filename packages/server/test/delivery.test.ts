// The delivery worker against a real receiver over real HTTP: request shape and signature, retries
// and dead-lettering, Retry-After, what a 2xx means, order per group, outages, retry now and
// recovery, before-callbacks that hold connections, shutdown and crash recovery.
//
// Nothing here depends on the machine's speed: receivers hold answers on gates the test opens
// (never a tight hook timeout a slow machine could miss), the worker's schedule runs on a test clock
// where it matters, and waits are for events (an arrival, a recorded attempt) with generous bounds.

import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CALLBACKS, signatureMatches } from '@huddle/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import type { NewEvent } from '../src/storage/records.js';
import { CallbackSender } from '../src/callbacks/send.js';
import { DeliveryWorker } from '../src/callbacks/worker.js';
import { testClock } from './clock.js';
import { createGroup, startServer, type TestServer } from './harness.js';
import { enqueue, newEvent } from './outbox-event.js';
import {
  DEFAULT_ANSWER,
  startReceiver,
  webhooksDocument,
  writeWebhooksYaml,
  type Answer,
  type ReceivedRequest,
  type Receiver,
  type WebhooksYamlOptions,
} from './receiver.js';
import { eventually, gate } from './wait.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-delivery-'));
let rx: Receiver;
let s: TestServer;
let baseConfig: Record<string, unknown>;

/** How long a test waits for callbacks to arrive: a bound for a stuck test, not a speed target. */
const ARRIVAL_MS = 90_000;
const byGroup = (g: string) => (r: ReceivedRequest) => r.body?.groupID === g;

const event = (id: string) => s.app.store.repos.events.get(id);
const attempts = (id: string) => s.app.store.repos.events.attempts(id);
const admin = <T = any>(p: string, body: unknown) => s.client.ok<T>(p, body, s.adminToken);

async function settled(id: string, server: TestServer = s) {
  return eventually(
    async () => {
      const e = await server.app.store.repos.events.get(id);
      return e && e.status !== 'pending' ? e : undefined;
    },
    ARRIVAL_MS,
    `event ${id} to settle`,
  );
}

/** Until the event has had at least `n` attempts recorded. */
async function attempted(id: string, n: number) {
  return eventually(
    async () => {
      const e = await event(id);
      return e && e.attempts >= n && !e.lockedBy ? e : undefined;
    },
    ARRIVAL_MS,
    `event ${id} to have ${n} attempts`,
  );
}

/**
 * For tests whose answers wait for other requests to be dispatched: no hook timeout may end them
 * first, however slowly a loaded machine gets the rest out (10 s did not, at a load average of 10).
 */
const HELD = { afterQuitGroup: { enable: true, timeout: 600 } };

async function configure(patch: Record<string, unknown>) {
  await s.app.callbackConfig.replace({ ...baseConfig, ...patch }, Date.now());
}

/** An extra OpenIM endpoint at the same receiver, so a test counts its failures on its own. */
const endpointAt = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  url: rx.url,
  hooks: { afterQuitGroup: { enable: true, timeout: 10 } },
  ...extra,
});
const on = (endpoint: string, groupID: string): NewEvent => ({ ...newEvent(groupID), endpoint });

beforeAll(async () => {
  rx = await startReceiver();
  const file: WebhooksYamlOptions = {
    url: rx.url,
    signingSecret: SECRET,
    retrySchedule: [0.05, 0.05],
    // Generous: a receiver that answers at once is never timed out on a slow machine.
    hooks: { afterQuitGroup: { enable: true, timeout: 10 }, afterCreateGroup: { enable: true, timeout: 10 } },
  };
  baseConfig = webhooksDocument(file);
  s = await startServer({ dir, env: { HUDDLE_CALLBACKS: writeWebhooksYaml(dir, file) } });
});

afterAll(async () => {
  await s?.close();
  await rx?.close();
});

beforeEach(async () => {
  // Default answers, no requests recorded, maxInFlight from zero.
  rx.reset();
  if (s.app.callbackConfig.source !== 'file') await configure({});
});

describe('a delivery', () => {
  it('POSTs the stored body to {url}/{command}?contenttype=json with operationID and Standard Webhooks headers', async () => {
    const e = newEvent('g-shape');
    const before = Math.floor(Date.now() / 1000);
    await enqueue(s.app, e);
    const [hit] = await rx.waitForCount(1, byGroup('g-shape'), ARRIVAL_MS);
    expect(hit!.path).toBe('/callbackExample/callbackAfterQuitGroupCommand');
    expect(hit!.rawQuery).toBe('contenttype=json');
    expect(hit!.raw).toBe(e.payload);
    expect(hit!.headers['content-type']).toMatch(/^application\/json/);
    expect(hit!.headers.operationid).toBe(e.operationID);
    expect(hit!.headers['webhook-id']).toBe(e.id);
    const ts = Number(hit!.headers['webhook-timestamp']);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    // v1,<base64 HMAC-SHA256 of id.timestamp.body> with the secret's decoded bytes.
    const expected = createHmac('sha256', Buffer.alloc(32, 7)).update(`${e.id}.${ts}.${e.payload}`).digest('base64');
    expect(hit!.headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(signatureMatches(SECRET, e.id, ts, hit!.raw, String(hit!.headers['webhook-signature']))).toBe(true);

    const done = await settled(e.id);
    expect(done).toMatchObject({ status: 'delivered', attempts: 1, lastError: '', lockedBy: null });
    expect(done.finishedAt).toBeGreaterThan(0);
    const [a] = await attempts(e.id);
    expect(a).toMatchObject({
      attempt: 1,
      statusCode: 200,
      outcome: 'success',
      error: '',
      responseExcerpt: JSON.stringify(DEFAULT_ANSWER),
    });
  });

  it('sends no signature when no secret is configured', async () => {
    await configure({ signingSecret: '' });
    const e = newEvent('g-nosig');
    await enqueue(s.app, e);
    const [hit] = await rx.waitForCount(1, byGroup('g-nosig'), ARRIVAL_MS);
    expect(hit!.headers['webhook-id']).toBe(e.id);
    expect(hit!.headers['webhook-signature']).toBeUndefined();
    await settled(e.id);
  });

  it('never slows the API: create_group answers while the receiver sits on every callback', async () => {
    // A worker that would otherwise sleep a minute: callbacks arriving at all were woken by the commit.
    const sleepy = await startServer({
      env: { HUDDLE_CALLBACKS: path.join(dir, 'webhooks.yml') },
      worker: { idlePollMs: 60_000 },
    });
    const held = gate();
    try {
      rx.answer('*', async () => {
        await held.promise;
        return {};
      });
      await sleepy.register('slowOwner');
      const groups: string[] = [];
      for (let i = 0; i < 3; i++) {
        const group = await createGroup(sleepy, { owner: 'slowOwner', groupName: `slow${i}` });
        groups.push(group.groupID);
        const [hit] = await rx.waitForCount(1, byGroup(group.groupID), ARRIVAL_MS);
        expect(hit!.command).toBe('callbackAfterCreateGroupCommand');
      }
      // Every create_group answered while no callback had been answered.
      expect(rx.requests((r) => groups.includes(r.body?.groupID)).map((r) => r.answeredAt)).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    } finally {
      held.open();
      rx.answer('*', {});
      await sleepy.close();
    }
  });
});

describe('failures', () => {
  it('retries after HTTP 500 with the same webhook-id, after the scheduled delay', async () => {
    const g = 'g-retry-500';
    let n = 0;
    rx.answer('*', (r) => (r.body?.groupID === g && n++ === 0 ? { status: 500 } : {}));
    const e = newEvent(g);
    await enqueue(s.app, e);
    const hits = await rx.waitForCount(2, byGroup(g), ARRIVAL_MS);
    expect(hits.map((h) => h.headers['webhook-id'])).toEqual([e.id, e.id]);
    const done = await settled(e.id);
    expect(done).toMatchObject({ status: 'delivered', attempts: 2 });
    const [first, second] = await attempts(e.id);
    expect(first).toMatchObject({ attempt: 1, outcome: 'failure', error: 'HTTP 500', statusCode: 500 });
    expect(second).toMatchObject({ attempt: 2, outcome: 'success', statusCode: 200 });
    // retrySchedule[0] is 50 ms with ±20 % jitter (a lower bound: a slow machine only adds to it).
    expect(second!.startedAt - (first!.startedAt + first!.durationMs)).toBeGreaterThanOrEqual(38);
  });

  it('retries after a timeout: the receiver holds the first attempt past the hook timeout', async () => {
    const g = 'g-retry-timeout';
    const held = gate();
    let n = 0;
    // Many short retries: only the first attempt is held, a later one may still miss 300 ms on a busy machine.
    await configure({ retrySchedule: Array(20).fill(0.05), afterQuitGroup: { enable: true, timeout: 0.3 } });
    rx.answer('*', async (r): Promise<Answer> => {
      if (r.body?.groupID === g && n++ === 0) await held.promise;
      return {};
    });
    try {
      const e = newEvent(g);
      await enqueue(s.app, e);
      const done = await settled(e.id);
      expect(done).toMatchObject({ status: 'delivered' });
      const log = await attempts(e.id);
      expect(log[0]).toMatchObject({ attempt: 1, outcome: 'failure', error: 'timeout after 300 ms', statusCode: null });
      expect(log.at(-1)).toMatchObject({ outcome: 'success', statusCode: 200 });
      expect(new Set(rx.requests(byGroup(g)).map((h) => h.headers['webhook-id']))).toEqual(new Set([e.id]));
    } finally {
      held.open();
    }
  });

  it('dead-letters after 1 + retrySchedule.length attempts, and the group moves on', async () => {
    rx.answer('*', (r) => (r.body?.n === dead.payloadN ? { status: 503, body: 'unavailable '.repeat(1000) } : {}));
    const first = newEvent('g-dead');
    const next = newEvent('g-dead');
    const dead = { payloadN: JSON.parse(first.payload).n };
    await enqueue(s.app, first, next);
    const done = await settled(first.id);
    expect(done).toMatchObject({ status: 'dead', attempts: 3, lastError: 'HTTP 503' });
    expect(done.finishedAt).toBeGreaterThan(0);
    const log = await attempts(first.id);
    expect(log.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, 'failure', 503],
      [2, 'failure', 503],
      [3, 'failure', 503],
    ]);
    // The response excerpt is capped at 4 KB.
    expect(Buffer.byteLength(log[0]!.responseExcerpt)).toBe(4096);
    expect(await settled(next.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    const order = (await rx.waitForCount(4, byGroup('g-dead'), ARRIVAL_MS)).map((r) => r.headers['webhook-id']);
    expect(order).toEqual([first.id, first.id, first.id, next.id]);
  });

  it('honours Retry-After beyond the schedule (on a test clock: exactly 1 s later, not the 50 ms the schedule says)', async () => {
    const clock = testClock();
    const timed = await startServer({ env: { HUDDLE_CALLBACKS: path.join(dir, 'webhooks.yml') }, now: clock.now });
    try {
      let n = 0;
      rx.answer('*', (r) =>
        r.body?.groupID === 'g-retry-after' && n++ === 0 ? { status: 429, headers: { 'retry-after': '1' } } : {},
      );
      const e = { ...newEvent('g-retry-after'), createdAt: clock.now() };
      await enqueue(timed.app, e);
      const waiting = await eventually(
        async () => {
          const got = await timed.app.store.repos.events.get(e.id);
          return got && got.attempts === 1 && !got.lockedBy ? got : undefined;
        },
        ARRIVAL_MS,
        'the first attempt',
      );
      const [first] = await timed.app.store.repos.events.attempts(e.id);
      expect(first).toMatchObject({ statusCode: 429, error: 'HTTP 429', startedAt: clock.now() });
      expect(waiting).toMatchObject({ status: 'pending', nextAttemptAt: clock.now() + 1000 });
      clock.advance(1000);
      timed.app.worker.wake();
      expect(await settled(e.id, timed)).toMatchObject({ status: 'delivered', attempts: 2 });
      const [, second] = await timed.app.store.repos.events.attempts(e.id);
      expect(second).toMatchObject({ statusCode: 200, startedAt: first!.startedAt + 1000 });
    } finally {
      await timed.close();
    }
  });
});

describe('any 2xx is delivered', () => {
  const cases: { kind: string; dialect: 'openim' | 'tencent'; answer: Answer; note: string; statusCode: number }[] = [
    { kind: 'an empty body', dialect: 'openim', answer: { body: '' }, note: '', statusCode: 200 },
    {
      kind: 'a body that is not JSON',
      dialect: 'openim',
      answer: { body: 'not json' },
      note: 'response body is not JSON',
      statusCode: 200,
    },
    {
      kind: 'actionCode 1',
      dialect: 'openim',
      answer: { status: 202, body: { actionCode: 1 } },
      note: 'actionCode 1',
      statusCode: 202,
    },
    { kind: 'an empty body', dialect: 'tencent', answer: { body: '' }, note: '', statusCode: 200 },
    {
      kind: 'a body that is not JSON',
      dialect: 'tencent',
      answer: { body: 'not json' },
      note: 'response body is not JSON',
      statusCode: 200,
    },
    {
      kind: 'a JSON array',
      dialect: 'tencent',
      answer: { status: 201, body: [] },
      note: 'response body is not a JSON object',
      statusCode: 201,
    },
  ];

  it.each(cases)(
    '$dialect: $kind is delivered on the first attempt, noted on it, and the group goes on',
    async ({ kind, dialect, answer, note, statusCode }) => {
      const g = `g-2xx-${dialect}-${kind.replace(/\W/g, '')}`;
      await configure({ endpoints: [endpointAt('tc', { dialect: 'tencent', sdkAppId: '1400000000' })] });
      const endpoint = dialect === 'tencent' ? 'tc' : 'default';
      const [first, next] = [on(endpoint, g), on(endpoint, g)];
      rx.answer('*', (r) => (r.headers['webhook-id'] === first.id ? answer : {}));
      await enqueue(s.app, first, next);
      expect(await settled(first.id)).toMatchObject({ status: 'delivered', attempts: 1, lastError: '' });
      expect(await settled(next.id)).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(rx.requests(byGroup(g)).map((r) => r.headers['webhook-id'])).toEqual([first.id, next.id]);
      // The delivery log (admin API) keeps what could not be read on the attempt.
      const detail = await admin('/callback/get_event', { eventID: first.id });
      expect(detail.event).toMatchObject({ status: 'delivered', attempts: 1, lastError: '' });
      expect(detail.attempts).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'success', statusCode, error: note }),
      ]);
    },
  );
});

describe('order', () => {
  it('keeps one in flight per group, in commit order, while groups go in parallel', async () => {
    const groups = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'];
    // The first answer of each group waits until every group has one in flight: they went in parallel.
    const allIn = gate();
    const open = new Map<string, number>();
    let overlap = false;
    rx.answer('*', async (r) => {
      const g = r.body.groupID as string;
      const now = (open.get(g) ?? 0) + 1;
      open.set(g, now);
      if (now > 1) overlap = true;
      if (
        new Set(rx.requests((x) => groups.includes(x.body?.groupID)).map((x) => x.body.groupID)).size === groups.length
      )
        allIn.open();
      await allIn.promise;
      open.set(g, open.get(g)! - 1);
      return {};
    });
    await configure(HELD);
    const events: NewEvent[] = [];
    for (let i = 0; i < 5; i++) for (const g of groups) events.push(newEvent(g));
    await enqueue(s.app, ...events);
    const hits = await rx.waitForCount(30, (r) => groups.includes(r.body?.groupID), ARRIVAL_MS);
    await Promise.all(events.map((e) => settled(e.id)));
    expect(overlap).toBe(false);
    for (const g of groups) {
      expect(hits.filter(byGroup(g)).map((r) => r.headers['webhook-id'])).toEqual(
        events.filter((e) => e.orderingKey === g).map((e) => e.id),
      );
    }
    expect(rx.maxInFlight).toBe(groups.length);
  });

  /** Holds answers until `n` are in flight at once. */
  const holdUntilInFlight = (n: number) => {
    const full = gate();
    rx.answer('*', async () => {
      if (rx.inFlight >= n) full.open();
      await full.promise;
      return {};
    });
  };

  it('respects deliveryConcurrency and applies a change at once', async () => {
    await configure({ deliveryConcurrency: 2, ...HELD });
    holdUntilInFlight(2);
    const first = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((g) => newEvent(g));
    await enqueue(s.app, ...first);
    await Promise.all(first.map((e) => settled(e.id)));
    expect(rx.maxInFlight).toBe(2);
    rx.clear(); // maxInFlight from zero again
    await configure({ deliveryConcurrency: 64, ...HELD });
    holdUntilInFlight(6);
    const second = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((g) => newEvent(g));
    await enqueue(s.app, ...second);
    await Promise.all(second.map((e) => settled(e.id)));
    expect(rx.maxInFlight).toBe(6);
  });

  it('raises the connections per receiver when deliveryConcurrency grows', async () => {
    // Answers held until 150 are in flight together: more than the start-up pool held.
    await configure({ deliveryConcurrency: 200, ...HELD });
    holdUntilInFlight(150);
    rx.clear();
    const events = Array.from({ length: 200 }, (_, i) => newEvent(`wide${i}`));
    await enqueue(s.app, ...events);
    await Promise.all(events.map((e) => settled(e.id)));
    expect(rx.maxInFlight).toBeGreaterThanOrEqual(150);
    for (const e of events) expect((await event(e.id))!.attempts).toBe(1);
  });

  it('receiver down then up: everything arrives, in order per group', async () => {
    await configure({ retrySchedule: Array(50).fill(0.1) });
    await rx.down();
    const groups = ['d1', 'd2', 'd3'];
    const events: NewEvent[] = [];
    for (let i = 0; i < 4; i++) for (const g of groups) events.push(newEvent(g));
    await enqueue(s.app, ...events);
    await attempted(events[0]!.id, 2);
    expect((await attempts(events[0]!.id))[0]).toMatchObject({ statusCode: null, error: 'connection refused' });
    await rx.up();
    await Promise.all(events.map((e) => settled(e.id)));
    for (const e of events) expect((await event(e.id))!.status).toBe('delivered');
    for (const g of groups) {
      const ids = rx.requests(byGroup(g)).map((r) => r.headers['webhook-id']);
      expect(ids).toEqual(events.filter((e) => e.orderingKey === g).map((e) => e.id));
    }
  });

  it('with url "" leaves events pending, and sends them once a URL is set', async () => {
    await configure({ url: '' });
    const e = newEvent('g-nourl');
    await enqueue(s.app, e);
    expect(await event(e.id)).toMatchObject({ status: 'pending', attempts: 0 });
    await configure({});
    // One attempt in all: none went out while there was no URL.
    expect(await settled(e.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(rx.requests(byGroup('g-nourl'))).toHaveLength(1);
  });
});

describe('retry now and recovery', () => {
  it('retry_pending and retry_event send waiting events at once, heads first, and count only waiting heads', async () => {
    // An endpoint of its own, so failures elsewhere never count towards its recovery.
    await configure({ retrySchedule: ['1h'], endpoints: [endpointAt('rn')] });
    let refusing = true;
    rx.answer('*', () => (refusing ? { status: 503 } : {}));
    const [a1, a2, b1] = [on('rn', 'rn-a'), on('rn', 'rn-a'), on('rn', 'rn-b')];
    await enqueue(s.app, a1, a2, b1);
    await attempted(a1.id, 1);
    await attempted(b1.id, 1);
    refusing = false;
    // Nothing is due for an hour. Retrying the group's second event hurries its head: order holds.
    expect(await admin('/callback/retry_pending', { groupID: 'rn-a', endpoint: 'rn' })).toEqual({ count: 1 });
    expect(await admin('/callback/retry_pending', { groupID: 'rn-a', endpoint: 'rn' })).toEqual({ count: 0 });
    expect(await settled(a2.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(await event(a1.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(rx.requests(byGroup('rn-a')).map((r) => r.headers['webhook-id'])).toEqual([a1.id, a1.id, a2.id]);
    // The other group still waits for its hour.
    expect(await event(b1.id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await admin('/callback/retry_event', { eventID: b1.id })).toEqual({ count: 1 });
    expect(await settled(b1.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    // Nothing waiting: count 0; an unknown event: 1004.
    expect(await admin('/callback/retry_event', { eventID: b1.id })).toEqual({ count: 0 });
    expect((await s.client.post('/callback/retry_event', { eventID: 'evt_nope' }, s.adminToken)).errCode).toBe(1004);
  });

  it('replay_event on a waiting event retries it now', async () => {
    await configure({ retrySchedule: ['1h'], endpoints: [endpointAt('rp')] });
    let refusing = true;
    rx.answer('*', () => (refusing ? { status: 500 } : {}));
    const e = on('rp', 'rp-a');
    await enqueue(s.app, e);
    await attempted(e.id, 1);
    refusing = false;
    expect(await admin('/callback/replay_event', { eventID: e.id })).toEqual({ count: 1 });
    expect(await settled(e.id)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('an endpoint that answers 2xx again after an outage gets its waiting queues at once, in order', async () => {
    await configure({ retrySchedule: ['1h'], endpoints: [endpointAt('rec')] });
    let refusing = true;
    rx.answer('*', () => (refusing ? { status: 502 } : {}));
    const groups = ['rec-1', 'rec-2', 'rec-3', 'rec-4'];
    const heads = groups.map((g) => on('rec', g));
    const behind = on('rec', 'rec-1');
    await enqueue(s.app, ...heads, behind);
    for (const e of heads) await attempted(e.id, 1);
    refusing = false;
    // A new event goes out at once and gets a 2xx: the endpoint is back, the hour-long waits end.
    const fresh = on('rec', 'rec-new');
    await enqueue(s.app, fresh);
    expect(await settled(fresh.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    for (const e of [...heads, behind]) expect(await settled(e.id)).toMatchObject({ status: 'delivered' });
    expect(rx.requests(byGroup('rec-1')).map((r) => r.headers['webhook-id'])).toEqual([
      heads[0]!.id,
      heads[0]!.id,
      behind.id,
    ]);
  });
  it('events the receiver keeps refusing are hurried once per outage, not after every later success', async () => {
    await configure({ retrySchedule: ['1h', '1h', '1h', '1h'], endpoints: [endpointAt('poison')] });
    const refused = ['p-1', 'p-2', 'p-3'];
    rx.answer('*', (r) => (refused.includes(r.body?.groupID) ? { status: 500 } : {}));
    const poison = refused.map((g) => on('poison', g));
    await enqueue(s.app, ...poison);
    for (const e of poison) await attempted(e.id, 1);
    // Three failures in a row, then a 2xx: the refused events are hurried, and fail again.
    const first = on('poison', 'p-fine');
    await enqueue(s.app, first);
    expect(await settled(first.id)).toMatchObject({ status: 'delivered' });
    for (const e of poison) await attempted(e.id, 2);
    // Those failures were of hurried events: the next 2xx is no recovery.
    const second = on('poison', 'p-fine');
    await enqueue(s.app, second);
    expect(await settled(second.id)).toMatchObject({ status: 'delivered' });
    await s.app.worker.stop(); // lets a recovery under way finish
    try {
      for (const e of poison) {
        const got = (await event(e.id))!;
        expect(got).toMatchObject({ status: 'pending', attempts: 2 });
        expect(got.nextAttemptAt).toBeGreaterThan(Date.now() + 30 * 60_000);
      }
    } finally {
      await s.app.worker.start();
    }
  });
});

describe('before-callbacks', () => {
  it('holding many connections to the same receiver never delays an after-callback', async () => {
    // 160 set_group_member_info calls whose before-callbacks the receiver holds; a start-up pool
    // shared by both kinds held 128 connections.
    await configure({
      deliveryConcurrency: 8,
      beforeSetGroupMemberInfo: { enable: true, timeout: 120, failedContinue: true },
    });
    const held = gate();
    const before = CALLBACKS.beforeSetGroupMemberInfo.openim.command;
    rx.answer(before, async () => {
      await held.promise;
      return {};
    });
    await s.register('poolOwner');
    const group = await createGroup(s, { owner: 'poolOwner' });
    const token = await s.tokenFor('poolOwner');
    const edits = Array.from({ length: 160 }, (_, i) =>
      fetch(`${s.client.url}/group/set_group_member_info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', token, operationID: `pool-${i}` },
        body: JSON.stringify({ members: [{ groupID: group.groupID, userID: 'poolOwner', nickname: `n${i}` }] }),
      }).then(async (r) => (await r.json()) as { errCode: number }),
    );
    try {
      await rx.waitForCount(128, before, ARRIVAL_MS);
      const e = newEvent('g-beside-before');
      await enqueue(s.app, e);
      expect(await settled(e.id)).toMatchObject({ status: 'delivered', attempts: 1 });
      // Delivered while the before-callbacks were all still held.
      expect(rx.requests(before).filter((r) => r.answeredAt !== undefined)).toHaveLength(0);
    } finally {
      held.open();
      expect((await Promise.all(edits)).map((r) => r.errCode)).toEqual(Array(160).fill(0));
    }
  });
});

describe('shutdown and restart', () => {
  /** Runs `fn` with a worker of its own instead of the app's, then stops it and starts the app's again. */
  async function withOwnWorker(graceMs: number, fn: (worker: DeliveryWorker) => Promise<void>) {
    await s.app.worker.stop();
    const sender = new CallbackSender(8);
    const worker = new DeliveryWorker(s.app.store, s.app.callbackConfig, sender, createLogger('silent'), Date.now, {
      graceMs,
    });
    try {
      await fn(worker);
    } finally {
      await worker.stop();
      await sender.close();
      rx.answer('*', {});
      await s.app.worker.start();
    }
  }

  /** Holds every answer to the group until the gate opens. */
  function holdGroup(groupID: string) {
    const held = gate();
    rx.answer('*', async (r) => {
      if (r.body.groupID === groupID) await held.promise;
      return {};
    });
    return held;
  }

  it('stop() lets attempts finish within the grace period and records them', async () => {
    const held = holdGroup('g-grace');
    const e = newEvent('g-grace');
    await withOwnWorker(600_000, async (worker) => {
      await s.app.store.tx((tx) => tx.events.enqueue([e]));
      await worker.start();
      await rx.waitForCount(1, byGroup('g-grace'), ARRIVAL_MS);
      const stopping = worker.stop();
      held.open();
      await stopping;
      expect(await event(e.id)).toMatchObject({ status: 'delivered', attempts: 1, lockedBy: null });
    }).finally(held.open);
  });

  it('stop() aborts attempts still in flight after the grace period and releases their leases', async () => {
    const held = holdGroup('g-slow');
    const slow = newEvent('g-slow');
    const slowNext = newEvent('g-slow');
    await withOwnWorker(1, async (worker) => {
      await s.app.store.tx((tx) => tx.events.enqueue([slow, slowNext]));
      await worker.start();
      await rx.waitForCount(1, byGroup('g-slow'), ARRIVAL_MS);
      await worker.stop();
      // Aborted: no attempt recorded, lease released, still first in its group.
      expect(await event(slow.id)).toMatchObject({ status: 'pending', attempts: 0, lockedBy: null, lockedUntil: null });
      expect(await attempts(slow.id)).toEqual([]);
      expect(await event(slowNext.id)).toMatchObject({ status: 'pending', attempts: 0 });
    }).finally(held.open);
    expect(await settled(slow.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(await settled(slowNext.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    // The aborted attempt is sent again, same webhook-id, before the event behind it.
    const ids = rx.requests(byGroup('g-slow')).map((r) => r.headers['webhook-id']);
    expect(ids).toEqual([slow.id, slow.id, slowNext.id]);
  });

  it('after a crash, events a dead process held are sent again: at once on SQLite, when the lease ends on PostgreSQL', async () => {
    const events = [newEvent('g-crash'), newEvent('g-crash'), newEvent('g-crash2')];
    await s.app.worker.stop();
    await s.app.store.tx((tx) => tx.events.enqueue(events));
    // A process that claimed them and died. SQLite: one process owns the file, so a restart drops
    // every lease (an hour here: delivery at all shows it). PostgreSQL: another instance may still
    // be alive, so the leases must run out first (1.5 s here).
    const now = Date.now();
    const lease = s.engine === 'sqlite' ? 3_600_000 : 1500;
    expect(await s.app.store.repos.events.claim('crashed-worker', now, now + lease, 10, ['default'])).toHaveLength(2);
    await s.stop();
    s = await startServer({ dir, env: { HUDDLE_CALLBACKS: path.join(dir, 'webhooks.yml') } });
    for (const e of events) expect(await settled(e.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    // Not before the dead instance's lease ended.
    if (s.engine === 'postgres')
      expect(rx.requests(byGroup('g-crash'))[0]!.receivedAt).toBeGreaterThanOrEqual(now + lease);
    const ids = rx.requests(byGroup('g-crash')).map((r) => r.headers['webhook-id']);
    expect(ids).toEqual([events[0]!.id, events[1]!.id]);
  });
});
