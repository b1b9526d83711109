// The storage engines a contract test runs against: a real SQLite file in a temporary directory,
// and a fresh copy of the run's migrated database on the local PostgreSQL (skipped when none answers).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, inject } from 'vitest';
import { openPostgres } from '../src/storage/postgres/open.js';
import { openSqlite } from '../src/storage/sqlite/open.js';
import type { Store } from '../src/storage/store.js';
import { createTestDatabase, postgresAvailable } from './postgres.js';

export interface Engine {
  name: 'sqlite' | 'postgres';
  skip?: boolean;
  /** Opens a store; `more` opens further stores on the same database (PostgreSQL: other instances). */
  open(): Promise<{ store: Store; more(): Promise<Store>; cleanup(): Promise<void> }>;
}

export const engines: Engine[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-store-'));
      const store = openSqlite(path.join(dir, 'store.db'));
      return {
        store,
        more: async () => store,
        async cleanup() {
          await store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    skip: !(await postgresAvailable()),
    async open() {
      // A copy of the run's migrated template (postgres-setup.ts): openPostgres finds it up to date.
      const database = await createTestDatabase(inject('huddlePgRunTag'), inject('huddlePgTemplate'));
      const store = await openPostgres(database.url);
      const others: Store[] = [];
      return {
        store,
        async more() {
          const other = await openPostgres(database.url);
          others.push(other);
          return other;
        },
        async cleanup() {
          for (const o of others) await o.close();
          await store.close();
          await database.drop();
        },
      };
    },
  },
];

/**
 * A fresh store on `engine` for each test of the calling describe block, cleaned up after it: read
 * it through `store()`; `more()` opens another on the same database.
 */
export function storePerTest(engine: Engine): { store(): Store; more(): Promise<Store> } {
  let opened: Awaited<ReturnType<Engine['open']>> | undefined;
  beforeEach(async () => {
    opened = await engine.open();
  });
  afterEach(async () => opened?.cleanup());
  return { store: () => opened!.store, more: () => opened!.more() };
}
