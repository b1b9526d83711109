// The `huddle` command: the server's roles and the operator's tools, each command in its own file
// under cli/ (this file only wires them). A flag wins over its variable; a wrong flag, variable or
// file is exit code 2 with a message naming it; a failed operation is exit code 1.
//
//   huddle [serve]              the API and delivery workers (the default; what `npm start` runs)
//   huddle serve --no-worker    the API only: changes enqueue their callbacks; workers elsewhere deliver
//   huddle worker               delivery only; its HTTP listener answers GET /healthz and GET /metrics
//   huddle migrate              apply the database migrations and exit
//   huddle config check FILE    validate a callbacks file and explain each error
//   huddle callbacks list|test      the callbacks huddle sends; send one's sample event to a URL
//   huddle deliveries list|show|replay|retry   a running server's delivery log, through the admin API
//   huddle receiver             a business server that prints what it receives
//
// Roles other than the default need a shared database (PostgreSQL): one process owns a SQLite file.

import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { addConfigCommand } from './cli/callbacks-check.js';
import { addDeliveriesListCommand } from './cli/deliveries-list.js';
import { addDeliveriesReplayCommand } from './cli/deliveries-replay.js';
import { addDeliveriesRetryCommand } from './cli/deliveries-retry.js';
import { addDeliveriesShowCommand } from './cli/deliveries-show.js';
import { CliError } from './cli/errors.js';
import { addSettings } from './cli/flags.js';
import { addCallbacksListCommand } from './cli/callbacks-list.js';
import { addCallbacksTestCommand } from './cli/callbacks-test.js';
import { addMigrateCommand } from './cli/migrate.js';
import { addReceiverCommand } from './cli/receiver.js';
import type { FlagVariable } from './server-config.js';

const SERVE_FLAGS: FlagVariable[] = [
  'HUDDLE_HOST',
  'HUDDLE_PORT',
  'HUDDLE_GATEWAY_PORT',
  'HUDDLE_DATABASE',
  'HUDDLE_DATABASE_POOL_SIZE',
  'HUDDLE_CALLBACKS',
  'HUDDLE_ADMIN_USER_IDS',
  'HUDDLE_TOKEN_TTL_DAYS',
  'HUDDLE_MAX_BODY_BYTES',
  'HUDDLE_LOG_LEVEL',
  'HUDDLE_LEASE_MARGIN_SECONDS',
];
const WORKER_FLAGS: FlagVariable[] = [
  'HUDDLE_HOST',
  'HUDDLE_PORT',
  'HUDDLE_DATABASE',
  'HUDDLE_DATABASE_POOL_SIZE',
  'HUDDLE_CALLBACKS',
  'HUDDLE_LOG_LEVEL',
  'HUDDLE_LEASE_MARGIN_SECONDS',
];

function version(): string {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

/**
 * `serveByDefault`: `huddle` alone, or with only flags, serves. runCli turns it off when the first
 * word names no command, so that commander reports the unknown command with a suggestion instead of
 * passing the word to serve as an argument.
 */
export function buildProgram(serveByDefault = true): Command {
  const program = new Command('huddle')
    .description(
      'Group-chat server with an OpenIM-compatible REST API and business-server callbacks.\nEvery flag has an environment variable (shown); the flag wins.',
    )
    .version(version())
    .exitOverride()
    .showSuggestionAfterError()
    .showHelpAfterError('(huddle --help lists the commands; huddle <command> --help their options)');

  const serve = addSettings(
    program
      .command('serve', { isDefault: serveByDefault })
      .description('serve the API and deliver callbacks (the default command)')
      .option(
        '--no-worker',
        'serve the API only: changes still enqueue their callbacks, and `huddle worker` instances on the same PostgreSQL database deliver them',
      ),
    SERVE_FLAGS,
  );
  serve.exitOverride().action(async (opts: Record<string, unknown>) => {
    const { runServer } = await import('./cli/serve.js');
    await runServer({ api: true, worker: opts.worker !== false }, opts, SERVE_FLAGS);
  });

  const worker = addSettings(
    program
      .command('worker')
      .description(
        'deliver callbacks only (no API); the HTTP listener serves GET /healthz and GET /metrics. Needs PostgreSQL.',
      ),
    WORKER_FLAGS,
  );
  worker.exitOverride().action(async (opts: Record<string, unknown>) => {
    const { runServer } = await import('./cli/serve.js');
    await runServer({ api: false, worker: true }, opts, WORKER_FLAGS);
  });

  addMigrateCommand(program);
  addConfigCommand(program);
  const hooks = program
    .command('callbacks')
    .alias('hooks')
    .description('the callbacks huddle sends: list them, try one against a URL');
  addCallbacksListCommand(hooks);
  addCallbacksTestCommand(hooks);
  addReceiverCommand(program);
  const deliveries = program
    .command('deliveries')
    .description("a running huddle's delivery log: list, show, replay and retry after-callback events");
  addDeliveriesListCommand(deliveries);
  addDeliveriesShowCommand(deliveries);
  addDeliveriesReplayCommand(deliveries);
  addDeliveriesRetryCommand(deliveries);
  return program;
}

/** A first word that is neither a flag nor a command (or alias): a mistyped command. */
function namesNoCommand(word: string | undefined): boolean {
  if (word === undefined || word.startsWith('-') || word === 'help') return false;
  return !buildProgram().commands.some((c) => c.name() === word || c.aliases().includes(word));
}

export async function runCli(argv: string[] = process.argv): Promise<void> {
  // `huddle deliveries list | head`: a reader that stops early is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  try {
    await buildProgram(!namesNoCommand(argv[2])).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    if (err instanceof CliError) {
      if (err.message) console.error(`huddle: ${err.message}`);
      process.exit(err.exitCode);
    }
    throw err;
  }
}
