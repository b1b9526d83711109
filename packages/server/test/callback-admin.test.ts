// The admin callback API over real HTTP (configuration at runtime, the delivery log, replay) and
// GET /metrics.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CALLBACKS } from '@huddle/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, page, startServer, type TestServer } from './harness.js';
import { enqueue, newEvent } from './outbox-event.js';
import {
  startReceiver,
  writeWebhooksYaml,
  type ReceivedRequest,
  type Receiver,
  type WebhooksYamlOptions,
} from './receiver.js';
import { eventually } from './wait.js';
import { testClock } from './clock.js';
import { DEFAULT_DELIVERY_CONCURRENCY } from '../src/callbacks/config-file.js';

// Each describe starts what it changes: the shared server `s` keeps its file configuration (the
// tests that call set_config run servers of their own), so any order of tests passes.
let rx: Receiver;
let s: TestServer;
let userToken: string;

/** How long a test waits for callbacks to arrive. */
const ARRIVAL_MS = 8000;
const byGroup = (g: string) => (r: ReceivedRequest) => r.body?.groupID === g;

/** An admin call on `server`. */
const adminOn =
  (server: TestServer) =>
  <T = any>(p: string, body: unknown) =>
    server.client.ok<T>(p, body, server.adminToken);
const admin = <T = any>(p: string, body: unknown) => adminOn(s)<T>(p, body);

/** The webhooks.yml every server of this file starts from, pointing at `url`. */
function fileOptions(url: string): WebhooksYamlOptions {
  return {
    url,
    retrySchedule: [0.05],
    hooks: {
      afterQuitGroup: { enable: true, timeout: 2 },
      afterCreateGroup: { enable: true },
      beforeCreateGroup: { enable: true, timeout: 2, failedContinue: false },
      // An OpenIM key huddle does not send: accepted and ignored.
      beforeSendSingleMsg: { enable: false, timeout: 5, failedContinue: true },
    },
  };
}

/** A server in directory `dir` (new unless given) configured by webhooks.yml alone, delivering to `url`. */
function startFileServer(url: string, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-webhook-admin-'))) {
  return startServer({ dir, env: { HUDDLE_CALLBACKS: writeWebhooksYaml(dir, fileOptions(url)) } });
}

async function settledOn(server: TestServer, id: string) {
  return eventually(
    async () => {
      const e = await server.app.store.repos.events.get(id);
      return e && e.status !== 'pending' && !e.lockedBy ? e : undefined;
    },
    8000,
    `event ${id} to settle`,
  );
}
const settled = (id: string) => settledOn(s, id);

async function metricsText(server: TestServer) {
  const res = await server.client.raw('/metrics', undefined, { method: 'GET', token: null, operationID: null });
  expect(res.status).toBe(200);
  return res.text;
}

/** An afterQuitGroup event of `group` that `receiver` refuses until it is dead (two attempts). */
async function deadEvent(server: TestServer, receiver: Receiver, group: string) {
  const e = newEvent(group);
  receiver.answer('*', (r) => (r.body?.groupID === group ? { status: 500 } : {}));
  try {
    await enqueue(server.app, e);
    expect(await settledOn(server, e.id)).toMatchObject({ status: 'dead', attempts: 2 });
  } finally {
    receiver.answer('*', {});
  }
  return e;
}

beforeAll(async () => {
  rx = await startReceiver();
  s = await startFileServer(rx.url);
  await s.register('alice');
  userToken = await s.tokenFor('alice');
});

afterAll(async () => {
  await s?.close();
  await rx?.close();
});

const ROUTES: [string, unknown][] = [
  ['/callback/get_config', {}],
  ['/callback/set_config', { config: { url: '' } }],
  ['/callback/list_events', { pagination: page() }],
  ['/callback/get_event', { eventID: 'evt_none' }],
  ['/callback/replay_event', { eventID: 'evt_none' }],
  ['/callback/replay_dead', {}],
  ['/callback/replay_events', { eventIDs: ['evt_none'] }],
  ['/callback/retry_event', { eventID: 'evt_none' }],
  ['/callback/retry_pending', {}],
];

describe('permissions', () => {
  it.each(ROUTES)('%s refuses a user who is not an app admin with 1002', async (p, body) => {
    const res = await s.client.post(p, body, userToken);
    expect(res.errCode).toBe(1002);
  });

  it('refuses a request without a token', async () => {
    const res = await s.client.post('/callback/get_config', {});
    expect(res.errCode).toBe(1001);
  });
});

describe('configuration', () => {
  it('get_config returns the file document with its source', async () => {
    const data = await admin('/callback/get_config', {});
    expect(data.source).toBe('file');
    expect(data.changedAt).toBe(0);
    expect(data.config).toMatchObject({
      url: rx.url,
      retrySchedule: [0.05],
      deliveryConcurrency: DEFAULT_DELIVERY_CONCURRENCY,
      afterQuitGroup: { enable: true, timeout: 2 },
      beforeCreateGroup: { enable: true, timeout: 2, failedContinue: false },
      afterKickGroupMember: { enable: false, timeout: 5 },
    });
    expect(data.config).not.toHaveProperty('signingSecret');
  });

  it.each([
    [{ config: { retrySchedule: ['5s', 'soon'] } }, 'retrySchedule[1]'],
    [{ config: { url: 'ftp://example.com' } }, 'url'],
    [{ config: { afterQuitGroup: { enable: 'yes' } } }, 'afterQuitGroup.enable'],
    [{ config: { deliveryConcurrency: 0 } }, 'deliveryConcurrency'],
    [{ config: { signingSecret: 'hunter2' } }, 'signingSecret'],
    [{ config: { noSuchHook: { enable: true, colour: 'red' } } }, 'noSuchHook'],
    [{ config: [] }, 'config'],
    [{}, 'config is empty'],
  ])('set_config refuses %j with 1001 naming %s, changing nothing', async (body, key) => {
    const res = await s.client.post('/callback/set_config', body, s.adminToken);
    expect(res.errCode).toBe(1001);
    expect(res.errDlt).toContain(key);
    expect((await admin('/callback/get_config', {})).source).toBe('file');
  });
});

describe('the delivery log', () => {
  const a1 = newEvent('log-a');
  const a2 = newEvent('log-a', 'afterCreateGroup');
  const b1 = newEvent('log-b');

  beforeAll(async () => {
    rx.answer('*', (r) => (r.body?.groupID === 'log-b' ? { status: 500, body: { oops: true } } : {}));
    await enqueue(s.app, a1, a2, b1);
    await Promise.all([a1, a2, b1].map((e) => settled(e.id)));
    rx.answer('*', {});
  });

  it('list_events filters by status, hook, group and time, newest first', async () => {
    const dead = await admin('/callback/list_events', { status: 'dead', pagination: page() });
    expect(dead.total).toBe(1);
    expect(dead.events[0]).toEqual({
      eventID: b1.id,
      hook: 'afterQuitGroup',
      endpoint: 'default',
      command: 'callbackAfterQuitGroupCommand',
      groupID: 'log-b',
      operationID: b1.operationID,
      status: 'dead',
      attempts: 2,
      createTime: b1.createdAt,
      nextAttemptTime: 0,
      finishTime: expect.any(Number),
      lastError: 'HTTP 500',
    });
    expect(dead.events[0].finishTime).toBeGreaterThanOrEqual(b1.createdAt);

    const groupA = await admin('/callback/list_events', { groupID: 'log-a', pagination: page() });
    expect(groupA.events.map((e: any) => e.eventID)).toEqual([a2.id, a1.id]);
    expect(groupA.events.map((e: any) => e.status)).toEqual(['delivered', 'delivered']);

    const created = await admin('/callback/list_events', {
      hook: 'afterCreateGroup',
      groupID: 'log-a',
      status: 'delivered',
      pagination: page(),
    });
    expect(created.events.map((e: any) => e.eventID)).toEqual([a2.id]);

    const paged = await admin('/callback/list_events', {
      groupID: 'log-a',
      pagination: { pageNumber: 2, showNumber: 1 },
    });
    expect(paged).toMatchObject({ total: 2, events: [{ eventID: a1.id }] });

    const future = await admin('/callback/list_events', { from: Date.now() + 60_000, pagination: page() });
    expect(future.total).toBe(0);
    const window = await admin('/callback/list_events', {
      from: a1.createdAt,
      to: b1.createdAt,
      groupID: 'log-b',
      pagination: page(),
    });
    expect(window.total).toBe(1);
  });

  it('list_events refuses a bad filter with 1001', async () => {
    for (const body of [
      { status: 'lost', pagination: page() },
      { hook: 'afterEverything', pagination: page() },
      { from: 10, to: 5, pagination: page() },
      { from: 'yesterday', pagination: page() },
      {},
    ]) {
      expect((await s.client.post('/callback/list_events', body, s.adminToken)).errCode).toBe(1001);
    }
  });

  it('get_event shows the payload as JSON and every attempt', async () => {
    const data = await admin('/callback/get_event', { eventID: b1.id });
    expect(data.event).toMatchObject({ eventID: b1.id, status: 'dead', attempts: 2, payload: JSON.parse(b1.payload) });
    expect(data.attempts).toEqual([
      {
        attempt: 1,
        startTime: expect.any(Number),
        durationMs: expect.any(Number),
        statusCode: 500,
        outcome: 'failure',
        error: 'HTTP 500',
        responseExcerpt: '{"oops":true}',
        url: `${rx.url}/${CALLBACKS.afterQuitGroup.openim.command}?contenttype=json`,
      },
      {
        attempt: 2,
        startTime: expect.any(Number),
        durationMs: expect.any(Number),
        statusCode: 500,
        outcome: 'failure',
        error: 'HTTP 500',
        responseExcerpt: '{"oops":true}',
        url: `${rx.url}/${CALLBACKS.afterQuitGroup.openim.command}?contenttype=json`,
      },
    ]);
    expect(data.attempts[1].startTime).toBeGreaterThan(data.attempts[0].startTime);
    const missing = await s.client.post('/callback/get_event', { eventID: 'evt_nope' }, s.adminToken);
    expect(missing.errCode).toBe(1004);
  });

  it('replay_event sends a delivered event again with the same webhook-id', async () => {
    const e = newEvent('log-replay');
    await enqueue(s.app, e);
    expect(await settled(e.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(await admin('/callback/replay_event', { eventID: e.id })).toEqual({ count: 1 });
    const hits = await rx.waitForCount(2, (r) => r.headers['webhook-id'] === e.id, ARRIVAL_MS);
    expect(hits).toHaveLength(2);
    expect(await settled(e.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect((await s.client.post('/callback/replay_event', { eventID: 'evt_nope' }, s.adminToken)).errCode).toBe(1004);
  });

  it('replay_dead requeues the dead events of a group or a time range', async () => {
    // Dead one after the other, so c1 alone was created in its millisecond.
    const d1 = await deadEvent(s, rx, 'log-d');
    const c1 = await deadEvent(s, rx, 'log-c');
    expect(await admin('/callback/replay_dead', { groupID: 'log-nothing' })).toEqual({ count: 0 });
    expect(await admin('/callback/replay_dead', { groupID: 'log-d' })).toEqual({ count: 1 });
    expect(await settled(d1.id)).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(await admin('/callback/replay_dead', { from: c1.createdAt, to: c1.createdAt })).toEqual({ count: 1 });
    expect(await settled(c1.id)).toMatchObject({ status: 'delivered', attempts: 3 });
    // Only the describe's own dead event (b1, which no test replays) is left.
    const dead = await admin('/callback/list_events', { status: 'dead', pagination: page() });
    expect(dead.events.map((e: { eventID: string }) => e.eventID)).toEqual([b1.id]);
  });
});

describe('/metrics', () => {
  it('serves Prometheus text: deliveries by hook and outcome, latency, before-callbacks, queue depth and age', async () => {
    // A server of its own: set_config below must not reach the other tests' server.
    const mrx = await startReceiver();
    const m = await startFileServer(mrx.url);
    try {
      const call = adminOn(m);
      const fileConfig = (await call('/callback/get_config', {})).config;
      await m.register('bob');
      await createGroup(m, { owner: 'bob' }); // beforeCreateGroup (allowed) + afterCreateGroup
      // Delivered: three afterQuitGroup, one more afterCreateGroup; failed, then dead, then
      // replayed and delivered: two afterQuitGroup.
      const good = [newEvent('m-ok'), newEvent('m-ok'), newEvent('m-ok'), newEvent('m-ok', 'afterCreateGroup')];
      await enqueue(m.app, ...good);
      for (const e of good) await settledOn(m, e.id);
      const bad = [await deadEvent(m, mrx, 'm-bad'), await deadEvent(m, mrx, 'm-bad')];
      expect(await call('/callback/replay_dead', { groupID: 'm-bad' })).toEqual({ count: 2 });
      for (const e of bad) expect(await settledOn(m, e.id)).toMatchObject({ status: 'delivered' });
      await eventually(async () => (await m.app.store.repos.events.stats()).pending === 0, 5000, 'an empty queue');

      // Stuck: no URL, and one event a minute old.
      await call('/callback/set_config', { config: { ...fileConfig, url: '' } });
      await enqueue(m.app, { ...newEvent('m-stuck'), createdAt: Date.now() - 60_000 }, newEvent('m-stuck'));

      const res = await m.client.raw('/metrics', undefined, { method: 'GET', token: null, operationID: null });
      expect(res.status).toBe(200);
      expect(res.text).toContain('huddle_callback_queue_depth');
      const head = await fetch(`${m.client.url}/metrics`);
      expect(head.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      await head.text();
      const text = await metricsText(m);
      const value = (series: string) => {
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        return line === undefined ? undefined : Number(line.slice(series.length + 1));
      };
      expect(
        value('huddle_callback_deliveries_total{hook="afterQuitGroup",outcome="delivered"}'),
      ).toBeGreaterThanOrEqual(3);
      expect(value('huddle_callback_deliveries_total{hook="afterQuitGroup",outcome="failed"}')).toBeGreaterThanOrEqual(
        2,
      );
      expect(value('huddle_callback_deliveries_total{hook="afterQuitGroup",outcome="dead"}')).toBeGreaterThanOrEqual(2);
      expect(
        value('huddle_callback_deliveries_total{hook="afterCreateGroup",outcome="delivered"}'),
      ).toBeGreaterThanOrEqual(2);
      expect(
        value('huddle_callback_attempt_duration_seconds_count{hook="afterQuitGroup",outcome="success"}'),
      ).toBeGreaterThanOrEqual(3);
      expect(text).toContain(
        'huddle_callback_attempt_duration_seconds_bucket{le="0.005",hook="afterQuitGroup",outcome="success"}',
      );
      expect(value('huddle_callback_before_callbacks_total{hook="beforeCreateGroup",outcome="allow"}')).toBe(1);
      expect(
        value('huddle_callback_before_callback_duration_seconds_count{hook="beforeCreateGroup",outcome="allow"}'),
      ).toBe(1);
      expect(value('huddle_callback_queue_depth')).toBe(2);
      expect(value('huddle_callback_dead_events')).toBe(0);
      expect(value('huddle_callback_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(60);
      expect(value('huddle_callback_oldest_pending_age_seconds')).toBeLessThan(120);
      expect(text).toContain('# TYPE huddle_callback_deliveries_total counter');
      expect(text).toContain('# TYPE huddle_callback_attempt_duration_seconds histogram');
      expect(text).toContain('huddle_process_cpu_seconds_total');

      await call('/callback/set_config', { config: fileConfig });
      await eventually(async () => (await m.app.store.repos.events.stats()).pending === 0, 5000, 'an empty queue');
      // The queue gauges may be up to a second old.
      const after = await eventually(
        async () => {
          const t = await metricsText(m);
          return /^huddle_callback_queue_depth 0$/m.test(t) ? t : undefined;
        },
        10_000,
        'queue depth 0',
      );
      expect(after).toMatch(/^huddle_callback_oldest_pending_age_seconds 0$/m);
    } finally {
      await m.close();
      await mrx.close();
    }
  });

  it('reads the queue gauges from the store at most once a second, however many scrape, and keeps them right as events move', async () => {
    const clock = testClock();
    const m = await startServer({ now: clock.now });
    try {
      const call = (p: string, body: unknown) => m.client.ok(p, body, m.adminToken);
      const gauges = async () => {
        const res = await m.client.raw('/metrics', undefined, { method: 'GET', token: null, operationID: null });
        const value = (series: string) =>
          Number(
            res.text
              .split('\n')
              .find((l) => l.startsWith(`${series} `))!
              .slice(series.length + 1),
          );
        return {
          depth: value('huddle_callback_queue_depth'),
          dead: value('huddle_callback_dead_events'),
          age: value('huddle_callback_oldest_pending_age_seconds'),
        };
      };
      /** The next second on the test clock: the gauges are read again. */
      const nextSecond = async () => {
        clock.advance(1000);
        m.app.worker.wake();
        return gauges();
      };
      const settledOn = (id: string) =>
        eventually(
          async () => {
            const e = await m.app.store.repos.events.get(id);
            return e && e.status !== 'pending' && !e.lockedBy ? e : undefined;
          },
          30_000,
          `event ${id} to settle`,
        );
      const config = { url: rx.url, retrySchedule: [5], afterQuitGroup: { enable: true, timeout: 10 } };

      expect(await gauges()).toEqual({ depth: 0, dead: 0, age: 0 });
      // Enqueued while no URL is set: pending. Within the second, every scrape (16 at once
      // included) is served the value read before; a store read per scrape would show 3.
      await call('/callback/set_config', { config: { ...config, url: '' } });
      const stuck = [
        { ...newEvent('m-clock'), createdAt: clock.now() - 60_000 },
        { ...newEvent('m-clock'), createdAt: clock.now() },
        { ...newEvent('m-clock2'), createdAt: clock.now() },
      ];
      await enqueue(m.app, ...stuck);
      expect(await Promise.all(Array.from({ length: 16 }, gauges))).toEqual(
        Array(16).fill({ depth: 0, dead: 0, age: 0 }),
      );
      expect(await nextSecond()).toEqual({ depth: 3, dead: 0, age: 61 });
      // Delivered.
      await call('/callback/set_config', { config });
      for (const e of stuck) await settledOn(e.id);
      expect(await nextSecond()).toEqual({ depth: 0, dead: 0, age: 0 });
      // Dead: two failed attempts, the retry once the clock has passed its 5 s (±20 %).
      rx.answer('*', (r) => (r.body?.groupID === 'm-dead' ? { status: 500 } : {}));
      const doomed = { ...newEvent('m-dead'), createdAt: clock.now() };
      await enqueue(m.app, doomed);
      await eventually(
        async () => ((await m.app.store.repos.events.get(doomed.id))?.attempts === 1 ? true : undefined),
        30_000,
        'a first attempt',
      );
      expect(await nextSecond()).toEqual({ depth: 1, dead: 0, age: 1 });
      clock.advance(10_000);
      m.app.worker.wake();
      expect((await settledOn(doomed.id)).status).toBe('dead');
      expect(await nextSecond()).toEqual({ depth: 0, dead: 1, age: 0 });
      // Replayed and delivered.
      rx.answer('*', {});
      expect(await call('/callback/replay_dead', { groupID: 'm-dead' })).toEqual({ count: 1 });
      expect((await settledOn(doomed.id)).status).toBe('delivered');
      expect(await nextSecond()).toEqual({ depth: 0, dead: 0, age: 0 });
    } finally {
      rx.answer('*', {});
      await m.close();
    }
  });
});

describe('set_config at runtime', () => {
  it('takes effect at once, concurrency included, and survives a restart', async () => {
    // A server of its own, restarted below; `fileRx` is where its webhooks.yml points.
    const fileRx = await startReceiver();
    const other = await startReceiver();
    let r = await startFileServer(fileRx.url);
    try {
      const secret = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
      const fileConfig = (await adminOn(r)('/callback/get_config', {})).config;
      const config = {
        ...fileConfig,
        url: other.url,
        signingSecret: secret,
        deliveryConcurrency: 1,
        retrySchedule: ['5s', '1m'],
      };
      const before = Date.now();
      const data = await adminOn(r)('/callback/set_config', { config });
      expect(data.source).toBe('api');
      expect(data.changedAt).toBeGreaterThanOrEqual(before);
      expect(data.config).toMatchObject({
        url: other.url,
        signingSecret: secret,
        deliveryConcurrency: 1,
        retrySchedule: [5, 60],
      });

      other.answer('*', { delayMs: 50 });
      const events = ['r1', 'r2', 'r3'].map((g) => newEvent(g));
      await enqueue(r.app, ...events);
      await other.waitForCount(3, (q) => events.some((e) => e.id === q.headers['webhook-id']), ARRIVAL_MS);
      expect(other.maxInFlight).toBe(1);
      expect(other.requests().every((q) => typeof q.headers['webhook-signature'] === 'string')).toBe(true);
      expect(fileRx.requests(byGroup('r1'))).toHaveLength(0);

      await r.stop();
      r = await startServer({ dir: r.dir, env: { HUDDLE_CALLBACKS: path.join(r.dir, 'webhooks.yml') } });
      const reread = await adminOn(r)('/callback/get_config', {});
      expect(reread).toEqual(data);
      const e = newEvent('r4');
      await enqueue(r.app, e);
      await other.waitForCount(1, byGroup('r4'), ARRIVAL_MS);
      expect(fileRx.requests(byGroup('r4'))).toHaveLength(0);
    } finally {
      await r.close();
      await fileRx.close();
      await other.close();
    }
  });
});

describe('retention', () => {
  it('deletes delivered and dead callbacks past HUDDLE_EVENT_RETENTION_DAYS with their attempts, never pending ones', async () => {
    const day = 86_400_000;
    const now = Date.now();
    // Events of an endpoint nobody delivers to, finished (or not) 31 and 29 days ago.
    const at = (daysAgo: number) => now - daysAgo * day;
    const old = ['ret-delivered', 'ret-dead', 'ret-pending', 'ret-recent'].map((g) => ({
      ...newEvent(g),
      endpoint: 'retired',
      createdAt: at(40),
    }));
    await s.app.store.tx((tx) => tx.events.enqueue(old));
    const claimed = await s.app.store.repos.events.claim('test-worker', now, now + 60_000, 10, ['retired']);
    expect(claimed).toHaveLength(4);
    const attempt = (eventID: string) => ({
      eventID,
      attempt: 1,
      startedAt: at(31),
      durationMs: 5,
      statusCode: 200,
      outcome: 'success' as const,
      error: '',
      responseExcerpt: '{}',
    });
    const finish = (e: (typeof old)[number], status: 'delivered' | 'dead' | 'pending', finishedAt: number | null) => ({
      attempt: attempt(e.id),
      workerID: 'test-worker',
      next: { status, nextAttemptAt: now + day, lastError: '', finishedAt },
    });
    await s.app.store.tx((tx) =>
      tx.events.finishMany([
        finish(old[0]!, 'delivered', at(31)),
        finish(old[1]!, 'dead', at(31)),
        finish(old[2]!, 'pending', null),
        finish(old[3]!, 'delivered', at(29)),
      ]),
    );

    expect(await s.app.retention.prune()).toBe(2);
    const left = await admin('/callback/list_events', { endpoint: 'retired', pagination: page() });
    expect(left.events.map((e: { groupID: string }) => e.groupID).sort()).toEqual(['ret-pending', 'ret-recent']);
    expect(await s.app.store.repos.events.attempts(old[0]!.id)).toEqual([]);
    expect(await s.app.store.repos.events.attempts(old[3]!.id)).toHaveLength(1);
    expect(await s.app.retention.prune()).toBe(0);
  });
});
