import type { Kysely } from 'kysely';
import type { SettingRepo } from '../store.js';
import type { Database } from './tables.js';

export function settingRepo(db: Kysely<Database>): SettingRepo {
  return {
    async get(key) {
      const row = await db
        .selectFrom('settings')
        .select(['value', 'updated_at'])
        .where('key', '=', key)
        .executeTakeFirst();
      return row && { value: row.value, updatedAt: row.updated_at };
    },
    async put(key, value, now) {
      await db
        .insertInto('settings')
        .values({ key, value, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
        .execute();
    },
    async insertIfAbsent(key, value, now) {
      await db
        .insertInto('settings')
        .values({ key, value, updated_at: now })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    },
  };
}
