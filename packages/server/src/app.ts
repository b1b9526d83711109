// Builds a huddle instance without listening, so tests and main.ts share one assembly.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createServices, type Services } from './domain/index.js';
import { createRequestHandler } from './http/server.js';
import { allRoutes } from './http/routes/index.js';
import { resolveSecret, resolveSharedSecret, type ResolvedSecret } from './secret.js';
import { openStore } from './storage/open.js';
import type { Store } from './storage/store.js';
import { CallbackHooks } from './webhooks/hooks.js';
import { WebhookMetrics } from './webhooks/metrics.js';
import { CallbackSender } from './webhooks/send.js';
import { WebhookSettings } from './webhooks/settings.js';
import { DeliveryWorker, type WorkerOptions } from './webhooks/worker.js';

export interface App {
  config: Config;
  store: Store;
  services: Services;
  secret: ResolvedSecret;
  webhooks: WebhookSettings;
  /** Delivers after-callbacks; runs from listen() until close(). */
  worker: DeliveryWorker;
  metrics: WebhookMetrics;
  server: http.Server;
  /** Starts listening and delivering; resolves with the bound address (port 0 picks a free one). */
  listen(): Promise<AddressInfo>;
  /**
   * Stops accepting, finishes in-flight requests, stops the delivery worker (in-flight attempts
   * finish or are released), closes the store.
   */
  close(): Promise<void>;
}

export interface AppOptions {
  worker?: WorkerOptions;
}

export async function createApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const store = await openStore(config.database);
  const secret = store.shared ? await resolveSharedSecret(config.secret, store, Date.now()) : resolveSecret(config.secret, config.dataDir);
  let webhooks: WebhookSettings;
  try {
    webhooks = await WebhookSettings.load(store, config.webhooksFile, logger);
  } catch (err) {
    await store.close();
    throw err;
  }
  // Keep-alive connections per receiver origin: enough for every delivery slot plus before-callbacks.
  // (Fixed when the pool is made: a later set_config raising deliveryConcurrency past this is capped.)
  const sender = new CallbackSender(Math.max(128, webhooks.config.deliveryConcurrency + 64));
  const metrics: WebhookMetrics = new WebhookMetrics(store.repos.events, Date.now, () => worker.inFlightCount);
  const worker = new DeliveryWorker(store, webhooks, sender, logger, Date.now, {
    // One process owns a SQLite file: whatever leases it finds are a crashed run's.
    releaseAllOnStart: !store.shared,
    onAttempt: (hook, outcome, ms) => metrics.attempt(hook, outcome, ms),
    ...options.worker,
  });
  const hooks = new CallbackHooks(
    webhooks,
    sender,
    logger,
    Date.now,
    () => worker.wake(),
    (o) => metrics.before(o),
  );
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
    routes: allRoutes(services, { settings: webhooks, events: store.repos.events, wake: () => worker.wake(), now: Date.now }),
    auth: services.auth,
    maxBodyBytes: config.maxBodyBytes,
    logger,
    metrics,
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
    worker,
    metrics,
    server,
    async listen() {
      const address = await new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve(server.address() as AddressInfo));
      });
      await worker.start();
      return address;
    },
    async close() {
      await Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
        worker.stop(),
      ]);
      await sender.close();
      await store.close();
    },
  };
}
