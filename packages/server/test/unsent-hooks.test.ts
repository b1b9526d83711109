// A callbacks file that enables a callback huddle never sends (one of OpenIM's push, revoke or friend
// hooks) leaves a business server waiting in vain: a warning, at start-up and in
// `huddle config check`; a disabled one is only an info line. The user hooks are sent, so they are
// hooks like any other there.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'huddle.js');
const FILE = [
  'url: http://127.0.0.1:10006/callbackExample',
  'afterRevokeMsg: {enable: true}',
  'beforeAddFriend: {enable: false}',
  'beforeUserRegister: {enable: true}',
  'afterUpdateUserInfo: {enable: true}',
  'endpoints:',
  '  - name: second',
  '    url: http://127.0.0.1:10007/cb',
  '    hooks:',
  '      beforeOnlinePush: {enable: true}',
].join('\n');

let s: TestServer;
const logLines: { level: number; msg: string; keys?: string[] }[] = [];

function huddle(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, HUDDLE_SECRET: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, ...out })));
}

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-unsent-'));
  fs.writeFileSync(path.join(dir, 'webhooks.yml'), FILE);
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
  s = await startServer({ dir, logger, env: { HUDDLE_CALLBACKS: path.join(dir, 'webhooks.yml') } });
});
afterAll(async () => {
  await s?.close();
});

describe('enabled hooks huddle does not send', () => {
  it('huddle config check: a warning naming each, an info line for the disabled ones, the user hooks as hooks', async () => {
    const file = path.join(s.dir, 'webhooks.yml');
    const [text, json] = await Promise.all([
      huddle(['config', 'check', file]),
      huddle(['config', 'check', file, '--json']),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      'warning: enabled, but huddle never sends them (no such callback): afterRevokeMsg, endpoints[0].hooks.beforeOnlinePush',
    );
    expect(text.stdout).toContain('ignored (OpenIM hooks huddle does not send): beforeAddFriend');
    expect(text.stdout).not.toMatch(/ignored.*beforeUserRegister/);
    const summary = JSON.parse(json.stdout);
    expect(summary).toMatchObject({
      valid: true,
      ignoredKeys: ['afterRevokeMsg', 'beforeAddFriend', 'endpoints[0].hooks.beforeOnlinePush'],
      enabledNotSent: ['afterRevokeMsg', 'endpoints[0].hooks.beforeOnlinePush'],
    });
    expect(summary.endpoints[0].enabledHooks).toEqual(['beforeUserRegister', 'afterUpdateUserInfo']);
  });

  it('start-up: a warning for the enabled ones, info for the rest', () => {
    const warn = logLines.find((l) => l.msg === 'callback configuration: enabled callbacks huddle does not send');
    expect(warn).toMatchObject({ level: 40, keys: ['afterRevokeMsg', 'endpoints[0].hooks.beforeOnlinePush'] });
    const info = logLines.find((l) => l.msg === 'callback configuration: ignoring callbacks huddle does not send');
    expect(info).toMatchObject({ level: 30, keys: ['beforeAddFriend'] });
  });
});
