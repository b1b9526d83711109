// Starts a real huddle on an ephemeral port over a real SQLite file in a temporary directory, and
// talks to it over real HTTP. Every test file gets its own server and database.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';

export interface Envelope<T = any> {
  errCode: number;
  errMsg: string;
  errDlt: string;
  data?: T;
}

export const TEST_SECRET = 'test-secret-0123456789abcdef';

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
    options: { token?: string | null; operationID?: string | null; method?: 'POST' | 'GET'; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: any; text: string }> {
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
    return { status: res.statusCode, body: parsed, text };
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
  client: Client;
  adminToken: string;
  /** Registers users (nickname = userID unless given). */
  register(...userIDs: (string | { userID: string; nickname?: string; faceURL?: string; ex?: string })[]): Promise<void>;
  /** A user token, platform 5 (Web) unless given. */
  tokenFor(userID: string, platformID?: number): Promise<string>;
  /** Stops the server, keeping the directory (for restarts). */
  stop(): Promise<void>;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

export async function startServer(options: { dir?: string; env?: Record<string, string> } = {}): Promise<TestServer> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-test-'));
  const config = loadConfig({
    HUDDLE_HOST: '127.0.0.1',
    HUDDLE_PORT: '0',
    HUDDLE_DATABASE: path.join(dir, 'huddle.db'),
    HUDDLE_SECRET: TEST_SECRET,
    ...options.env,
  });
  const app = await createApp(config, createLogger('silent'));
  const address = await app.listen();
  const client = new Client(`http://127.0.0.1:${address.port}`);
  const adminID = config.adminUserIDs[0]!;
  const { token: adminToken } = await client.ok('/auth/get_admin_token', { secret: app.secret.secret, userID: adminID });

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
    client,
    adminToken,
    async register(...users) {
      await client.ok(
        '/user/user_register',
        { users: users.map((u) => (typeof u === 'string' ? { userID: u, nickname: u } : { nickname: u.userID, ...u })) },
        adminToken,
      );
    },
    async tokenFor(userID, platformID = 5) {
      return (await client.ok('/auth/get_user_token', { userID, platformID }, adminToken)).token;
    },
    stop,
    async close() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** create_group with sensible defaults; returns the groupInfo. */
export async function createGroup(
  s: TestServer,
  spec: { owner: string; admins?: string[]; members?: string[]; groupID?: string; needVerification?: number; token?: string; groupName?: string },
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
