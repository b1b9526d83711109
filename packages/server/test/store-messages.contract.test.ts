// The store contract for messages, conversations and sync logs, on each engine.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationRecord, NewMessage } from '../src/storage/records.js';
import type { Store } from '../src/storage/store.js';
import { engines } from './store-engines.js';

const message = (clientMsgID: string, over: Partial<NewMessage> = {}): NewMessage => ({
  serverMsgID: `s-${clientMsgID}`,
  clientMsgID,
  sendID: 'alice',
  recvID: '',
  groupID: 'g1',
  sessionType: 3,
  msgFrom: 100,
  contentType: 101,
  content: JSON.stringify({ content: clientMsgID }),
  senderPlatformID: 5,
  senderNickname: 'Alice',
  senderFaceURL: '',
  sendTime: 1_000,
  createTime: 1_000,
  status: 2,
  options: {},
  offlinePushInfo: null,
  atUserIDList: [],
  attachedInfo: '',
  ex: '',
  ...over,
});

const conversation = (ownerUserID: string, conversationID: string, over: Partial<ConversationRecord> = {}) =>
  ({
    ownerUserID,
    conversationID,
    conversationType: 3,
    userID: '',
    groupID: 'g1',
    recvMsgOpt: 0,
    isPinned: false,
    isPrivateChat: false,
    burnDuration: 0,
    groupAtType: 0,
    attachedInfo: '',
    ex: '',
    hasReadSeq: 0,
    minSeq: 1,
    maxSeq: 0,
    createTime: 1_000,
    ...over,
  }) satisfies ConversationRecord;

for (const engine of engines) {
  describe.skipIf(engine.skip)(`messages store (${engine.name})`, () => {
    let store: Store;
    let more: () => Promise<Store>;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, more, cleanup } = await engine.open());
    });
    afterEach(async () => cleanup());

    it('numbers each conversation 1, 2, 3 … and reads them back as stored', async () => {
      const a = await store.tx((tx) => tx.messages.append('sg_g1', [message('m1'), message('m2')]));
      const b = await store.tx((tx) => tx.messages.append('sg_g1', [message('m3', { sendTime: 2_000 })]));
      const c = await store.tx((tx) => tx.messages.append('sg_g2', [message('m1', { groupID: 'g2' })]));
      expect(a.stored.map((m) => m.seq)).toEqual([1, 2]);
      expect(a.first).toBe(true);
      expect(b.stored.map((m) => m.seq)).toEqual([3]);
      expect(b.first).toBe(false);
      expect(c.stored.map((m) => [m.conversationID, m.seq])).toEqual([['sg_g2', 1]]);
      const withEverything = message('m4', {
        options: { history: false, unreadCount: false },
        offlinePushInfo: { title: 't', desc: 'd', ex: '', iOSPushSound: '', iOSBadgeCount: true, signalInfo: '' },
        atUserIDList: ['bob', 'carol'],
        content: '{"content":"héllo ✓"}',
        ex: 'x',
      });
      await store.tx((tx) => tx.messages.append('sg_g1', [withEverything]));
      expect(await store.repos.messages.byClientMsgID('sg_g1', 'm4')).toEqual({
        ...withEverything,
        conversationID: 'sg_g1',
        seq: 4,
      });
      expect((await store.repos.messages.range('sg_g1', 2, 3)).map((m) => m.clientMsgID)).toEqual(['m2', 'm3']);
      expect((await store.repos.messages.range('sg_g1', 3, 2)).length).toBe(0);
      expect((await store.repos.messages.bySeqs('sg_g1', [4, 1, 9, 1])).map((m) => m.seq)).toEqual([1, 4]);
      expect(await store.repos.messages.seqs(['sg_g1', 'sg_g2', 'sg_none'])).toEqual(
        expect.arrayContaining([
          { conversationID: 'sg_g1', maxSeq: 4, maxSeqTime: 1_000, minSeq: 1 },
          { conversationID: 'sg_g2', maxSeq: 1, maxSeqTime: 1_000, minSeq: 1 },
        ]),
      );
      expect(await store.repos.messages.seqs(['sg_g1', 'sg_g2', 'sg_none'])).toHaveLength(2);
    });

    it('gives the seqs of a rolled-back send back: no gap', async () => {
      await store.tx((tx) => tx.messages.append('sg_g1', [message('m1')]));
      await expect(
        store.tx(async (tx) => {
          await tx.messages.append('sg_g1', [message('m2')]);
          throw new Error('refused later in the transaction');
        }),
      ).rejects.toThrow('refused later');
      const next = await store.tx((tx) => tx.messages.append('sg_g1', [message('m3')]));
      expect(next.stored[0]!.seq).toBe(2);
    });

    it('refuses a second message with the same clientMsgID in one conversation', async () => {
      await store.tx((tx) => tx.messages.append('sg_g1', [message('m1')]));
      const err = await store.tx((tx) => tx.messages.append('sg_g1', [message('m1')])).catch((e: unknown) => e);
      expect(store.isUniqueViolation(err)).toBe(true);
      expect((await store.repos.messages.seqs(['sg_g1']))[0]!.maxSeq).toBe(1);
      await store.tx((tx) => tx.messages.append('n_g1', [message('m1')]));
    });

    it('keeps seqs contiguous under concurrent senders (several connections on PostgreSQL)', async () => {
      const stores = [store, await more(), await more()];
      const per = 30;
      await Promise.all(
        stores.flatMap((s, k) =>
          Array.from({ length: per }, (_, i) =>
            s.tx((tx) => tx.messages.append(`sg_g${i % 3}`, [message(`c${k}-${i}`)])),
          ),
        ),
      );
      for (const g of [0, 1, 2]) {
        const all = await store.repos.messages.range(`sg_g${g}`, 1, 1_000);
        expect(all.map((m) => m.seq)).toEqual(Array.from({ length: (per / 3) * stores.length }, (_, i) => i + 1));
      }
    });

    it('prunes old messages and moves minSeq past them', async () => {
      await store.tx((tx) =>
        tx.messages.append(
          'sg_g1',
          [1, 2, 3, 4].map((t) => message(`m${t}`, { sendTime: t * 1_000 })),
        ),
      );
      expect(await store.repos.messages.prune(2_500, 100)).toBe(2);
      expect((await store.repos.messages.seqs(['sg_g1']))[0]).toMatchObject({ minSeq: 3, maxSeq: 4 });
      expect((await store.repos.messages.range('sg_g1', 1, 10)).map((m) => m.seq)).toEqual([3, 4]);
      expect(await store.repos.messages.prune(2_500, 100)).toBe(0);
    });
  });

  describe.skipIf(engine.skip)(`conversations store (${engine.name})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await engine.open());
    });
    afterEach(async () => cleanup());

    it('inserts only missing rows, reports whose, and keeps read marks rising', async () => {
      const c = store.repos.conversations;
      expect(await c.insertMissing([conversation('alice', 'sg_g1'), conversation('bob', 'sg_g1')])).toEqual([
        'alice',
        'bob',
      ]);
      expect(
        await c.insertMissing([conversation('bob', 'sg_g1', { hasReadSeq: 9 }), conversation('carol', 'sg_g1')]),
      ).toEqual(['carol']);
      expect((await c.get('bob', 'sg_g1'))!.hasReadSeq).toBe(0);
      expect(await c.markRead('bob', 'sg_g1', 5)).toBe(true);
      expect(await c.markRead('bob', 'sg_g1', 3)).toBe(false);
      expect((await c.get('bob', 'sg_g1'))!.hasReadSeq).toBe(5);
      await c.update('bob', 'sg_g1', { isPinned: true, ex: 'e' });
      expect(await c.get('bob', 'sg_g1')).toEqual(
        conversation('bob', 'sg_g1', { hasReadSeq: 5, isPinned: true, ex: 'e' }),
      );
      await c.updateOwners('sg_g1', ['alice', 'carol'], { maxSeq: 7 });
      expect((await c.find('alice', ['sg_g1', 'sg_x'])).map((r) => r.maxSeq)).toEqual([7]);
      await c.insertMissing([
        conversation('bob', 'si_alice_bob', { conversationType: 1, userID: 'alice', groupID: '' }),
      ]);
      const page = await c.ofOwner('bob', { pageNumber: 2, showNumber: 1 });
      expect(page.total).toBe(2);
      expect(page.items.map((r) => r.conversationID)).toEqual(['si_alice_bob']);
      expect((await c.ofOwner('bob')).items.map((r) => r.conversationID)).toEqual(['sg_g1', 'si_alice_bob']);
    });
  });

  describe.skipIf(engine.skip)(`sync logs (${engine.name})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await engine.open());
    });
    afterEach(async () => cleanup());

    it('answers what changed since a version: inserts, updates, deletes, one version per change set', async () => {
      const log = store.repos.syncLog;
      expect(await log.head('join_groups', 'bob')).toBeUndefined();
      expect(await log.since('join_groups', 'bob', 0)).toBeUndefined();
      await store.tx((tx) =>
        tx.syncLog.record('join_groups', [
          { ownerID: 'bob', elementID: 'g1', change: 'insert' },
          { ownerID: 'bob', elementID: 'g2', change: 'insert' },
          { ownerID: 'carol', elementID: 'g1', change: 'insert' },
        ]),
      );
      const head = (await log.head('join_groups', 'bob'))!;
      expect(head.version).toBe(1);
      expect(head.versionID).toMatch(/^[0-9a-f]{24}$/);
      await store.tx((tx) => tx.syncLog.record('join_groups', [{ ownerID: 'bob', elementID: 'g1', change: 'update' }]));
      await store.tx((tx) =>
        tx.syncLog.record('join_groups', [
          { ownerID: 'bob', elementID: 'g2', change: 'delete' },
          { ownerID: 'bob', elementID: 'g3', change: 'insert' },
        ]),
      );
      await store.tx((tx) => tx.syncLog.record('join_groups', [{ ownerID: 'bob', elementID: 'g3', change: 'delete' }]));
      const at = async (v: number) => {
        const d = (await log.since('join_groups', 'bob', v))!;
        return { version: d.version, inserted: d.inserted, updated: d.updated, deleted: d.deleted };
      };
      expect(await at(0)).toEqual({ version: 4, inserted: ['g1'], updated: [], deleted: [] });
      expect(await at(1)).toEqual({ version: 4, inserted: [], updated: ['g1'], deleted: ['g2'] });
      expect(await at(2)).toEqual({ version: 4, inserted: [], updated: [], deleted: ['g2'] });
      expect(await at(3)).toEqual({ version: 4, inserted: [], updated: [], deleted: ['g3'] });
      expect(await at(4)).toEqual({ version: 4, inserted: [], updated: [], deleted: [] });
      expect((await log.head('join_groups', 'bob'))!.versionID).toBe(head.versionID);
      expect((await log.head('join_groups', 'carol'))!.version).toBe(1);
      await store.tx((tx) => tx.syncLog.record('join_groups', [{ ownerID: 'bob', elementID: 'g2', change: 'insert' }]));
      // Deleted and inserted again since the client's version: an insert (its join time is new).
      expect(await at(2)).toEqual({ version: 5, inserted: ['g2'], updated: [], deleted: [] });
      expect(await at(4)).toEqual({ version: 5, inserted: ['g2'], updated: [], deleted: [] });
    });
  });
}
