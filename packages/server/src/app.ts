// Builds a huddle instance without listening, so tests and main.ts share one assembly.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './server-config.js';
import { createServices, type Services } from './domain/index.js';
import { rateLimiter } from './domain/rate-limits.js';
import { getEndpoints } from './http/get-routes.js';
import { AttemptFeed } from './http/live.js';
import { pipeliningGuard } from './http/pipelining.js';
import { createRequestHandler } from './http/server.js';
import { allRoutes } from './http/routes/index.js';
import { resolveSecret, resolveSharedSecret, type ResolvedSecret } from './secret.js';
import { isPostgresUrl, openStore } from './storage/open.js';
import { noSignals, type Signals } from './cluster-signals.js';
import { AttemptRelay } from './http/live-relay.js';
import type { Store } from './storage/store.js';
import { CallbackDispatcher } from './callbacks/dispatcher.js';
import { DecisionRecorder } from './callbacks/decision-recorder.js';
import { CallbackMetrics } from './callbacks/metrics.js';
import { Retention } from './retention.js';
import { BEFORE_CONNECTIONS, CallbackSender } from './callbacks/send.js';
import { LiveCallbackConfig } from './callbacks/live-config.js';
import { DeliveryWorker, type WorkerOptions } from './callbacks/worker.js';
import { createGateway } from './gateway/assemble.js';
import type { Gateway } from './gateway/gateway.js';
import type { MessageRecord } from './storage/records.js';

export interface App {
  config: Config;
  store: Store;
  services: Services;
  secret: ResolvedSecret;
  callbackConfig: LiveCallbackConfig;
  /** Delivers after-callbacks; runs from listen() until close() when the role includes delivery. */
  worker: DeliveryWorker;
  /** What this instance does. */
  role: Role;
  /** Wake-ups from and to other instances on the same database (a no-op on SQLite). */
  signals: Signals;
  metrics: CallbackMetrics;
  /** Deletes finished callbacks past HUDDLE_EVENT_RETENTION_DAYS (instances that deliver). */
  retention: Retention;
  /** Deletes messages past HUDDLE_MESSAGE_RETENTION_DAYS. */
  messageRetention: Retention;
  /** Writes before-callback decisions in batches, off the request path. */
  decisions: DecisionRecorder;
  /** Deletes before-callback decisions past HUDDLE_DECISION_RETENTION_DAYS. */
  decisionRetention: Retention;
  /** Deletes the history of connections that ended past HUDDLE_CONNECTION_HISTORY_RETENTION_DAYS. */
  connectionHistoryRetention: Retention;
  server: http.Server;
  /** OpenIM's WebSocket gateway (HUDDLE_GATEWAY_PORT), on instances that serve the API. */
  gateway: Gateway | undefined;
  /**
   * Starts listening (the API, or only /healthz and /metrics for a worker-only instance) and
   * delivering (unless API-only); resolves with the bound address (port 0 picks a free one).
   */
  listen(): Promise<AddressInfo>;
  /**
   * Stops accepting, finishes in-flight requests, stops the delivery worker (in-flight attempts
   * finish or are released), closes the store.
   */
  close(): Promise<void>;
}

/**
 * `huddle serve`: api and worker; `huddle serve --no-worker`: api only; `huddle worker`: worker only
 * (its HTTP listener serves /healthz and /metrics, nothing else).
 */
export interface Role {
  api: boolean;
  worker: boolean;
}

export interface AppOptions {
  worker?: WorkerOptions;
  /** Default: both. */
  role?: Partial<Role>;
  /** The clock every part of the instance reads (tests move it instead of waiting); default Date.now. */
  now?: () => number;
  /** With a shared database, how often the saved callback configuration is re-read anyway; default SETTINGS_POLL_MS. */
  settingsPollMs?: number;
}

/** With a shared database, how often each instance re-reads the saved callback configuration anyway. */
export const SETTINGS_POLL_MS = 5000;

export async function createApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<App> {
  const role: Role = { api: options.role?.api ?? true, worker: options.role?.worker ?? true };
  const now = options.now ?? Date.now;
  const store = await openStore(config.database, { poolSize: config.databasePoolSize });
  const secret = store.shared
    ? await resolveSharedSecret(config.secret, store, now())
    : resolveSecret(config.secret, config.dataDir);
  let callbackConfig: LiveCallbackConfig;
  try {
    callbackConfig = await LiveCallbackConfig.load(store, config.callbacksFile, logger);
  } catch (err) {
    await store.close();
    throw err;
  }
  // Before- and after-callbacks never share connections (see send.ts): the after pool holds a
  // connection per delivery slot, so an after-callback never waits for one and its timeout runs
  // only while the receiver has it.
  const afterSender = new CallbackSender(callbackConfig.config.deliveryConcurrency);
  callbackConfig.onChange((c) => afterSender.resize(c.deliveryConcurrency));
  const beforeSender = new CallbackSender(BEFORE_CONNECTIONS);
  const metrics: CallbackMetrics = new CallbackMetrics(store.repos.events, now, () => worker.inFlightCount);
  const feed = new AttemptFeed();
  const retention = new Retention({
    what: 'delivered and dead callbacks',
    retentionMs: config.eventRetentionMs,
    prune: (before, limit) => store.tx((tx) => tx.events.prune(before, limit)),
    logger,
    now,
  });
  const messageRetention = new Retention({
    what: 'messages',
    retentionMs: config.messageRetentionMs,
    prune: (before, limit) => store.tx((tx) => tx.messages.prune(before, limit)),
    logger,
    now,
  });
  const decisions = new DecisionRecorder((batch) => store.tx((tx) => tx.decisions.insert(batch)), logger);
  const decisionRetention = new Retention({
    what: 'before-callback decisions',
    retentionMs: config.decisionRetentionMs,
    prune: (before, limit) => store.tx((tx) => tx.decisions.prune(before, limit)),
    logger,
    now,
  });
  const connectionHistoryRetention = new Retention({
    what: 'connection history',
    retentionMs: config.connectionHistoryRetentionMs,
    prune: (before, limit) => store.tx((tx) => tx.connectionHistory.prune(before, limit)),
    logger,
    now,
  });
  const worker = new DeliveryWorker(store, callbackConfig, afterSender, logger, now, {
    // One process owns a SQLite file: whatever leases it finds are a crashed run's.
    releaseAllOnStart: !store.shared,
    leaseMarginMs: config.leaseMarginMs,
    onAttempt: (hook, outcome, ms, a) => {
      metrics.attempt(hook, outcome, ms);
      relay.publish({
        time: now(),
        eventID: a.eventID,
        hook,
        endpoint: a.endpoint,
        url: a.url ?? '',
        groupID: a.groupID,
        attempt: a.attempt,
        outcome,
        statusCode: a.statusCode ?? 0,
        durationMs: a.durationMs,
        error: a.error,
      });
    },
    ...options.worker,
  });
  // Several instances on one database: enqueues wake every instance's worker (a `huddle worker`
  // elsewhere included), and a configuration saved here is re-read by the others.
  const signals: Signals = !(store.shared && isPostgresUrl(config.database))
    ? noSignals
    : config.natsUrl
      ? await natsSignals(config.natsUrl, logger)
      : await postgresSignals(config.database, logger);
  const eventsReady = () => {
    if (role.worker) worker.wake();
    signals.publish('events');
  };
  signals.on('events', () => worker.wake());
  // The worker's attempts go through it; the worker starts in listen(), after this line has run.
  const relay = new AttemptRelay(feed, signals);
  const refreshSettings = () =>
    callbackConfig.refresh().then(
      (changed) => {
        if (changed)
          logger.info(
            { changedAt: new Date(callbackConfig.changedAt).toISOString() },
            'applied the callback configuration saved by another instance',
          );
      },
      (err: unknown) => logger.warn({ err }, 'could not re-read the saved callback configuration'),
    );
  signals.on('settings', () => void refreshSettings());
  signals.onReconnect(() => {
    worker.wake();
    void refreshSettings();
  });
  callbackConfig.onSaved(() => signals.publish('settings'));
  let settingsPoll: NodeJS.Timeout | undefined;

  // The gateway is built after the services it calls; messages committed meanwhile have no client.
  let gateway: Gateway | undefined;
  const onMessages = (messages: readonly MessageRecord[], operationID = '') =>
    gateway?.committed(messages, operationID);
  const onLogout = (userID: string, platformID: number) => gateway?.loggedOut(userID, platformID);

  const hooks = new CallbackDispatcher(callbackConfig, beforeSender, logger, now, eventsReady, (o) => {
    metrics.before(o);
    decisions.record(o);
  });
  const services = createServices({
    store,
    hooks,
    now,
    secret: secret.secret,
    adminUserIDs: config.adminUserIDs,
    tokenTtlSeconds: config.tokenTtlSeconds,
    maxGroupMembers: config.maxGroupMembers,
    decisionRetentionMs: config.decisionRetentionMs,
    eventsReady,
    onMessages,
    onLogout,
  });
  try {
    await services.users.ensureAdminUsers(config.adminUserIDs);
  } catch (err) {
    // Several instances starting at once on an empty database: another one created them first.
    if (!store.isUniqueViolation(err)) throw err;
    await services.users.ensureAdminUsers(config.adminUserIDs);
  }

  const routes = role.api ? allRoutes(services, { settings: callbackConfig, now }) : [];
  const handler = createRequestHandler({
    routes,
    auth: services.auth,
    ...(role.api ? { get: getEndpoints({ routes, auth: services.auth, feed }) } : {}),
    maxBodyBytes: config.maxBodyBytes,
    trustedProxies: new Set(config.trustedProxies),
    rateLimit: rateLimiter(config.rateLimitWritesPerMinute, store, now),
    logger,
    metrics,
  });
  const admit = pipeliningGuard();
  const server = http.createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // How often the headers and request timeouts are checked (node's default, 30 s, would let a
      // 10 s timeout run for 40 s); a walk over the connections still receiving a request.
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      if (!admit(req, res)) return;
      handler(req, res).catch((err: unknown) => {
        logger.error({ err }, 'unhandled request failure');
        if (!res.headersSent) res.writeHead(500).end();
      });
    },
  );
  // `Expect: 100-continue`: the handler judges the headers before it asks for the body (writeContinue).
  server.on('checkContinue', (req, res) => server.emit('request', req, res));
  server.maxConnections = config.maxConnections;
  if (role.api) gateway = createGateway({ config, services, signals, logger, now });

  return {
    config,
    store,
    services,
    secret,
    callbackConfig,
    worker,
    role,
    signals,
    metrics,
    retention,
    messageRetention,
    decisions,
    decisionRetention,
    connectionHistoryRetention,
    server,
    get gateway() {
      return gateway;
    },
    async listen() {
      const address = await new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve(server.address() as AddressInfo));
      });
      await gateway?.listen();
      await signals.start();
      if (store.shared) {
        settingsPoll = setInterval(() => void refreshSettings(), options.settingsPollMs ?? SETTINGS_POLL_MS);
        settingsPoll.unref();
      }
      if (role.worker) {
        await worker.start();
        retention.start();
        messageRetention.start();
        connectionHistoryRetention.start();
      }
      // Decisions are made where the API is served, and kept there too.
      if (role.api) decisionRetention.start();
      return address;
    },
    async close() {
      clearInterval(settingsPoll);
      await gateway?.close();
      relay.close();
      feed.close();
      await retention.stop();
      await messageRetention.stop();
      await decisionRetention.stop();
      await connectionHistoryRetention.stop();
      await Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
        worker.stop(),
      ]);
      // In-flight requests have finished: their decisions are all queued.
      await decisions.close();
      await signals.close();
      await Promise.all([afterSender.close(), beforeSender.close()]);
      await store.close();
    },
  };
}

async function natsSignals(url: string, logger: Logger): Promise<Signals> {
  const { NatsSignals } = await import('./bus/nats-signals.js');
  return new NatsSignals(url, logger);
}

async function postgresSignals(url: string, logger: Logger): Promise<Signals> {
  const { PostgresSignals } = await import('./storage/postgres/notify.js');
  return new PostgresSignals(url, logger);
}
