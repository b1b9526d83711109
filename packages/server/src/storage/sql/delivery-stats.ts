import { sql, type Kysely } from 'kysely';
import type { DeliveryStatsRepo } from '../store.js';
import type { Database } from './tables.js';

// Read from the delivery log itself (attempts joined to their events for the endpoint), so every
// instance sharing the database reports the same figures.

export function deliveryStatsRepo(db: Kysely<Database>): DeliveryStatsRepo {
  const inWindow = (from: number, to: number) => sql`a.started_at >= ${from} AND a.started_at < ${to}`;
  return {
    async attemptsOverTime(from, to, bucketMs) {
      const result = await sql<Record<string, string | number | null>>`
        -- CAST: a bound number may arrive as a REAL on SQLite, whose division would then not truncate.
        SELECT e.endpoint AS endpoint, CAST((a.started_at - ${from}) / ${bucketMs} AS INTEGER) AS bucket,
          SUM(CASE WHEN a.outcome = 'success' THEN 1 ELSE 0 END) AS successes,
          SUM(CASE WHEN a.outcome = 'success' THEN 0 ELSE 1 END) AS failures,
          MAX(CASE WHEN a.outcome = 'success' THEN a.started_at END) AS last_success,
          MAX(CASE WHEN a.outcome = 'success' THEN NULL ELSE a.started_at END) AS last_failure
        FROM webhook_attempts a JOIN webhook_events e ON e.id = a.event_id
        WHERE ${inWindow(from, to)}
        GROUP BY 1, 2`.execute(db);
      return result.rows.map((r) => ({
        endpoint: String(r.endpoint),
        bucket: Number(r.bucket),
        successes: Number(r.successes),
        failures: Number(r.failures),
        lastSuccessAt: r.last_success == null ? 0 : Number(r.last_success),
        lastFailureAt: r.last_failure == null ? 0 : Number(r.last_failure),
      }));
    },

    async latencyHistogram(from, to, bounds) {
      // The index of the first bound the duration is within; bounds.length past the last one.
      const cases = sql.join(
        bounds.map((b, i) => sql`WHEN a.duration_ms <= ${sql.lit(b)} THEN ${sql.lit(i)}`),
        sql` `,
      );
      const result = await sql<Record<string, string | number>>`
        SELECT e.endpoint AS endpoint, CASE ${cases} ELSE ${sql.lit(bounds.length)} END AS slot, COUNT(*) AS n
        FROM webhook_attempts a JOIN webhook_events e ON e.id = a.event_id
        WHERE ${inWindow(from, to)}
        GROUP BY 1, 2`.execute(db);
      const counts = new Map<string, number[]>();
      for (const r of result.rows) {
        const endpoint = String(r.endpoint);
        if (!counts.has(endpoint)) counts.set(endpoint, new Array<number>(bounds.length + 1).fill(0));
        counts.get(endpoint)![Number(r.slot)] = Number(r.n);
      }
      return [...counts].map(([endpoint, c]) => ({ endpoint, counts: c }));
    },

    async backlog() {
      const rows = await db
        .selectFrom('webhook_events')
        .select(['endpoint', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', [sql.lit('pending'), sql.lit('dead')])
        .groupBy(['endpoint', 'status'])
        .execute();
      const by = new Map<string, { endpoint: string; pending: number; dead: number }>();
      for (const r of rows) {
        const entry = by.get(r.endpoint) ?? { endpoint: r.endpoint, pending: 0, dead: 0 };
        if (r.status === 'pending') entry.pending = Number(r.n);
        else entry.dead = Number(r.n);
        by.set(r.endpoint, entry);
      }
      return [...by.values()];
    },
  };
}
