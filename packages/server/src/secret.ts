// The admin secret signs tokens and unlocks /auth/get_admin_token. There is no built-in default:
// either HUDDLE_SECRET is set, or a random one is generated once and kept in the data directory.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface ResolvedSecret {
  secret: string;
  /** Where a generated secret is kept; undefined when it came from the environment. */
  file: string | undefined;
  generated: boolean;
}

export function resolveSecret(configured: string | undefined, dataDir: string): ResolvedSecret {
  if (configured) return { secret: configured, file: undefined, generated: false };
  const file = path.join(dataDir, 'secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing) return { secret: existing, file, generated: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  // 'wx' fails if another process created it first; then we use theirs.
  try {
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return resolveSecret(undefined, dataDir);
    throw err;
  }
  return { secret, file, generated: true };
}
