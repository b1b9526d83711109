// `huddle migrate`: applies the numbered migrations to HUDDLE_DATABASE and exits, the same ones a
// server applies when it opens the database (SQLite in a transaction each; PostgreSQL under the
// advisory lock, so it is safe while instances start). For deployments that migrate before rollout.

import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { isPostgresUrl } from '../storage/open.js';
import { redactPassword } from './redact.js';
import { addSettings, loadCliConfig } from './flags.js';
import { print, printJson } from './output.js';

interface MigrateResult {
  database: string;
  applied: number;
  version: number;
}

async function migrate(database: string): Promise<MigrateResult> {
  if (isPostgresUrl(database)) {
    const pg = (await import('pg')).default;
    const { migratePostgres } = await import('../storage/postgres/open.js');
    const pool = new pg.Pool({ connectionString: database, max: 1 });
    try {
      const applied = await migratePostgres(pool);
      const { rows } = await pool.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
      return { database: redactPassword(database), applied, version: rows[0]?.version ?? 0 };
    } finally {
      await pool.end();
    }
  }
  const Database = (await import('better-sqlite3')).default;
  const { migrateSqlite } = await import('../storage/sqlite/open.js');
  fs.mkdirSync(path.dirname(path.resolve(database)), { recursive: true });
  const db = new Database(database);
  try {
    db.pragma('busy_timeout = 5000');
    const applied = migrateSqlite(db);
    const version = (db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number | null) ?? 0;
    return { database: path.resolve(database), applied, version };
  } finally {
    db.close();
  }
}

export function addMigrateCommand(program: Command): void {
  const cmd = addSettings(program.command('migrate').description('apply the database migrations to HUDDLE_DATABASE and exit'), ['HUDDLE_DATABASE']);
  cmd.option('--json', 'print the result as JSON');
  cmd.action(async (opts: Record<string, unknown>) => {
    const result = await migrate(loadCliConfig(opts, ['HUDDLE_DATABASE']).database);
    if (opts.json) printJson(result);
    else if (result.applied === 0) print(`${result.database} is up to date (schema version ${result.version})`);
    else print(`applied ${result.applied} migration${result.applied === 1 ? '' : 's'} to ${result.database} (schema version ${result.version})`);
  });
}
