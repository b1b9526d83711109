// `huddle serve` and `huddle worker`: one process per role, one "listening" log line, clean shutdown
// on SIGINT and SIGTERM, exit code 2 with a message naming the flag, variable or key on bad
// configuration, an unreachable database or a port in use. cli.ts loads this file only for these
// commands, so the others start without the server's modules.

import type { AddressInfo } from 'node:net';
import { type App, createApp, type Role } from '../app.js';
import type { FlagVariable } from '../server-config.js';
import { createLogger } from '../logger.js';
import { isPostgresUrl } from '../storage/open.js';
import { CallbackConfigError } from '../callbacks/config-file.js';
import { usageError } from './errors.js';
import { loadCliConfig } from './flags.js';
import { databaseFailure, listenFailure } from './startup-errors.js';
import { redactPassword } from './redact.js';

function roleName(role: Role): string {
  return role.api && role.worker ? 'serve' : role.api ? 'serve --no-worker' : 'worker';
}

/** `opts`: the command's options, of which the setting flags of `variables` are read. */
export async function runServer(
  role: Role,
  opts: Record<string, unknown>,
  variables: readonly FlagVariable[],
): Promise<void> {
  const config = loadCliConfig(opts, variables);
  if (!(role.api && role.worker) && !isPostgresUrl(config.database)) {
    throw usageError(
      `huddle ${roleName(role)} needs a database shared by several instances: set HUDDLE_DATABASE (or --database) to a postgres:// URL. ` +
        'On SQLite one process owns the file and runs both the API and delivery (huddle serve).',
    );
  }
  const logger = createLogger(config.logLevel, config.logFormat);
  let app: App;
  try {
    app = await createApp(config, logger, { role });
  } catch (err) {
    if (err instanceof CallbackConfigError) throw usageError(err.message);
    throw databaseFailure(err, config.database) ?? err;
  }
  if (app.secret.generated)
    logger.warn({ file: app.secret.where }, 'HUDDLE_SECRET is not set: generated an admin secret');
  else if (app.secret.where) logger.info({ file: app.secret.where }, 'using the admin secret huddle generated earlier');
  let address: AddressInfo;
  try {
    address = await app.listen();
  } catch (err) {
    const failure = listenFailure(err, config);
    if (!failure) throw err;
    await app.close().catch(() => {});
    throw failure;
  }
  const url = `http://${address.address}:${address.port}`;
  const gateway = app.gateway?.address();
  // The worker ID is what the outbox's locked_by column holds for this instance's leases.
  const fields = {
    database: redactPassword(config.database),
    role: roleName(role),
    ...(role.worker ? { workerID: app.worker.id } : {}),
    ...(gateway ? { gateway: `ws://${gateway.address}:${gateway.port}` } : {}),
  };
  if (role.api)
    logger.info(
      fields,
      `huddle listening on ${url}${gateway ? `, OpenIM clients on ws://${gateway.address}:${gateway.port}` : ''}${role.worker ? '' : ' (API only: callbacks are delivered by the worker instances)'}`,
    );
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
