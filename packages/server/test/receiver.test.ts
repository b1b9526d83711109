// The test receiver itself: recording, scripted answers, down/up on the same port, and the
// webhooks.yml writer (read back by the server's own loader).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, Pool, request } from 'undici';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadCallbackFile } from '../src/callbacks/config-file.js';
import {
  DEFAULT_ANSWER,
  startReceiver,
  webhooksDocument,
  writeWebhooksYaml,
  type Receiver,
  type WebhooksYamlOptions,
} from './receiver.js';

const receiver = await startReceiver();
const agent = new Agent({ keepAliveTimeout: 10_000, connections: 4 });
const dirs: string[] = [];
afterAll(async () => {
  await agent.close();
  await receiver.close();
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});
beforeEach(() => receiver.reset());

async function post(r: Receiver, command: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${r.url}/${command}?contenttype=json`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

describe('recording', () => {
  it('records method, path, command, query, headers, raw and parsed body, arrival time', async () => {
    const before = Date.now();
    const body = { callbackCommand: 'callbackAfterQuitGroupCommand', groupID: 'G001', userID: 'user123' };
    const res = await post(receiver, 'callbackAfterQuitGroupCommand', body, { operationID: 'op-42' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual(DEFAULT_ANSWER);
    expect(res.headers['content-type']).toBe('application/json');

    const [r] = receiver.requests();
    expect(r).toMatchObject({
      seq: expect.any(Number),
      method: 'POST',
      path: '/callbackExample/callbackAfterQuitGroupCommand',
      command: 'callbackAfterQuitGroupCommand',
      query: { contenttype: 'json' },
      rawQuery: 'contenttype=json',
      raw: JSON.stringify(body),
      body,
      status: 200,
    });
    expect(r!.headers.operationid).toBe('op-42');
    expect(r!.receivedAt).toBeGreaterThanOrEqual(before);
    expect(r!.answeredAt).toBeGreaterThanOrEqual(r!.receivedAt);
    expect(receiver.url).toBe(`http://127.0.0.1:${receiver.port}/callbackExample`);
  });

  it('keeps a body that is not JSON as raw text', async () => {
    await post(receiver, 'x', 'not json {');
    const [r] = receiver.requests('x');
    expect(r!.raw).toBe('not json {');
    expect(r!.body).toBeUndefined();
  });

  it('filters by command and numbers requests in arrival order; keep-alive reuses the connection', async () => {
    const pool = new Pool(`http://127.0.0.1:${receiver.port}`, { connections: 1 });
    for (const [command, n] of [
      ['a', 1],
      ['b', 2],
      ['a', 3],
    ] as const) {
      const res = await pool.request({
        path: `/callbackExample/${command}`,
        method: 'POST',
        body: JSON.stringify({ n }),
      });
      await res.body.text();
    }
    await pool.close();
    expect(receiver.requests('a').map((r) => r.body.n)).toEqual([1, 3]);
    expect(receiver.requests((r) => r.body.n >= 2).map((r) => r.command)).toEqual(['b', 'a']);
    const all = receiver.requests();
    expect(all.map((r) => r.command)).toEqual(['a', 'b', 'a']);
    expect(all[1]!.seq).toBe(all[0]!.seq + 1);
    expect(new Set(all.map((r) => r.connection)).size).toBe(1);
    receiver.clear();
    expect(receiver.requests()).toEqual([]);
  });
});

describe('scripted answers', () => {
  it('answers one command with a status, body and headers', async () => {
    const reject = { actionCode: 0, errCode: 5001, errMsg: 'blocked', errDlt: 'by test', nextCode: 1 };
    receiver.answer('callbackBeforeSetGroupMemberInfoCommand', {
      status: 201,
      body: reject,
      headers: { 'retry-after': '7' },
    });
    const res = await post(receiver, 'callbackBeforeSetGroupMemberInfoCommand', {});
    expect(res.status).toBe(201);
    expect(res.headers['retry-after']).toBe('7');
    expect(JSON.parse(res.text)).toEqual(reject);
    // Other commands keep the default.
    expect(JSON.parse((await post(receiver, 'other', {})).text)).toEqual(DEFAULT_ANSWER);
  });

  it('sends a string body as it is', async () => {
    receiver.answer('c', { body: 'oops' });
    const res = await post(receiver, 'c', {});
    expect(res.text).toBe('oops');
    expect(res.headers['content-type']).toBeUndefined();
  });

  it('plays a sequence in order and repeats its last answer', async () => {
    receiver.answer('c', [{ status: 503 }, { status: 500, body: 'down' }, { status: 200 }]);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(receiver, 'c', { i })).status);
    expect(statuses).toEqual([503, 500, 200, 200, 200]);
    expect(receiver.requests('c').map((r) => r.status)).toEqual(statuses);
  });

  it("uses '*' for commands without their own script, and a function to answer from the request", async () => {
    receiver.answer('*', { status: 404 });
    receiver.answer('echo', (req) => ({ body: { ...DEFAULT_ANSWER, errMsg: req.body.groupID } }));
    expect((await post(receiver, 'anything', {})).status).toBe(404);
    expect(JSON.parse((await post(receiver, 'echo', { groupID: 'G9' })).text).errMsg).toBe('G9');
  });

  it('delays an answer, keeping the request in flight', async () => {
    receiver.answer('slow', { delayMs: 300 });
    const t0 = Date.now();
    const pending = post(receiver, 'slow', {});
    await receiver.waitForCount(1, 'slow');
    expect(receiver.inFlight).toBe(1);
    expect((await pending).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(receiver.inFlight).toBe(0);
    expect(receiver.maxInFlight).toBeGreaterThanOrEqual(1);
    receiver.clear();
    expect(receiver.maxInFlight).toBe(0);
  });

  it('drops the connection without answering', async () => {
    receiver.answer('drop', { drop: true });
    await expect(post(receiver, 'drop', {})).rejects.toThrow();
    expect(receiver.requests('drop')).toHaveLength(1);
    expect(receiver.requests('drop')[0]!.status).toBeUndefined();
  });
});

describe('waitFor', () => {
  it('resolves when the predicate holds, including for requests that arrive later', async () => {
    const waiting = receiver.waitForCount(2, 'w', 2_000);
    await post(receiver, 'w', { n: 1 });
    await post(receiver, 'other', {});
    await post(receiver, 'w', { n: 2 });
    expect((await waiting).map((r) => r.body.n)).toEqual([1, 2]);
    expect((await receiver.waitForCount(1, (r) => r.body.n === 2, 10)).map((r) => r.command)).toEqual(['w']);
    // Already true: resolves at once.
    expect(await receiver.waitFor((all) => all.length === 3, 10)).toHaveLength(3);
  });

  it('rejects after the timeout, saying what arrived', async () => {
    await post(receiver, 'seen', {});
    await expect(receiver.waitForCount(1, 'never', 100)).rejects.toThrow(/within 100 ms; 1 requests received \(seen\)/);
  });
});

describe('down and up', () => {
  it('refuses connections while down, cuts pending answers, and comes back on the same port', async () => {
    const r = await startReceiver();
    try {
      r.answer('hang', { delayMs: 10_000 });
      const hanging = post(r, 'hang', {});
      await r.waitForCount(1, 'hang');
      expect((await post(r, 'ok', {})).status).toBe(200);

      await r.down();
      expect(r.isUp).toBe(false);
      await expect(hanging).rejects.toThrow();
      expect(r.inFlight).toBe(0);
      // The keep-alive connection is gone too: a new request is refused.
      await expect(post(r, 'ok', {})).rejects.toMatchObject({ code: 'ECONNREFUSED' });

      await r.up();
      expect(r.isUp).toBe(true);
      expect(r.url).toBe(`http://127.0.0.1:${r.port}/callbackExample`);
      expect((await post(r, 'ok', { after: true })).status).toBe(200);
      expect(r.requests('ok').map((q) => q.body.after ?? false)).toEqual([false, true]);
      // Down twice and up twice are harmless.
      await r.down();
      await r.down();
      await r.up();
      await r.up();
      expect((await post(r, 'ok', {})).status).toBe(200);
    } finally {
      await r.close();
    }
  });
});

describe('writeWebhooksYaml', () => {
  it("writes OpenIM's format that the server's loader reads back", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-recv-'));
    dirs.push(dir);
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const options: WebhooksYamlOptions = {
      url: receiver.url,
      hooks: {
        afterQuitGroup: { enable: true, timeout: 3 },
        beforeSetGroupMemberInfo: { enable: true, timeout: 2, failedContinue: false },
        afterRevokeMsg: { enable: false, timeout: 5, attentionIds: [], deniedTypes: [] },
      },
      signingSecret: secret,
      retrySchedule: ['5s', '5m', 30],
      deliveryConcurrency: 8,
    };
    const file = writeWebhooksYaml(dir, options);
    expect(file).toBe(path.join(dir, 'webhooks.yml'));
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^url: http:\/\/127\.0\.0\.1:\d+\/callbackExample\n/);
    expect(text).toContain('afterQuitGroup:\n  enable: true\n  timeout: 3\n');
    // webhooksDocument is the document the file holds (what set_config takes), in the same order.
    expect(Object.entries(parseYaml(text))).toEqual(Object.entries(webhooksDocument(options)));

    const { config } = loadCallbackFile(file);
    expect(config.endpoints[0]!.url).toBe(receiver.url);
    expect(config.endpoints[0]!.signingSecret).toBe(secret);
    expect(config.retrySchedule).toEqual([5_000, 300_000, 30_000]);
    expect(config.deliveryConcurrency).toBe(8);
    expect(config.endpoints[0]!.hooks.afterQuitGroup).toEqual({ enable: true, timeoutMs: 3_000, failedContinue: true });
    expect(config.endpoints[0]!.hooks.beforeSetGroupMemberInfo).toEqual({
      enable: true,
      timeoutMs: 2_000,
      failedContinue: false,
    });
    expect(config.ignoredKeys).toEqual(['afterRevokeMsg']);
  });
});
