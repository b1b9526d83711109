// The delivery worker against a real receiver over real HTTP: request shape and signature, retries
// and dead-lettering, Retry-After, order per group, outages, shutdown and crash recovery.

import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signatureMatches } from '@huddle/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import type { NewEvent } from '../src/storage/records.js';
import { CallbackSender } from '../src/webhooks/send.js';
import { DeliveryWorker } from '../src/webhooks/worker.js';
import { eventually, newEvent, OK, sleep, startSink, writeWebhooks, type Hit, type Sink } from './delivery-sink.js';
import { createGroup, startServer, type TestServer } from './harness.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-delivery-'));
let sink: Sink;
let s: TestServer;
let baseConfig: Record<string, unknown>;

const byGroup = (g: string) => (h: Hit) => h.body?.groupID === g;

async function enqueue(...events: NewEvent[]) {
  await s.app.store.tx((tx) => tx.events.enqueue(events));
  s.app.worker.wake();
}

const event = (id: string) => s.app.store.repos.events.get(id);
const attempts = (id: string) => s.app.store.repos.events.attempts(id);

async function settled(id: string) {
  return eventually(async () => {
    const e = await event(id);
    return e && e.status !== 'pending' ? e : undefined;
  }, 8000, `event ${id} to settle`);
}

async function configure(patch: Record<string, unknown>) {
  await s.app.webhooks.replace({ ...baseConfig, ...patch }, Date.now());
}

beforeAll(async () => {
  sink = await startSink();
  baseConfig = {
    url: sink.url,
    signingSecret: SECRET,
    retrySchedule: [0.05, 0.05],
    afterQuitGroup: { enable: true, timeout: 0.3 },
    afterCreateGroup: { enable: true, timeout: 0.3 },
  };
  s = await startServer({ dir, env: { HUDDLE_WEBHOOKS: writeWebhooks(dir, baseConfig) } });
});

afterAll(async () => {
  await s?.close();
  await sink?.close();
});

beforeEach(async () => {
  sink.answer = () => ({});
  sink.maxOpen = 0;
  if (s.app.webhooks.source !== 'file') await configure({});
});

describe('a delivery', () => {
  it('POSTs the stored body to {url}/{command}?contenttype=json with operationID and Standard Webhooks headers', async () => {
    const e = newEvent('g-shape');
    const before = Math.floor(Date.now() / 1000);
    await enqueue(e);
    const [hit] = await sink.waitFor(1, byGroup('g-shape'));
    expect(hit!.path).toBe('/cb/callbackAfterQuitGroupCommand');
    expect(hit!.query).toBe('contenttype=json');
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
    expect(a).toMatchObject({ attempt: 1, statusCode: 200, outcome: 'success', error: '', responseExcerpt: JSON.stringify(OK) });
  });

  it('sends no signature when no secret is configured', async () => {
    await configure({ signingSecret: '' });
    const e = newEvent('g-nosig');
    await enqueue(e);
    const [hit] = await sink.waitFor(1, byGroup('g-nosig'));
    expect(hit!.headers['webhook-id']).toBe(e.id);
    expect(hit!.headers['webhook-signature']).toBeUndefined();
    await settled(e.id);
  });

  it('never slows the API: create_group answers at once while the receiver sits on every callback', async () => {
    sink.answer = () => ({ delayMs: 2000 });
    await s.register('slowOwner');
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const group = await createGroup(s, { owner: 'slowOwner', groupName: `slow${i}` });
      expect(Date.now() - started).toBeLessThan(500);
      // The commit wakes the worker: the callback leaves at once, not at the next idle poll.
      const [hit] = await sink.waitFor(1, byGroup(group.groupID), 2000);
      expect(hit!.command).toBe('callbackAfterCreateGroupCommand');
      expect(hit!.receivedAt - started).toBeLessThan(300);
    }
    sink.answer = () => ({});
  });
});

describe('failures', () => {
  it.each([
    { kind: 'HTTP 500', reply: { status: 500 }, error: 'HTTP 500', statusCode: 500 },
    { kind: 'a timeout', reply: { delayMs: 1000 }, error: 'timeout after 300 ms', statusCode: null },
    { kind: 'a non-JSON body', reply: { body: 'ok' }, error: 'response body is not JSON', statusCode: 200 },
    { kind: 'actionCode 1', reply: { body: { actionCode: 1, errCode: 0 } }, error: 'actionCode 1', statusCode: 200 },
  ])('retries after $kind with the same webhook-id, after the scheduled delay', async ({ kind, reply, error, statusCode }) => {
    const g = `g-retry-${kind.replace(/\W/g, '')}`;
    let n = 0;
    sink.answer = (h) => (h.body?.groupID === g && n++ === 0 ? reply : {});
    const e = newEvent(g);
    await enqueue(e);
    const hits = await sink.waitFor(2, byGroup(g));
    expect(hits.map((h) => h.headers['webhook-id'])).toEqual([e.id, e.id]);
    const done = await settled(e.id);
    expect(done).toMatchObject({ status: 'delivered', attempts: 2 });
    const [first, second] = await attempts(e.id);
    expect(first).toMatchObject({ attempt: 1, outcome: 'failure', error, statusCode });
    expect(second).toMatchObject({ attempt: 2, outcome: 'success', statusCode: 200 });
    // retrySchedule[0] is 50 ms with ±20 % jitter.
    expect(second!.startedAt - (first!.startedAt + first!.durationMs)).toBeGreaterThanOrEqual(38);
  });

  it('dead-letters after 1 + retrySchedule.length attempts, and the group moves on', async () => {
    sink.answer = (h) => (h.body?.n === dead.payloadN ? { status: 503, body: 'unavailable '.repeat(1000) } : {});
    const first = newEvent('g-dead');
    const next = newEvent('g-dead');
    const dead = { payloadN: JSON.parse(first.payload).n };
    await enqueue(first, next);
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
    const order = (await sink.waitFor(4, byGroup('g-dead'))).map((h) => h.headers['webhook-id']);
    expect(order).toEqual([first.id, first.id, first.id, next.id]);
  });

  it('honours Retry-After beyond the schedule', async () => {
    let n = 0;
    sink.answer = (h) => (h.body?.groupID === 'g-retry-after' && n++ === 0 ? { status: 429, headers: { 'retry-after': '1' } } : {});
    const e = newEvent('g-retry-after');
    await enqueue(e);
    const [a, b] = await sink.waitFor(2, byGroup('g-retry-after'));
    expect(b!.receivedAt - a!.answeredAt!).toBeGreaterThanOrEqual(950);
    expect(b!.receivedAt - a!.answeredAt!).toBeLessThan(2000);
    const [first] = await attempts(e.id);
    expect(first).toMatchObject({ statusCode: 429, error: 'HTTP 429' });
  });
});

describe('order', () => {
  it('keeps one in flight per group, in commit order, while groups go in parallel', async () => {
    const open = new Map<string, number>();
    let overlap = false;
    sink.answer = (h) => {
      const g = h.body.groupID as string;
      const now = (open.get(g) ?? 0) + 1;
      open.set(g, now);
      if (now > 1) overlap = true;
      setTimeout(() => open.set(g, open.get(g)! - 1), 80);
      return { delayMs: 80 };
    };
    const groups = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'];
    const events: NewEvent[] = [];
    for (let i = 0; i < 5; i++) for (const g of groups) events.push(newEvent(g));
    const started = Date.now();
    await enqueue(...events);
    const hits = await sink.waitFor(30, (h) => groups.includes(h.body?.groupID));
    await Promise.all(events.map((e) => settled(e.id)));
    const elapsed = Date.now() - started;
    expect(overlap).toBe(false);
    for (const g of groups) {
      expect(hits.filter(byGroup(g)).map((h) => h.headers['webhook-id'])).toEqual(events.filter((e) => e.orderingKey === g).map((e) => e.id));
    }
    expect(sink.maxOpen).toBe(groups.length);
    // Five rounds of 80 ms in parallel, not thirty in a row.
    expect(elapsed).toBeLessThan(1500);
  });

  it('respects deliveryConcurrency and applies a change at once', async () => {
    await configure({ deliveryConcurrency: 2 });
    sink.answer = () => ({ delayMs: 60 });
    const first = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((g) => newEvent(g));
    await enqueue(...first);
    await Promise.all(first.map((e) => settled(e.id)));
    expect(sink.maxOpen).toBe(2);
    sink.maxOpen = 0;
    await configure({ deliveryConcurrency: 64 });
    const second = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((g) => newEvent(g));
    await enqueue(...second);
    await Promise.all(second.map((e) => settled(e.id)));
    expect(sink.maxOpen).toBe(6);
  });

  it('receiver down then up: everything arrives, in order per group', async () => {
    await configure({ retrySchedule: Array(20).fill(0.1) });
    await sink.down();
    const groups = ['d1', 'd2', 'd3'];
    const events: NewEvent[] = [];
    for (let i = 0; i < 4; i++) for (const g of groups) events.push(newEvent(g));
    await enqueue(...events);
    await eventually(async () => ((await event(events[0]!.id))!.attempts >= 2 ? true : undefined), 3000, 'failed attempts');
    expect((await attempts(events[0]!.id))[0]).toMatchObject({ statusCode: null, error: 'connection refused' });
    await sleep(200);
    await sink.up();
    await Promise.all(events.map((e) => settled(e.id)));
    for (const e of events) expect((await event(e.id))!.status).toBe('delivered');
    for (const g of groups) {
      const ids = sink.hits.filter(byGroup(g)).map((h) => h.headers['webhook-id']);
      expect(ids).toEqual(events.filter((e) => e.orderingKey === g).map((e) => e.id));
    }
  });

  it('with url "" leaves events pending, and sends them once a URL is set', async () => {
    await configure({ url: '' });
    const e = newEvent('g-nourl');
    await enqueue(e);
    await sleep(300);
    expect(sink.hits.filter(byGroup('g-nourl'))).toHaveLength(0);
    expect(await event(e.id)).toMatchObject({ status: 'pending', attempts: 0 });
    await configure({});
    expect(await settled(e.id)).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});

describe('shutdown and restart', () => {
  it('stop() lets attempts finish within the grace period, aborts the rest and releases their leases', async () => {
    await s.app.worker.stop();
    const sender = new CallbackSender();
    const worker = new DeliveryWorker(s.app.store, s.app.webhooks, sender, createLogger('silent'), Date.now, { graceMs: 300 });
    const slow = newEvent('g-slow');
    const slowNext = newEvent('g-slow');
    const quick = newEvent('g-quick');
    try {
      await configure({ afterQuitGroup: { enable: true, timeout: 10 } });
      sink.answer = (h) => ({ delayMs: h.body.groupID === 'g-slow' ? 5000 : 100 });
      await s.app.store.tx((tx) => tx.events.enqueue([slow, slowNext, quick]));
      await worker.start();
      await sink.waitFor(1, byGroup('g-slow'));
      await sink.waitFor(1, byGroup('g-quick'));
      const started = Date.now();
      await worker.stop();
      expect(Date.now() - started).toBeLessThan(1000);
      // Finished within the grace period: recorded as usual.
      expect(await event(quick.id)).toMatchObject({ status: 'delivered', attempts: 1 });
      // Aborted: no attempt recorded, lease released, still first in its group.
      expect(await event(slow.id)).toMatchObject({ status: 'pending', attempts: 0, lockedBy: null, lockedUntil: null });
      expect(await attempts(slow.id)).toEqual([]);
      expect(await event(slowNext.id)).toMatchObject({ status: 'pending', attempts: 0 });
    } finally {
      await worker.stop();
      await sender.close();
    }
    sink.answer = () => ({});
    await s.app.worker.start();
    expect(await settled(slow.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(await settled(slowNext.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    // The aborted attempt is sent again, same webhook-id, before the event behind it.
    const ids = sink.hits.filter(byGroup('g-slow')).map((h) => h.headers['webhook-id']);
    expect(ids).toEqual([slow.id, slow.id, slowNext.id]);
  });

  it('after a crash, events a dead process held are sent at once on restart', async () => {
    const events = [newEvent('g-crash'), newEvent('g-crash'), newEvent('g-crash2')];
    await s.app.worker.stop();
    await s.app.store.tx((tx) => tx.events.enqueue(events));
    // A process that claimed them and died: leases an hour long.
    const now = Date.now();
    expect(await s.app.store.repos.events.claim('crashed-worker', now, now + 3_600_000, 10)).toHaveLength(2);
    await s.stop();
    s = await startServer({ dir, env: { HUDDLE_WEBHOOKS: path.join(dir, 'webhooks.yml') } });
    const started = Date.now();
    for (const e of events) expect(await settled(e.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(Date.now() - started).toBeLessThan(2000);
    const ids = sink.hits.filter(byGroup('g-crash')).map((h) => h.headers['webhook-id']);
    expect(ids).toEqual([events[0]!.id, events[1]!.id]);
  });
});
