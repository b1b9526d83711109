// Start-up failures that the operator causes and can fix: the database cannot be opened or reached
// (huddle serve, worker, migrate), or a port is taken. Each becomes one line that names the setting to change (a usage error, exit
// code 2, no stack). Anything else is a bug and keeps its stack (main.ts).

import path from 'node:path';
import type { Config } from '../server-config.js';
import { isPostgresUrl } from '../storage/open.js';
import { type CliError, usageError } from './errors.js';
import { redactPassword } from './redact.js';

interface SystemError {
  code?: unknown;
  path?: unknown;
  port?: unknown;
  message?: unknown;
  errors?: unknown;
}

/** The error's code; for an AggregateError (a host with several addresses), the first inner one's. */
function codeOf(err: unknown): string | undefined {
  const e = err as SystemError;
  if (typeof e?.code === 'string') return e.code;
  if (Array.isArray(e?.errors)) return codeOf(e.errors[0]);
  return undefined;
}

const messageOf = (err: unknown) => String((err as SystemError)?.message ?? err);

const PG_UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
// PostgreSQL's SQLSTATEs: a refused login, a database that does not exist.
const PG_LOGIN = new Set(['28P01', '28000']);
const PG_NO_DATABASE = '3D000';
// What opening a SQLite file can fail with: the file system's codes (creating the directory), then
// SQLite's (opening or reading the file).
const SQLITE_OPEN =
  /^(EACCES|EPERM|EROFS|ENOTDIR|ENOENT|EEXIST|EISDIR|SQLITE_CANTOPEN|SQLITE_READONLY|SQLITE_PERM|SQLITE_NOTADB)/;

const DATABASE_SETTING = 'HUDDLE_DATABASE (--database)';

/** Why the database could not be opened, if the operator can fix it. */
export function databaseFailure(err: unknown, database: string): CliError | undefined {
  const code = codeOf(err);
  if (!code) return undefined;
  if (isPostgresUrl(database)) {
    const url = redactPassword(database);
    if (PG_UNREACHABLE.has(code))
      return usageError(
        `cannot reach PostgreSQL at ${url} (${code}): is it running? Start it, or set ${DATABASE_SETTING} to a reachable postgres:// URL`,
      );
    if (PG_LOGIN.has(code))
      return usageError(
        `PostgreSQL at ${url} refused the login: ${messageOf(err)}. Fix the user or password in ${DATABASE_SETTING}`,
      );
    if (code === PG_NO_DATABASE)
      return usageError(
        `PostgreSQL at ${url}: ${messageOf(err)}. Create it (createdb), or set ${DATABASE_SETTING} to an existing database`,
      );
    return undefined;
  }
  if (!SQLITE_OPEN.test(code)) return undefined;
  const file = path.resolve(database);
  // The file system's messages start with their code and name the path; SQLite's have neither.
  const message = messageOf(err);
  const reason = message.startsWith(code) ? message : `${code}: ${message}`;
  return usageError(
    `cannot open the SQLite database ${file}: ${reason}. Set ${DATABASE_SETTING} to a file in a directory huddle can create and write to`,
  );
}

/** Why a listener could not start, if the operator can fix it. */
export function listenFailure(err: unknown, config: Config): CliError | undefined {
  const code = codeOf(err);
  const port = (err as SystemError)?.port;
  const setting =
    port === config.gatewayPort && port !== config.port
      ? 'HUDDLE_GATEWAY_PORT (--gateway-port)'
      : 'HUDDLE_PORT (--port)';
  const where = `${config.host}:${String(port)}`;
  if (code === 'EADDRINUSE')
    return usageError(
      `${where} is already in use (another huddle?): stop what listens there, or set ${setting} to a free port`,
    );
  if (code === 'EACCES')
    return usageError(
      `no permission to listen on ${where} (ports below 1024 need privileges): set ${setting} to another port`,
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return usageError(`cannot listen on ${config.host}: not an address of this machine. Set HUDDLE_HOST (--host)`);
  return undefined;
}
