// The admin secret signs tokens and unlocks /auth/get_admin_token. There is no built-in default:
// either HUDDLE_SECRET is set, or a random one is generated once and kept in the data directory
// (SQLite), or in the shared database (PostgreSQL, so every instance signs with the same secret).

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from './storage/store.js';
import { settingQuery } from './storage/setting-query.js';

export interface ResolvedSecret {
  secret: string;
  /** The file a generated secret is kept in; undefined when it came from the environment or the database. */
  file: string | undefined;
  /** Where a generated secret is kept, for the log; undefined when it came from the environment. */
  where?: string;
  generated: boolean;
}

/** The file a generated secret is kept in on SQLite: `secret` in the data directory. */
export function secretFile(dataDir: string): string {
  return path.join(dataDir, 'secret');
}

/** The secret kept in the data directory, trimmed; undefined when the file is missing or blank. Other read errors are thrown. */
export function readSecretFile(dataDir: string): string | undefined {
  try {
    return fs.readFileSync(secretFile(dataDir), 'utf8').trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return undefined;
  }
}

export function resolveSecret(configured: string | undefined, dataDir: string): ResolvedSecret {
  if (configured) return { secret: configured, file: undefined, generated: false };
  const file = secretFile(dataDir);
  const existing = readSecretFile(dataDir);
  if (existing) return { secret: existing, file, where: file, generated: false };
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  // 'wx' fails if another process created it first; then we use theirs.
  try {
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return resolveSecret(undefined, dataDir);
    throw err;
  }
  return { secret, file, where: file, generated: true };
}

/** The settings row a generated secret is kept in on PostgreSQL. */
export const SECRET_SETTING = 'admin_secret';

/** Several instances share one PostgreSQL database: the first to start generates, the others read. */
export async function resolveSharedSecret(
  configured: string | undefined,
  store: Store,
  now: number,
): Promise<ResolvedSecret> {
  if (configured) return { secret: configured, file: undefined, generated: false };
  const where = `the database (${settingQuery(SECRET_SETTING)})`;
  const mine = randomBytes(32).toString('base64url');
  await store.repos.settings.insertIfAbsent(SECRET_SETTING, mine, now);
  const stored = await store.repos.settings.get(SECRET_SETTING);
  if (!stored) throw new Error('the admin secret could not be stored');
  return { secret: stored.value, file: undefined, where, generated: stored.value === mine };
}
