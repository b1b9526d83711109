// Talks to a running huddle as an app admin, the way any admin API caller does: an admin token from
// /auth/get_admin_token with the admin secret, then POSTs with `token` and `operationID` headers.
// The secret comes from --secret, HUDDLE_SECRET, or where the server keeps a generated one (the
// data directory's `secret` file on SQLite, the settings table on PostgreSQL); nothing is generated.

import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import type { FlagVariable } from '../server-config.js';
import { readSecretFile, SECRET_SETTING, secretFile } from '../secret.js';
import { isPostgresUrl } from '../storage/open.js';
import { CliError, usageError } from './errors.js';
import { addSettings, loadCliConfig } from './flags.js';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:10002';
/** Where the secret is (the database) and whom the admin token is for. */
const SERVER_SETTINGS: FlagVariable[] = ['HUDDLE_DATABASE', 'HUDDLE_ADMIN_USER_IDS'];

export interface ServerOptions {
  url?: string;
  secret?: string;
  database?: string;
  adminUserIds?: string;
}

/** Adds --url, --secret, --database and --admin-user-ids: how to reach and unlock a running huddle. */
export function addServerOptions(cmd: Command): Command {
  cmd.addOption(new Option('--url <url>', `the running huddle [env: HUDDLE_URL] (default: ${DEFAULT_SERVER_URL})`));
  cmd.addOption(
    new Option(
      '--secret <secret>',
      'the admin secret [env: HUDDLE_SECRET]; prefer the variable (command lines are visible to other users). Default: the one the server generated, read from --database',
    ),
  );
  return addSettings(cmd, SERVER_SETTINGS);
}

interface Envelope {
  errCode: number;
  errMsg: string;
  errDlt: string;
  data?: unknown;
}

async function readStoredSecret(database: string, dataDir: string): Promise<string> {
  if (isPostgresUrl(database)) {
    const { readPostgresSetting } = await import('../storage/postgres/read-setting.js');
    let secret: string | undefined;
    try {
      secret = await readPostgresSetting(database, SECRET_SETTING);
    } catch (err) {
      throw new CliError(
        `cannot read the admin secret from the database: ${(err as Error).message}; set HUDDLE_SECRET`,
      );
    }
    if (secret) return secret;
    throw new CliError('the database holds no admin secret (has huddle started on it?); set HUDDLE_SECRET');
  }
  const file = secretFile(dataDir);
  let secret: string | undefined;
  try {
    secret = readSecretFile(dataDir);
  } catch (err) {
    throw new CliError(
      `cannot read the admin secret from ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  if (secret) return secret;
  throw new CliError(
    `no admin secret: ${file} does not exist. Set HUDDLE_SECRET, or point --database at the server's database`,
  );
}

export class AdminClient {
  private constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  /** Resolves the server and the secret from flags and the environment, and gets an admin token. */
  static async connect(opts: ServerOptions, env: NodeJS.ProcessEnv = process.env): Promise<AdminClient> {
    const url = (opts.url ?? env.HUDDLE_URL ?? DEFAULT_SERVER_URL).replace(/\/+$/, '');
    if (!/^https?:\/\/\S+$/.test(url)) throw usageError(`--url must be an http:// or https:// URL, got "${url}"`);
    const config = loadCliConfig(opts as Record<string, unknown>, SERVER_SETTINGS, env);
    const secret = opts.secret ?? (env.HUDDLE_SECRET || (await readStoredSecret(config.database, config.dataDir)));
    const userID = config.adminUserIDs[0]!;
    const data = (await post(url, '/auth/get_admin_token', { secret, userID })) as { token: string };
    return new AdminClient(url, data.token);
  }

  /** Calls an admin API path; returns `data`, or throws the server's error as a CliError. */
  call<T>(apiPath: string, body: unknown): Promise<T> {
    return post(this.url, apiPath, body, this.token) as Promise<T>;
  }
}

async function post(base: string, apiPath: string, body: unknown, token?: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${base}${apiPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', operationID: `cli-${randomUUID()}`, ...(token ? { token } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const why = (err as { cause?: { code?: string; message?: string } }).cause;
    const cause = why?.code ?? why?.message ?? (err as Error).message;
    throw new CliError(`cannot reach huddle at ${base}: ${cause} (is it running? --url or HUDDLE_URL names it)`);
  }
  const text = await res.text();
  let envelope: Envelope;
  try {
    envelope = JSON.parse(text) as Envelope;
  } catch {
    throw new CliError(
      `${apiPath}: ${base} answered HTTP ${res.status} without huddle's JSON envelope (is it huddle?)`,
    );
  }
  if (envelope.errCode !== 0) {
    const detail = envelope.errDlt ? `: ${envelope.errDlt}` : '';
    const hint = apiPath === '/auth/get_admin_token' ? ' (check the admin secret and HUDDLE_ADMIN_USER_IDS)' : '';
    throw new CliError(`${apiPath}: ${envelope.errMsg} (errCode ${envelope.errCode})${detail}${hint}`);
  }
  return envelope.data;
}
