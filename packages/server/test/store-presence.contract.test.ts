// The store contract for online state (gateway instances and their connections), on each engine.

import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../src/storage/records.js';
import type { Repos } from '../src/storage/store.js';
import { engines, storePerTest } from './store-engines.js';

const conn = (connID: string, over: Partial<ConnectionRecord> = {}): ConnectionRecord => ({
  connID,
  instanceID: 'i1',
  userID: 'alice',
  platformID: 5,
  background: false,
  connectedAt: 1_000,
  ...over,
});

for (const engine of engines) {
  describe.skipIf(engine.skip)(`presence store (${engine.name})`, () => {
    const opened = storePerTest(engine);
    const presence = () => opened.store().repos.presence;
    const tx = <T>(fn: (repos: Repos) => Promise<T>) => opened.store().tx(fn);

    it('heartbeat says whether the instance was registered already', async () => {
      expect(await presence().heartbeat('i1', 1_000)).toBe(false);
      expect(await presence().heartbeat('i1', 2_000)).toBe(true);
      await presence().forget('i1');
      expect(await presence().heartbeat('i1', 3_000)).toBe(false);
    });

    it('lists the connections of live instances only, oldest first, as recorded', async () => {
      await presence().heartbeat('i1', 10_000);
      await presence().heartbeat('i2', 5_000);
      await presence().connect(conn('c2', { connectedAt: 2_000, platformID: 1, background: true }));
      await presence().connect(conn('c1', { connectedAt: 1_000 }));
      await presence().connect(conn('c3', { instanceID: 'i2', userID: 'bob' }));
      await presence().connect(conn('c4', { instanceID: 'never-stamped', userID: 'bob' }));
      await presence().connect(conn('c5', { userID: 'carol' }));
      expect(await presence().online(['alice', 'bob', 'nobody'], 8_000)).toEqual([
        conn('c1', { connectedAt: 1_000 }),
        conn('c2', { connectedAt: 2_000, platformID: 1, background: true }),
      ]);
      expect((await presence().online(['bob'], 5_000)).map((c) => c.connID)).toEqual(['c3']);
      expect(await presence().online([], 0)).toEqual([]);
    });

    it('disconnect returns the row once; setBackground changes the flag of a recorded connection', async () => {
      await presence().heartbeat('i1', 1_000);
      await presence().connect(conn('c1'));
      expect(await presence().setBackground('c1', true)).toBe(true);
      expect(await presence().setBackground('nope', true)).toBe(false);
      expect(await presence().disconnect('c1')).toEqual(conn('c1', { background: true }));
      expect(await presence().disconnect('c1')).toBeUndefined();
      expect(await presence().online(['alice'], 0)).toEqual([]);
    });

    it('sweep takes the connections of stale and unknown instances, and the stale instances', async () => {
      await presence().heartbeat('dead', 1_000);
      await presence().heartbeat('live', 9_000);
      await presence().connect(conn('d1', { instanceID: 'dead' }));
      await presence().connect(conn('d2', { instanceID: 'dead', userID: 'bob' }));
      await presence().connect(conn('o1', { instanceID: 'orphan', userID: 'carol' }));
      await presence().connect(conn('l1', { instanceID: 'live', userID: 'dave' }));
      const gone = await tx((t) => t.presence.sweep(5_000));
      expect(gone.map((c) => c.connID).sort()).toEqual(['d1', 'd2', 'o1']);
      expect(await tx((t) => t.presence.sweep(5_000))).toEqual([]);
      expect((await presence().online(['dave'], 5_000)).map((c) => c.connID)).toEqual(['l1']);
      // The dead instance's row went with its connections: its next stamp finds itself new.
      expect(await presence().heartbeat('dead', 10_000)).toBe(false);
      expect(await presence().heartbeat('live', 10_000)).toBe(true);
    });

    it('concurrent sweeps from two instances each take a connection once', async () => {
      const other = await opened.more();
      await presence().heartbeat('dead', 1_000);
      for (let i = 0; i < 20; i++) await presence().connect(conn(`c${i}`, { instanceID: 'dead' }));
      const [a, b] = await Promise.all([
        tx((t) => t.presence.sweep(5_000)),
        other.tx((tx) => tx.presence.sweep(5_000)),
      ]);
      const all = [...a, ...b].map((c) => c.connID).sort();
      expect(all).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`).sort());
    });

    it('forget takes one instance and its connections; forgetAll every one', async () => {
      await presence().heartbeat('i1', 1_000);
      await presence().heartbeat('i2', 1_000);
      await presence().connect(conn('a'));
      await presence().connect(conn('b', { instanceID: 'i2' }));
      expect((await tx((t) => t.presence.forget('i1'))).map((c) => c.connID)).toEqual(['a']);
      expect((await presence().online(['alice'], 0)).map((c) => c.connID)).toEqual(['b']);
      expect(await presence().heartbeat('i1', 2_000)).toBe(false);
      expect((await tx((t) => t.presence.forgetAll())).map((c) => c.connID)).toEqual(['b']);
      expect(await presence().online(['alice'], 0)).toEqual([]);
      expect(await presence().heartbeat('i2', 2_000)).toBe(false);
    });
  });
}
