import type { Kysely } from 'kysely';
import type { UserRecord } from '../records.js';
import type { UserPatch, UserRepo } from '../store.js';
import { fromRow, toRow, USER_COLUMNS } from './columns.js';
import { containsIgnoringCase, window } from './paging.js';
import type { Database, UsersTable } from './tables.js';

export function userRepo(db: Kysely<Database>): UserRepo {
  return {
    async insert(users) {
      if (users.length === 0) return;
      await db
        .insertInto('users')
        .values(users.map((u) => toRow(USER_COLUMNS, u) as UsersTable))
        .execute();
    },
    async find(userIDs) {
      if (userIDs.length === 0) return [];
      const rows = await db.selectFrom('users').selectAll().where('user_id', 'in', userIDs).execute();
      return rows.map((r) => fromRow<UserRecord, UsersTable>(USER_COLUMNS, r));
    },
    async search(query, page) {
      const matching = db
        .selectFrom('users')
        .$if(query.userID !== '', (q) => q.where(containsIgnoringCase('user_id', query.userID)))
        .$if(query.nickname !== '', (q) => q.where(containsIgnoringCase('nickname', query.nickname)));
      const total = await matching.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const { limit, offset } = window(page);
      if (limit === 0) return { total: Number(total.n), items: [] };
      const rows = await matching.selectAll().orderBy('user_id').limit(limit).offset(offset).execute();
      return { total: Number(total.n), items: rows.map((r) => fromRow<UserRecord, UsersTable>(USER_COLUMNS, r)) };
    },
    async update(userID, patch: UserPatch) {
      const row = toRow(USER_COLUMNS, patch);
      if (Object.keys(row).length === 0) return;
      await db.updateTable('users').set(row).where('user_id', '=', userID).execute();
    },
  };
}
