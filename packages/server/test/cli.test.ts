// The `huddle` command's tools, run as a user runs them: bin/huddle.js as child processes, against a
// real `huddle serve` and real `huddle receiver`s on 127.0.0.1. The server's after-callbacks go to a
// receiver that answers 500 (so its events die on the first attempt: retrySchedule []), which is then
// replaced on the same port by one that accepts, and the CLI replays. A second receiver rejects.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CALLBACK_KEYS, CALLBACKS } from '@huddle/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from './harness.js';
import { createTestDatabase, postgresAvailable } from './postgres.js';
import { eventually } from './wait.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'huddle.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-cli-'));
const database = path.join(dir, 'huddle.db');
const running: ChildProcess[] = [];

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `huddle ARGS` in a directory of its own (the command works from anywhere). */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, HUDDLE_SECRET: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  const exit = new Promise<Done>((resolve) => child.on('exit', (code) => resolve({ code, ...out })));
  return { child, out, exit };
}

/** Runs `huddle ARGS` to the end. */
const huddle = (args: string[], env: Record<string, string> = {}) => start(args, env).exit;

/** `huddle ARGS --json`, which must succeed. */
async function json<T = any>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const r = await huddle([...args, '--json'], env);
  expect(r.code, `huddle ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

async function waitFor(predicate: () => boolean, what: string, ms = 90_000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A long-running `huddle` (serve, receiver) once it logs its address. */
async function startListening(args: string[]) {
  const proc = start(args);
  const address = () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.out.stdout + proc.out.stderr)?.[1];
  await waitFor(() => address() !== undefined || proc.child.exitCode !== null, `huddle ${args[0]} to listen`);
  if (!address()) throw new Error(`huddle ${args.join(' ')} exited: ${proc.out.stderr}`);
  return { ...proc, url: address()! };
}

async function stop(proc: { child: ChildProcess; exit: Promise<Done> }): Promise<void> {
  proc.child.kill('SIGTERM');
  await proc.exit;
}

function writeFile(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

let failing: Awaited<ReturnType<typeof startListening>>;
let rejecting: Awaited<ReturnType<typeof startListening>>;
let server: Awaited<ReturnType<typeof startListening>>;
let client: Client;
let admin: string;
/** The server as the deliveries commands find it: its URL, and its database (where the secret is). */
let serverFlags: string[];

beforeAll(async () => {
  [failing, rejecting] = await Promise.all([
    startListening(['receiver', '--port', '0', '--fail-status', '500']),
    startListening([
      'receiver',
      '--port',
      '0',
      '--reject',
      '5001:groups are closed',
      '--only',
      'beforeApplyJoinGroup,beforeCreateGroup',
    ]),
  ]);
  const webhooks = writeFile(
    'webhooks.yml',
    [
      `url: ${failing.url}/callbackExample`,
      'afterCreateGroup: {enable: true}',
      'retrySchedule: []',
      'endpoints:',
      '  - name: gate',
      `    url: ${rejecting.url}/gate`,
      '    hooks:',
      '      beforeApplyJoinGroup: {enable: true, failedContinue: false}',
    ].join('\n'),
  );
  server = await startListening([
    'serve',
    '--port',
    '0',
    '--gateway-port',
    '0',
    '--database',
    database,
    '--callbacks',
    webhooks,
  ]);
  serverFlags = ['--url', server.url, '--database', database];
  client = new Client(server.url);
  const secret = fs.readFileSync(path.join(dir, 'secret'), 'utf8').trim();
  admin = (await client.ok<{ token: string }>('/auth/get_admin_token', { secret, userID: 'imAdmin' })).token;
  await client.ok(
    '/user/user_register',
    { users: ['alice', 'bob', 'carol'].map((userID) => ({ userID, nickname: userID })) },
    admin,
  );
  for (const groupID of ['hikers', 'bikers']) {
    await client.ok(
      '/group/create_group',
      { ownerUserID: 'alice', memberUserIDs: ['bob'], groupInfo: { groupID, groupName: groupID, groupType: 2 } },
      admin,
    );
  }
}, 120_000);

afterAll(async () => {
  await client?.close();
  await Promise.all(
    running
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => new Promise((r) => c.once('exit', r).kill('SIGTERM'))),
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('huddle config check', () => {
  it('summarises a valid file: endpoints, enabled hooks, retries; exit code 0', async () => {
    const file = writeFile(
      'good.yml',
      'url: http://127.0.0.1:10006/cb\nafterQuitGroup: {enable: true}\nafterRevokeMsg: {enable: true}\n',
    );
    const [text, summary] = await Promise.all([huddle(['config', 'check', file]), json(['config', 'check', file])]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('is valid');
    expect(text.stdout).toMatch(/default\s+openim\s+http:\/\/127\.0\.0\.1:10006\/cb\s+no\s+afterQuitGroup/);
    expect(summary).toMatchObject({
      valid: true,
      endpoints: [{ name: 'default', enabledHooks: ['afterQuitGroup'] }],
      ignoredKeys: ['afterRevokeMsg'],
    });
  });

  it('explains every error of a bad file (key, expectation, hint) with exit code 2', async () => {
    const file = writeFile(
      'bad.yml',
      [
        'url: ftp://example.com',
        'afterQuitGrup: {enable: true}',
        'afterCreateGroup: {timeout: soon}',
        'endpoints:',
        '  - name: tc',
        '    dialect: tencent',
        '    url: http://127.0.0.1:9000/',
      ].join('\n'),
    );
    const [text, result] = await Promise.all([
      huddle(['config', 'check', file]),
      huddle(['config', 'check', file, '--json']),
    ]);
    expect(text.code).toBe(2);
    expect(result.code).toBe(2);
    const { valid, errors } = JSON.parse(result.stdout) as {
      valid: boolean;
      errors: { key: string; message: string; hint: string }[];
    };
    expect(valid).toBe(false);
    expect(errors.map((e) => e.key)).toEqual([
      'url',
      'afterQuitGrup',
      'afterCreateGroup.timeout',
      'endpoints[0].sdkAppId',
    ]);
    expect(errors[1]!.message).toContain('did you mean afterQuitGroup?');
    expect(errors[2]!.message).toContain('expected a duration');
    for (const e of errors) expect(e.hint).not.toBe('');
    expect(text.stdout).toContain('4 errors');
    expect(text.stdout).toContain('hint: write 5s, 5m, 2h');
  });

  it('names an unreadable file or one that is not YAML as the one problem, key (file)', async () => {
    const notYaml = writeFile('not-yaml.yml', 'url: "http://x.example\nafterQuitGroup: [\n');
    const [bad, missing] = await Promise.all([
      huddle(['config', 'check', notYaml, '--json']),
      huddle(['config', 'check', path.join(dir, 'nope.yml')]),
    ]);
    expect(bad.code).toBe(2);
    const { errors } = JSON.parse(bad.stdout) as { errors: { key: string; message: string; hint: string }[] };
    expect(errors).toEqual([
      {
        key: '(file)',
        message: expect.stringContaining('not-yaml.yml is not valid YAML'),
        hint: expect.stringContaining('indentation'),
      },
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('nope.yml: 1 error\n\n  (file)\n    cannot read ');
    expect(missing.stdout).toContain("hint: check the path and the file's permissions");
  });
});

describe('huddle callbacks list', () => {
  it("lists every hook with both dialects' commands, enabled per endpoint of a file or of the running server", async () => {
    const file = writeFile('list.yml', 'url: http://127.0.0.1:10006/cb\nbeforeCreateGroup: {enable: true}\n');
    const [bare, fromFile, fromServer] = await Promise.all([
      json(['callbacks', 'list']),
      json(['callbacks', 'list', '--config', file]),
      json(['callbacks', 'list', ...serverFlags]),
    ]);
    expect(bare.map((h: { key: string }) => h.key)).toEqual(CALLBACK_KEYS);
    const member = bare.find((h: { key: string }) => h.key === 'beforeMemberJoinGroup');
    expect(member).toMatchObject({
      phase: 'before',
      openimCommand: CALLBACKS.beforeMemberJoinGroup.openim.command,
      tencentCommand: null,
    });
    expect(member.enabled).toBeUndefined();
    const enabledIn = (rows: { key: string; enabled: Record<string, boolean> }[]) => {
      const out: Record<string, string[]> = {};
      for (const r of rows) {
        const on = Object.keys(r.enabled).filter((name) => r.enabled[name]);
        if (on.length > 0) out[r.key] = on;
      }
      return out;
    };
    expect(enabledIn(fromFile)).toEqual({ beforeCreateGroup: ['default'] });
    expect(enabledIn(fromServer)).toEqual({ afterCreateGroup: ['default'], beforeApplyJoinGroup: ['gate'] });
  });
});

describe('huddle deliveries', () => {
  it('lists and shows the dead events, replays one and every dead one to a receiver that now accepts', async () => {
    const dead = await json<{
      total: number;
      events: { eventID: string; groupID: string; status: string; lastError: string }[];
    }>(['deliveries', 'list', '--status', 'dead', ...serverFlags]);
    expect(dead.total).toBe(2);
    expect(dead.events.map((e) => e.groupID).sort()).toEqual(['bikers', 'hikers']);
    const hikers = dead.events.find((e) => e.groupID === 'hikers')!;
    expect(hikers.lastError).toBe('HTTP 500');

    const [shown, table] = await Promise.all([
      json(['deliveries', 'show', hikers.eventID, ...serverFlags]),
      huddle(['deliveries', 'list', '--group', 'hikers', ...serverFlags]),
    ]);
    expect(shown.event).toMatchObject({
      eventID: hikers.eventID,
      hook: 'afterCreateGroup',
      status: 'dead',
      payload: { groupID: 'hikers' },
    });
    expect(shown.attempts).toMatchObject([{ attempt: 1, statusCode: 500, outcome: 'failure' }]);
    expect(shown.attempts[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(shown.replays).toEqual([]);
    expect(table.stdout).toMatch(
      new RegExp(`${hikers.eventID}\\s+afterCreateGroup\\s+default\\s+hikers\\s+dead\\s+1\\s`),
    );
    // --search: payload text, ignoring case ("ikers" is in both); --event: one event by its ID.
    const [searched, byID] = await Promise.all([
      json<{ events: { eventID: string }[] }>(['deliveries', 'list', '--search', 'HIKERS', ...serverFlags]),
      json<{ events: { eventID: string }[] }>(['deliveries', 'list', '--event', hikers.eventID, ...serverFlags]),
    ]);
    expect(searched.events.map((e) => e.eventID)).toEqual([hikers.eventID]);
    expect(byID.events.map((e) => e.eventID)).toEqual([hikers.eventID]);

    // While the business server still fails, a replay --wait follows the replayed event until it is
    // dead again, and counts only it (bikers is dead too, but was not replayed): exit code 1.
    const again = await huddle([
      'deliveries',
      'replay',
      '--dead',
      '--group',
      'hikers',
      '--wait',
      '--json',
      ...serverFlags,
    ]);
    expect(again.code, again.stderr).toBe(1);
    expect(JSON.parse(again.stdout)).toEqual({ count: 1, delivered: 0, dead: 1, pending: 0 });
    expect(again.stderr).toContain('1 dead again');

    // The business server is fixed: the same port now answers allow.
    const port = new URL(failing.url).port;
    await stop(failing);
    const fixed = await startListening(['receiver', '--port', port]);

    const one = await huddle(['deliveries', 'replay', hikers.eventID, '--wait', ...serverFlags]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(`${hikers.eventID}: delivered`);
    expect(fixed.out.stdout).toContain(`webhook-id: ${hikers.eventID}`);
    expect(fixed.out.stdout).toMatch(/openim {2}callbackAfterCreateGroupCommand {2}groupID=hikers .*-> allow/);

    const all = await json(['deliveries', 'replay', '--dead', '--wait', ...serverFlags]);
    expect(all).toEqual({ count: 1, delivered: 1, dead: 0, pending: 0 });
    expect((await json(['deliveries', 'list', '--status', 'dead', ...serverFlags])).total).toBe(0);
  });

  it("retries waiting events now: one event's group, or every waiting group a filter matches", async () => {
    const original = (await client.ok<{ config: Record<string, unknown> }>('/callback/get_config', {}, admin)).config;
    // An endpoint of its own whose business server is down: callbacks wait an hour for their retry.
    const laterAt = (url: string) => ({
      url: '',
      retrySchedule: ['1h'],
      endpoints: [{ name: 'later', url, hooks: { afterCreateGroup: { enable: true } } }],
    });
    await client.ok('/callback/set_config', { config: laterAt('http://127.0.0.1:1/cb') }, admin);
    try {
      for (const groupID of ['walkers', 'runners']) {
        await client.ok(
          '/group/create_group',
          { ownerUserID: 'alice', groupInfo: { groupID, groupName: groupID, groupType: 2 } },
          admin,
        );
      }
      type Listed = { events: { eventID: string; groupID: string; status: string; attempts: number }[] };
      // Both tried once: watched over HTTP (a CLI process per look costs a second under load), then
      // listed by the CLI.
      const listed = { endpoint: 'later', pagination: { pageNumber: 1, showNumber: 100 } };
      await eventually(
        async () => {
          const { events } = await client.ok<Listed>('/callback/list_events', listed, admin);
          return events.length >= 2 && events.every((e) => e.attempts >= 1);
        },
        90_000,
        'both events tried once',
      );
      const { events } = await json<Listed>(['deliveries', 'list', '--endpoint', 'later', ...serverFlags]);
      expect(events.every((e) => e.attempts >= 1)).toBe(true);
      expect(events.map((e) => [e.groupID, e.status]).sort()).toEqual([
        ['runners', 'pending'],
        ['walkers', 'pending'],
      ]);

      const up = await startListening(['receiver', '--port', '0']);
      await client.ok('/callback/set_config', { config: laterAt(up.url) }, admin);
      const walkers = events.find((e) => e.groupID === 'walkers')!.eventID;
      expect(await json(['deliveries', 'retry', walkers, ...serverFlags])).toEqual({ eventID: walkers, count: 1 });
      await waitFor(() => up.out.stdout.includes(`webhook-id: ${walkers}`), 'the retried callback');
      const rest = await huddle(['deliveries', 'retry', '--pending', '--endpoint', 'later', ...serverFlags]);
      expect(rest.code, rest.stderr).toBe(0);
      expect(rest.stdout).toContain('1 group retried now');
      const runners = events.find((e) => e.groupID === 'runners')!.eventID;
      await waitFor(() => up.out.stdout.includes(`webhook-id: ${runners}`), 'the other retried callback');
      const usage = await huddle(['deliveries', 'retry', ...serverFlags]);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('--pending');
    } finally {
      await client.ok('/callback/set_config', { config: original }, admin);
    }
  });

  it("refuses a wrong secret with the server's answer, exit code 1", async () => {
    const r = await huddle(['deliveries', 'list', '--url', server.url, '--secret', 'not-the-secret-at-all']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/auth/get_admin_token');
  });
});

describe('huddle callbacks test and huddle receiver', () => {
  it("sends a hook's sample event and prints huddle's verdict; the receiver prints what it got", async () => {
    const [rejected, tencentRun, down] = await Promise.all([
      json(['callbacks', 'test', 'beforeCreateGroup', '--to', `${rejecting.url}/cb`]),
      huddle([
        'hooks',
        'test',
        'beforeCreateGroup',
        '--to',
        `${rejecting.url}/tc`,
        '--dialect',
        'tencent',
        '--sdk-app-id',
        '1400123456',
        '--token',
        'tok',
        '--json',
      ]),
      huddle(['callbacks', 'test', 'afterQuitGroup', '--to', 'http://127.0.0.1:1/cb']),
    ]);
    expect(rejected.request.url).toBe(`${rejecting.url}/cb/callbackBeforeCreateGroupCommand?contenttype=json`);
    expect(rejected.request.body).toMatchObject({ callbackCommand: 'callbackBeforeCreateGroupCommand', groupID: 'g1' });
    expect(rejected.response.statusCode).toBe(200);
    expect(rejected.verdict).toMatchObject({
      kind: 'reject',
      errCode: 5001,
      caller: { errCode: 5001, errMsg: 'groups are closed' },
    });
    // 5001 is no Tencent code: a Tencent server answering it is a failed callback (exit code 1).
    expect(tencentRun.code).toBe(1);
    const tencent = JSON.parse(tencentRun.stdout);
    expect(new URL(tencent.request.url).searchParams.get('CallbackCommand')).toBe('Group.CallbackBeforeCreateGroup');
    expect(tencent.verdict).toMatchObject({ kind: 'fail', cause: 'data' });
    expect(tencent.ok).toBe(false);
    expect(down.code).toBe(1);
    expect(down.stdout).toContain('verdict   not delivered');
    await waitFor(
      () => rejecting.out.stdout.includes('tencent  Group.CallbackBeforeCreateGroup'),
      'the receiver to print the Tencent request',
    );
    expect(rejecting.out.stdout).toMatch(/openim {2}callbackBeforeCreateGroupCommand {2}groupID=g1 .*-> reject 5001/);
    expect(rejecting.out.stdout).toContain('SdkAppid: 1400123456');
  });

  it('a receiver that rejects makes the server refuse the operation with its code', async () => {
    const join = await client.post(
      '/group/join_group',
      { groupID: 'hikers', joinSource: 3, inviterUserID: 'carol' },
      await userToken('carol'),
    );
    expect(join).toMatchObject({ errCode: 5001, errMsg: 'groups are closed' });
    await waitFor(
      () => rejecting.out.stdout.includes('callbackBeforeJoinGroupCommand'),
      'the receiver to print the join',
    );
    expect(rejecting.out.stdout).toMatch(
      /callbackBeforeJoinGroupCommand {2}groupID=hikers applyID=carol .*-> reject 5001/,
    );
  });
});

describe('--timeout', () => {
  it('takes a duration in hooks test and deliveries replay; a wrong one is exit code 2 naming the flag', async () => {
    const [test, replay, fast] = await Promise.all([
      huddle(['callbacks', 'test', 'beforeCreateGroup', '--to', 'http://127.0.0.1:1/cb', '--timeout', 'soon']),
      huddle(['deliveries', 'replay', '--dead', '--wait', '--timeout', 'soon', ...serverFlags]),
      huddle(['callbacks', 'test', 'beforeCreateGroup', '--to', 'http://127.0.0.1:1/cb', '--timeout', '250ms']),
    ]);
    for (const r of [test, replay]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("'--timeout <duration>' argument 'soon' is invalid");
      expect(r.stderr).toContain('expected a duration such as 5s');
      expect(r.stdout).toBe('');
    }
    expect(fast.code, fast.stderr).toBe(1);
    expect(fast.stdout).toContain('otherwise the caller gets errCode 90004 NetworkError');
  });
});

const withPostgres = await postgresAvailable();

describe('huddle migrate', () => {
  it('applies the migrations to a new database, then finds it up to date', async () => {
    const file = path.join(dir, 'fresh', 'migrated.db');
    const first = await json(['migrate', '--database', file]);
    expect(first.applied).toBeGreaterThan(0);
    expect(first.version).toBe(first.applied);
    const again = await huddle(['migrate'], { HUDDLE_DATABASE: file });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`is up to date (schema version ${first.version})`);
  });

  it.skipIf(!withPostgres)('does the same on a PostgreSQL database', async () => {
    const db = await createTestDatabase('cli');
    try {
      const first = await json(['migrate', '--database', db.url]);
      expect(first.applied).toBeGreaterThan(0);
      expect(first.version).toBe(first.applied);
      const again = await huddle(['migrate'], { HUDDLE_DATABASE: db.url });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`is up to date (schema version ${first.version})`);
      // Every table is there, the outbox's newest included.
      const pgc = new pg.Client({ connectionString: db.url });
      await pgc.connect();
      try {
        const { rows } = await pgc.query<{ t: string | null }>("SELECT to_regclass('webhook_queue_heads')::text AS t");
        expect(rows[0]!.t).toBe('webhook_queue_heads');
      } finally {
        await pgc.end();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('the deliveries commands on PostgreSQL', () => {
  it.skipIf(!withPostgres)(
    'finds the secret a server generated in its PostgreSQL database, and says when there is none',
    async () => {
      // The two halves are independent: side by side.
      const generated = async () => {
        const db = await createTestDatabase('cli');
        try {
          // No HUDDLE_SECRET: the server generates one and keeps it in the database, not in a file.
          const pgServer = await startListening(['serve', '--port', '0', '--gateway-port', '0', '--database', db.url]);
          try {
            const list = await json<{ total: number; events: unknown[] }>([
              'deliveries',
              'list',
              '--url',
              pgServer.url,
              '--database',
              db.url,
            ]);
            expect(list).toMatchObject({ total: 0, events: [] });
          } finally {
            await stop(pgServer);
          }
        } finally {
          await db.drop();
        }
      };
      const none = async () => {
        const empty = await createTestDatabase('cli');
        try {
          const r = await huddle(['deliveries', 'list', '--url', 'http://127.0.0.1:9', '--database', empty.url]);
          expect(r.code).not.toBe(0);
          expect(r.stderr).toContain('set HUDDLE_SECRET');
        } finally {
          await empty.drop();
        }
      };
      await Promise.all([generated(), none()]);
    },
  );
});

async function userToken(userID: string): Promise<string> {
  return (await client.ok<{ token: string }>('/auth/get_user_token', { userID, platformID: 5 }, admin)).token;
}
