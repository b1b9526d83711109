// Builds a huddle instance without listening, so tests and main.ts share one assembly.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createServices, type Services } from './domain/index.js';
import { createRequestHandler } from './http/server.js';
import { allRoutes } from './http/routes/index.js';
import { resolveSecret, type ResolvedSecret } from './secret.js';
import { openSqlite } from './storage/sqlite/open.js';
import type { Store } from './storage/store.js';
import { CallbackHooks } from './webhooks/hooks.js';
import { CallbackSender } from './webhooks/send.js';
import { WebhookSettings } from './webhooks/settings.js';

export interface App {
  config: Config;
  store: Store;
  services: Services;
  secret: ResolvedSecret;
  webhooks: WebhookSettings;
  server: http.Server;
  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(): Promise<AddressInfo>;
  /** Stops accepting, finishes in-flight requests, closes the store. */
  close(): Promise<void>;
}

export async function createApp(config: Config, logger: Logger): Promise<App> {
  const secret = resolveSecret(config.secret, config.dataDir);
  const store = openSqlite(config.database);
  let webhooks: WebhookSettings;
  try {
    webhooks = await WebhookSettings.load(store, config.webhooksFile, logger);
  } catch (err) {
    await store.close();
    throw err;
  }
  const sender = new CallbackSender();
  const hooks = new CallbackHooks(webhooks, sender, logger, Date.now);
  const services = createServices({
    store,
    hooks,
    now: Date.now,
    secret: secret.secret,
    adminUserIDs: config.adminUserIDs,
    tokenTtlSeconds: config.tokenTtlSeconds,
  });
  await services.users.ensureAdminUsers(config.adminUserIDs);

  const handler = createRequestHandler({
    routes: allRoutes(services),
    auth: services.auth,
    maxBodyBytes: config.maxBodyBytes,
    logger,
  });
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handler(req, res).catch((err: unknown) => {
      logger.error({ err }, 'unhandled request failure');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  return {
    config,
    store,
    services,
    secret,
    webhooks,
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve(server.address() as AddressInfo));
      }),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await sender.close();
      await store.close();
    },
  };
}
