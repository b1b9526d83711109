import type { Kysely, Selectable } from 'kysely';
import type { ConnectionEnd, ConnectionHistoryRecord } from '../records.js';
import type { ConnectionHistoryRepo } from '../store.js';
import { window } from './paging.js';
import type { ConnectionHistoryTable, Database } from './tables.js';

/** Connection IDs per UPDATE: a swept instance may have held many (PostgreSQL binds at most 65,535). */
const IDS_PER_STATEMENT = 1000;

const toRecord = (r: Selectable<ConnectionHistoryTable>): ConnectionHistoryRecord => ({
  connID: r.conn_id,
  userID: r.user_id,
  platformID: r.platform_id,
  instanceID: r.instance_id,
  remoteAddr: r.remote_addr,
  sdkType: r.sdk_type,
  sdkVersion: r.sdk_version,
  connectedAt: r.connected_at,
  disconnectedAt: r.disconnected_at,
  endReason: r.end_reason as ConnectionEnd | '',
});

export function connectionHistoryRepo(db: Kysely<Database>): ConnectionHistoryRepo {
  return {
    async open(c) {
      await db
        .insertInto('connection_history')
        .values({
          conn_id: c.connID,
          connected_at: c.connectedAt,
          user_id: c.userID,
          platform_id: c.platformID,
          instance_id: c.instanceID,
          remote_addr: c.remoteAddr,
          sdk_type: c.sdkType,
          sdk_version: c.sdkVersion,
          disconnected_at: null,
          end_reason: '',
        })
        .onConflict((oc) => oc.columns(['conn_id', 'connected_at']).doNothing())
        .execute();
    },
    async close(connIDs, at, reason) {
      for (let i = 0; i < connIDs.length; i += IDS_PER_STATEMENT) {
        await db
          .updateTable('connection_history')
          .set({ disconnected_at: at, end_reason: reason })
          .where('conn_id', 'in', connIDs.slice(i, i + IDS_PER_STATEMENT))
          .where('disconnected_at', 'is', null)
          .execute();
      }
    },
    async ofUser(userID, page) {
      const mine = db.selectFrom('connection_history').where('user_id', '=', userID);
      const total = await mine.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const { limit, offset } = window(page);
      if (limit === 0) return { total: Number(total.n), items: [] };
      const rows = await mine
        .selectAll()
        .orderBy('connected_at', 'desc')
        .orderBy('conn_id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      return { total: Number(total.n), items: rows.map(toRecord) };
    },
    async prune(endedBefore, limit) {
      const doomed = await db
        .selectFrom('connection_history')
        .select('conn_id')
        .where('disconnected_at', '<', endedBefore)
        .limit(limit)
        .execute();
      if (doomed.length === 0) return 0;
      const r = await db
        .deleteFrom('connection_history')
        .where(
          'conn_id',
          'in',
          doomed.map((d) => d.conn_id),
        )
        .where('disconnected_at', '<', endedBefore)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
