import { sql, type Kysely } from 'kysely';
import type { RateBucketRepo } from '../store.js';
import type { Database } from './tables.js';

export function rateBucketRepo(db: Kysely<Database>): RateBucketRepo {
  return {
    async take(key, capacity, perMs, now) {
      // Typed casts: PostgreSQL would otherwise infer the parameters' types from the BIGINT column.
      const cap = sql`CAST(${capacity} AS DOUBLE PRECISION)`;
      const at = sql<number>`CAST(${now} AS BIGINT)`;
      const grown = sql`rate_limit_buckets.tokens + (${at} - rate_limit_buckets.at) * CAST(${perMs} AS DOUBLE PRECISION)`;
      // The refilled level, capped (CASE rather than LEAST/MIN: the same SQL on both engines).
      const level = sql`(CASE WHEN ${grown} > ${cap} THEN ${cap} ELSE ${grown} END)`;
      const row = await db
        .insertInto('rate_limit_buckets')
        .values({ key, tokens: capacity - 1, at: now, allowed: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            tokens: sql<number>`CASE WHEN ${level} >= 1 THEN ${level} - 1 ELSE ${level} END`,
            at,
            allowed: sql<number>`CASE WHEN ${level} >= 1 THEN 1 ELSE 0 END`,
          }),
        )
        .returning(['tokens', 'allowed'])
        .executeTakeFirstOrThrow();
      return { allowed: Number(row.allowed) === 1, tokens: Number(row.tokens) };
    },
  };
}
