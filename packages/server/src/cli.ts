// The `huddle` command: one process per role, configuration from flags and the environment (a flag
// wins over its variable), one "listening" log line, clean shutdown on SIGINT and SIGTERM, exit
// code 2 with a message naming the flag, variable or key on bad configuration.
//
//   huddle [serve]              the API and delivery workers (the default; what `npm start` runs)
//   huddle serve --no-worker    the API only: changes enqueue their callbacks; workers elsewhere deliver
//   huddle worker               delivery only; its HTTP listener answers GET /healthz and GET /metrics
//
// Roles other than the default need a shared database (PostgreSQL): one process owns a SQLite file.

import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { createApp, type Role } from './app.js';
import { addConfigCommand } from './cli/config-check.js';
import { addDeliveriesListCommand } from './cli/deliveries-list.js';
import { addDeliveriesReplayCommand } from './cli/deliveries-replay.js';
import { addDeliveriesShowCommand } from './cli/deliveries-show.js';
import { CliError } from './cli/errors.js';
import { addSettings, flagValues } from './cli/flags.js';
import { addHooksListCommand } from './cli/hooks-list.js';
import { addHooksTestCommand } from './cli/hooks-test.js';
import { addMigrateCommand } from './cli/migrate.js';
import { addReceiverCommand } from './cli/receiver.js';
import { redactPassword } from './cli/redact.js';
import { ConfigError, loadConfig, type FlagVariable } from './config.js';
import { createLogger } from './logger.js';
import { isPostgresUrl } from './storage/open.js';
import { WebhookConfigError } from './webhooks/config.js';

const SERVE_FLAGS: FlagVariable[] = [
  'HUDDLE_HOST',
  'HUDDLE_PORT',
  'HUDDLE_DATABASE',
  'HUDDLE_DATABASE_POOL_SIZE',
  'HUDDLE_WEBHOOKS',
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
  'HUDDLE_WEBHOOKS',
  'HUDDLE_LOG_LEVEL',
  'HUDDLE_LEASE_MARGIN_SECONDS',
];

function fail(message: string): never {
  console.error(`huddle: ${message}`);
  process.exit(2);
}

function roleName(role: Role): string {
  return role.api && role.worker ? 'serve' : role.api ? 'serve --no-worker' : 'worker';
}

async function run(role: Role, flags: Partial<Record<FlagVariable, string>>): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, flags);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  if (!(role.api && role.worker) && !isPostgresUrl(config.database)) {
    fail(
      `huddle ${roleName(role)} needs a database shared by several instances: set HUDDLE_DATABASE (or --database) to a postgres:// URL. ` +
        'On SQLite one process owns the file and runs both the API and delivery (huddle serve).',
    );
  }
  const logger = createLogger(config.logLevel);
  let app;
  try {
    app = await createApp(config, logger, { role });
  } catch (err) {
    if (err instanceof WebhookConfigError) fail(err.message);
    throw err;
  }
  if (app.secret.generated) logger.warn({ file: app.secret.where }, 'HUDDLE_SECRET is not set: generated an admin secret');
  else if (app.secret.where) logger.info({ file: app.secret.where }, 'using the admin secret huddle generated earlier');
  const address = await app.listen();
  const url = `http://${address.address}:${address.port}`;
  // The worker ID is what the outbox's locked_by column holds for this instance's leases.
  const fields = { database: redactPassword(config.database), role: roleName(role), ...(role.worker ? { workerID: app.worker.id } : {}) };
  if (role.api) logger.info(fields, `huddle listening on ${url}${role.worker ? '' : ' (API only: callbacks are delivered by the worker instances)'}`);
  else logger.info(fields, `huddle worker listening on ${url} (GET /healthz and /metrics only)`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function version(): string {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function buildProgram(): Command {
  const program = new Command('huddle')
    .description('Group-chat server with an OpenIM-compatible REST API and business-server callbacks.\nEvery flag has an environment variable (shown); the flag wins.')
    .version(version())
    .exitOverride()
    .showHelpAfterError('(huddle --help lists the commands; huddle <command> --help their options)');

  const serve = addSettings(
    program
      .command('serve', { isDefault: true })
      .description('serve the API and deliver callbacks (the default command)')
      .option('--no-worker', 'serve the API only: changes still enqueue their callbacks, and `huddle worker` instances on the same PostgreSQL database deliver them'),
    SERVE_FLAGS,
  );
  serve.exitOverride().action(async (opts: Record<string, unknown>) => {
    await run({ api: true, worker: opts.worker !== false }, flagValues(opts, SERVE_FLAGS));
  });

  const worker = addSettings(
    program
      .command('worker')
      .description('deliver callbacks only (no API); the HTTP listener serves GET /healthz and GET /metrics. Needs PostgreSQL.'),
    WORKER_FLAGS,
  );
  worker.exitOverride().action(async (opts: Record<string, unknown>) => {
    await run({ api: false, worker: true }, flagValues(opts, WORKER_FLAGS));
  });

  addMigrateCommand(program);
  addConfigCommand(program);
  const hooks = program.command('hooks').description('the callbacks huddle sends: list them, try one against a URL');
  addHooksListCommand(hooks);
  addHooksTestCommand(hooks);
  addReceiverCommand(program);
  const deliveries = program.command('deliveries').description("a running huddle's delivery log: list, show and replay after-callback events");
  addDeliveriesListCommand(deliveries);
  addDeliveriesShowCommand(deliveries);
  addDeliveriesReplayCommand(deliveries);
  return program;
}

export async function runCli(argv: string[] = process.argv): Promise<void> {
  // `huddle deliveries list | head`: a reader that stops early is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    if (err instanceof CliError) {
      if (err.message) console.error(`huddle: ${err.message}`);
      process.exit(err.exitCode);
    }
    throw err;
  }
}
