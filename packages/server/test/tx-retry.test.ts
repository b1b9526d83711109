// The store's transactions survive a lost race: on PostgreSQL, two transactions that lock two groups
// in opposite orders deadlock, the server aborts one (40P01), and store.tx runs it again, so both
// commit; the retried body's after-commit callbacks run once, for the attempt that committed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupRecord } from '../src/storage/records.js';
import { openPostgres } from '../src/storage/postgres/open.js';
import type { Store } from '../src/storage/store.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './postgres.js';

const group = (groupID: string): GroupRecord => ({
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
});

function latch() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe.skipIf(!(await postgresAvailable()))('store.tx on PostgreSQL', () => {
  let database: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPostgres(database.url);
    await store.tx(async (tx) => {
      await tx.groups.insert(group('g1'));
      await tx.groups.insert(group('g2'));
    });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('runs a transaction aborted by a deadlock again; both commit, each after-commit callback once', async () => {
    const aHolds = latch();
    const bHolds = latch();
    const bodies = { a: 0, b: 0 };
    const committed: string[] = [];
    const run = (
      name: 'a' | 'b',
      first: string,
      second: string,
      mine: ReturnType<typeof latch>,
      theirs: ReturnType<typeof latch>,
    ) =>
      store.tx(async (tx) => {
        bodies[name]++;
        await tx.groups.getForUpdate(first);
        mine.open();
        await theirs.opened;
        await tx.groups.getForUpdate(second);
        await tx.groups.addMemberCount(first, 1);
        tx.afterCommit(() => committed.push(name));
      });
    await Promise.all([run('a', 'g1', 'g2', aHolds, bHolds), run('b', 'g2', 'g1', bHolds, aHolds)]);
    // One of the two lost the deadlock and ran again.
    expect(bodies.a + bodies.b).toBe(3);
    expect(committed.sort()).toEqual(['a', 'b']);
    const counts = (await store.repos.groups.find(['g1', 'g2'])).map((g) => [g.groupID, g.memberCount]).sort();
    expect(counts).toEqual([
      ['g1', 1],
      ['g2', 1],
    ]);
  });
});
