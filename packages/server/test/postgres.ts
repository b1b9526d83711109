// PostgreSQL for tests: each caller gets a database of its own, dropped afterwards. Without a
// reachable server the PostgreSQL half is skipped with a visible message, except under CI=true,
// where a missing PostgreSQL fails the run.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server and maintenance database tests connect to (CI: 127.0.0.1:5432, trust auth, database test). */
export const PG_ADMIN_URL = process.env.HUDDLE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let availability: Promise<boolean> | undefined;

export function postgresAvailable(): Promise<boolean> {
  availability ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (err) {
      if (process.env.CI === 'true')
        throw new Error(
          `PostgreSQL is required under CI=true but ${PG_ADMIN_URL} is unreachable: ${(err as Error).message}`,
        );
      console.warn(
        `\n*** PostgreSQL at ${PG_ADMIN_URL} is unreachable: skipping the PostgreSQL half of the tests ***\n`,
      );
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return availability;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const NAME_PREFIX = 'huddle_test_';

/**
 * Creates a database with a random name; drop() removes it (closing stray connections). It is empty,
 * or a copy of `template` (a database nobody is connected to, such as the run's migrated one from
 * postgres-setup.ts). `tag` (lower-case letters and digits) goes into the name, so
 * dropTestDatabases(tag) finds it.
 */
export async function createTestDatabase(tag?: string, template?: string): Promise<TestDatabase> {
  if (tag !== undefined && !/^[a-z0-9]{1,16}$/.test(tag)) throw new Error(`bad test database tag "${tag}"`);
  if (template !== undefined && !/^[a-z0-9_]{1,63}$/.test(template)) throw new Error(`bad template "${template}"`);
  const name = `${NAME_PREFIX}${tag ? `${tag}_` : ''}${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

/** Drops every test database created with this tag that is still there; returns their names. */
export async function dropTestDatabases(tag: string): Promise<string[]> {
  if (!/^[a-z0-9]{1,16}$/.test(tag)) throw new Error(`bad test database tag "${tag}"`);
  return admin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [`${NAME_PREFIX}${tag}_`],
    );
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    return rows.map((r) => r.datname);
  });
}
