// `huddle migrate`: applies the numbered migrations to HUDDLE_DATABASE and exits, the same ones a
// server applies when it opens the database (SQLite in a transaction each; PostgreSQL under the
// advisory lock, so it is safe while instances start). For deployments that migrate before rollout.

import path from 'node:path';
import type { Command } from 'commander';
import { migrateDatabase } from '../storage/migrate.js';
import { isPostgresUrl } from '../storage/open.js';
import { redactPassword } from './redact.js';
import { addSettings, loadCliConfig } from './flags.js';
import { print, printJson } from './output.js';
import { databaseFailure } from './startup-errors.js';

interface MigrateResult {
  database: string;
  applied: number;
  version: number;
}

async function migrate(database: string): Promise<MigrateResult> {
  let result: Awaited<ReturnType<typeof migrateDatabase>>;
  try {
    result = await migrateDatabase(database);
  } catch (err) {
    throw databaseFailure(err, database) ?? err;
  }
  return { database: isPostgresUrl(database) ? redactPassword(database) : path.resolve(database), ...result };
}

export function addMigrateCommand(program: Command): void {
  const cmd = addSettings(
    program.command('migrate').description('apply the database migrations to HUDDLE_DATABASE and exit'),
    ['HUDDLE_DATABASE'],
  );
  cmd.option('--json', 'print the result as JSON');
  cmd.action(async (opts: Record<string, unknown>) => {
    const result = await migrate(loadCliConfig(opts, ['HUDDLE_DATABASE']).database);
    if (opts.json) printJson(result);
    else if (result.applied === 0) print(`${result.database} is up to date (schema version ${result.version})`);
    else
      print(
        `applied ${result.applied} migration${result.applied === 1 ? '' : 's'} to ${result.database} (schema version ${result.version})`,
      );
  });
}
