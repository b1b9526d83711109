// The store contract: what the domain relies on from any storage engine, run against each engine
// on a real database (SQLite: a real file in a temporary directory).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GroupRecord, MemberRecord } from '../src/storage/records.js';
import type { Store } from '../src/storage/store.js';
import { engines } from './store-engines.js';

const group = (groupID: string, over: Partial<GroupRecord> = {}): GroupRecord => ({
  groupID,
  groupName: groupID,
  notification: '',
  introduction: '',
  faceURL: '',
  ex: '',
  status: 0,
  creatorUserID: 'c',
  groupType: 2,
  needVerification: 0,
  lookMemberInfo: 0,
  applyMemberFriend: 0,
  notificationUpdateTime: 0,
  notificationUserID: '',
  memberCount: 0,
  createTime: 1,
  ...over,
});
const member = (groupID: string, userID: string, roleLevel = 20, over: Partial<MemberRecord> = {}): MemberRecord => ({
  groupID,
  userID,
  roleLevel,
  joinTime: 1,
  nickname: '',
  faceURL: '',
  joinSource: 2,
  operatorUserID: 'c',
  inviterUserID: 'c',
  ex: '',
  muteEndTime: 0,
  ...over,
});
const user = (userID: string, nickname = userID) => ({
  userID,
  nickname,
  faceURL: '',
  ex: '',
  appMangerLevel: 0,
  globalRecvMsgOpt: 0,
  createTime: 1,
});
const all = { pageNumber: 1, showNumber: 100 };

for (const engine of engines) {
  describe.skipIf(engine.skip)(`store contract: ${engine.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await engine.open());
    });
    afterEach(async () => {
      await cleanup();
    });

    it('rate buckets: a full bucket on first use, one token per take, refilled with time and capped, per key', async () => {
      const perMs = 1 / 1000; // one token a second
      const take = (key: string, now: number) => store.repos.rateBuckets.take(key, 3, perMs, now);
      expect(await take('u', 0)).toEqual({ allowed: true, tokens: 2 });
      expect(await take('u', 0)).toEqual({ allowed: true, tokens: 1 });
      expect(await take('u', 0)).toEqual({ allowed: true, tokens: 0 });
      expect(await take('u', 500)).toEqual({ allowed: false, tokens: 0.5 });
      // A refused take costs nothing: half a token more makes one.
      expect(await take('u', 1000)).toEqual({ allowed: true, tokens: 0 });
      // Another key has its own bucket.
      expect(await take('v', 1000)).toEqual({ allowed: true, tokens: 2 });
      // An hour idle refills to the capacity, not beyond.
      expect(await take('u', 3_600_000)).toEqual({ allowed: true, tokens: 2 });
    });

    it('rolls back every write of a failed transaction', async () => {
      await expect(
        store.tx(async (tx) => {
          await tx.users.insert([user('a')]);
          await tx.groups.insert(group('g'));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await store.repos.users.find(['a'])).toEqual([]);
      expect(await store.repos.groups.get('g')).toBeUndefined();
    });

    it('derives the owner from the members and refuses a second owner', async () => {
      await store.tx(async (tx) => {
        await tx.groups.insert(group('g'));
        await tx.members.insert([member('g', 'o', 100), member('g', 'm')]);
        await tx.groups.addMemberCount('g', 2);
      });
      expect(await store.repos.groups.get('g')).toMatchObject({ ownerUserID: 'o', memberCount: 2 });
      await expect(store.tx((tx) => tx.members.update('g', 'm', { roleLevel: 100 }))).rejects.toThrow();
      await expect(store.tx((tx) => tx.members.insert([member('g', 'o')]))).rejects.toThrow();
      expect((await store.repos.members.get('g', 'm'))?.roleLevel).toBe(20);
    });

    it('lists members by role then join order, with literal keyword matching and paging', async () => {
      await store.tx(async (tx) => {
        await tx.users.insert([user('u1', 'Ann_a'), user('u2', 'annika'), user('u3', '50%'), user('u4', 'Zed')]);
        await tx.groups.insert(group('g'));
        await tx.members.insert([
          member('g', 'u1'),
          member('g', 'u2', 60),
          member('g', 'u3'),
          member('g', 'u4', 100, { nickname: 'Boss' }),
        ]);
      });
      const ids = async (q: { roles?: number[]; keyword?: string }, page = all) =>
        (await store.repos.members.list('g', { roles: q.roles ?? [], keyword: q.keyword ?? '' }, page)).items.map(
          (m) => m.userID,
        );
      expect(await ids({})).toEqual(['u4', 'u2', 'u1', 'u3']);
      expect(await ids({ keyword: 'ANN' })).toEqual(['u2', 'u1']);
      expect(await ids({ keyword: 'n_a' })).toEqual(['u1']);
      expect(await ids({ keyword: '%' })).toEqual(['u3']);
      expect(await ids({ keyword: 'zed' })).toEqual([]); // the in-group nickname "Boss" hides the profile's
      expect(await ids({ keyword: 'boss' })).toEqual(['u4']);
      expect(await ids({ roles: [20] })).toEqual(['u1', 'u3']);
      expect(await ids({}, { pageNumber: 2, showNumber: 3 })).toEqual(['u3']);
      const counted = await store.repos.members.list('g', { roles: [], keyword: '' }, { pageNumber: 1, showNumber: 0 });
      expect(counted).toEqual({ total: 4, items: [] });
      const u1 = await store.repos.members.get('g', 'u1');
      expect(u1?.nickname).toBe('Ann_a');
    });

    it('replaces an earlier join request and lists inboxes of managers only', async () => {
      await store.tx(async (tx) => {
        await tx.groups.insert(group('g'));
        await tx.members.insert([member('g', 'owner', 100), member('g', 'admin', 60), member('g', 'plain')]);
        const req = {
          groupID: 'g',
          userID: 'x',
          handleResult: 0,
          reqMsg: 'first',
          handleMsg: '',
          reqTime: 1,
          handleUserID: '',
          handleTime: 0,
          ex: '',
          joinSource: 3,
          inviterUserID: '',
        };
        await tx.requests.upsertPending(req);
        await tx.requests.markHandled('g', 'x', {
          handleResult: -1,
          handleMsg: 'no',
          handleUserID: 'owner',
          handleTime: 2,
        });
        await tx.requests.upsertPending({ ...req, reqMsg: 'second', reqTime: 3 });
      });
      const r = await store.repos.requests.get('g', 'x');
      expect(r).toMatchObject({ reqMsg: 'second', handleResult: 0, handleMsg: '', handleUserID: '', handleTime: 0 });
      const q = { groupIDs: [], handleResults: [] };
      expect((await store.repos.requests.inbox('admin', q, all)).total).toBe(1);
      expect((await store.repos.requests.inbox('plain', q, all)).total).toBe(0);
      expect((await store.repos.requests.byApplicant('x', { groupIDs: [], handleResults: [1] }, all)).total).toBe(0);
    });

    it('kicks every token of one user on one platform only', async () => {
      const t = (h: string, platformID: number) => ({
        tokenHash: h,
        userID: 'u',
        platformID,
        expiresAt: Date.now() + 1e6,
        state: 0,
      });
      await store.repos.tokens.insert(t('a', 1));
      await store.repos.tokens.insert(t('b', 1));
      await store.repos.tokens.insert(t('c', 2));
      expect(await store.repos.tokens.kick('u', 1)).toBe(2);
      expect((await store.repos.tokens.get('a'))?.state).toBe(2);
      expect((await store.repos.tokens.get('c'))?.state).toBe(0);
    });

    it('claims only the head of each group queue, one in flight per group, in commit order', async () => {
      const ev = (id: string, key: string, at = 1) => ({
        id,
        hook: 'afterQuitGroup',
        endpoint: 'default',
        command: 'c',
        orderingKey: key,
        operationID: 'op',
        payload: '{}',
        createdAt: at,
      });
      await store.tx((tx) => tx.events.enqueue([ev('a1', 'A'), ev('b1', 'B'), ev('a2', 'A'), ev('c1', 'C', 50)]));
      const first = await store.repos.events.claim('w1', 10, 1000, 10, ['default']);
      expect(first.map((e) => e.id)).toEqual(['a1', 'b1']); // c1 not due yet, a2 behind a1
      // Leased heads and everything behind them stay out of other claims.
      expect(await store.repos.events.claim('w2', 20, 1000, 10, ['default'])).toEqual([]);
      const attempt = (eventID: string, outcome: 'success' | 'failure') => ({
        eventID,
        attempt: 1,
        startedAt: 10,
        durationMs: 3,
        statusCode: 200,
        outcome,
        error: '',
        responseExcerpt: '{}',
      });
      // Only the lease holder may finish.
      expect(
        await store.repos.events.finish(attempt('a1', 'success'), 'w2', {
          status: 'delivered',
          nextAttemptAt: 20,
          lastError: '',
          finishedAt: 20,
        }),
      ).toBe(false);
      expect(
        await store.repos.events.finish(attempt('a1', 'success'), 'w1', {
          status: 'delivered',
          nextAttemptAt: 20,
          lastError: '',
          finishedAt: 20,
        }),
      ).toBe(true);
      // b1 fails and backs off: nothing of group B moves until it is due again.
      await store.repos.events.finish(attempt('b1', 'failure'), 'w1', {
        status: 'pending',
        nextAttemptAt: 500,
        lastError: 'HTTP 500',
        finishedAt: null,
      });
      expect((await store.repos.events.claim('w2', 60, 1000, 10, ['default'])).map((e) => e.id)).toEqual(['a2', 'c1']);
      expect(await store.repos.events.release('w2')).toBe(2);
      expect((await store.repos.events.claim('w3', 60, 1000, 10, ['default'])).map((e) => e.id)).toEqual(['a2', 'c1']);
      // An expired lease is claimed again.
      expect((await store.repos.events.claim('w4', 1000, 2000, 10, ['default'])).map((e) => e.id)).toEqual([
        'b1',
        'a2',
        'c1',
      ]);
      expect(await store.repos.events.attempts('b1')).toHaveLength(1);
      expect(await store.repos.events.get('b1')).toMatchObject({
        attempts: 1,
        lastError: 'HTTP 500',
        status: 'pending',
      });
      expect(await store.repos.events.stats()).toEqual({ pending: 3, dead: 0, oldestPendingAt: 1 });
      expect(await store.repos.events.requeue({ ids: ['a1'] }, 3000)).toBe(1);
      expect((await store.repos.events.list({ status: 'pending' }, all)).items.map((e) => e.id)).toEqual([
        'c1',
        'a2',
        'b1',
        'a1',
      ]);
    });

    it('retryNow makes waiting queue heads due now, never an event behind its head, nor a leased or due one', async () => {
      const ev = (id: string, key: string, endpoint = 'default') => ({
        id,
        hook: 'afterQuitGroup',
        endpoint,
        command: 'c',
        orderingKey: key,
        operationID: 'op',
        payload: '{}',
        createdAt: 1,
      });
      await store.tx((tx) =>
        tx.events.enqueue([ev('a1', 'A'), ev('a2', 'A'), ev('b1', 'B'), ev('c1', 'C'), ev('d1', 'D', 'tc')]),
      );
      expect((await store.repos.events.claim('w1', 10, 1000, 10, ['default', 'tc'])).map((e) => e.id)).toEqual([
        'a1',
        'b1',
        'c1',
        'd1',
      ]);
      const failed = (eventID: string) => ({
        attempt: {
          eventID,
          attempt: 1,
          startedAt: 10,
          durationMs: 3,
          statusCode: 500,
          outcome: 'failure' as const,
          error: 'HTTP 500',
          responseExcerpt: '',
        },
        workerID: 'w1',
        next: { status: 'pending' as const, nextAttemptAt: 500, lastError: 'HTTP 500', finishedAt: null },
      });
      // a1, b1 and d1 wait until 500; c1 stays in flight.
      await store.tx((tx) => tx.events.finishMany([failed('a1'), failed('b1'), failed('d1')]));
      // Retrying a2 hurries its head a1; a2 keeps its place behind it.
      expect(await store.repos.events.retryNow({ ids: ['a2'] }, 20)).toEqual(['a1']);
      expect(await store.repos.events.get('a1')).toMatchObject({ nextAttemptAt: 20, attempts: 1, status: 'pending' });
      expect(await store.repos.events.get('a2')).toMatchObject({ nextAttemptAt: 1, attempts: 0 });
      expect(await store.repos.events.retryNow({ ids: ['a1'] }, 21)).toEqual([]); // due already
      expect(await store.repos.events.retryNow({ endpoint: 'default' }, 30)).toEqual(['b1']); // c1 is leased
      expect(await store.repos.events.retryNow({ orderingKey: 'C' }, 30)).toEqual([]);
      expect(await store.repos.events.retryNow({}, 40)).toEqual(['d1']);
      expect((await store.repos.events.claim('w2', 40, 1000, 10, ['default', 'tc'])).map((e) => e.id)).toEqual([
        'a1',
        'b1',
        'd1',
      ]);
    });

    it('claims exactly the due, unleased oldest pending event of each queue through enqueues, retries, deaths and replays', async () => {
      // A seeded random walk over two endpoints and five groups, checked against an oracle computed
      // from the pending events themselves after every step.
      let seed = 7;
      const rand = (n: number) => {
        seed = (seed * 48271) % 2147483647; // Park-Miller
        return Math.floor(seed / 1024) % n;
      };
      const endpoints = ['default', 'tc'];
      let now = 1000;
      let next = 0;
      let replayed = 0;
      const attempt = (eventID: string) => ({
        eventID,
        attempt: 1,
        startedAt: now,
        durationMs: 1,
        statusCode: 500,
        outcome: 'failure' as const,
        error: 'x',
        responseExcerpt: '',
      });
      for (let step = 0; step < 120; step++) {
        const op = rand(4);
        if (op === 0 || step < 10) {
          const batch = Array.from({ length: 1 + rand(4) }, () => ({
            id: `r${next++}`,
            hook: 'h',
            endpoint: endpoints[rand(2)]!,
            command: 'c',
            orderingKey: `g${rand(5)}`,
            operationID: 'o',
            payload: '{}',
            createdAt: now,
          }));
          await store.tx((tx) => tx.events.enqueue(batch));
        } else if (op === 3) {
          replayed += await store.repos.events.requeue({ status: 'dead' }, now);
        }
        now += 10;
        const pending = (await store.repos.events.list({ status: 'pending' }, { pageNumber: 1, showNumber: 10_000 }))
          .items;
        const heads = new Map<string, (typeof pending)[number]>();
        for (const e of pending) {
          const k = `${e.endpoint}/${e.orderingKey}`;
          if (!heads.has(k) || e.seq < heads.get(k)!.seq) heads.set(k, e);
        }
        const expected = [...heads.values()]
          .filter((e) => e.nextAttemptAt <= now && (e.lockedUntil === null || e.lockedUntil <= now))
          .map((e) => e.id);
        const claimed = await store.repos.events.claim('w', now, now + 5, 1000, endpoints);
        expect(claimed.map((e) => e.id).sort(), `step ${step}`).toEqual(expected.sort());
        // Each claimed head: delivered, dead, retried later, or left leased; recorded as one batch.
        const finished = claimed.flatMap((e) => {
          const fate = rand(4);
          if (fate === 3) return [];
          const status = fate === 0 ? 'delivered' : fate === 1 ? 'dead' : 'pending';
          return [
            {
              attempt: attempt(e.id),
              workerID: 'w',
              next: {
                status,
                nextAttemptAt: now + rand(30),
                lastError: 'x',
                finishedAt: status === 'pending' ? null : now,
              },
            } as const,
          ];
        });
        expect(await store.tx((tx) => tx.events.finishMany(finished))).toEqual(finished.map(() => true));
      }
      expect(next).toBeGreaterThan(40);
      expect(replayed).toBeGreaterThan(5);
    });

    it('nextWakeAt is when a claim could next return something: queue heads only, leases included', async () => {
      const ev = (id: string, key: string, at: number) => ({
        id,
        hook: 'afterQuitGroup',
        endpoint: 'default',
        command: 'c',
        orderingKey: key,
        operationID: 'op',
        payload: '{}',
        createdAt: at,
      });
      await store.tx((tx) => tx.events.enqueue([ev('a1', 'A', 1), ev('a2', 'A', 2), ev('b1', 'B', 300)]));
      expect(await store.repos.events.nextWakeAt(['default'])).toBe(1);
      expect((await store.repos.events.claim('w', 10, 100, 10, ['default'])).map((e) => e.id)).toEqual(['a1']);
      // a1 is leased until 100; a2 waits behind it however old it is.
      expect(await store.repos.events.nextWakeAt(['default'])).toBe(100);
      const attempt = {
        eventID: 'a1',
        attempt: 1,
        startedAt: 10,
        durationMs: 3,
        statusCode: 500,
        outcome: 'failure' as const,
        error: 'HTTP 500',
        responseExcerpt: '',
      };
      await store.repos.events.finish(attempt, 'w', {
        status: 'pending',
        nextAttemptAt: 500,
        lastError: 'HTTP 500',
        finishedAt: null,
      });
      // a1 backs off to 500, so group B's head (due at 300) comes first.
      expect(await store.repos.events.nextWakeAt(['default'])).toBe(300);
    });

    it('rolls back events with the change they report', async () => {
      await expect(
        store.tx(async (tx) => {
          await tx.events.enqueue([
            {
              id: 'x',
              hook: 'h',
              endpoint: 'default',
              command: 'c',
              orderingKey: 'g',
              operationID: 'o',
              payload: '{}',
              createdAt: 1,
            },
          ]);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await store.repos.events.get('x')).toBeUndefined();
      expect(await store.repos.events.nextWakeAt(['default'])).toBeUndefined();
    });

    it('enqueues thousands of events in one call', async () => {
      const many = Array.from({ length: 5000 }, (_, i) => ({
        id: `bulk${i}`,
        hook: 'h',
        endpoint: 'default',
        command: 'c',
        orderingKey: `g${i % 7}`,
        operationID: 'o',
        payload: '{}',
        createdAt: 1,
      }));
      await store.tx((tx) => tx.events.enqueue(many));
      expect((await store.repos.events.stats()).pending).toBe(5000);
    });
  });
}
