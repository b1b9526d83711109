import { sql, type Kysely } from 'kysely';
import type { AttemptRecord, EventRecord, EventStatus } from '../records.js';
import type { EventQuery, EventRepo } from '../store.js';
import { ATTEMPT_COLUMNS, EVENT_COLUMNS, fromRow, toRow } from './columns.js';
import { window } from './paging.js';
import type { Capabilities, Database, WebhookAttemptsTable, WebhookEventsTable } from './tables.js';

const toEvent = (row: Record<string, unknown>) => fromRow<EventRecord, WebhookEventsTable>(EVENT_COLUMNS, row);

export function eventRepo(db: Kysely<Database>, caps: Capabilities): EventRepo {
  function matching(query: EventQuery) {
    let q = db.selectFrom('webhook_events');
    if (query.status) q = q.where('status', '=', query.status);
    if (query.hook) q = q.where('hook', '=', query.hook);
    if (query.endpoint) q = q.where('endpoint', '=', query.endpoint);
    if (query.orderingKey) q = q.where('ordering_key', '=', query.orderingKey);
    if (query.from !== undefined) q = q.where('created_at', '>=', query.from);
    if (query.to !== undefined) q = q.where('created_at', '<=', query.to);
    return q;
  }

  return {
    async enqueue(events) {
      // Chunked: one multi-row INSERT per 500 events stays under SQLite's bound-variable limit.
      for (let i = 0; i < events.length; i += 500) {
        await db
          .insertInto('webhook_events')
          .values(
            events.slice(i, i + 500).map((e) => ({
            ...(toRow(EVENT_COLUMNS, { clientIP: '', optPlatform: '', ...e }) as Omit<WebhookEventsTable, 'seq'>),
              status: 'pending',
              attempts: 0,
              next_attempt_at: e.createdAt,
              last_error: '',
            })),
          )
          .execute();
      }
    },

    async claim(workerID, now, leaseUntil, limit, endpoints) {
      // Events of endpoints no longer configured (or without a URL) wait until they are again.
      // The head of each (endpoint, group) queue: no older pending event of the same key exists.
      // A head in retry backoff or leased by a worker holds back everything behind it.
      const lock = caps.skipLocked ? sql`FOR UPDATE SKIP LOCKED` : sql``;
      const due = caps.indexHints ? sql`INDEXED BY webhook_events_pending_due` : sql``;
      const result = await sql<Record<string, unknown>>`
        UPDATE webhook_events SET locked_by = ${workerID}, locked_until = ${leaseUntil}
        WHERE seq IN (
          SELECT e.seq FROM webhook_events e ${due}
          WHERE e.status = 'pending' AND e.next_attempt_at <= ${now}
            AND e.endpoint IN (${sql.join(endpoints.length > 0 ? endpoints : [''])})
            AND (e.locked_until IS NULL OR e.locked_until <= ${now})
            AND NOT EXISTS (
              SELECT 1 FROM webhook_events p
              WHERE p.status = 'pending' AND p.endpoint = e.endpoint AND p.ordering_key = e.ordering_key AND p.seq < e.seq)
          ORDER BY e.next_attempt_at, e.seq
          LIMIT ${limit}
          ${lock})
        RETURNING *`.execute(db);
      return result.rows.map(toEvent).sort((a, b) => a.seq - b.seq);
    },

    async finish(attempt, workerID, next) {
      const res = await db
        .updateTable('webhook_events')
        .set({
          status: next.status,
          attempts: sql`attempts + 1`,
          next_attempt_at: next.nextAttemptAt,
          last_error: next.lastError,
          finished_at: next.finishedAt,
          locked_by: null,
          locked_until: null,
        })
        .where('id', '=', attempt.eventID)
        .where('locked_by', '=', workerID)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return false;
      await db
        .insertInto('webhook_attempts')
        .values(toRow(ATTEMPT_COLUMNS, attempt) as Omit<WebhookAttemptsTable, 'id'>)
        .execute();
      return true;
    },

    async release(workerID, eventID) {
      let q = db.updateTable('webhook_events').set({ locked_by: null, locked_until: null }).where('locked_by', 'is not', null);
      if (workerID !== undefined) q = q.where('locked_by', '=', workerID);
      if (eventID !== undefined) q = q.where('id', '=', eventID);
      return Number((await q.executeTakeFirst()).numUpdatedRows);
    },

    async get(id) {
      const row = await db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toEvent(row);
    },

    async attempts(id) {
      const rows = await db.selectFrom('webhook_attempts').selectAll().where('event_id', '=', id).orderBy('attempt').execute();
      return rows.map((r) => fromRow<AttemptRecord, WebhookAttemptsTable>(ATTEMPT_COLUMNS, r));
    },

    async list(query, page) {
      const total = await matching(query).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const { limit, offset } = window(page);
      if (limit === 0) return { total: Number(total.n), items: [] };
      const rows = await matching(query).selectAll().orderBy('seq', 'desc').limit(limit).offset(offset).execute();
      return { total: Number(total.n), items: rows.map(toEvent) };
    },

    async requeue(filter, now) {
      let q = db
        .updateTable('webhook_events')
        .set({ status: 'pending', next_attempt_at: now, finished_at: null, locked_by: null, locked_until: null })
        .where('status', 'in', filter.status ? [filter.status] : ['delivered', 'dead']);
      if (filter.ids) q = q.where('id', 'in', filter.ids.length > 0 ? filter.ids : ['']);
      if (filter.hook) q = q.where('hook', '=', filter.hook);
      if (filter.endpoint) q = q.where('endpoint', '=', filter.endpoint);
      if (filter.orderingKey) q = q.where('ordering_key', '=', filter.orderingKey);
      if (filter.from !== undefined) q = q.where('created_at', '>=', filter.from);
      if (filter.to !== undefined) q = q.where('created_at', '<=', filter.to);
      return Number((await q.executeTakeFirst()).numUpdatedRows);
    },

    async nextWakeAt(endpoints) {
      // The earliest moment `claim` could return something: over queue heads only (an event behind
      // a head in backoff is not claimable however old it is), each due at the later of its next
      // attempt and the end of its lease.
      const result = await sql<{ due: number | null }>`
        SELECT MIN(CASE WHEN e.locked_until IS NOT NULL AND e.locked_until > e.next_attempt_at
                        THEN e.locked_until ELSE e.next_attempt_at END) AS due
        FROM webhook_events e
        WHERE e.status = 'pending'
          AND e.endpoint IN (${sql.join(endpoints.length > 0 ? endpoints : [''])})
          AND NOT EXISTS (
            SELECT 1 FROM webhook_events p
            WHERE p.status = 'pending' AND p.endpoint = e.endpoint AND p.ordering_key = e.ordering_key AND p.seq < e.seq)`.execute(db);
      const due = result.rows[0]?.due;
      return due == null ? undefined : Number(due);
    },

    async stats() {
      const rows = await db
        .selectFrom('webhook_events')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('created_at').as('oldest')])
        .groupBy('status')
        .execute();
      const counts: Record<EventStatus, number> = { pending: 0, delivered: 0, dead: 0 };
      let oldestPendingAt: number | null = null;
      for (const r of rows) {
        counts[r.status as EventStatus] = Number(r.n);
        if (r.status === 'pending' && r.oldest != null) oldestPendingAt = Number(r.oldest);
      }
      return { counts, oldestPendingAt };
    },
  };
}
