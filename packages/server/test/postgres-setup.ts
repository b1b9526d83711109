// Global setup of the vitest projects when PostgreSQL is reachable: gives this run a tag that
// harness.ts puts in the name of every database it creates, and after the run drops whatever a suite
// left behind (a server whose start timed out, a suite that never reached close()), so no run leaves
// databases around. It also migrates one template database per run: a server's database is a copy
// of it (CREATE DATABASE ... TEMPLATE), not an empty one migrated again at every start, which took
// a second or more per server. Starting on an empty database keeps its own tests (migrations.test.ts,
// restart.test.ts, multi-instance.test.ts, cli.test.ts).

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migratePostgres } from '../src/storage/postgres/open.js';
import { createTestDatabase, dropTestDatabases } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Tag of this run's PostgreSQL test databases (see postgres.ts createTestDatabase). */
    huddlePgRunTag: string;
    /** This run's migrated database, for createTestDatabase(tag, template); nobody connects to it. */
    huddlePgTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const tag = randomBytes(4).toString('hex');
  project.provide('huddlePgRunTag', tag);
  const template = await createTestDatabase(tag);
  const pool = new pg.Pool({ connectionString: template.url, max: 1 });
  try {
    await migratePostgres(pool);
  } finally {
    await pool.end();
  }
  project.provide('huddlePgTemplate', new URL(template.url).pathname.slice(1));
  return async () => {
    await template.drop();
    const left = await dropTestDatabases(tag);
    if (left.length > 0)
      console.warn(`postgres-setup: dropped ${left.length} test database(s) a suite left behind: ${left.join(', ')}`);
  };
}
