// Each adapter over a real socket: it hands the receiver the raw bytes (a signature verifies only
// over them), answers what the receiver answers, and refuses an oversized body.

import http from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createReceiver,
  expressMiddleware,
  fastifyPlugin,
  fetchHandler,
  nodeHandler,
  reject,
  type Receiver,
} from '../src/index.js';
import { fetchBridge, listen, send } from './http.js';
import { openimRequest, SDK_APP_ID, SECRET, tencentRequest, TOKEN } from './requests.js';

const CREATE = 'callbackAfterCreateGroupCommand';
const BEFORE_SET = 'callbackBeforeSetGroupInfoCommand';
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function receiver(): Receiver {
  return createReceiver({
    openim: { signingSecret: SECRET },
    tencent: { sdkAppId: SDK_APP_ID, token: TOKEN },
    maxBodyBytes: 2048,
    onError: () => {},
  })
    .on('afterCreateGroup', () => {})
    .on('beforeSetGroupInfo', (e) => reject(5001, `no ${e.dialect}`));
}

const ADAPTERS: Record<string, (r: Receiver) => Promise<{ url: string; close: () => Promise<void> }>> = {
  'node:http': async (r) => {
    const server = await listen(http.createServer(nodeHandler(r)));
    return { ...server, url: `${server.url}/huddle` };
  },
  express: async (r) => {
    const app = express();
    app.post('/huddle{/*command}', expressMiddleware(r));
    app.use(express.json());
    const server = await listen(http.createServer(app));
    return { ...server, url: `${server.url}/huddle` };
  },
  fastify: async (r) => {
    const app = Fastify();
    await app.register(fastifyPlugin(r), { prefix: '/huddle' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return {
      url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}/huddle`,
      close: () => app.close(),
    };
  },
  fetch: async (r) => {
    const server = await listen(fetchBridge(fetchHandler(r)));
    return { ...server, url: `${server.url}/huddle` };
  },
};

describe.each(Object.keys(ADAPTERS))('%s', (name) => {
  async function start() {
    const server = await ADAPTERS[name]!(receiver());
    closers.push(server.close);
    return server.url;
  }

  it('verifies the raw body and answers in both dialects', async () => {
    const url = await start();
    // Whitespace and key order a JSON parser would not keep: the signature covers the bytes.
    const spaced = openimRequest(CREATE, { groupID: 'g1', ex: '  {"a" : 1}  ' });
    expect(await send(url, spaced)).toEqual({
      status: 200,
      body: { actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0 },
    });
    expect(await send(url, openimRequest(BEFORE_SET))).toMatchObject({
      status: 200,
      body: { nextCode: 1, errCode: 5001, errMsg: 'no openim' },
    });
    expect(await send(url, tencentRequest('Group.CallbackAfterCreateGroup'))).toEqual({
      status: 200,
      body: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' },
    });
  });

  it('refuses a tampered body with its code', async () => {
    const url = await start();
    const req = openimRequest(CREATE, { groupID: 'g1' });
    expect(await send(url, { ...req, body: req.body.replace('g1', 'g2') })).toMatchObject({
      status: 401,
      body: { error: 'bad_signature' },
    });
  });

  it('refuses a body over maxBodyBytes', async () => {
    const url = await start();
    const res = await send(url, openimRequest(CREATE, { ex: 'x'.repeat(4096) }));
    expect(res.status).toBe(413);
  });
});

describe('oversized bodies', () => {
  const refusal = { status: 413, body: { error: 'body_too_large', message: 'the body is larger than 2048 bytes' } };
  const big = openimRequest(CREATE, { ex: 'x'.repeat(4096) });

  it('the fetch handler gives the same refusal for a content-length over the limit and for more bytes than it', async () => {
    const handle = fetchHandler(receiver());
    const answer = async (request: Request) => {
      const res = await handle(request);
      return { status: res.status, body: await res.json() };
    };
    const headers = new Headers(big.headers);
    headers.set('content-length', String(big.body.length));
    const declared = new Request(`http://r${big.url}`, { method: 'POST', headers, body: big.body });
    expect(await answer(declared)).toEqual(refusal);
    const undeclared = new Request(`http://r${big.url}`, {
      method: 'POST',
      headers: big.headers,
      body: new Blob([big.body]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(undeclared.headers.get('content-length')).toBeNull();
    expect(await answer(undeclared)).toEqual(refusal);
  });

  it('node:http gives the same refusal', async () => {
    const server = await listen(http.createServer(nodeHandler(receiver())));
    closers.push(server.close);
    expect(await send(server.url, big)).toEqual(refusal);
  });
});

describe('express body parsers', () => {
  it('takes the bytes express.raw() kept', async () => {
    const app = express();
    app.use(express.raw({ type: '*/*' }));
    app.post('/huddle{/*command}', expressMiddleware(receiver()));
    const server = await listen(http.createServer(app));
    closers.push(server.close);
    expect((await send(`${server.url}/huddle`, openimRequest(CREATE))).status).toBe(200);
  });

  it('refuses to verify a body express.json() already parsed', async () => {
    const app = express();
    app.use(express.json());
    app.post('/huddle{/*command}', expressMiddleware(receiver()));
    let error: unknown;
    app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      error = err;
      res.status(500).json({ error: 'misconfigured' });
    });
    const server = await listen(http.createServer(app));
    closers.push(server.close);
    expect((await send(`${server.url}/huddle`, openimRequest(CREATE))).status).toBe(500);
    expect(String(error)).toMatch(/mount expressMiddleware before express.json\(\)/);
  });
});

describe('fastify scope', () => {
  it("leaves the application's own JSON routes alone", async () => {
    const app = Fastify();
    await app.register(fastifyPlugin(receiver()), { prefix: '/huddle' });
    app.post('/api/echo', async (request) => request.body);
    await app.ready();
    closers.push(() => app.close());
    const res = await app.inject({ method: 'POST', url: '/api/echo', payload: { a: 1 } });
    expect(res.json()).toEqual({ a: 1 });
  });
});
