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
import { createGroup, startServer, type TestServer } from './harness.js';
import { enqueue, newEvent } from './outbox-event.js';
import { DEFAULT_ANSWER, startReceiver, webhooksDocument, writeWebhooksYaml, type ReceivedRequest, type Receiver, type WebhooksYamlOptions } from './receiver.js';
import { eventually, sleep } from './wait.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-delivery-'));
let rx: Receiver;
let s: TestServer;
let baseConfig: Record<string, unknown>;

/** How long a test waits for callbacks to arrive. */
const ARRIVAL_MS = 8000;
const byGroup = (g: string) => (r: ReceivedRequest) => r.body?.groupID === g;

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
  rx = await startReceiver();
  const file: WebhooksYamlOptions = {
    url: rx.url,
    signingSecret: SECRET,
    retrySchedule: [0.05, 0.05],
    hooks: { afterQuitGroup: { enable: true, timeout: 0.3 }, afterCreateGroup: { enable: true, timeout: 0.3 } },
  };
  baseConfig = webhooksDocument(file);
  s = await startServer({ dir, env: { HUDDLE_WEBHOOKS: writeWebhooksYaml(dir, file) } });
});

afterAll(async () => {
  await s?.close();
  await rx?.close();
});

beforeEach(async () => {
  // Default answers, no requests recorded, maxInFlight from zero.
  rx.reset();
  if (s.app.webhooks.source !== 'file') await configure({});
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
    expect(a).toMatchObject({ attempt: 1, statusCode: 200, outcome: 'success', error: '', responseExcerpt: JSON.stringify(DEFAULT_ANSWER) });
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

  it('never slows the API: create_group answers at once while the receiver sits on every callback', async () => {
    // A worker that would otherwise sleep a minute: a callback arriving within seconds was woken
    // by the commit, with room for a loaded machine.
    const sleepy = await startServer({ env: { HUDDLE_WEBHOOKS: path.join(dir, 'webhooks.yml') }, worker: { idlePollMs: 60_000 } });
    try {
      rx.answer('*', { delayMs: 2000 });
      await sleepy.register('slowOwner');
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const group = await createGroup(sleepy, { owner: 'slowOwner', groupName: `slow${i}` });
        // The API does not wait for the receiver's 2 s.
        expect(Date.now() - started).toBeLessThan(1500);
        const [hit] = await rx.waitForCount(1, byGroup(group.groupID), 5000);
        expect(hit!.command).toBe('callbackAfterCreateGroupCommand');
      }
    } finally {
      rx.answer('*', {});
      await sleepy.close();
    }
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
    rx.answer('*', (r) => (r.body?.groupID === g && n++ === 0 ? reply : {}));
    const e = newEvent(g);
    await enqueue(s.app, e);
    const hits = await rx.waitForCount(2, byGroup(g), ARRIVAL_MS);
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

  it('honours Retry-After beyond the schedule', async () => {
    let n = 0;
    rx.answer('*', (r) => (r.body?.groupID === 'g-retry-after' && n++ === 0 ? { status: 429, headers: { 'retry-after': '1' } } : {}));
    const e = newEvent('g-retry-after');
    await enqueue(s.app, e);
    const [a, b] = await rx.waitForCount(2, byGroup('g-retry-after'), ARRIVAL_MS);
    expect(b!.receivedAt - a!.answeredAt!).toBeGreaterThanOrEqual(950);
    // The schedule alone would have retried after 50 ms.
    expect(b!.receivedAt - a!.answeredAt!).toBeLessThan(3000);
    const [first] = await attempts(e.id);
    expect(first).toMatchObject({ statusCode: 429, error: 'HTTP 429' });
  });
});

describe('order', () => {
  it('keeps one in flight per group, in commit order, while groups go in parallel', async () => {
    const open = new Map<string, number>();
    let overlap = false;
    rx.answer('*', (r) => {
      const g = r.body.groupID as string;
      const now = (open.get(g) ?? 0) + 1;
      open.set(g, now);
      if (now > 1) overlap = true;
      setTimeout(() => open.set(g, open.get(g)! - 1), 80);
      return { delayMs: 80 };
    });
    const groups = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'];
    const events: NewEvent[] = [];
    for (let i = 0; i < 5; i++) for (const g of groups) events.push(newEvent(g));
    const started = Date.now();
    await enqueue(s.app, ...events);
    const hits = await rx.waitForCount(30, (r) => groups.includes(r.body?.groupID), ARRIVAL_MS);
    await Promise.all(events.map((e) => settled(e.id)));
    const elapsed = Date.now() - started;
    expect(overlap).toBe(false);
    for (const g of groups) {
      expect(hits.filter(byGroup(g)).map((r) => r.headers['webhook-id'])).toEqual(events.filter((e) => e.orderingKey === g).map((e) => e.id));
    }
    expect(rx.maxInFlight).toBe(groups.length);
    // Five rounds of 80 ms in parallel (0.4 s), not thirty in a row (2.4 s).
    expect(elapsed).toBeLessThan(2000);
  });

  it('respects deliveryConcurrency and applies a change at once', async () => {
    await configure({ deliveryConcurrency: 2 });
    rx.answer('*', { delayMs: 60 });
    const first = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((g) => newEvent(g));
    await enqueue(s.app, ...first);
    await Promise.all(first.map((e) => settled(e.id)));
    expect(rx.maxInFlight).toBe(2);
    rx.clear(); // maxInFlight from zero again
    await configure({ deliveryConcurrency: 64 });
    const second = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((g) => newEvent(g));
    await enqueue(s.app, ...second);
    await Promise.all(second.map((e) => settled(e.id)));
    expect(rx.maxInFlight).toBe(6);
  });

  it('raises the connections per receiver when deliveryConcurrency grows past the start-up pool', async () => {
    // The start-up pool holds 128 connections; 200 groups at once need more.
    // Answers held for 1 s (timeout 3 s): long enough that all 200 are in flight together even
    // when opening 200 connections is slow on a busy machine.
    await configure({ deliveryConcurrency: 200, afterQuitGroup: { enable: true, timeout: 3 } });
    rx.answer('*', { delayMs: 1000 });
    rx.clear();
    const events = Array.from({ length: 200 }, (_, i) => newEvent(`wide${i}`));
    await enqueue(s.app, ...events);
    await Promise.all(events.map((e) => settled(e.id)));
    expect(rx.maxInFlight).toBeGreaterThan(128);
  });

  it('receiver down then up: everything arrives, in order per group', async () => {
    await configure({ retrySchedule: Array(20).fill(0.1) });
    await rx.down();
    const groups = ['d1', 'd2', 'd3'];
    const events: NewEvent[] = [];
    for (let i = 0; i < 4; i++) for (const g of groups) events.push(newEvent(g));
    await enqueue(s.app, ...events);
    await eventually(async () => ((await event(events[0]!.id))!.attempts >= 2 ? true : undefined), 3000, 'failed attempts');
    expect((await attempts(events[0]!.id))[0]).toMatchObject({ statusCode: null, error: 'connection refused' });
    await sleep(200);
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
    await sleep(300);
    expect(rx.requests(byGroup('g-nourl'))).toHaveLength(0);
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
      rx.answer('*', (r) => ({ delayMs: r.body.groupID === 'g-slow' ? 5000 : 100 }));
      await s.app.store.tx((tx) => tx.events.enqueue([slow, slowNext, quick]));
      await worker.start();
      await rx.waitForCount(1, byGroup('g-slow'), ARRIVAL_MS);
      await rx.waitForCount(1, byGroup('g-quick'), ARRIVAL_MS);
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
    rx.answer('*', {});
    await s.app.worker.start();
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
    // every lease (an hour here). PostgreSQL: another instance may still be alive, so the leases
    // must run out first (1.5 s here).
    const now = Date.now();
    const lease = s.engine === 'sqlite' ? 3_600_000 : 1500;
    expect(await s.app.store.repos.events.claim('crashed-worker', now, now + lease, 10, ['default'])).toHaveLength(2);
    await s.stop();
    s = await startServer({ dir, env: { HUDDLE_WEBHOOKS: path.join(dir, 'webhooks.yml') } });
    const started = Date.now();
    for (const e of events) expect(await settled(e.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    if (s.engine === 'sqlite') expect(Date.now() - started).toBeLessThan(2000);
    else {
      // Not before the dead instance's lease ended, and promptly after.
      const heldUntil = now + lease;
      const first = rx.requests(byGroup('g-crash'))[0]!;
      expect(first.receivedAt).toBeGreaterThanOrEqual(heldUntil);
      expect(first.receivedAt - heldUntil).toBeLessThan(2500);
    }
    const ids = rx.requests(byGroup('g-crash')).map((r) => r.headers['webhook-id']);
    expect(ids).toEqual([events[0]!.id, events[1]!.id]);
  });
});
