// What a new operator meets first, through the `huddle` command as they run it: start-up failures
// that name the setting to change (exit code 2, no stack), a mistyped command with a suggestion,
// where the admin secret was read when the server refuses it, and a replay for an endpoint that is
// gone, which warns instead of leaving events pending.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from './harness.js';
import { eventually } from './wait.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'huddle.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-first-use-'));
const running: ChildProcess[] = [];

afterAll(async () => {
  await Promise.all(
    running
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => new Promise((r) => c.once('exit', r).kill('SIGTERM'))),
  );
  fs.rmSync(root, { recursive: true, force: true });
});

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `huddle ARGS` in `cwd` (a directory of its own by default), with no admin secret in its environment. */
function start(args: string[], env: Record<string, string> = {}, cwd = fs.mkdtempSync(path.join(root, 'cwd-'))) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, HUDDLE_SECRET: '', HUDDLE_DATABASE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  const exit = new Promise<Done>((resolve) => child.on('exit', (code) => resolve({ code, ...out })));
  return { child, out, exit, cwd };
}

const huddle = (args: string[], env: Record<string, string> = {}, cwd?: string) => start(args, env, cwd).exit;

/** A port nothing listens on: the OS's pick, closed again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** A refusal as the operator should read it: one line naming `setting`, no stack, exit code 2. */
function expectRefusal(r: Done, what: RegExp, setting: string) {
  expect(r.code, r.stderr).toBe(2);
  const line = r.stderr.split('\n').find((l) => l.startsWith('huddle: '));
  expect(line, r.stderr).toMatch(what);
  expect(line).toContain(setting);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

const SERVE = ['serve', '--port', '0', '--gateway-port', '0'];

describe('start-up failures', () => {
  it('a port in use names it and HUDDLE_PORT (or HUDDLE_GATEWAY_PORT)', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const db = path.join(root, 'port.db');
      const api = await huddle(['serve', '--port', String(port), '--gateway-port', '0', '--database', db]);
      expectRefusal(api, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`), 'HUDDLE_PORT (--port)');
      const gateway = await huddle(['serve', '--port', '0', '--gateway-port', String(port), '--database', db]);
      expectRefusal(gateway, /is already in use/, 'HUDDLE_GATEWAY_PORT (--gateway-port)');
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('a SQLite file whose directory cannot be created names the path and HUDDLE_DATABASE', async () => {
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, '');
    const db = path.join(file, 'data', 'huddle.db');
    const r = await huddle([...SERVE, '--database', db]);
    expectRefusal(r, new RegExp(`cannot open the SQLite database ${db}: ENOTDIR`), 'HUDDLE_DATABASE (--database)');
  });

  // Root ignores directory permissions, so this one needs an ordinary user.
  it.skipIf(process.getuid?.() === 0)(
    'a SQLite file in a directory huddle may not write names HUDDLE_DATABASE',
    async () => {
      const dir = path.join(root, 'read-only');
      fs.mkdirSync(dir, { mode: 0o555 });
      const r = await huddle([...SERVE, '--database', path.join(dir, 'huddle.db')]);
      expectRefusal(r, /cannot open the SQLite database/, 'HUDDLE_DATABASE (--database)');
    },
  );

  it('PostgreSQL that is not running names the URL without its password, and HUDDLE_DATABASE (serve, migrate)', async () => {
    const port = await closedPort();
    const r = await huddle([...SERVE], { HUDDLE_DATABASE: `postgres://huddle:hunter2@127.0.0.1:${port}/huddle` });
    expectRefusal(
      r,
      new RegExp(
        `cannot reach PostgreSQL at postgres://huddle:\\*\\*\\*@127\\.0\\.0\\.1:${port}/huddle \\(ECONNREFUSED\\)`,
      ),
      'HUDDLE_DATABASE (--database)',
    );
    expect(r.stderr).not.toContain('hunter2');
    const migrate = await huddle(['migrate', '--database', `postgres://huddle@127.0.0.1:${port}/huddle`]);
    expectRefusal(migrate, /cannot reach PostgreSQL/, 'HUDDLE_DATABASE (--database)');
  });

  it('a secret too short names HUDDLE_SECRET', async () => {
    const r = await huddle([...SERVE, '--database', path.join(root, 'secret.db')], { HUDDLE_SECRET: 'short' });
    expectRefusal(r, /at least 16 characters/, 'HUDDLE_SECRET');
  });
});

describe('a mistyped command', () => {
  it('is an unknown command with a suggestion, exit code 2', async () => {
    for (const [typed, meant] of [
      ['delivries', 'deliveries'],
      ['serv', 'serve'],
    ]) {
      const r = await huddle([typed!, 'list']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`unknown command '${typed}'`);
      expect(r.stderr).toContain(`Did you mean ${meant}?`);
    }
    const sub = await huddle(['deliveries', 'lst']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('Did you mean list?');
  });
});

describe('the admin tools and a running server', () => {
  let serverDir: string;
  let url: string;
  let client: Client;
  let admin: string;

  /** `huddle serve` from `serverDir` with its SQLite file where the default puts it: ./data/huddle.db. */
  async function serve(callbacks: string) {
    serverDir = fs.mkdtempSync(path.join(root, 'server-'));
    fs.writeFileSync(path.join(serverDir, 'webhooks.yml'), callbacks);
    const proc = start([...SERVE, '--callbacks', 'webhooks.yml'], {}, serverDir);
    const address = () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.out.stdout + proc.out.stderr)?.[1];
    await new Promise<void>((resolve, reject) => {
      proc.child.stdout!.on('data', () => address() && resolve());
      proc.child.on('exit', () => reject(new Error(`huddle serve exited: ${proc.out.stderr}`)));
    });
    url = address()!;
    client = new Client(url);
    const secret = fs.readFileSync(path.join(serverDir, 'data', 'secret'), 'utf8').trim();
    admin = (await client.ok<{ token: string }>('/auth/get_admin_token', { secret, userID: 'imAdmin' })).token;
  }

  afterAll(async () => {
    await client?.close();
  });

  it('says where it read a refused secret, and suggests HUDDLE_DATABASE', async () => {
    const port = await closedPort();
    await serve(
      [`url: http://127.0.0.1:${port}/cb`, 'afterCreateGroup: {enable: true}', 'retrySchedule: []'].join('\n'),
    );

    // Another directory, with a secret of its own (another huddle's): the one a wrong HUDDLE_DATABASE finds.
    const elsewhere = fs.mkdtempSync(path.join(root, 'elsewhere-'));
    fs.mkdirSync(path.join(elsewhere, 'data'));
    fs.writeFileSync(path.join(elsewhere, 'data', 'secret'), 'another-huddles-secret-0123456789\n');
    const wrong = await huddle(['deliveries', 'list', '--url', url], {}, elsewhere);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`read from ${path.join(elsewhere, 'data', 'secret')}`);
    expect(wrong.stderr).toContain('HUDDLE_DATABASE (--database)');

    const variable = await huddle(['deliveries', 'list', '--url', url], { HUDDLE_SECRET: 'not-the-servers-secret' });
    expect(variable.code).toBe(1);
    expect(variable.stderr).toContain('read from HUDDLE_SECRET');

    const none = await huddle(['deliveries', 'list', '--url', url]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no admin secret: .*secret does not exist; set HUDDLE_DATABASE \(--database\)/);

    const right = await huddle([
      'deliveries',
      'list',
      '--url',
      url,
      '--database',
      path.join(serverDir, 'data', 'huddle.db'),
    ]);
    expect(right.code, right.stderr).toBe(0);
  });

  it('does not replay events for an endpoint no longer configured, and says so', async () => {
    await client.ok('/user/user_register', { users: [{ userID: 'fu_owner', nickname: 'o' }] }, admin);
    for (const groupID of ['fu_1', 'fu_2'])
      await client.ok(
        '/group/create_group',
        { ownerUserID: 'fu_owner', groupInfo: { groupID, groupName: groupID, groupType: 2 } },
        admin,
      );
    const dbFlags = ['--url', url, '--database', path.join(serverDir, 'data', 'huddle.db')];
    const listDead = async () => {
      const r = await huddle(['deliveries', 'list', '--status', 'dead', '--json', ...dbFlags]);
      return (JSON.parse(r.stdout) as { events: { eventID: string; endpoint: string }[] }).events;
    };
    // retrySchedule []: each event dies on its first attempt against the closed port.
    const dead = await eventually(
      async () => {
        const events = await listDead();
        return events.length >= 2 && events;
      },
      60_000,
      'both events dead',
    );
    const gone = dead[0]!.endpoint;

    // The endpoint leaves the configuration (another one stays).
    await client.ok(
      '/callback/set_config',
      { config: { endpoints: [{ name: 'other', url: 'http://127.0.0.1:9/other', hooks: {} }] } },
      admin,
    );
    const one = await huddle(['deliveries', 'replay', dead[0]!.eventID, ...dbFlags]);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain(`endpoint "${gone}", which the running huddle no longer sends to`);
    expect(one.stderr).toContain('not replayed');

    const all = await huddle(['deliveries', 'replay', '--dead', ...dbFlags]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toContain(`warning: 2 dead events go to endpoint "${gone}"`);
    expect(all.stdout).toContain('no dead events of the endpoints huddle sends to match');
    expect((await listDead()).map((e) => e.eventID).sort()).toEqual(dead.map((e) => e.eventID).sort());
  });
});

describe('the log', () => {
  const webhooks = () => {
    const file = path.join(fs.mkdtempSync(path.join(root, 'log-')), 'webhooks.yml');
    fs.writeFileSync(file, 'url: http://127.0.0.1:9/cb\nafterCreateGroup: {enable: true}\n');
    return file;
  };

  /** Runs until `done` matches the output, then stops it; resolves with everything it printed. */
  async function runUntil(argv: string[], done: RegExp, env: Record<string, string> = {}): Promise<string> {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: fs.mkdtempSync(path.join(root, 'cwd-')),
      env: { ...process.env, HUDDLE_SECRET: '', HUDDLE_DATABASE: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const seen = (d: Buffer) => {
        out += d;
        if (done.test(out)) resolve();
      };
      child.stdout!.on('data', seen);
      child.stderr!.on('data', seen);
      child.on('exit', () => reject(new Error(`exited before ${done}: ${out}`)));
    });
    child.kill('SIGTERM');
    return out;
  }

  it('is JSON lines off a terminal: the callbacks file and its endpoints, then one line per request at debug', async () => {
    const file = webhooks();
    const child = start([...SERVE, '--callbacks', file, '--log-level', 'debug']);
    const lines = () =>
      child.out.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, any>);
    await new Promise<void>((resolve) =>
      child.child.stdout!.on('data', () => lines().some((l) => /listening on/.test(l.msg)) && resolve()),
    );
    const loaded = lines().find((l) => l.msg.startsWith('callbacks from'))!;
    expect(loaded.from).toBe(file);
    expect(loaded.endpoints).toEqual([
      { name: 'default', dialect: 'openim', url: 'http://127.0.0.1:9/cb', hooks: ['afterCreateGroup'] },
    ]);
    const url = /listening on (http:\/\/\S+?),/.exec(lines().find((l) => /listening on/.test(l.msg))!.msg)![1]!;
    const client = new Client(url);
    const refused = await client.post('/auth/get_admin_token', { secret: 'not-the-secret-at-all', userID: 'imAdmin' });
    await client.close();
    await new Promise<void>((resolve) => {
      const found = () => lines().some((l) => l.path === '/auth/get_admin_token') && resolve();
      found();
      child.child.stdout!.on('data', found);
    });
    const request = lines().filter((l) => l.path === '/auth/get_admin_token');
    expect(request).toHaveLength(1);
    expect(request[0]).toMatchObject({ level: 20, method: 'POST', status: 200, errCode: refused.errCode });
    child.child.kill('SIGTERM');
    await child.exit;
  });

  it('is human-readable on a terminal', async () => {
    // script(1) gives the server a pseudo-terminal as stdout.
    const command = [process.execPath, BIN, ...SERVE, '--callbacks', webhooks()].join(' ');
    const out = await runUntil(['script', '-qec', command, '/dev/null'], /huddle listening on/);
    const line = out.split(/\r?\n/).find((l) => l.includes('huddle listening on'))!;
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] .*INFO.*: .*huddle listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('callbacks from');
    expect(out).not.toContain('{"level"');
  });
});
