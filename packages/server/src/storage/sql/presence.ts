import type { Kysely, Selectable } from 'kysely';
import type { ConnectionRecord } from '../records.js';
import type { PresenceRepo } from '../store.js';
import type { Database, GatewayConnectionsTable } from './tables.js';

const toRecord = (r: Selectable<GatewayConnectionsTable>): ConnectionRecord => ({
  connID: r.conn_id,
  instanceID: r.instance_id,
  userID: r.user_id,
  platformID: r.platform_id,
  background: Number(r.background) === 1,
  connectedAt: r.connected_at,
});

export function presenceRepo(db: Kysely<Database>): PresenceRepo {
  /** The instances whose stamp is fresh: the only ones whose connections count. */
  const live = (liveSince: number) =>
    db.selectFrom('gateway_instances').select('instance_id').where('heartbeat_at', '>=', liveSince);

  return {
    async heartbeat(instanceID, now) {
      const stamped = await db
        .updateTable('gateway_instances')
        .set({ heartbeat_at: now })
        .where('instance_id', '=', instanceID)
        .executeTakeFirst();
      if (Number(stamped.numUpdatedRows) > 0) return true;
      // New, or swept since its last stamp; another statement of the same instance may race us here.
      await db
        .insertInto('gateway_instances')
        .values({ instance_id: instanceID, heartbeat_at: now })
        .onConflict((oc) => oc.column('instance_id').doUpdateSet({ heartbeat_at: now }))
        .execute();
      return false;
    },
    async connect(c) {
      const row = {
        conn_id: c.connID,
        instance_id: c.instanceID,
        user_id: c.userID,
        platform_id: c.platformID,
        background: c.background ? 1 : 0,
        connected_at: c.connectedAt,
      };
      await db
        .insertInto('gateway_connections')
        .values(row)
        .onConflict((oc) => oc.column('conn_id').doUpdateSet(row))
        .execute();
    },
    async disconnect(connID) {
      // RETURNING: of two concurrent removals of one connection, one gets the row.
      const row = await db
        .deleteFrom('gateway_connections')
        .where('conn_id', '=', connID)
        .returningAll()
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async setBackground(connID, background) {
      const res = await db
        .updateTable('gateway_connections')
        .set({ background: background ? 1 : 0 })
        .where('conn_id', '=', connID)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
    async online(userIDs, liveSince) {
      if (userIDs.length === 0) return [];
      const rows = await db
        .selectFrom('gateway_connections')
        .selectAll()
        .where('user_id', 'in', userIDs)
        .where('instance_id', 'in', live(liveSince))
        .orderBy('connected_at')
        .orderBy('conn_id')
        .execute();
      return rows.map(toRecord);
    },
    async sweep(liveSince) {
      // Connections of stale instances, and of instances with no row at all (never stamped, or
      // forgotten while a connect was in flight).
      const gone = await db
        .deleteFrom('gateway_connections')
        .where('instance_id', 'not in', live(liveSince))
        .returningAll()
        .execute();
      await db.deleteFrom('gateway_instances').where('heartbeat_at', '<', liveSince).execute();
      return gone.map(toRecord);
    },
    async forget(instanceID) {
      const gone = await db
        .deleteFrom('gateway_connections')
        .where('instance_id', '=', instanceID)
        .returningAll()
        .execute();
      await db.deleteFrom('gateway_instances').where('instance_id', '=', instanceID).execute();
      return gone.map(toRecord);
    },
    async forgetAll() {
      const gone = await db.deleteFrom('gateway_connections').returningAll().execute();
      await db.deleteFrom('gateway_instances').execute();
      return gone.map(toRecord);
    },
  };
}
