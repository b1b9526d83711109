// Starts a real huddle on an ephemeral port over a real database, and talks to it over real HTTP.
// Every test file gets its own server and database: a SQLite file in a temporary directory, or, when
// HUDDLE_TEST_ENGINE=postgres (the vitest project "postgres"), a fresh PostgreSQL database: a copy of the
// run's migrated template (postgres-setup.ts).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Logger } from 'pino';
import { Pool } from 'undici';
import { inject } from 'vitest';
import { createApp, type App } from '../src/app.js';
import type { WorkerOptions } from '../src/callbacks/worker.js';
import { loadConfig, type Config } from '../src/server-config.js';
import { createLogger } from '../src/logger.js';
import { isPostgresUrl } from '../src/storage/open.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export interface Envelope<T = any> {
  errCode: number;
  errMsg: string;
  errDlt: string;
  data?: T;
}

export const TEST_SECRET = 'test-secret-0123456789abcdef';

export type TestEngine = 'sqlite' | 'postgres';

/** The engine startServer() puts servers on; each vitest project sets HUDDLE_TEST_ENGINE (vitest.config.ts). */
export const TEST_ENGINE: TestEngine = process.env.HUDDLE_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/**
 * The PostgreSQL database of each server directory, so a restart with the same `dir` finds its data
 * again, as it does in the directory's SQLite file. close() drops it.
 */
const pgDatabases = new Map<string, TestDatabase>();

/** A fresh, empty PostgreSQL database, tagged with this run so postgres-setup.ts drops it if a test does not. */
export function createPgDatabase(): Promise<TestDatabase> {
  return createTestDatabase(inject('huddlePgRunTag'));
}

/** Like createPgDatabase, but with every migration applied: a copy of the run's template. */
export function createMigratedPgDatabase(): Promise<TestDatabase> {
  return createTestDatabase(inject('huddlePgRunTag'), inject('huddlePgTemplate'));
}

/**
 * Runs a read-only query on a huddle database over a connection of its own (not the server's), so
 * a check sees what was committed: `database` is a SQLite file path or a postgres:// URL. Write the
 * SQL both engines accept, and cast counts (CAST(COUNT(*) AS INTEGER)) so they come back as numbers.
 */
export async function queryDatabase<T = Record<string, unknown>>(database: string, sql: string): Promise<T[]> {
  if (isPostgresUrl(database)) {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      await client.query('SET default_transaction_read_only = on');
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

export class Client {
  private readonly pool: Pool;
  private seq = 0;
  constructor(readonly url: string) {
    this.pool = new Pool(url, { connections: 8 });
  }

  /** POSTs a JSON body (or raw string) with OpenIM's headers; `token: null` leaves the header out. */
  async raw(
    urlPath: string,
    body: unknown,
    options: {
      token?: string | null;
      operationID?: string | null;
      method?: 'POST' | 'GET';
      headers?: Record<string, string>;
    } = {},
  ): Promise<{ status: number; body: any; text: string; headers: Record<string, string | string[] | undefined> }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.operationID !== null) headers.operationID = options.operationID ?? `op-${++this.seq}`;
    if (options.token) headers.token = options.token;
    const res = await this.pool.request({
      path: urlPath,
      method: options.method ?? 'POST',
      headers,
      body: options.method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, body: parsed, text, headers: res.headers };
  }

  async post<T = any>(urlPath: string, body: unknown, token?: string): Promise<Envelope<T>> {
    const res = await this.raw(urlPath, body, { token: token ?? null });
    if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${urlPath}: ${res.text}`);
    return res.body as Envelope<T>;
  }

  /** Like post, but fails the test unless errCode is 0; returns data. */
  async ok<T = any>(urlPath: string, body: unknown, token?: string): Promise<T> {
    const env = await this.post<T>(urlPath, body, token);
    if (env.errCode !== 0) throw new Error(`${urlPath} failed: ${env.errCode} ${env.errMsg} ${env.errDlt}`);
    return env.data as T;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export interface TestServer {
  app: App;
  dir: string;
  engine: TestEngine;
  /** What HUDDLE_DATABASE is: the SQLite file, or the PostgreSQL URL. */
  database: string;
  client: Client;
  /** The WebSocket gateway's address (OpenIM's wsAddr), ws://127.0.0.1:<port>. */
  wsUrl: string;
  adminToken: string;
  /** Registers users (nickname = userID unless given). */
  register(
    ...userIDs: (string | { userID: string; nickname?: string; faceURL?: string; ex?: string })[]
  ): Promise<void>;
  /** A user token, platform 5 (Web) unless given. */
  tokenFor(userID: string, platformID?: number): Promise<string>;
  /** A read-only query on this server's database, over a connection of its own (see queryDatabase). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Stops the server, keeping the directory and the database (for restarts). */
  stop(): Promise<void>;
  /** Stops the server and removes its directory and, on PostgreSQL, the directory's database. */
  close(): Promise<void>;
}

export interface StartOptions {
  /**
   * The server's directory (webhooks.yml and the like; the SQLite file). Starting again with the
   * same `dir` after stop() is a restart on the same data, on either engine.
   */
  dir?: string;
  /**
   * Run on this database (another server's `database`) instead of the directory's own: two servers
   * on one database. The database stays with the server that created it; this one's close() keeps it.
   */
  database?: string;
  env?: Record<string, string>;
  /** Where the server logs; default nowhere. */
  logger?: Logger;
  /** Worker settings beyond the configuration, e.g. a long idle poll to show that commits wake it. */
  worker?: WorkerOptions;
  /** The server's clock (see clock.ts); default Date.now. */
  now?: () => number;
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-test-'));
  let database = options.database ?? options.env?.HUDDLE_DATABASE;
  let created: TestDatabase | undefined;
  if (database === undefined && TEST_ENGINE === 'postgres') {
    let db = pgDatabases.get(dir);
    if (!db) {
      db = created = await createMigratedPgDatabase();
      pgDatabases.set(dir, db);
    }
    database = db.url;
  }
  database ??= path.join(dir, 'huddle.db');
  const engine: TestEngine = isPostgresUrl(database) ? 'postgres' : 'sqlite';

  let app: App;
  let config: Config;
  try {
    config = loadConfig({
      HUDDLE_HOST: '127.0.0.1',
      HUDDLE_PORT: '0',
      HUDDLE_GATEWAY_PORT: '0',
      HUDDLE_DATA_DIR: dir,
      HUDDLE_SECRET: TEST_SECRET,
      ...options.env,
      HUDDLE_DATABASE: database,
    });
    app = await createApp(config, options.logger ?? createLogger('silent'), {
      worker: options.worker,
      ...(options.now ? { now: options.now } : {}),
    });
  } catch (err) {
    // A server that never started leaves no database behind.
    if (created) {
      pgDatabases.delete(dir);
      await created.drop();
    }
    throw err;
  }
  const address = await app.listen();
  const client = new Client(`http://127.0.0.1:${address.port}`);
  const adminID = config.adminUserIDs[0]!;
  const { token: adminToken } = await client.ok('/auth/get_admin_token', {
    secret: app.secret.secret,
    userID: adminID,
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await client.close();
    await app.close();
  };
  return {
    app,
    dir,
    engine,
    database,
    client,
    wsUrl: `ws://127.0.0.1:${app.gateway?.address()?.port ?? 0}`,
    adminToken,
    async register(...users) {
      await client.ok(
        '/user/user_register',
        {
          users: users.map((u) => (typeof u === 'string' ? { userID: u, nickname: u } : { nickname: u.userID, ...u })),
        },
        adminToken,
      );
    },
    async tokenFor(userID, platformID = 5) {
      return (await client.ok('/auth/get_user_token', { userID, platformID }, adminToken)).token;
    },
    query: (sql) => queryDatabase(database, sql),
    stop,
    async close() {
      await stop();
      const db = options.database === undefined ? pgDatabases.get(dir) : undefined;
      if (db) {
        pgDatabases.delete(dir);
        await db.drop();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** create_group with sensible defaults; returns the groupInfo. */
export async function createGroup(
  s: TestServer,
  spec: {
    owner: string;
    admins?: string[];
    members?: string[];
    groupID?: string;
    needVerification?: number;
    token?: string;
    groupName?: string;
  },
) {
  const data = await s.client.ok(
    '/group/create_group',
    {
      ownerUserID: spec.owner,
      adminUserIDs: spec.admins ?? [],
      memberUserIDs: spec.members ?? [],
      groupInfo: {
        groupID: spec.groupID ?? '',
        groupName: spec.groupName ?? 'team',
        groupType: 2,
        needVerification: spec.needVerification ?? 0,
      },
    },
    spec.token ?? s.adminToken,
  );
  return data.groupInfo;
}

export const page = (pageNumber = 1, showNumber = 100) => ({ pageNumber, showNumber });
