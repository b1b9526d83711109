// The callback sender's timeout holds whatever else happens in the process, garbage collection
// included: Node may collect an AbortSignal.timeout() that only an AbortSignal.any() composite refers
// to, and then it never fires (nodejs/node#57736); an attempt must not outlive its timeout.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CallbackSender } from '../src/callbacks/send.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let server: http.Server;
let url: string;
const sender = new CallbackSender();

beforeAll(async () => {
  // Takes every request and never answers.
  server = http.createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
});
afterAll(async () => {
  server.closeAllConnections();
  await sender.close().catch(() => {});
  await new Promise((resolve) => server.close(resolve));
});

it('times out on schedule with a shutdown signal, though garbage is collected meanwhile', async () => {
  const shutdown = new AbortController();
  const attempts = Array.from({ length: 20 }, () => sender.post(url, '{}', {}, 200, shutdown.signal));
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    gc();
  }
  const results = await Promise.race([
    Promise.all(attempts),
    new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 3000).unref()),
  ]);
  expect(results).not.toBe('stuck');
  for (const r of results as Awaited<(typeof attempts)[number]>[]) {
    expect(r).toMatchObject({ statusCode: null, error: 'timeout after 200 ms' });
    expect(r.durationMs).toBeLessThan(1000);
  }
});
