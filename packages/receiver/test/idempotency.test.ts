// At-least-once delivery meets run-once handlers: one answer per webhook-id, duplicates in flight
// share it, failures are not recorded, and the in-memory store stays bounded.

import { describe, expect, it } from 'vitest';
import { createReceiver, MemoryIdempotencyStore, type IdempotencyStore, type RecordedAnswer } from '../src/index.js';
import { openimRequest, SECRET } from './requests.js';

const JOIN = 'callbackAfterMemberJoinGroupCommand';

function counting(options: { idempotency?: IdempotencyStore | false; fail?: () => boolean; delayMs?: number } = {}) {
  let runs = 0;
  const receiver = createReceiver({
    openim: { signingSecret: SECRET },
    idempotency: options.idempotency,
    onError: () => {},
  }).on('afterMemberJoinGroup', async () => {
    runs++;
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    if (options.fail?.()) throw new Error('not now');
  });
  return { receiver, runs: () => runs };
}

describe('deduplication by webhook-id', () => {
  it('runs the handler once for a redelivered event, and answers the same', async () => {
    const { receiver, runs } = counting();
    const first = await receiver.handle(openimRequest(JOIN, { userID: 'u1' }, { id: 'evt_1' }));
    // A retry is signed again, with a new timestamp: only the id is the same.
    const again = await receiver.handle(
      openimRequest(JOIN, { userID: 'u1' }, { id: 'evt_1', timestamp: Math.floor(Date.now() / 1000) - 30 }),
    );
    await receiver.handle(openimRequest(JOIN, { userID: 'u2' }, { id: 'evt_2' }));
    expect(runs()).toBe(2);
    expect(again).toEqual(first);
  });

  it('runs once when duplicates arrive while the first is still running', async () => {
    const { receiver, runs } = counting({ delayMs: 50 });
    const answers = await Promise.all(
      [1, 2, 3].map(() => receiver.handle(openimRequest(JOIN, {}, { id: 'evt_same' }))),
    );
    expect(runs()).toBe(1);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  });

  it('runs a failed event again on retry', async () => {
    let failing = true;
    const { receiver, runs } = counting({ fail: () => failing });
    expect((await receiver.handle(openimRequest(JOIN, {}, { id: 'evt_f' }))).status).toBe(500);
    failing = false;
    expect((await receiver.handle(openimRequest(JOIN, {}, { id: 'evt_f' }))).status).toBe(200);
    expect((await receiver.handle(openimRequest(JOIN, {}, { id: 'evt_f' }))).status).toBe(200);
    expect(runs()).toBe(2);
  });

  it('runs every delivery with idempotency: false', async () => {
    const { receiver, runs } = counting({ idempotency: false });
    await receiver.handle(openimRequest(JOIN, {}, { id: 'evt_1' }));
    await receiver.handle(openimRequest(JOIN, {}, { id: 'evt_1' }));
    expect(runs()).toBe(2);
  });

  it('uses a store of your own, and answers a failure when it fails', async () => {
    const saved = new Map<string, RecordedAnswer>();
    let down = false;
    const store: IdempotencyStore = {
      async get(id) {
        if (down) throw new Error('store down');
        return saved.get(id);
      },
      async set(id, answer) {
        saved.set(id, answer);
      },
    };
    const { receiver, runs } = counting({ idempotency: store });
    await receiver.handle(openimRequest(JOIN, {}, { id: 'evt_s' }));
    await receiver.handle(openimRequest(JOIN, {}, { id: 'evt_s' }));
    expect([...saved.keys()]).toEqual(['evt_s']);
    down = true;
    expect((await receiver.handle(openimRequest(JOIN, {}, { id: 'evt_t' }))).status).toBe(500);
    expect(runs()).toBe(1);
  });
});

describe('MemoryIdempotencyStore', () => {
  const answer = { status: 200, body: {} };

  it('forgets answers after their TTL', () => {
    let now = 0;
    const store = new MemoryIdempotencyStore({ ttlMs: 1000, now: () => now });
    store.set('a', answer);
    now = 999;
    expect(store.get('a')).toBe(answer);
    now = 1000;
    expect(store.get('a')).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const store = new MemoryIdempotencyStore({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) store.set(id, answer);
    expect(store.size).toBe(3);
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => store.get(id) !== undefined)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });

  it('drops expired entries as new ones come', () => {
    let now = 0;
    const store = new MemoryIdempotencyStore({ ttlMs: 10, now: () => now });
    store.set('a', answer);
    store.set('b', answer);
    now = 20;
    store.set('c', answer);
    expect(store.size).toBe(1);
  });
});
