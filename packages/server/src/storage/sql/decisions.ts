import type { Kysely } from 'kysely';
import type { DecisionKind, DecisionRecord } from '../records.js';
import type { DecisionQuery, DecisionRepo } from '../store.js';
import { window } from './paging.js';
import type { BeforeDecisionsTable, Database } from './tables.js';

/** Rows per INSERT: 16 columns each stays under SQLite's bound-variable limit. */
const CHUNK = 500;

const toRow = (d: DecisionRecord): BeforeDecisionsTable => ({
  id: d.id,
  decided_at: d.decidedAt,
  hook: d.hook,
  endpoint: d.endpoint,
  command: d.command,
  url: d.url,
  group_id: d.groupID,
  operation_id: d.operationID,
  decision: d.decision,
  failed_continue: d.failedContinue ? 1 : 0,
  latency_ms: d.latencyMs,
  status_code: d.statusCode,
  err_code: d.errCode,
  err_msg: d.errMsg,
  error: d.error,
  answer: d.answer,
});

const fromRow = (r: BeforeDecisionsTable): DecisionRecord => ({
  id: r.id,
  decidedAt: Number(r.decided_at),
  hook: r.hook,
  endpoint: r.endpoint,
  command: r.command,
  url: r.url,
  groupID: r.group_id,
  operationID: r.operation_id,
  decision: r.decision as DecisionKind,
  failedContinue: Number(r.failed_continue) === 1,
  latencyMs: Number(r.latency_ms),
  statusCode: r.status_code,
  errCode: r.err_code,
  errMsg: r.err_msg,
  error: r.error,
  answer: r.answer,
});

export function decisionRepo(db: Kysely<Database>): DecisionRepo {
  /** The filter's equality columns: a field given narrows by its column. */
  const EQUALS = {
    endpoint: 'endpoint',
    hook: 'hook',
    decision: 'decision',
    groupID: 'group_id',
    operationID: 'operation_id',
  } as const;

  function matching(q: DecisionQuery) {
    let s = db.selectFrom('before_decisions');
    for (const [field, column] of Object.entries(EQUALS)) {
      const value = q[field as keyof typeof EQUALS];
      if (value) s = s.where(column, '=', value);
    }
    if (q.from !== undefined) s = s.where('decided_at', '>=', q.from);
    if (q.to !== undefined) s = s.where('decided_at', '<=', q.to);
    return s;
  }

  return {
    async insert(decisions) {
      for (let i = 0; i < decisions.length; i += CHUNK) {
        await db
          .insertInto('before_decisions')
          .values(decisions.slice(i, i + CHUNK).map(toRow))
          // Two instances may, about once in a million same-millisecond decisions, draw one ID:
          // keep the first rather than lose the whole batch to the key.
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
    },

    async list(query, page) {
      const { limit, offset } = window(page);
      const [counted, rows] = await Promise.all([
        matching(query)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
        limit === 0
          ? []
          : matching(query)
              .selectAll()
              .orderBy('decided_at', 'desc')
              .orderBy('id', 'desc')
              .limit(limit)
              .offset(offset)
              .execute(),
      ]);
      return { total: Number(counted.n), items: rows.map(fromRow) };
    },

    async prune(before, limit) {
      const rows = await db
        .selectFrom('before_decisions')
        .select('id')
        .where('decided_at', '<', before)
        .orderBy('decided_at')
        .limit(limit)
        .execute();
      if (rows.length === 0) return 0;
      await db
        .deleteFrom('before_decisions')
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return rows.length;
    },
  };
}
