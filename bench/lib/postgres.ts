// PostgreSQL databases for the pg scenario: each made fresh on BENCH_PG_URL's server and dropped
// after use; whatever is left is dropped at the end of the run, also on Ctrl-C.

import crypto from 'node:crypto';
import pg from 'pg';
import { PG_ADMIN_URL } from './settings.js';

/** Databases this run created and has not dropped yet. */
const pgDatabases = new Set<string>();

async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh, empty database on PG_ADMIN_URL's server; returns its URL. */
async function createBenchDatabase(): Promise<{ name: string; url: string }> {
  const name = `huddle_bench_${crypto.randomBytes(6).toString('hex')}`;
  await pgAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  pgDatabases.add(name);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function dropBenchDatabase(name: string): Promise<void> {
  await pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  pgDatabases.delete(name);
}

/** The databases not dropped yet, by name. */
export const undroppedBenchDatabases = () => [...pgDatabases];

/** Drops every database not dropped yet (WITH (FORCE) closes stray connections); returns their names. */
export async function dropBenchDatabases(): Promise<string[]> {
  const names = [...pgDatabases];
  for (const name of names) await dropBenchDatabase(name);
  return names;
}

/** Runs `fn` on a fresh bench database, then drops it (also when `fn` throws) and notes it in `dropped`. */
export async function withBenchDatabase<T>(
  dropped: string[],
  fn: (db: { name: string; url: string }) => Promise<T>,
): Promise<T> {
  const db = await createBenchDatabase();
  try {
    return await fn(db);
  } finally {
    await dropBenchDatabase(db.name);
    dropped.push(db.name);
  }
}
