// The store contract: what the domain relies on from any storage engine, run against each engine
// on a real database (SQLite: a real file in a temporary directory).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GroupRecord, MemberRecord } from '../src/storage/records.js';
import { openSqlite } from '../src/storage/sqlite/open.js';
import type { Store } from '../src/storage/store.js';

interface Engine {
  name: string;
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

const engines: Engine[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-store-'));
      const store = openSqlite(path.join(dir, 'store.db'));
      return {
        store,
        async cleanup() {
          await store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

const group = (groupID: string, over: Partial<GroupRecord> = {}): GroupRecord => ({
  groupID, groupName: groupID, notification: '', introduction: '', faceURL: '', ex: '', status: 0, creatorUserID: 'c',
  groupType: 2, needVerification: 0, lookMemberInfo: 0, applyMemberFriend: 0, notificationUpdateTime: 0,
  notificationUserID: '', memberCount: 0, createTime: 1, ...over,
});
const member = (groupID: string, userID: string, roleLevel = 20, over: Partial<MemberRecord> = {}): MemberRecord => ({
  groupID, userID, roleLevel, joinTime: 1, nickname: '', faceURL: '', joinSource: 2, operatorUserID: 'c',
  inviterUserID: 'c', ex: '', muteEndTime: 0, ...over,
});
const user = (userID: string, nickname = userID) => ({ userID, nickname, faceURL: '', ex: '', appMangerLevel: 0, globalRecvMsgOpt: 0, createTime: 1 });
const all = { pageNumber: 1, showNumber: 100 };

for (const engine of engines) {
  describe(`store contract: ${engine.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await engine.open());
    });
    afterEach(async () => {
      await cleanup();
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
        await tx.members.insert([member('g', 'u1'), member('g', 'u2', 60), member('g', 'u3'), member('g', 'u4', 100, { nickname: 'Boss' })]);
      });
      const ids = async (q: { roles?: number[]; keyword?: string }, page = all) =>
        (await store.repos.members.list('g', { roles: q.roles ?? [], keyword: q.keyword ?? '' }, page)).items.map((m) => m.userID);
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
        const req = { groupID: 'g', userID: 'x', handleResult: 0, reqMsg: 'first', handleMsg: '', reqTime: 1, handleUserID: '', handleTime: 0, ex: '', joinSource: 3, inviterUserID: '' };
        await tx.requests.upsertPending(req);
        await tx.requests.markHandled('g', 'x', { handleResult: -1, handleMsg: 'no', handleUserID: 'owner', handleTime: 2 });
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
      const t = (h: string, platformID: number) => ({ tokenHash: h, userID: 'u', platformID, expiresAt: Date.now() + 1e6, state: 0 });
      await store.repos.tokens.insert(t('a', 1));
      await store.repos.tokens.insert(t('b', 1));
      await store.repos.tokens.insert(t('c', 2));
      expect(await store.repos.tokens.kick('u', 1)).toBe(2);
      expect((await store.repos.tokens.get('a'))?.state).toBe(2);
      expect((await store.repos.tokens.get('c'))?.state).toBe(0);
    });
  });
}
