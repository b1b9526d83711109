// The scale-out engine: PostgreSQL through a pooled `pg` client behind Kysely. Several huddle
// instances may share one database: migrations take an advisory lock, writers of a group lock its
// row, and delivery claims use FOR UPDATE SKIP LOCKED with leases.

import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { readMigrations } from '../migrations.js';
import { kyselyStore } from '../sql/repos.js';
import type { Capabilities, Database as Schema } from '../sql/tables.js';
import type { Store } from '../store.js';
import { isPostgresTransient } from '../tx-retry.js';

// The SQL stays in src/ (tsc copies no .sql); dist/ sits at the same depth, so this finds it from both.
const MIGRATIONS_DIR = fileURLToPath(new URL('../../../src/storage/postgres/migrations/', import.meta.url));
const CAPABILITIES: Capabilities = { rowLocks: true, skipLocked: true };
/** Any constant shared by every huddle instance: the key of the migration advisory lock. */
const MIGRATION_LOCK = 0x68756464; // "hudd"

// BIGINT (int8) and COUNT(*) arrive as strings by default; our values are milliseconds and counts,
// far below 2^53, so numbers they are.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PostgresOptions {
  /** Connections in the pool (default 10: 2.2k join txn/s here, the same as 64). */
  max?: number;
}

/** Applies the numbered migrations once, even when several instances start at the same moment. */
export async function migratePostgres(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    );
    let count = 0;
    for (const m of readMigrations(MIGRATIONS_DIR)) {
      if (applied.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          Date.now(),
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      count++;
    }
    return count;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client that loses its server emits 'error'; the pool replaces it.
  pool.on('error', () => {});
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    engine: 'postgres',
    shared: true,
    isUniqueViolation: (err) => (err as { code?: unknown })?.code === '23505',
    ...kyselyStore(db, CAPABILITIES, isPostgresTransient),
  };
}
