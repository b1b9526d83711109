// Applies the numbered migrations to a database and reports the schema version, without opening a
// store (`huddle migrate`): SQLite in a transaction each, PostgreSQL under the advisory lock.

import fs from 'node:fs';
import path from 'node:path';
import { isPostgresUrl } from './open.js';

export interface MigrateResult {
  /** Migrations applied now. */
  applied: number;
  /** The schema version after them. */
  version: number;
}

export async function migrateDatabase(database: string): Promise<MigrateResult> {
  if (isPostgresUrl(database)) {
    const pg = (await import('pg')).default;
    const { migratePostgres } = await import('./postgres/open.js');
    const pool = new pg.Pool({ connectionString: database, max: 1 });
    try {
      const applied = await migratePostgres(pool);
      const { rows } = await pool.query<{ version: number | null }>(
        'SELECT MAX(version) AS version FROM schema_migrations',
      );
      return { applied, version: rows[0]?.version ?? 0 };
    } finally {
      await pool.end();
    }
  }
  const Database = (await import('better-sqlite3')).default;
  const { migrateSqlite } = await import('./sqlite/open.js');
  fs.mkdirSync(path.dirname(path.resolve(database)), { recursive: true });
  const db = new Database(database);
  try {
    db.pragma('busy_timeout = 5000');
    const applied = migrateSqlite(db);
    const version = (db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number | null) ?? 0;
    return { applied, version };
  } finally {
    db.close();
  }
}
