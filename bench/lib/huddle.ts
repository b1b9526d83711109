// huddle children: `huddle serve` (the API, optionally without its delivery worker) and
// `huddle worker` (delivery only), each on a free port, logging at warn and above.

import crypto from 'node:crypto';
import { Api } from './api.js';
import { type Child, freePort, startChild, stopChild, waitReady } from './children.js';
import { CONCURRENCY, CPU_PROF } from './settings.js';
import { tmpPath } from './workdir.js';

export interface Huddle {
  child: Child;
  api: Api;
  adminToken: string;
  register(userIDs: string[]): Promise<void>;
  tokenFor(userID: string): Promise<string>;
}

/** A stopped server, for the log scan and exit codes at the end. */
export type ServerRecord = { label: string; logFile: string; exit: number | string | null };

/** `ids('cg', 3)`: cg_000000, cg_000001, cg_000002. */
export const ids = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}_${String(i).padStart(6, '0')}`);

const cpuProfArgs = () => (CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []);

/** The environment of a huddle child on `port`. */
const huddleEnv = (port: number, database: string, secret: string) => ({
  HUDDLE_HOST: '127.0.0.1',
  HUDDLE_PORT: String(port),
  HUDDLE_GATEWAY_PORT: '0',
  HUDDLE_DATABASE: database,
  HUDDLE_SECRET: secret,
  HUDDLE_LOG_LEVEL: 'warn',
});

/**
 * A huddle child on its own database file in the temp dir; `extraEnv` adds e.g. HUDDLE_CALLBACKS.
 * `options.database` (a postgres:// URL) and `options.secret` let several instances share one database.
 */
export async function startHuddle(
  label = 'huddle',
  extraEnv: Record<string, string> = {},
  options: { database?: string; secret?: string; args?: string[]; nodeArgs?: string[] } = {},
): Promise<Huddle> {
  const port = await freePort();
  const secret = options.secret ?? crypto.randomBytes(24).toString('hex');
  const child = startChild(
    label,
    'packages/server/src/main.ts',
    { ...huddleEnv(port, options.database ?? tmpPath(`${label}.db`), secret), ...extraEnv },
    tmpPath(`${label}.log`),
    [...cpuProfArgs(), ...(options.nodeArgs ?? [])],
    options.args ?? [],
  );
  const api = new Api(`http://127.0.0.1:${port}`, CONCURRENCY);
  let adminToken = '';
  await waitReady(child, async () => {
    const r = await api.post('/auth/get_admin_token', JSON.stringify({ secret, userID: 'imAdmin' }));
    if (r.env?.errCode === 0) adminToken = r.env.data.token;
    return adminToken !== '';
  });
  return {
    child,
    api,
    adminToken,
    async register(userIDs) {
      for (let i = 0; i < userIDs.length; i += 1000) {
        const users = userIDs.slice(i, i + 1000).map((userID) => ({ userID, nickname: userID }));
        await api.ok('/user/user_register', { users }, adminToken);
      }
    },
    async tokenFor(userID) {
      return (await api.ok<{ token: string }>('/auth/get_user_token', { userID, platformID: 5 }, adminToken)).token;
    },
  };
}

export async function stopHuddle(h: Huddle, label: string, servers: ServerRecord[]): Promise<void> {
  await h.api.close();
  servers.push({ label, logFile: h.child.logFile, exit: await stopChild(h.child) });
}

/** A `huddle worker` child (delivery only; answers GET /healthz) on a shared PostgreSQL database. */
export async function startWorker(label: string, database: string, secret: string, webhooks: string): Promise<Child> {
  const port = await freePort();
  const child = startChild(
    label,
    'packages/server/src/main.ts',
    { ...huddleEnv(port, database, secret), HUDDLE_CALLBACKS: webhooks },
    tmpPath(`${label}.log`),
    cpuProfArgs(),
    ['worker'],
  );
  const probe = new Api(`http://127.0.0.1:${port}`, 1);
  try {
    await waitReady(child, async () => {
      const res = await probe.pool.request({ path: '/healthz', method: 'GET' });
      await res.body.text();
      return res.statusCode === 200;
    });
  } finally {
    await probe.close();
  }
  return child;
}
