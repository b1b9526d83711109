// `npm start`: configuration -> store (created and migrated on first start) -> HTTP; clean shutdown.

import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { WebhookConfigError } from './webhooks/config.js';
import { createLogger } from './logger.js';

/** postgres://user:secret@host/db -> postgres://user:***@host/db, so logs never carry a password. */
function redactPassword(database: string): string {
  return database.replace(/^(postgres(?:ql)?:\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`huddle: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let app;
  try {
    app = await createApp(config, logger);
  } catch (err) {
    if (err instanceof WebhookConfigError) {
      console.error(`huddle: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  if (app.secret.generated) logger.warn({ file: app.secret.where }, 'HUDDLE_SECRET is not set: generated an admin secret');
  else if (app.secret.where) logger.info({ file: app.secret.where }, 'using the admin secret huddle generated earlier');
  const address = await app.listen();
  logger.info({ database: redactPassword(config.database) }, `huddle listening on http://${address.address}:${address.port}`);

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

main().catch((err: unknown) => {
  console.error('huddle failed to start:', err);
  process.exit(1);
});
