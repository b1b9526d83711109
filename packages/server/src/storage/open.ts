// Picks the storage engine from HUDDLE_DATABASE: a postgres:// URL, or a SQLite file path.

import type { Store } from './store.js';

export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//.test(database);
}

export interface StoreOptions {
  /** PostgreSQL: connections in the pool. */
  poolSize?: number;
}

export async function openStore(database: string, options: StoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(database)) {
    const { openPostgres } = await import('./postgres/open.js');
    return openPostgres(database, { max: options.poolSize });
  }
  // Loaded when used, as PostgreSQL's is: `huddle` commands that only read a URL start faster.
  const { openSqlite } = await import('./sqlite/open.js');
  return openSqlite(database);
}
