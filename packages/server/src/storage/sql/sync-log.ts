import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { SyncChange, SyncLogRepo } from '../store.js';
import type { Database } from './tables.js';

// Rows per statement: well under SQLite's 32,766 bound values with 6 columns a row.
const CHUNK = 1000;

/** A new log's name: 24 hex digits, the shape of OpenIM's (MongoDB ObjectID) version IDs. */
const newVersionID = () => randomBytes(12).toString('hex');

export function syncLogRepo(db: Kysely<Database>): SyncLogRepo {
  return {
    async record(kind, changes) {
      if (changes.length === 0) return;
      // The latest change per element; logs in owner order, so concurrent writers lock them in the
      // same order and cannot deadlock.
      const latest = new Map<string, Map<string, SyncChange>>();
      for (const c of changes) {
        const elements = latest.get(c.ownerID) ?? new Map<string, SyncChange>();
        latest.set(c.ownerID, elements);
        elements.set(c.elementID, c.change);
      }
      const owners = [...latest.keys()].sort();
      const versions = new Map<string, number>();
      for (let i = 0; i < owners.length; i += CHUNK) {
        const rows = await db
          .insertInto('sync_versions')
          .values(
            owners.slice(i, i + CHUNK).map((o) => ({ kind, owner_id: o, version: 1, version_id: newVersionID() })),
          )
          .onConflict((oc) => oc.columns(['kind', 'owner_id']).doUpdateSet({ version: sql`sync_versions.version + 1` }))
          .returning(['owner_id', 'version'])
          .execute();
        for (const r of rows) versions.set(r.owner_id, r.version);
      }
      const rows = owners.flatMap((o) =>
        [...latest.get(o)!].map(([elementID, change]) => {
          const version = versions.get(o)!;
          return {
            kind,
            owner_id: o,
            element_id: elementID,
            version,
            // An update of an element the log never saw inserted counts as known to every client.
            insert_version: change === 'insert' ? version : 0,
            deleted: change === 'delete' ? 1 : 0,
          };
        }),
      );
      for (let i = 0; i < rows.length; i += CHUNK) {
        await db
          .insertInto('sync_changes')
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.columns(['kind', 'owner_id', 'element_id']).doUpdateSet((eb) => ({
              version: eb.ref('excluded.version'),
              deleted: eb.ref('excluded.deleted'),
              // An insert sets insert_version; an update or a delete keeps it (an insert then a
              // delete since a client's version is nothing to that client).
              insert_version: sql<number>`CASE WHEN excluded.insert_version = 0 THEN sync_changes.insert_version ELSE excluded.insert_version END`,
            })),
          )
          .execute();
      }
    },
    async head(kind, ownerID) {
      const row = await db
        .selectFrom('sync_versions')
        .select(['version', 'version_id'])
        .where('kind', '=', kind)
        .where('owner_id', '=', ownerID)
        .executeTakeFirst();
      return row && { version: row.version, versionID: row.version_id };
    },
    async since(kind, ownerID, version) {
      const head = await this.head(kind, ownerID);
      if (!head) return undefined;
      const rows = await db
        .selectFrom('sync_changes')
        .select(['element_id', 'insert_version', 'deleted'])
        .where('kind', '=', kind)
        .where('owner_id', '=', ownerID)
        .where('version', '>', version)
        .orderBy('version')
        .execute();
      const delta = { ...head, inserted: [] as string[], updated: [] as string[], deleted: [] as string[] };
      for (const r of rows) {
        const newToClient = r.insert_version > version;
        if (r.deleted) {
          if (!newToClient) delta.deleted.push(r.element_id);
        } else (newToClient ? delta.inserted : delta.updated).push(r.element_id);
      }
      return delta;
    },
  };
}
