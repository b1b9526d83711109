// One typed configuration, read from the environment and, for `huddle` on the command line, from
// flags (a flag wins over its variable). Every variable is documented in the README.

import path from 'node:path';

export interface Config {
  host: string;
  port: number;
  /** The WebSocket gateway's port (OpenIM's msggateway, 10001); 0 picks a free one. */
  gatewayPort: number;
  /** WebSocket clients connected at once to this instance; the next ones are refused with 1601. */
  gatewayMaxConnections: number;
  /** A WebSocket client that sent nothing for this long is dropped, in ms (OpenIM: 30 s). */
  gatewayIdleTimeoutMs: number;
  /** Bytes waiting for a WebSocket client that does not read, before it is cut off. */
  gatewayMaxBufferedBytes: number;
  /** A SQLite file path, or a postgres:// URL. */
  database: string;
  /** With PostgreSQL: carry signals and pushes between instances over this NATS server instead of LISTEN/NOTIFY. */
  natsUrl: string | undefined;
  /** Connections in the PostgreSQL pool (unused with SQLite). */
  databasePoolSize: number;
  /** Directory for files huddle keeps beside the database (the generated secret). */
  dataDir: string;
  /** The admin secret; when unset, one is generated on first start and kept in `dataDir`. */
  secret: string | undefined;
  adminUserIDs: string[];
  /** Path of the callback configuration file, if any. */
  callbacksFile: string | undefined;
  tokenTtlSeconds: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Writes a user (not an app admin) may make per minute; 0 for no limit. */
  rateLimitWritesPerMinute: number;
  /** Members a group may have; 0 for no limit (OpenIM's behaviour). */
  maxGroupMembers: number;
  /** Addresses of proxies whose X-Forwarded-For header names the caller. */
  trustedProxies: string[];
  /** How long a client may take to send a request's headers, in ms. */
  headersTimeoutMs: number;
  /** How long a client may take to send a whole request (headers and body), in ms. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open, in ms. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; the next ones are closed as soon as they are accepted. */
  maxConnections: number;
  /** Delivered and dead callbacks are deleted this long after they finished; 0 keeps them. */
  eventRetentionMs: number;
  /** Messages are deleted this long after they were sent; 0 keeps them forever. */
  messageRetentionMs: number;
  /** Before-callback decisions are deleted this long after they were made; 0 keeps them. */
  decisionRetentionMs: number;
  /** A gateway connection's history is deleted this long after it ended; 0 keeps it forever. */
  connectionHistoryRetentionMs: number;
  logLevel: string;
  /** json or pretty; undefined: pretty on a terminal, JSON otherwise. */
  logFormat: 'json' | 'pretty' | undefined;
  /**
   * How long a delivery lease outlives the longest hook timeout: the time after which another
   * instance takes over the callbacks a dead instance had in flight.
   */
  leaseMarginMs: number;
}

export class ConfigError extends Error {}

/** Settings that may also be given as a command-line flag (`huddle --port 10003`). */
export const FLAGS = {
  HUDDLE_HOST: { flag: '--host <address>', help: 'address to listen on' },
  HUDDLE_PORT: { flag: '--port <port>', help: 'port to listen on (0 picks a free one)' },
  HUDDLE_GATEWAY_PORT: { flag: '--gateway-port <port>', help: 'WebSocket gateway port (0 picks a free one)' },
  HUDDLE_DATABASE: { flag: '--database <path-or-url>', help: 'SQLite file, or postgres://user:password@host:port/db' },
  HUDDLE_DATABASE_POOL_SIZE: { flag: '--pool-size <n>', help: 'PostgreSQL connections per instance' },
  HUDDLE_CALLBACKS: { flag: '--callbacks <file>', help: 'callback configuration file (webhooks.yml)' },
  HUDDLE_ADMIN_USER_IDS: { flag: '--admin-user-ids <ids>', help: 'comma-separated app-admin user IDs' },
  HUDDLE_TOKEN_TTL_DAYS: { flag: '--token-ttl-days <days>', help: 'lifetime of issued tokens' },
  HUDDLE_MAX_BODY_BYTES: { flag: '--max-body-bytes <bytes>', help: 'largest request body accepted' },
  HUDDLE_LOG_LEVEL: { flag: '--log-level <level>', help: 'fatal, error, warn, info, debug, trace or silent' },
  HUDDLE_LEASE_MARGIN_SECONDS: {
    flag: '--lease-margin <seconds>',
    help: 'how long a delivery lease outlives the longest hook timeout',
  },
} as const;

export type FlagVariable = keyof typeof FLAGS;

/** `--port` from `--port <port>`. */
export function flagName(variable: FlagVariable): string {
  return FLAGS[variable].flag.split(' ')[0]!;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads the configuration. `flags` holds values given on the command line, keyed by the variable
 * they stand for; an error names the flag and its variable, or just the variable.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  flags: Partial<Record<FlagVariable, string>> = {},
): Config {
  const raw = (name: string): string | undefined => (flags as Record<string, string | undefined>)[name] ?? env[name];
  const label = (name: string): string =>
    (flags as Record<string, string | undefined>)[name] !== undefined
      ? `${flagName(name as FlagVariable)} (${name})`
      : name;
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = raw(name);
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${label(name)} must be an integer between ${min} and ${max}, got "${value}"`);
    }
    return n;
  };

  const database = raw('HUDDLE_DATABASE') || './data/huddle.db';
  const adminUserIDs = (raw('HUDDLE_ADMIN_USER_IDS') ?? 'imAdmin')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (adminUserIDs.length === 0) throw new ConfigError(`${label('HUDDLE_ADMIN_USER_IDS')} must name at least one user`);
  for (const id of adminUserIDs) {
    if (!/^[\p{L}\p{N}_]{1,64}$/u.test(id)) {
      throw new ConfigError(
        `${label('HUDDLE_ADMIN_USER_IDS')}: "${id}" is not a valid userID (letters, digits and _; at most 64)`,
      );
    }
  }
  const secret = env.HUDDLE_SECRET || undefined;
  if (secret !== undefined && secret.length < 16) {
    throw new ConfigError('HUDDLE_SECRET must be at least 16 characters');
  }
  const headersTimeoutSeconds = integer('HUDDLE_HEADERS_TIMEOUT_SECONDS', 10, 1, 3600);
  const requestTimeoutSeconds = integer('HUDDLE_REQUEST_TIMEOUT_SECONDS', 30, 1, 3600);
  // node:http refuses a headers timeout longer than the request timeout (the headers are part of it).
  if (headersTimeoutSeconds > requestTimeoutSeconds) {
    throw new ConfigError(
      `${label('HUDDLE_HEADERS_TIMEOUT_SECONDS')} (${headersTimeoutSeconds}) must not be longer than ${label('HUDDLE_REQUEST_TIMEOUT_SECONDS')} (${requestTimeoutSeconds})`,
    );
  }
  const logLevel = raw('HUDDLE_LOG_LEVEL') || 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError(`${label('HUDDLE_LOG_LEVEL')} must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const logFormat = raw('HUDDLE_LOG_FORMAT') || undefined;
  if (logFormat !== undefined && logFormat !== 'json' && logFormat !== 'pretty')
    throw new ConfigError(`${label('HUDDLE_LOG_FORMAT')} must be json or pretty, got "${logFormat}"`);
  return {
    host: raw('HUDDLE_HOST') || '127.0.0.1',
    port: integer('HUDDLE_PORT', 10002, 0, 65535),
    gatewayPort: integer('HUDDLE_GATEWAY_PORT', 10001, 0, 65535),
    gatewayMaxConnections: integer('HUDDLE_GATEWAY_MAX_CONNECTIONS', 100_000, 1, 10_000_000),
    gatewayIdleTimeoutMs: integer('HUDDLE_GATEWAY_IDLE_TIMEOUT_SECONDS', 30, 1, 3600) * 1000,
    gatewayMaxBufferedBytes: integer('HUDDLE_GATEWAY_MAX_BUFFERED_BYTES', 4 * 1024 * 1024, 65_536, 1024 ** 3),
    database,
    databasePoolSize: integer('HUDDLE_DATABASE_POOL_SIZE', 10, 1, 1000),
    natsUrl: raw('HUDDLE_NATS_URL') || undefined,
    // Beside the SQLite file; with PostgreSQL nothing needs a local directory (./data if asked).
    dataDir: /^postgres(ql)?:\/\//.test(database)
      ? path.resolve(env.HUDDLE_DATA_DIR || './data')
      : path.dirname(path.resolve(database)),
    secret,
    adminUserIDs,
    // HUDDLE_WEBHOOKS, its earlier name (after OpenIM's webhooks.yml), is still read.
    callbacksFile: raw('HUDDLE_CALLBACKS') || raw('HUDDLE_WEBHOOKS') || undefined,
    tokenTtlSeconds: integer('HUDDLE_TOKEN_TTL_DAYS', 90, 1, 3650) * 86400,
    maxBodyBytes: integer('HUDDLE_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    rateLimitWritesPerMinute: integer('HUDDLE_RATE_LIMIT_WRITES_PER_MINUTE', 0, 0, 1_000_000),
    maxGroupMembers: integer('HUDDLE_MAX_GROUP_MEMBERS', 0, 0, 10_000_000),
    trustedProxies: (raw('HUDDLE_TRUSTED_PROXIES') ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    headersTimeoutMs: headersTimeoutSeconds * 1000,
    requestTimeoutMs: requestTimeoutSeconds * 1000,
    keepAliveTimeoutMs: integer('HUDDLE_KEEP_ALIVE_TIMEOUT_SECONDS', 65, 1, 3600) * 1000,
    maxConnections: integer('HUDDLE_MAX_CONNECTIONS', 10_000, 1, 1_000_000),
    eventRetentionMs: integer('HUDDLE_EVENT_RETENTION_DAYS', 30, 0, 36_500) * 86_400_000,
    messageRetentionMs: integer('HUDDLE_MESSAGE_RETENTION_DAYS', 0, 0, 36_500) * 86_400_000,
    decisionRetentionMs: integer('HUDDLE_DECISION_RETENTION_DAYS', 7, 0, 36_500) * 86_400_000,
    connectionHistoryRetentionMs: integer('HUDDLE_CONNECTION_HISTORY_RETENTION_DAYS', 30, 0, 36_500) * 86_400_000,
    logLevel,
    logFormat,
    leaseMarginMs: integer('HUDDLE_LEASE_MARGIN_SECONDS', 30, 1, 3600) * 1000,
  };
}
