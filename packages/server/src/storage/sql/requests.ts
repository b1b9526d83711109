import { sql, type Kysely } from 'kysely';
import type { RequestRecord } from '../records.js';
import type { RequestQuery, RequestRepo } from '../store.js';
import { fromRow, REQUEST_COLUMNS, toRow } from './columns.js';
import { window } from './paging.js';
import type { Database, GroupRequestsTable } from './tables.js';

const toRequest = (row: Record<string, unknown>) => fromRow<RequestRecord, GroupRequestsTable>(REQUEST_COLUMNS, row);

export function requestRepo(db: Kysely<Database>): RequestRepo {
  function filtered(query: RequestQuery) {
    let q = db.selectFrom('group_requests as r');
    if (query.groupIDs.length > 0) q = q.where('r.group_id', 'in', query.groupIDs);
    if (query.handleResults.length > 0) q = q.where('r.handle_result', 'in', query.handleResults);
    if (query.after !== undefined) q = q.where('r.req_time', '>', query.after);
    return q;
  }

  async function paged(q: ReturnType<typeof filtered>, page: { pageNumber: number; showNumber: number }) {
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const { limit, offset } = window(page);
    if (limit === 0) return { total: Number(total.n), items: [] };
    const rows = await q
      .selectAll('r')
      .orderBy('r.req_time', 'desc')
      .orderBy('r.group_id')
      .orderBy('r.user_id')
      .limit(limit)
      .offset(offset)
      .execute();
    return { total: Number(total.n), items: rows.map(toRequest) };
  }

  return {
    async upsertPending(request) {
      const row = toRow(REQUEST_COLUMNS, request) as GroupRequestsTable;
      const { group_id: _g, user_id: _u, ...rest } = row;
      await db
        .insertInto('group_requests')
        .values(row)
        .onConflict((oc) => oc.columns(['group_id', 'user_id']).doUpdateSet(rest))
        .execute();
    },
    async get(groupID, userID) {
      const row = await db
        .selectFrom('group_requests')
        .selectAll()
        .where('group_id', '=', groupID)
        .where('user_id', '=', userID)
        .executeTakeFirst();
      return row && toRequest(row);
    },
    async markHandled(groupID, userID, handled) {
      await db
        .updateTable('group_requests')
        .set(toRow(REQUEST_COLUMNS, handled))
        .where('group_id', '=', groupID)
        .where('user_id', '=', userID)
        .execute();
    },
    inbox(managerUserID, query, page) {
      const q = filtered(query).where(
        'r.group_id',
        'in',
        (eb) =>
          eb
            .selectFrom('group_members as m')
            .select('m.group_id')
            .where('m.user_id', '=', managerUserID)
            .where('m.role_level', 'in', [sql.lit(100), sql.lit(60)]), // literals: see groups.ts
      );
      return paged(q, page);
    },
    byApplicant(userID, query, page) {
      return paged(filtered(query).where('r.user_id', '=', userID), page);
    },
    async find(groupID, userIDs) {
      if (userIDs.length === 0) return [];
      const rows = await db
        .selectFrom('group_requests as r')
        .selectAll('r')
        .where('r.group_id', '=', groupID)
        .where('r.user_id', 'in', userIDs)
        .orderBy('r.req_time', 'desc')
        .orderBy('r.user_id')
        .execute();
      return rows.map(toRequest);
    },
  };
}
