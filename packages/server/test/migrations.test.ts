// The two engines' migrations are written twice (SQLite's and PostgreSQL's SQL differ), but the SQL
// in storage/sql/ is shared: both must end in the same tables, with the same columns, nullable alike.

import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migratePostgres } from '../src/storage/postgres/open.js';
import { migrateSqlite } from '../src/storage/sqlite/open.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './postgres.js';

/** "table.column" -> "null" | "not null", for every table and column. */
type Shape = Record<string, string>;

function sqliteShape(): Shape {
  const db = new Database(':memory:');
  try {
    migrateSqlite(db);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const shape: Shape = {};
    for (const t of tables) {
      for (const c of db.prepare('SELECT name, "notnull", pk FROM pragma_table_info(?)').all(t) as {
        name: string;
        notnull: number;
        pk: number;
      }[]) {
        // A primary key is NOT NULL in PostgreSQL whether or not it says so; SQLite's INTEGER PRIMARY KEY too.
        shape[`${t}.${c.name}`] = c.notnull || c.pk ? 'not null' : 'null';
      }
    }
    return shape;
  } finally {
    db.close();
  }
}

async function postgresShape(url: string): Promise<Shape> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migratePostgres(pool);
    const { rows } = await pool.query<{ table_name: string; column_name: string; is_nullable: string }>(
      "SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'",
    );
    return Object.fromEntries(
      rows.map((r) => [`${r.table_name}.${r.column_name}`, r.is_nullable === 'YES' ? 'null' : 'not null']),
    );
  } finally {
    await pool.end();
  }
}

const withPostgres = await postgresAvailable();
let database: TestDatabase | undefined;
afterAll(async () => database?.drop());

describe('the SQLite and PostgreSQL migrations', () => {
  it.skipIf(!withPostgres)('give the same tables and columns, nullable alike', async () => {
    database = await createTestDatabase('migrations');
    const [lite, postgres] = [sqliteShape(), await postgresShape(database.url)];
    expect(Object.keys(lite).length).toBeGreaterThan(40);
    const sorted = (s: Shape) => Object.fromEntries(Object.entries(s).sort(([a], [b]) => a.localeCompare(b)));
    expect(sorted(postgres)).toEqual(sorted(lite));
  });
});
