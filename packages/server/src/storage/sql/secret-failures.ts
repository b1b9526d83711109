import { sql, type Kysely } from 'kysely';
import type { SecretFailureRepo } from '../store.js';
import type { Database } from './tables.js';

export function secretFailureRepo(db: Kysely<Database>): SecretFailureRepo {
  return {
    async claim(key, now, policy) {
      // Typed casts: PostgreSQL would otherwise infer the parameters' types from the columns.
      const at = sql<number>`CAST(${now} AS BIGINT)`;
      const old = {
        failures: sql.ref('secret_failures.failures'),
        wait: sql.ref('secret_failures.wait_ms'),
        until: sql.ref('secret_failures.blocked_until'),
      };
      // A wait runs only when one was imposed: a free try's row ends at its own time, and another
      // instance's clock (or a request stamped a moment earlier) may be behind it.
      const waiting = sql`${old.until} > ${at} AND ${old.wait} > 0`;
      // The count after this try: from 1 again once the last wait ended long ago.
      const failures = sql<number>`CASE WHEN ${old.until} < ${at} - CAST(${policy.forgetMs} AS BIGINT) THEN 1 ELSE ${old.failures} + 1 END`;
      const first = sql`CAST(${policy.firstWaitMs} AS BIGINT)`;
      const max = sql`CAST(${policy.maxWaitMs} AS BIGINT)`;
      // No wait for the first `free` tries, then the first wait, doubled each time up to the maximum
      // (CASE rather than LEAST/MIN: the same SQL on both engines).
      const wait = sql<number>`CASE WHEN ${failures} < ${policy.free} THEN 0 WHEN ${old.wait} = 0 THEN ${first} WHEN ${old.wait} * 2 > ${max} THEN ${max} ELSE ${old.wait} * 2 END`;
      const firstTryWait = policy.free > 1 ? 0 : policy.firstWaitMs;
      const row = await db
        .insertInto('secret_failures')
        .values({ key, failures: 1, wait_ms: firstTryWait, blocked_until: now + firstTryWait, allowed: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            failures: sql<number>`CASE WHEN ${waiting} THEN ${old.failures} ELSE ${failures} END`,
            wait_ms: sql<number>`CASE WHEN ${waiting} THEN ${old.wait} ELSE ${wait} END`,
            blocked_until: sql<number>`CASE WHEN ${waiting} THEN ${old.until} ELSE ${at} + ${wait} END`,
            allowed: sql<number>`CASE WHEN ${waiting} THEN 0 ELSE 1 END`,
          }),
        )
        .returning(['allowed', 'blocked_until'])
        .executeTakeFirstOrThrow();
      return { allowed: Number(row.allowed) === 1, blockedUntil: Number(row.blocked_until) };
    },
    async clear(key) {
      await db.deleteFrom('secret_failures').where('key', '=', key).execute();
    },
    async prune(before) {
      await db.deleteFrom('secret_failures').where('blocked_until', '<', before).execute();
    },
  };
}
