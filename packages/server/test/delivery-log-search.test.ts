// The delivery log's search (event ID, payload text), the URL each attempt went to, the replay
// history (who replayed or retried what, how) and bulk replay by IDs (/callback/replay_events).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CALLBACKS } from '@huddle/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { page, startServer, type TestServer } from './harness.js';
import { enqueue, newEvent } from './outbox-event.js';
import { startReceiver, webhooksDocument, writeWebhooksYaml, type Receiver } from './receiver.js';
import { eventually } from './wait.js';

let rx: Receiver;
let s: TestServer;
let userToken: string;

const hooks = { afterQuitGroup: { enable: true, timeout: 2 } };
const admin = <T = any>(p: string, body: unknown) => s.client.ok<T>(p, body, s.adminToken);
const ids = (events: { eventID: string }[]) => events.map((e) => e.eventID).sort();
const search = async (filter: Record<string, unknown>) =>
  ids((await admin('/callback/list_events', { ...filter, pagination: page() })).events);

async function settled(id: string) {
  return eventually(
    async () => {
      const e = await s.app.store.repos.events.get(id);
      return e && e.status !== 'pending' && !e.lockedBy ? e : undefined;
    },
    8000,
    `event ${id} to settle`,
  );
}

beforeAll(async () => {
  rx = await startReceiver();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-log-search-'));
  s = await startServer({
    dir,
    env: { HUDDLE_CALLBACKS: writeWebhooksYaml(dir, { url: rx.url, retrySchedule: [0.05], hooks }) },
  });
  await s.register('alice');
  userToken = await s.tokenFor('alice');
});

afterAll(async () => {
  await s?.close();
  await rx?.close();
});

describe('search', () => {
  const plain = newEvent('search-g', 'afterQuitGroup', { note: 'Hello Brave World' });
  const percent = newEvent('search-g', 'afterQuitGroup', { note: 'half: 50%_off\\now' });
  const lookalike = newEvent('search-g', 'afterQuitGroup', { note: 'half: 50xyoff' });

  beforeAll(async () => {
    await enqueue(s.app, plain, percent, lookalike);
    for (const e of [plain, percent, lookalike]) await settled(e.id);
  });

  it('finds payload text ignoring case, with LIKE wildcards in it matched literally', async () => {
    expect(await search({ text: 'brave WORLD' })).toEqual([plain.id]);
    expect(await search({ groupID: 'search-g', text: 'half' })).toEqual([percent.id, lookalike.id].sort());
    expect(await search({ text: '50%_off' })).toEqual([percent.id]);
    expect(await search({ text: '%' })).toEqual([percent.id]);
    expect(await search({ text: '_off' })).toEqual([percent.id]);
    expect(await search({ text: '\\\\now' })).toEqual([percent.id]); // JSON's "\\" for the one backslash
    expect(await search({ text: 'no such words' })).toEqual([]);
  });

  it('finds non-ASCII text typed as stored or in another case, the same on both engines', async () => {
    // JavaScript lowers a word-final capital sigma to ς, PostgreSQL to σ: the database lowers both sides.
    const greek = newEvent('search-u', 'afterQuitGroup', { note: 'ΟΔΥΣΣΕΥΣ and ÉLODIE' });
    await enqueue(s.app, greek);
    await settled(greek.id);
    for (const text of ['ΟΔΥΣΣΕΥΣ', 'ÉLODIE', 'élodie', 'Élodie'])
      expect([text, await search({ groupID: 'search-u', text })]).toEqual([text, [greek.id]]);
  });

  it('finds one event by its exact ID, alone or with the other filters', async () => {
    expect(await search({ eventID: plain.id })).toEqual([plain.id]);
    expect(await search({ eventID: plain.id.slice(0, -1) })).toEqual([]);
    expect(await search({ eventID: plain.id, text: 'brave' })).toEqual([plain.id]);
    expect(await search({ eventID: plain.id, text: 'half' })).toEqual([]);
    expect(await search({ eventID: plain.id, groupID: 'other' })).toEqual([]);
  });

  it('refuses a search text over 200 characters or an event ID over 64, with ArgsError', async () => {
    expect(await search({ text: 'x'.repeat(200) })).toEqual([]);
    const long = await s.client.post(
      '/callback/list_events',
      { text: 'x'.repeat(201), pagination: page() },
      s.adminToken,
    );
    expect(long.errCode).toBe(1001);
    const id = await s.client.post(
      '/callback/list_events',
      { eventID: 'e'.repeat(65), pagination: page() },
      s.adminToken,
    );
    expect(id.errCode).toBe(1001);
  });

  it('replay_dead takes the search too: only the dead events with that text go again', async () => {
    const deadA = newEvent('search-dead', 'afterQuitGroup', { note: 'needle' });
    const deadB = newEvent('search-dead', 'afterQuitGroup', { note: 'hay' });
    rx.answer('*', (r) => (r.body?.groupID === 'search-dead' ? { status: 500 } : {}));
    try {
      await enqueue(s.app, deadA, deadB);
      for (const e of [deadA, deadB]) expect(await settled(e.id)).toMatchObject({ status: 'dead' });
    } finally {
      rx.answer('*', {});
    }
    expect(await admin('/callback/replay_dead', { groupID: 'search-dead', text: 'NEEDLE' })).toEqual({ count: 1 });
    expect(await settled(deadA.id)).toMatchObject({ status: 'delivered' });
    expect((await s.app.store.repos.events.get(deadB.id))?.status).toBe('dead');
  });
});

describe('the URL of each attempt', () => {
  it('is recorded as sent, so a later change of the endpoint url does not rewrite the log', async () => {
    const e = newEvent('url-g');
    await enqueue(s.app, e);
    await settled(e.id);
    const other = await startReceiver();
    try {
      await admin('/callback/set_config', {
        config: webhooksDocument({ url: other.url, retrySchedule: [0.05], hooks }),
      });
      expect(await admin('/callback/replay_event', { eventID: e.id })).toEqual({ count: 1 });
      await other.waitForCount(1, (r) => r.headers['webhook-id'] === e.id, 8000);
      const detail = await eventually(async () => {
        const d = await admin('/callback/get_event', { eventID: e.id });
        return d.attempts.length === 2 && d.event.status === 'delivered' ? d : undefined;
      });
      const [first, second] = detail.attempts;
      expect(first.url.startsWith(`${rx.url}/${CALLBACKS.afterQuitGroup.openim.command}`)).toBe(true);
      expect(second.url.startsWith(`${other.url}/${CALLBACKS.afterQuitGroup.openim.command}`)).toBe(true);
    } finally {
      await admin('/callback/set_config', { config: webhooksDocument({ url: rx.url, retrySchedule: [0.05], hooks }) });
      await other.close();
    }
  });
});

describe('replay history and replay_events', () => {
  it('records each replay with time, admin and how; get_event returns them oldest first', async () => {
    const e = newEvent('hist-g');
    await enqueue(s.app, e);
    await settled(e.id);
    expect((await admin('/callback/get_event', { eventID: e.id })).replays).toEqual([]);
    const before = Date.now();
    await admin('/callback/replay_event', { eventID: e.id });
    await settled(e.id);
    await admin('/callback/replay_events', { eventIDs: [e.id] });
    await settled(e.id);
    // A retry of a delivered event does nothing and is not history.
    expect(await admin('/callback/retry_event', { eventID: e.id })).toEqual({ count: 0 });
    const { replays } = await admin('/callback/get_event', { eventID: e.id });
    expect(replays).toEqual([
      { time: expect.any(Number), userID: 'imAdmin', how: 'replay', detail: '' },
      { time: expect.any(Number), userID: 'imAdmin', how: 'bulk_replay', detail: JSON.stringify({ eventIDs: [e.id] }) },
    ]);
    expect(replays[0].time).toBeGreaterThanOrEqual(before);
    expect(replays[1].time).toBeGreaterThanOrEqual(replays[0].time);
  });

  it('records replay_dead with its filter on each event it moved, and a retry of a waiting event', async () => {
    const dead = newEvent('hist-dead');
    rx.answer('*', (r) => (r.body?.groupID === 'hist-dead' ? { status: 500 } : {}));
    try {
      await enqueue(s.app, dead);
      expect(await settled(dead.id)).toMatchObject({ status: 'dead' });
    } finally {
      rx.answer('*', {});
    }
    await admin('/callback/replay_dead', { groupID: 'hist-dead', hook: 'afterQuitGroup' });
    await settled(dead.id);
    const { replays } = await admin('/callback/get_event', { eventID: dead.id });
    expect(replays).toEqual([
      {
        time: expect.any(Number),
        userID: 'imAdmin',
        how: 'replay_dead',
        detail: JSON.stringify({ groupID: 'hist-dead', hook: 'afterQuitGroup' }),
      },
    ]);
  });

  it('replay_events: replays finished events, names unknown IDs, refuses more than 100 or none', async () => {
    const a = newEvent('bulk-g');
    const b = newEvent('bulk-g');
    await enqueue(s.app, a, b);
    for (const e of [a, b]) await settled(e.id);
    const answer = await admin('/callback/replay_events', { eventIDs: [a.id, 'evt_unknown', b.id, a.id] });
    expect(answer).toEqual({ count: 2, unknown: ['evt_unknown'] });
    for (const e of [a, b]) expect(await settled(e.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    const tooMany = Array.from({ length: 101 }, (_, i) => `evt_${i}`);
    const refused = await s.client.post('/callback/replay_events', { eventIDs: tooMany }, s.adminToken);
    expect(refused.errCode).toBe(1001);
    expect((await s.client.post('/callback/replay_events', { eventIDs: [] }, s.adminToken)).errCode).toBe(1001);
    // Refused: nothing moved, nothing recorded.
    expect((await admin('/callback/get_event', { eventID: a.id })).replays).toHaveLength(1);
    expect(
      await admin('/callback/replay_events', { eventIDs: Array.from({ length: 100 }, (_, i) => `evt_${i}`) }),
    ).toMatchObject({
      count: 0,
    });
  });

  it('is for app admins only', async () => {
    expect((await s.client.post('/callback/replay_events', { eventIDs: ['x'] }, userToken)).errCode).toBe(1002);
  });
});
