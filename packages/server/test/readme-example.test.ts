// The README's "20-line app with the JS SDK", run as written (addresses and token filled in) in a
// Node.js process of its own against a real server: it logs in, finds its group and sends a text
// there, which is stored; and it prints a text another member sends, as the push brings it.

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
let groupID: string;
beforeAll(async () => {
  s = await startServer();
  await s.register({ userID: 'alice', nickname: 'Alice' }, { userID: 'bob', nickname: 'Bob' });
  groupID = (await createGroup(s, { owner: 'alice', members: ['bob'], groupName: 'Hikers' })).groupID;
});
afterAll(() => s?.close());

it('runs the README example: login, find the group, send there, and print what another member sends', async () => {
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
  const log = fs.createWriteStream(path.join(OUT, 'readme-example.log'));
  child.stdout.on('data', (d) => {
    out += d;
    log.write(d);
  });
  child.stderr.on('data', (d) => {
    out += d;
    log.write(d);
  });
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => out.includes(text) && resolve();
      check();
      child.stdout.on('data', check);
      child.on('exit', (code) =>
        reject(new Error(`the example exited (${code}) before printing ${text}:\n${out.slice(-2000)}`)),
      );
    });
  try {
    await printed('to Hikers');
    const [stored] = await s.query<{ content: string }>(
      `SELECT content FROM messages WHERE conversation_id = 'sg_${groupID}' AND send_id = 'alice'`,
    );
    expect(JSON.parse(stored!.content)).toEqual({ content: 'hello from huddle' });
    await s.client.ok(
      '/msg/send_msg',
      {
        sendID: 'bob',
        groupID,
        sessionType: 3,
        contentType: 101,
        content: { content: 'hi Alice' },
        clientMsgID: 'c-bob',
      },
      s.adminToken,
    );
    await printed('bob: hi Alice');
  } finally {
    child.kill();
    fs.rmSync(file, { force: true });
  }
  expect(out).not.toContain('login failed');
});
