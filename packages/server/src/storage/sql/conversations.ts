import { type Kysely, sql } from 'kysely';
import type { ConversationRecord } from '../records.js';
import type { ConversationPatch, ConversationRepo } from '../store.js';
import { window } from './paging.js';
import type { ConversationsTable, Database } from './tables.js';

const ROWS_PER_INSERT = 1000;

/** Notification conversations (n_…) start with these two characters; LIKE would read `_` as a wildcard. */
const NOTIFICATION_PREFIX = sql<string>`substr(conversation_id, 1, 2)`;

const COLUMNS = {
  ownerUserID: 'owner_user_id',
  conversationID: 'conversation_id',
  conversationType: 'conversation_type',
  userID: 'user_id',
  groupID: 'group_id',
  recvMsgOpt: 'recv_msg_opt',
  isPinned: 'is_pinned',
  isPrivateChat: 'is_private_chat',
  burnDuration: 'burn_duration',
  groupAtType: 'group_at_type',
  attachedInfo: 'attached_info',
  ex: 'ex',
  hasReadSeq: 'has_read_seq',
  minSeq: 'min_seq',
  maxSeq: 'max_seq',
  createTime: 'create_time',
} as const satisfies { [K in keyof ConversationRecord]: keyof ConversationsTable };

const FLAGS = new Set<string>(['isPinned', 'isPrivateChat']);

function toRow(record: Partial<ConversationRecord>): Partial<ConversationsTable> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    row[COLUMNS[key as keyof ConversationRecord]] = FLAGS.has(key) ? (value ? 1 : 0) : value;
  }
  return row as Partial<ConversationsTable>;
}

function fromRow(row: ConversationsTable): ConversationRecord {
  const record: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(COLUMNS)) {
    const value = row[column];
    record[key] = FLAGS.has(key) ? Boolean(value) : value;
  }
  return record as unknown as ConversationRecord;
}

export function conversationRepo(db: Kysely<Database>): ConversationRepo {
  return {
    async insertMissing(rows) {
      const inserted: string[] = [];
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        const chunk = rows.slice(i, i + ROWS_PER_INSERT);
        const r = await db
          .insertInto('conversations')
          .values(chunk.map((c) => toRow(c) as ConversationsTable))
          .onConflict((oc) => oc.columns(['owner_user_id', 'conversation_id']).doNothing())
          .returning('owner_user_id')
          .execute();
        inserted.push(...r.map((x) => x.owner_user_id));
      }
      return inserted;
    },
    async get(ownerUserID, conversationID) {
      const row = await db
        .selectFrom('conversations')
        .selectAll()
        .where('owner_user_id', '=', ownerUserID)
        .where('conversation_id', '=', conversationID)
        .executeTakeFirst();
      return row && fromRow(row);
    },
    async find(ownerUserID, conversationIDs) {
      if (conversationIDs.length === 0) return [];
      const rows = await db
        .selectFrom('conversations')
        .selectAll()
        .where('owner_user_id', '=', ownerUserID)
        .where('conversation_id', 'in', [...new Set(conversationIDs)])
        .execute();
      return rows.map(fromRow);
    },
    async ofOwner(ownerUserID, page) {
      let query = db
        .selectFrom('conversations')
        .selectAll()
        .where('owner_user_id', '=', ownerUserID)
        .where(NOTIFICATION_PREFIX, '<>', 'n_')
        .orderBy('conversation_id');
      if (!page) {
        const rows = await query.execute();
        return { total: rows.length, items: rows.map(fromRow) };
      }
      const total = await db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('owner_user_id', '=', ownerUserID)
        .where(NOTIFICATION_PREFIX, '<>', 'n_')
        .executeTakeFirstOrThrow();
      const { limit, offset } = window(page);
      if (limit === 0) return { total: Number(total.n), items: [] };
      query = query.limit(limit).offset(offset);
      return { total: Number(total.n), items: (await query.execute()).map(fromRow) };
    },
    async notificationsOf(ownerUserID) {
      const rows = await db
        .selectFrom('conversations')
        .selectAll()
        .where('owner_user_id', '=', ownerUserID)
        .where(NOTIFICATION_PREFIX, '=', 'n_')
        .orderBy('conversation_id')
        .execute();
      return rows.map(fromRow);
    },
    async update(ownerUserID, conversationID, patch) {
      const row = toRow(patch);
      if (Object.keys(row).length === 0) return;
      await db
        .updateTable('conversations')
        .set(row)
        .where('owner_user_id', '=', ownerUserID)
        .where('conversation_id', '=', conversationID)
        .execute();
    },
    async updateOwners(conversationID, ownerUserIDs, patch: ConversationPatch) {
      const row = toRow(patch);
      if (Object.keys(row).length === 0 || ownerUserIDs.length === 0) return;
      for (let i = 0; i < ownerUserIDs.length; i += ROWS_PER_INSERT) {
        await db
          .updateTable('conversations')
          .set(row)
          .where('conversation_id', '=', conversationID)
          .where('owner_user_id', 'in', ownerUserIDs.slice(i, i + ROWS_PER_INSERT))
          .execute();
      }
    },
    async readersAt(conversationID, seq) {
      const rows = await db
        .selectFrom('conversations')
        .select('owner_user_id')
        .where('conversation_id', '=', conversationID)
        .where('min_seq', '<=', seq)
        .where((eb) => eb.or([eb('max_seq', '=', 0), eb('max_seq', '>=', seq)]))
        .execute();
      return rows.map((r) => r.owner_user_id);
    },
    async markRead(ownerUserID, conversationID, seq) {
      const r = await db
        .updateTable('conversations')
        .set({ has_read_seq: seq })
        .where('owner_user_id', '=', ownerUserID)
        .where('conversation_id', '=', conversationID)
        .where('has_read_seq', '<', seq)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
