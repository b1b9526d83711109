// The receiver as a user gets it: `npm pack` of @huddle/protocol and @huddle/receiver with the
// README's commands, the tarballs installed (offline) into a fresh project outside the checkout, and
// a business server that is a plain ESM file run with plain `node` (no tsx, no source condition),
// answering a real huddle's signed callbacks. Its declarations type-check a consumer strictly.

import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../server/test/harness.js';
import { eventually } from '../../server/test/wait.js';
import { configureEndpoints } from './huddle.js';
import { SECRET } from './requests.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const README = fs.readFileSync(path.join(ROOT, 'packages/receiver/README.md'), 'utf8');
const TARBALLS = '~/huddle-tarballs';

/** The README's command that starts with `start`, as argv, with its tarball folder replaced by `dir`. */
function readmeCommand(start: string, dir: string): string[] {
  const line = README.split('\n').find((l) => l.startsWith(start));
  if (!line) throw new Error(`the receiver's README has no line starting with "${start}"`);
  return line.replaceAll(TARBALLS, dir).split(/\s+/);
}

const npm = (args: string[], cwd: string) => run(args[0]!, args.slice(1), { cwd, encoding: 'utf8' });

const APP = `
import http from 'node:http';
import { allow, createReceiver, nodeHandler, reject } from '@huddle/receiver';

const receiver = createReceiver({ openim: { signingSecret: process.env.HUDDLE_SIGNING_SECRET } });
receiver.on('beforeCreateGroup', (e) =>
  /casino/i.test(e.body.groupName) ? reject(5001, 'no gambling groups') : allow(),
);
receiver.on('afterCreateGroup', (e) => console.log('created ' + e.body.groupID));

const server = http.createServer(nodeHandler(receiver));
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

// Compiles only if the declarations carry the real types: a field that is not modifiable is an error.
const TYPES = `
import { createReceiver, modify, type HookEvent } from '@huddle/receiver';

export const receiver = createReceiver({ openim: { signingSecret: false } });
receiver.on('beforeSetGroupInfo', () => modify({ notification: 'Be kind' }));
// @ts-expect-error groupID is not modifiable
receiver.on('beforeSetGroupInfo', () => modify({ groupID: 'other' }));
export const groupName = (e: HookEvent<'afterCreateGroup'>): string =>
  e.dialect === 'openim' ? e.body.groupName : e.body.Name;
`;

let work: string;
let app: ChildProcessWithoutNullStreams;
let appURL: string;
let stdout = '';
let stderr = '';
let s: TestServer;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-receiver-package-'));
  const tarballs = path.join(work, 'tarballs');
  const project = path.join(work, 'project');
  fs.mkdirSync(project);
  fs.mkdirSync(tarballs); // the README's mkdir -p
  await npm(readmeCommand('npm pack ', tarballs), ROOT);
  fs.writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'business', private: true, type: 'module' }),
  );
  // --offline: everything comes from the two tarballs, nothing from a registry.
  await npm([...readmeCommand('npm install ', tarballs), '--offline', '--no-audit', '--no-fund'], project);
  fs.writeFileSync(path.join(project, 'app.mjs'), APP);
  fs.writeFileSync(path.join(project, 'types.ts'), TYPES);

  app = spawn(process.execPath, ['app.mjs'], {
    cwd: project,
    env: { PATH: process.env.PATH, HUDDLE_SIGNING_SECRET: SECRET },
  });
  app.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
  app.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
  appURL = await new Promise<string>((resolve, reject) => {
    app.stdout.on('data', () => {
      const url = /listening on (\S+)/.exec(stdout)?.[1];
      if (url) resolve(url);
    });
    app.on('exit', (code) => reject(new Error(`the business server exited (${code}): ${stdout}${stderr}`)));
  });
  s = await startServer();
  await configureEndpoints(s, {
    openim: { url: `${appURL}/huddle`, signingSecret: SECRET, hooks: ['beforeCreateGroup', 'afterCreateGroup'] },
  });
});

afterAll(async () => {
  app?.kill();
  await s?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('@huddle/receiver from its tarball', () => {
  it('installs outside the checkout with only JavaScript and declarations', () => {
    expect(path.relative(ROOT, work).startsWith('..')).toBe(true);
    const installed = path.join(work, 'project/node_modules/@huddle');
    expect(fs.readdirSync(installed).sort()).toEqual(['protocol', 'receiver']);
    for (const pkg of ['protocol', 'receiver']) {
      expect(fs.existsSync(path.join(installed, pkg, 'dist/index.js'))).toBe(true);
      expect(fs.existsSync(path.join(installed, pkg, 'dist/index.d.ts'))).toBe(true);
      expect(fs.existsSync(path.join(installed, pkg, 'src'))).toBe(false);
    }
  });

  it('answers a real huddle under plain node: a rejection, and an after-callback', async () => {
    await s.register('pkg_owner');
    const casino = await s.client.post(
      '/group/create_group',
      { ownerUserID: 'pkg_owner', groupInfo: { groupName: 'Lucky Casino', groupType: 2 } },
      s.adminToken,
    );
    expect(casino.errCode).toBe(5001);
    const { groupInfo } = await s.client.ok(
      '/group/create_group',
      { ownerUserID: 'pkg_owner', groupInfo: { groupName: 'Book club', groupType: 2 } },
      s.adminToken,
    );
    await eventually(async () => stdout.includes(`created ${groupInfo.groupID}`), 10_000, 'the after-callback');
  });

  it('refuses an unsigned request with one line and no stack', async () => {
    const res = await fetch(`${appURL}/huddle/callbackAfterCreateGroupCommand`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callbackCommand: 'callbackAfterCreateGroupCommand', groupID: 'g' }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('missing_header');
    await eventually(async () => stderr.includes('missing_header'), 10_000, 'the refusal logged');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('ships declarations that type-check a strict consumer', async () => {
    const project = path.join(work, 'project');
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          // The project has no @types/node of its own; the checkout's stands in for it.
          typeRoots: [path.join(ROOT, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['types.ts'],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' }).catch(
      (err: { stdout: string }) => ({ stdout: err.stdout }),
    );
    expect(result.stdout).toBe('');
  });
});
