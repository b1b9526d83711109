// Talks to a running huddle as an app admin, the way any admin API caller does: an admin token from
// /auth/get_admin_token with the admin secret, then POSTs with `token` and `operationID` headers.
// The secret comes from --secret, HUDDLE_SECRET, or where the server keeps a generated one (the
// data directory's `secret` file on SQLite, the settings table on PostgreSQL); nothing is generated.

import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { Config, FlagVariable } from '../server-config.js';
import { readSecretFile, SECRET_SETTING, secretFile } from '../secret.js';
import { isPostgresUrl } from '../storage/open.js';
import { CliError, usageError } from './errors.js';
import { addSettings, loadCliConfig } from './flags.js';
import { redactPassword } from './redact.js';

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

/** A secret and where it was read, for the message when the server refuses it. */
interface FoundSecret {
  secret: string;
  from: string;
  /** Read from the database's storage: a wrong HUDDLE_DATABASE finds another server's secret. */
  stored: boolean;
}

const DATABASE_HINT = "set HUDDLE_DATABASE (--database) to the server's database, or set HUDDLE_SECRET";

async function readStoredSecret(database: string, dataDir: string): Promise<FoundSecret> {
  if (isPostgresUrl(database)) {
    const from = `the database ${redactPassword(database)} (HUDDLE_DATABASE)`;
    const { readPostgresSetting } = await import('../storage/postgres/read-setting.js');
    let secret: string | undefined;
    try {
      secret = await readPostgresSetting(database, SECRET_SETTING);
    } catch (err) {
      throw new CliError(`cannot read the admin secret from ${from}: ${(err as Error).message}; ${DATABASE_HINT}`);
    }
    if (secret) return { secret, from, stored: true };
    throw new CliError(`${from} holds no admin secret (has huddle started on it?); ${DATABASE_HINT}`);
  }
  const file = secretFile(dataDir);
  const from = `${file}, beside the SQLite database ${path.resolve(database)} (HUDDLE_DATABASE)`;
  let secret: string | undefined;
  try {
    secret = readSecretFile(dataDir);
  } catch (err) {
    throw new CliError(
      `cannot read the admin secret from ${from}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  if (secret) return { secret, from, stored: true };
  throw new CliError(`no admin secret: ${file} does not exist; ${DATABASE_HINT}`);
}

/** The secret from --secret, HUDDLE_SECRET, or where the server keeps a generated one. */
async function findSecret(opts: ServerOptions, env: NodeJS.ProcessEnv, config: Config): Promise<FoundSecret> {
  if (opts.secret) return { secret: opts.secret, from: '--secret', stored: false };
  if (env.HUDDLE_SECRET) return { secret: env.HUDDLE_SECRET, from: 'HUDDLE_SECRET', stored: false };
  return readStoredSecret(config.database, config.dataDir);
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
    const found = await findSecret(opts, env, config);
    const userID = config.adminUserIDs[0]!;
    let data: { token: string };
    try {
      data = (await post(url, '/auth/get_admin_token', { secret: found.secret, userID })) as { token: string };
    } catch (err) {
      if (!(err instanceof CliError) || !err.answered) throw err;
      const hint = found.stored
        ? `; if ${url} runs on another database, ${DATABASE_HINT}`
        : `; it must be the server's HUDDLE_SECRET`;
      throw new CliError(
        `${err.message}. The admin secret was read from ${found.from}${hint} (admin user ${userID}: HUDDLE_ADMIN_USER_IDS)`,
      );
    }
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
    throw new CliError(`${apiPath}: ${envelope.errMsg} (errCode ${envelope.errCode})${detail}`, 1, true);
  }
  return envelope.data;
}
