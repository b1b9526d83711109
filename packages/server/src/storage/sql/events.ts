import { sql, type Kysely } from 'kysely';
import {
  queueKeyOrder,
  type AttemptRecord,
  type EventRecord,
  type EventStatus,
  type ReplayRecord,
} from '../records.js';
import type { EventQuery, EventRepo } from '../store.js';
import { ATTEMPT_COLUMNS, EVENT_COLUMNS, fromRow, REPLAY_COLUMNS, toRow } from './columns.js';
import { containsIgnoringCase, window } from './paging.js';
import type {
  Capabilities,
  Database,
  WebhookAttemptsTable,
  WebhookEventsTable,
  WebhookReplaysTable,
} from './tables.js';

const toEvent = (row: Record<string, unknown>) => fromRow<EventRecord, WebhookEventsTable>(EVENT_COLUMNS, row);

interface QueueKey {
  endpoint: string;
  ordering_key: string;
}

/** One string per queue, for maps and sets of queues. */
const queueID = (k: QueueKey) => `${k.endpoint}\u0000${k.ordering_key}`;

export function eventRepo(db: Kysely<Database>, caps: Capabilities): EventRepo {
  /**
   * Points each key's head at its oldest pending event, or drops it when none is left. On
   * PostgreSQL the head row is locked first and the oldest event read by a later statement, so a
   * concurrent enqueue of the same key is either seen or waits for us: no key is left headless.
   */
  async function refreshHeads(keys: QueueKey[]): Promise<void> {
    const distinct = queueKeyOrder([...new Map(keys.map((k) => [queueID(k), k])).values()]);
    // A few statements per 200 queues, not per event: a batch of finished attempts is one round.
    for (let i = 0; i < distinct.length; i += 200) {
      const chunk = distinct.slice(i, i + 200);
      const pairs = sql.join(chunk.map((k) => sql`(${k.endpoint}, ${k.ordering_key})`));
      const inChunk = sql`(endpoint, ordering_key) IN (${pairs})`;
      if (caps.rowLocks) {
        // Byte order, the order queueKeyOrder gives every enqueue too.
        await sql`SELECT seq FROM webhook_queue_heads WHERE ${inChunk} ORDER BY endpoint COLLATE "C", ordering_key COLLATE "C" FOR UPDATE`.execute(
          db,
        );
      }
      // One index probe per queue (the pending-by-key index). `IN (...) GROUP BY` read every
      // pending row through the status index on SQLite: 11 % of server CPU with 7,500 pending.
      const oldest = await sql<{ endpoint: string; ordering_key: string; seq: number | null }>`
        WITH k(endpoint, ordering_key) AS (VALUES ${pairs})
        SELECT k.endpoint, k.ordering_key,
          (SELECT MIN(e.seq) FROM webhook_events e
           WHERE e.status = 'pending' AND e.endpoint = k.endpoint AND e.ordering_key = k.ordering_key) AS seq
        FROM k`.execute(db);
      const heads = queueKeyOrder(
        oldest.rows
          .filter((r) => r.seq !== null)
          .map((r) => ({ endpoint: r.endpoint, ordering_key: r.ordering_key, seq: Number(r.seq) })),
      );
      if (heads.length > 0) {
        await db
          .insertInto('webhook_queue_heads')
          .values(heads)
          .onConflict((oc) => oc.columns(['endpoint', 'ordering_key']).doUpdateSet({ seq: sql`excluded.seq` }))
          .execute();
      }
      const headed = new Set(heads.map(queueID));
      const emptied = chunk.filter((k) => !headed.has(queueID(k)));
      if (emptied.length > 0) {
        await sql`DELETE FROM webhook_queue_heads WHERE (endpoint, ordering_key) IN (${sql.join(emptied.map((k) => sql`(${k.endpoint}, ${k.ordering_key})`))})`.execute(
          db,
        );
      }
    }
  }

  const finishMany: EventRepo['finishMany'] = async (items) => {
    const recorded: boolean[] = [];
    const moved: QueueKey[] = [];
    for (const { attempt, workerID, next } of items) {
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
        // Literal: a bound value against the pending-by-key index's column forces a re-prepare per run.
        .where('status', '=', sql.lit('pending'))
        .returning(['endpoint', 'ordering_key'])
        .executeTakeFirst();
      recorded.push(res !== undefined);
      if (!res) continue;
      await db
        .insertInto('webhook_attempts')
        .values(toRow(ATTEMPT_COLUMNS, attempt) as Omit<WebhookAttemptsTable, 'id'>)
        .execute();
      // Delivered or dead: the next event of its queue becomes the head.
      if (next.status !== 'pending') moved.push(res);
    }
    await refreshHeads(moved);
    return recorded;
  };

  function matching(query: EventQuery) {
    let q = db.selectFrom('webhook_events');
    if (query.status) q = q.where('status', '=', query.status);
    if (query.hook) q = q.where('hook', '=', query.hook);
    if (query.endpoint) q = q.where('endpoint', '=', query.endpoint);
    if (query.orderingKey) q = q.where('ordering_key', '=', query.orderingKey);
    if (query.from !== undefined) q = q.where('created_at', '>=', query.from);
    if (query.to !== undefined) q = q.where('created_at', '<=', query.to);
    if (query.eventID) q = q.where('id', '=', query.eventID);
    if (query.text) q = q.where(containsIgnoringCase('payload', query.text));
    return q;
  }

  const requeueIDs: EventRepo['requeueIDs'] = async (filter, now) => {
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
    if (filter.eventID) q = q.where('id', '=', filter.eventID);
    if (filter.text) q = q.where(containsIgnoringCase('payload', filter.text));
    const requeued = await q.returning(['id', 'endpoint', 'ordering_key']).execute();
    // A replayed event may be older than its queue's head: it goes first.
    await refreshHeads(requeued);
    return requeued.map((r) => r.id);
  };

  return {
    async enqueue(events) {
      const heads = new Map<string, QueueKey & { seq: number }>();
      // Chunked: one multi-row INSERT per 500 events stays under SQLite's bound-variable limit.
      for (let i = 0; i < events.length; i += 500) {
        const rows = await db
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
          .returning(['seq', 'endpoint', 'ordering_key'])
          .execute();
        for (const r of rows) {
          const id = queueID(r);
          const seq = Number(r.seq);
          if (!heads.has(id) || seq < heads.get(id)!.seq)
            heads.set(id, { endpoint: r.endpoint, ordering_key: r.ordering_key, seq });
        }
      }
      // A key without a head gets one; an existing head is older (a group's writers are serialised).
      const values = queueKeyOrder([...heads.values()]);
      for (let i = 0; i < values.length; i += 300) {
        await db
          .insertInto('webhook_queue_heads')
          .values(values.slice(i, i + 300))
          .onConflict((oc) =>
            oc.columns(['endpoint', 'ordering_key']).doUpdateSet({
              seq: sql`CASE WHEN excluded.seq < webhook_queue_heads.seq THEN excluded.seq ELSE webhook_queue_heads.seq END`,
            }),
          )
          .execute();
      }
    },

    async claim(workerID, now, leaseUntil, limit, endpoints, queues) {
      // Queue heads only (one per endpoint and group with pending events), so a deep backlog in a
      // few groups is never scanned. A head in retry backoff or leased holds back its queue.
      // Events of endpoints no longer configured (or without a URL) wait until they are again.
      if (queues?.length === 0) return [];
      const lock = caps.skipLocked ? sql`FOR UPDATE OF e SKIP LOCKED` : sql``;
      const onlyQueues = queues
        ? sql`AND (h.endpoint, h.ordering_key) IN (${sql.join(queues.map((q) => sql`(${q.endpoint}, ${q.orderingKey})`))})`
        : sql``;
      const result = await sql<Record<string, unknown>>`
        UPDATE webhook_events SET locked_by = ${workerID}, locked_until = ${leaseUntil}
        WHERE seq IN (
          SELECT e.seq FROM webhook_queue_heads h JOIN webhook_events e ON e.seq = h.seq
          WHERE h.endpoint IN (${sql.join(endpoints.length > 0 ? endpoints : [''])}) ${onlyQueues}
            AND e.status = 'pending' AND e.next_attempt_at <= ${now}
            AND (e.locked_until IS NULL OR e.locked_until <= ${now})
          ORDER BY e.next_attempt_at, e.seq
          LIMIT ${limit}
          ${lock})
        RETURNING *`.execute(db);
      return result.rows.map(toEvent).sort((a, b) => a.seq - b.seq);
    },

    async finish(attempt, workerID, next) {
      const [recorded] = await finishMany([{ attempt, workerID, next }]);
      return recorded!;
    },

    finishMany,

    async release(workerID, eventID) {
      let q = db
        .updateTable('webhook_events')
        .set({ locked_by: null, locked_until: null })
        .where('locked_by', 'is not', null);
      if (workerID !== undefined) q = q.where('locked_by', '=', workerID);
      if (eventID !== undefined) q = q.where('id', '=', eventID);
      return Number((await q.executeTakeFirst()).numUpdatedRows);
    },

    async get(id) {
      const row = await db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toEvent(row);
    },

    async attempts(id) {
      const rows = await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where('event_id', '=', id)
        .orderBy('attempt')
        .execute();
      return rows.map((r) => fromRow<AttemptRecord, WebhookAttemptsTable>(ATTEMPT_COLUMNS, r));
    },

    async list(query, page) {
      const total = await matching(query)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const { limit, offset } = window(page);
      if (limit === 0) return { total: Number(total.n), items: [] };
      const rows = await matching(query).selectAll().orderBy('seq', 'desc').limit(limit).offset(offset).execute();
      return { total: Number(total.n), items: rows.map(toEvent) };
    },

    async requeue(filter, now) {
      return (await requeueIDs(filter, now)).length;
    },

    requeueIDs,

    async recordReplays(replays) {
      // Chunked: five values a row stays under SQLite's bound-variable limit at 500 rows.
      for (let i = 0; i < replays.length; i += 500) {
        await db
          .insertInto('webhook_replays')
          .values(replays.slice(i, i + 500).map((r) => toRow(REPLAY_COLUMNS, r) as Omit<WebhookReplaysTable, 'id'>))
          .execute();
      }
    },

    async replays(eventID) {
      const rows = await db
        .selectFrom('webhook_replays')
        .selectAll()
        .where('event_id', '=', eventID)
        .orderBy('id')
        .execute();
      return rows.map((r) => fromRow<ReplayRecord, WebhookReplaysTable>(REPLAY_COLUMNS, r));
    },

    async retryNow(filter, now) {
      // Queue heads only: an event behind its head cannot go first anyway, and the head is what
      // waits. Leased heads are in flight already. The worker claims them oldest first (next
      // attempt, then seq), so per-group order and deliveryConcurrency hold as ever.
      const conditions = [
        sql`e.status = 'pending'`,
        sql`e.next_attempt_at > ${now}`,
        sql`(e.locked_until IS NULL OR e.locked_until <= ${now})`,
      ];
      if (filter.ids) {
        const ids = filter.ids.length > 0 ? filter.ids : [''];
        conditions.push(
          sql`(h.endpoint, h.ordering_key) IN (SELECT endpoint, ordering_key FROM webhook_events WHERE id IN (${sql.join(ids)}))`,
        );
      }
      if (filter.hook) conditions.push(sql`e.hook = ${filter.hook}`);
      if (filter.endpoint) conditions.push(sql`h.endpoint = ${filter.endpoint}`);
      if (filter.orderingKey) conditions.push(sql`h.ordering_key = ${filter.orderingKey}`);
      if (filter.from !== undefined) conditions.push(sql`e.created_at >= ${filter.from}`);
      if (filter.to !== undefined) conditions.push(sql`e.created_at <= ${filter.to}`);
      if (filter.eventID) conditions.push(sql`e.id = ${filter.eventID}`);
      if (filter.text) conditions.push(containsIgnoringCase('e.payload', filter.text));
      const result = await sql<{ id: string }>`
        UPDATE webhook_events SET next_attempt_at = ${now}
        WHERE seq IN (
          SELECT e.seq FROM webhook_queue_heads h JOIN webhook_events e ON e.seq = h.seq
          WHERE ${sql.join(conditions, sql` AND `)})
          AND status = 'pending' AND next_attempt_at > ${now}
        RETURNING id`.execute(db);
      return result.rows.map((r) => r.id);
    },

    async nextWakeAt(endpoints) {
      // The earliest moment `claim` could return something: over queue heads only (an event behind
      // a head in backoff is not claimable however old it is), each due at the later of its next
      // attempt and the end of its lease.
      const result = await sql<{ due: number | null }>`
        SELECT MIN(CASE WHEN e.locked_until IS NOT NULL AND e.locked_until > e.next_attempt_at
                        THEN e.locked_until ELSE e.next_attempt_at END) AS due
        FROM webhook_queue_heads h JOIN webhook_events e ON e.seq = h.seq
        WHERE h.endpoint IN (${sql.join(endpoints.length > 0 ? endpoints : [''])}) AND e.status = 'pending'`.execute(
        db,
      );
      const due = result.rows[0]?.due;
      return due == null ? undefined : Number(due);
    },

    async prune(finishedBefore, limit) {
      // created_at <= finished_at, so the (status, created_at) index narrows the scan.
      const rows = await db
        .selectFrom('webhook_events')
        .select('id')
        .where('status', 'in', ['delivered', 'dead'])
        .where('created_at', '<', finishedBefore)
        .where('finished_at', '<', finishedBefore)
        .limit(limit)
        .execute();
      if (rows.length === 0) return 0;
      const ids = rows.map((r) => r.id);
      await db.deleteFrom('webhook_attempts').where('event_id', 'in', ids).execute();
      await db.deleteFrom('webhook_replays').where('event_id', 'in', ids).execute();
      await db
        .deleteFrom('webhook_events')
        .where('id', 'in', ids)
        .where('status', 'in', ['delivered', 'dead'])
        .execute();
      return ids.length;
    },

    async stats() {
      // Pending and dead only, what the gauges show: the status index's range of those two, not
      // every delivered row of the retention window (at 300,000 delivered a scrape took 20-48 ms).
      const rows = await db
        .selectFrom('webhook_events')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('created_at').as('oldest')])
        .where('status', 'in', [sql.lit('pending'), sql.lit('dead')])
        .groupBy('status')
        .execute();
      const of = (status: EventStatus) => rows.find((r) => r.status === status);
      const oldest = of('pending')?.oldest;
      return {
        pending: Number(of('pending')?.n ?? 0),
        dead: Number(of('dead')?.n ?? 0),
        oldestPendingAt: oldest == null ? null : Number(oldest),
      };
    },
  };
}
