// The server as `npm start` runs it: one log line with the address, migrations on first start,
// clean exit on SIGTERM and SIGINT, and a clear refusal of bad configuration.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from './harness.js';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-proc-'));
  dirs.push(d);
  return d;
}

/** Runs a node script with arguments, capturing its output and exit code. */
function run(
  argv: string[],
  cwd: string,
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, argv, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

/** The server as `npm start` runs it. */
const start = (env: Record<string, string>) =>
  run(['dist/main.js'], SERVER_DIR, { HUDDLE_PORT: '0', HUDDLE_GATEWAY_PORT: '0', ...env });

async function waitFor(predicate: () => boolean, what: string, ms = 90_000) {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  it(`starts on a fresh directory, serves, and exits cleanly on ${signal}`, async () => {
    const dir = tempDir();
    const db = path.join(dir, 'nested', 'huddle.db');
    const proc = start({ HUDDLE_DATABASE: db, HUDDLE_SECRET: '' });
    await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(proc.output()), 'the listening line');
    const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(proc.output())![1]);
    const listening = proc
      .output()
      .split('\n')
      .filter((l) => l.includes('listening'));
    expect(listening).toHaveLength(1);
    // The generated secret's location is logged, and the secret itself is not.
    const secretFile = path.join(dir, 'nested', 'secret');
    const secret = fs.readFileSync(secretFile, 'utf8').trim();
    expect(proc.output()).toContain(secretFile);
    expect(proc.output()).not.toContain(secret);
    expect(fs.existsSync(db)).toBe(true);

    const client = new Client(`http://127.0.0.1:${port}`);
    const res = await client.post('/auth/get_admin_token', { secret, userID: 'imAdmin' });
    expect(res.errCode).toBe(0);
    await client.close();

    proc.child.kill(signal);
    expect(await proc.exit).toBe(0);
    expect(proc.output()).toContain('shutting down');
  });
}

it('refuses a bad configuration with a message naming the variable', async () => {
  const proc = start({ HUDDLE_DATABASE: path.join(tempDir(), 'x.db'), HUDDLE_PORT: 'eighty' });
  expect(await proc.exit).toBe(2);
  expect(proc.output()).toContain('HUDDLE_PORT');
});

describe('the huddle command (bin/huddle.js)', () => {
  // From a directory of its own: the command works from anywhere.
  const huddle = (args: string[], env: Record<string, string>) =>
    run([path.join(SERVER_DIR, 'bin', 'huddle.js'), ...args], tempDir(), env);

  it('serve: a flag wins over its variable', async () => {
    const db = path.join(tempDir(), 'flag.db');
    const proc = huddle(['serve', '--port', '0', '--gateway-port', '0', '--database', db], {
      HUDDLE_PORT: 'eighty',
      HUDDLE_DATABASE: '',
      HUDDLE_SECRET: 'x'.repeat(16),
    });
    await waitFor(
      () => /listening on http:\/\/127\.0\.0\.1:\d+/.test(proc.output()) || proc.child.exitCode !== null,
      'the listening line',
    );
    expect(proc.output()).toMatch(/"role":"serve"/);
    expect(fs.existsSync(db)).toBe(true);
    proc.child.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
  });

  it.each([
    [['--port', '99999'], '--port (HUDDLE_PORT)'],
    [['serve', '--log-level', 'loud'], '--log-level (HUDDLE_LOG_LEVEL)'],
    [['serve', '--bogus'], "unknown option '--bogus'"],
    [['worker'], 'HUDDLE_DATABASE'],
    [['serve', '--no-worker'], 'postgres://'],
  ])('refuses %j with exit code 2, naming %s', async (args, named) => {
    const proc = huddle(args, { HUDDLE_DATABASE: path.join(tempDir(), 'x.db'), HUDDLE_PORT: '0' });
    expect(await proc.exit).toBe(2);
    expect(proc.output()).toContain(named);
  });
});
