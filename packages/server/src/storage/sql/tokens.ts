import type { Kysely } from 'kysely';
import type { TokenRepo } from '../store.js';
import type { Database } from './tables.js';

export function tokenRepo(db: Kysely<Database>): TokenRepo {
  return {
    async insert(t) {
      await db
        .insertInto('tokens')
        .values({
          token_hash: t.tokenHash,
          user_id: t.userID,
          platform_id: t.platformID,
          expires_at: t.expiresAt,
          state: t.state,
          created_at: Date.now(),
        })
        .execute();
    },
    async get(tokenHash) {
      const r = await db.selectFrom('tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return (
        r && {
          tokenHash: r.token_hash,
          userID: r.user_id,
          platformID: r.platform_id,
          expiresAt: r.expires_at,
          state: r.state,
        }
      );
    },
    async kick(userID, platformID, keepTokenHash) {
      let query = db
        .updateTable('tokens')
        .set({ state: 2 })
        .where('user_id', '=', userID)
        .where('platform_id', '=', platformID)
        .where('state', '=', 0);
      if (keepTokenHash !== undefined) query = query.where('token_hash', '<>', keepTokenHash);
      const res = await query.executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
    async purgeExpired(now) {
      const res = await db.deleteFrom('tokens').where('expires_at', '<', now).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
