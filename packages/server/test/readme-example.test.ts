// The README's "20-line app with the JS SDK", run as written (addresses and token filled in) in a
// Node.js process of its own against a real server: it logs in, finds its group, sends a text, and
// prints the text when the push of its own message comes back.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGroup, startServer, type TestServer } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = path.join(ROOT, 'packages/server/test-output');

/** The README's example block. */
function example(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('A 20-line app with the JS SDK');
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !block) throw new Error('the README has no JS SDK example');
  return block[1]!;
}

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
  await s.register({ userID: 'alice', nickname: 'Alice' }, 'bob');
  await createGroup(s, { owner: 'alice', members: ['bob'] });
});
afterAll(() => s?.close());

it('runs the README example: login, find the group, send, and print the text as it comes back', async () => {
  const code = example();
  expect(code.split('\n').length).toBeLessThanOrEqual(25);
  const script = [
    "import WebSocket from 'ws';",
    "globalThis.WebSocket = class extends WebSocket { constructor(...a) { super(...a); this.binaryType = 'arraybuffer'; } };",
    `const TOKEN = ${JSON.stringify(await s.tokenFor('alice', 5))};`,
    code.replace('ws://127.0.0.1:10001', s.wsUrl).replace('http://127.0.0.1:10002', s.client.url),
  ].join('\n');
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `readme-example-${process.pid}.mjs`);
  fs.writeFileSync(file, script);
  const child = spawn(process.execPath, [file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => out.includes('Alice: hello from huddle') && resolve());
      child.on('exit', (code) =>
        reject(new Error(`the example exited (${code}) before printing its text:\n${out.slice(-2000)}`)),
      );
    });
  } finally {
    child.kill();
    fs.rmSync(file, { force: true });
  }
  expect(out).not.toContain('login failed');
});
