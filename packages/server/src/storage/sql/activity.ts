import { sql, type Kysely } from 'kysely';
import type { ActivityRepo } from '../store.js';
import type { Database } from './tables.js';

// Read from the shared tables (connections of live instances, stored messages), so every instance
// reports the same.

export function activityRepo(db: Kysely<Database>): ActivityRepo {
  return {
    async online(liveSince) {
      const row = await db
        .selectFrom('gateway_connections')
        .select([
          (eb) => eb.fn.countAll<number>().as('connections'),
          (eb) => eb.fn.count<number>('user_id').distinct().as('users'),
        ])
        .where(
          'instance_id',
          'in',
          db.selectFrom('gateway_instances').select('instance_id').where('heartbeat_at', '>=', liveSince),
        )
        .executeTakeFirstOrThrow();
      return { users: Number(row.users), connections: Number(row.connections) };
    },

    async messagesOverTime(from, to, bucketMs) {
      // CAST: a bound number may arrive as a REAL on SQLite, whose division would then not truncate.
      const result = await sql<{ bucket: number | string; n: number | string }>`
        SELECT CAST((send_time - ${from}) / ${bucketMs} AS INTEGER) AS bucket, COUNT(*) AS n
        FROM messages WHERE send_time >= ${from} AND send_time < ${to}
        GROUP BY 1`.execute(db);
      return result.rows.map((r) => ({ bucket: Number(r.bucket), count: Number(r.n) }));
    },
  };
}
