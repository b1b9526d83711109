// One typed configuration, read from the environment. Every variable is documented in the README.

import path from 'node:path';

export interface Config {
  host: string;
  port: number;
  /** A SQLite file path, or a postgres:// URL. */
  database: string;
  /** Directory for files huddle keeps beside the database (the generated secret). */
  dataDir: string;
  /** The admin secret; when unset, one is generated on first start and kept in `dataDir`. */
  secret: string | undefined;
  adminUserIDs: string[];
  /** Path of the webhook configuration file, if any. */
  webhooksFile: string | undefined;
  tokenTtlSeconds: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  logLevel: string;
}

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const database = env.HUDDLE_DATABASE || './data/huddle.db';
  const adminUserIDs = (env.HUDDLE_ADMIN_USER_IDS ?? 'imAdmin')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (adminUserIDs.length === 0) throw new ConfigError('HUDDLE_ADMIN_USER_IDS must name at least one user');
  for (const id of adminUserIDs) {
    if (!/^[\p{L}\p{N}_]{1,64}$/u.test(id)) {
      throw new ConfigError(`HUDDLE_ADMIN_USER_IDS: "${id}" is not a valid userID (letters, digits and _; at most 64)`);
    }
  }
  const secret = env.HUDDLE_SECRET || undefined;
  if (secret !== undefined && secret.length < 16) {
    throw new ConfigError('HUDDLE_SECRET must be at least 16 characters');
  }
  return {
    host: env.HUDDLE_HOST || '127.0.0.1',
    port: integer(env, 'HUDDLE_PORT', 10002, 0, 65535),
    database,
    // Beside the SQLite file; with PostgreSQL nothing needs a local directory (./data if asked).
    dataDir: /^postgres(ql)?:\/\//.test(database) ? path.resolve(env.HUDDLE_DATA_DIR || './data') : path.dirname(path.resolve(database)),
    secret,
    adminUserIDs,
    webhooksFile: env.HUDDLE_WEBHOOKS || undefined,
    tokenTtlSeconds: integer(env, 'HUDDLE_TOKEN_TTL_DAYS', 90, 1, 3650) * 86400,
    maxBodyBytes: integer(env, 'HUDDLE_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    logLevel: env.HUDDLE_LOG_LEVEL || 'info',
  };
}
