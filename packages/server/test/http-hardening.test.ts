// What a hostile client can make the server hold: pipelined requests nobody reads, bodies sent
// without a token, connections that never finish a request, more connections than the limit, and
// guesses at the admin secret. Each test talks to the real server over real sockets (node:net),
// and waits for events (an answer, a close), never for a length of time.

import net from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PIPELINED } from '../src/http/pipelining.js';
import { startServer, TEST_SECRET, type TestServer } from './harness.js';
import { testClock } from './clock.js';

const servers: TestServer[] = [];
async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const s = await startServer({ env });
  servers.push(s);
  return s;
}
afterAll(() => Promise.all(servers.map((s) => s.close())));

const portOf = (s: TestServer) => Number(new URL(s.client.url).port);

/** A raw connection that collects what the server sends and when it closes. */
class RawSocket {
  readonly socket: net.Socket;
  received = '';
  readonly closed: Promise<void>;
  private waiting: (() => void)[] = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
      for (const wake of this.waiting.splice(0)) wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(port: number): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawSocket(socket)));
      socket.once('error', reject);
    });
  }

  /** Resolves once the received text satisfies `done` (or the server closed: then it is checked). */
  async until(done: (text: string) => boolean): Promise<string> {
    let closed = false;
    void this.closed.then(() => {
      closed = true;
      for (const wake of this.waiting.splice(0)) wake();
    });
    while (!done(this.received)) {
      if (closed) throw new Error(`the server closed the connection after: ${JSON.stringify(this.received)}`);
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
    return this.received;
  }

  /** The first complete response: status line, headers and (Content-Length) body. */
  async response(): Promise<{ status: number; headers: string; body: string }> {
    const parse = (text: string) => {
      let rest = text;
      // Skip interim answers (100 Continue).
      while (/^HTTP\/1\.1 1\d\d /.test(rest) && rest.includes('\r\n\r\n'))
        rest = rest.slice(rest.indexOf('\r\n\r\n') + 4);
      const end = rest.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const headers = rest.slice(0, end);
      const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
      if (rest.length < end + 4 + length) return undefined;
      return { status: Number(headers.slice(9, 12)), headers, body: rest.slice(end + 4, end + 4 + length) };
    };
    await this.until((text) => parse(text) !== undefined);
    return parse(this.received)!;
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const post = (path: string, headers: Record<string, string | number>) =>
  [
    `POST ${path} HTTP/1.1`,
    'Host: huddle',
    'Content-Type: application/json',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    '',
    '',
  ].join('\r\n');

describe('pipelining', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await server();
  });

  it('closes a connection that pipelines 2,000 GET /openapi.json in one write and never reads, before more than a few answers are queued; others are served meanwhile', async () => {
    const attacker = await RawSocket.open(portOf(s));
    attacker.socket.pause(); // never reads
    // The server side of the attacker's connection: how many of its answers are built and not yet
    // handed to the socket, at most, and whether the server closed it.
    let queued = 0;
    let mostQueued = 0;
    let watched = false;
    const serverClosed = new Promise<'closed' | 'over'>((resolve) => {
      s.app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        if (req.socket.remotePort !== attacker.socket.localPort) return;
        if (!watched) req.socket.once('close', () => resolve('closed'));
        watched = true;
        if (!res.headersSent) return; // not answered: the server dropped it
        queued++;
        mostQueued = Math.max(mostQueued, queued);
        res.once('close', () => queued--);
        if (queued > MAX_PIPELINED) resolve('over');
      });
    });
    attacker.write('GET /openapi.json HTTP/1.1\r\nHost: huddle\r\n\r\n'.repeat(2000));
    const [outcome, doc, health] = await Promise.all([
      serverClosed,
      s.client.raw('/openapi.json', undefined, { method: 'GET', operationID: null }),
      s.client.raw('/healthz', undefined, { method: 'GET', operationID: null }),
    ]);
    expect(outcome).toBe('closed');
    expect(mostQueued).toBeGreaterThan(0);
    expect(mostQueued).toBeLessThanOrEqual(MAX_PIPELINED);
    expect([doc.status, typeof doc.body.openapi, health.status]).toEqual([200, 'string', 200]);
    attacker.destroy();
  });

  it('still answers a few pipelined requests in order', async () => {
    const client = await RawSocket.open(portOf(s));
    client.write('GET /healthz HTTP/1.1\r\nHost: huddle\r\n\r\n'.repeat(3));
    const text = await client.until((t) => t.split('{"status":"ok"}').length === 4);
    expect(text.match(/HTTP\/1\.1 200/g)).toHaveLength(3);
    client.destroy();
  });

  it('serves /openapi.json and the console from memory with an ETag, and 304 to a client that has them', async () => {
    for (const path of ['/openapi.json', '/console/']) {
      const first = await s.client.raw(path, undefined, { method: 'GET', operationID: null });
      const etag = first.headers.etag as string;
      expect([first.status, etag]).toEqual([200, expect.stringMatching(/^"[\w-]+"$/)]);
      const again = await s.client.raw(path, undefined, { method: 'GET', operationID: null });
      expect([again.headers.etag, again.text]).toEqual([etag, first.text]);
      const notModified = await s.client.raw(path, undefined, {
        method: 'GET',
        operationID: null,
        headers: { 'if-none-match': `"other", W/${etag}` },
      });
      expect([notModified.status, notModified.text, notModified.headers.etag]).toEqual([304, '', etag]);
      const stale = await s.client.raw(path, undefined, {
        method: 'GET',
        operationID: null,
        headers: { 'if-none-match': '"other"' },
      });
      expect([stale.status, stale.text]).toEqual([200, first.text]);
    }
  });
});

describe('headers are judged before the body is read', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await server();
  });

  /** Sends only the headers of a 1 MiB body and returns the answer; the server must then close. */
  async function refusedOnHeaders(head: string) {
    const client = await RawSocket.open(portOf(s));
    client.write(head);
    const res = await client.response();
    await client.closed;
    return {
      status: res.status,
      headers: res.headers,
      body: JSON.parse(res.body) as { errCode: number; errDlt: string },
    };
  }

  it('answers a missing operationID, a missing token and a bad token without waiting for a 1 MiB body, and closes the connection', async () => {
    const noOperationID = await refusedOnHeaders(
      post('/group/create_group', { token: s.adminToken, 'Content-Length': 1 << 20 }),
    );
    expect([noOperationID.body.errCode, noOperationID.body.errDlt]).toEqual([1001, 'header must have operationID']);
    expect(noOperationID.headers).toMatch(/connection: close/i);

    const noToken = await refusedOnHeaders(
      post('/group/create_group', { operationID: 'op-1', 'Content-Length': 1 << 20 }),
    );
    expect([noToken.body.errCode, noToken.body.errDlt]).toEqual([1001, 'header must have token']);

    // The same code as a bad token gets with a complete body.
    const expected = (await s.client.raw('/group/create_group', {}, { token: 'not-a-token' })).body.errCode;
    const badToken = await refusedOnHeaders(
      post('/group/create_group', { operationID: 'op-2', token: 'not-a-token', 'Content-Length': 1 << 20 }),
    );
    expect(badToken.body.errCode).toBe(expected);
    expect(expected).toBeGreaterThan(1500);

    const noRoute = await refusedOnHeaders(
      post('/group/no_such_route', { operationID: 'op-3', 'Content-Length': 1 << 20 }),
    );
    expect([noRoute.status, noRoute.body.errCode]).toEqual([404, 404]);
  });

  it('keeps the connection of a refused request whose small body came with it', async () => {
    const client = await RawSocket.open(portOf(s));
    client.write(`${post('/group/create_group', { operationID: 'op-4', 'Content-Length': 2 })}{}`);
    const refused = await client.response();
    expect(JSON.parse(refused.body).errDlt).toBe('header must have token');
    client.received = '';
    client.write('GET /healthz HTTP/1.1\r\nHost: huddle\r\n\r\n');
    expect((await client.response()).body).toBe('{"status":"ok"}');
    client.destroy();
  });

  it('asks for the body of Expect: 100-continue only once the headers pass', async () => {
    const refused = await RawSocket.open(portOf(s));
    refused.write(
      post('/group/create_group', { operationID: 'op-5', Expect: '100-continue', 'Content-Length': 1 << 20 }),
    );
    const res = await refused.response();
    await refused.closed;
    expect(refused.received.startsWith('HTTP/1.1 100')).toBe(false);
    expect(JSON.parse(res.body).errDlt).toBe('header must have token');

    const accepted = await RawSocket.open(portOf(s));
    const body = JSON.stringify({ users: [{ userID: 'continue_user', nickname: 'c' }] });
    accepted.write(
      post('/user/user_register', {
        operationID: 'op-6',
        token: s.adminToken,
        Expect: '100-continue',
        'Content-Length': body.length,
      }),
    );
    await accepted.until((t) => t.startsWith('HTTP/1.1 100 Continue\r\n\r\n'));
    accepted.write(body);
    expect(JSON.parse((await accepted.response()).body).errCode).toBe(0);
    accepted.destroy();
  });
});

describe('timeouts and the connection limit (settings)', () => {
  it('cuts a connection whose headers or body do not arrive within the timeouts, and an idle keep-alive one', async () => {
    const s = await server({
      HUDDLE_HEADERS_TIMEOUT_SECONDS: '1',
      HUDDLE_REQUEST_TIMEOUT_SECONDS: '1',
      HUDDLE_KEEP_ALIVE_TIMEOUT_SECONDS: '1',
    });

    // The three connections are independent: cut side by side, each on its own timeout.
    const dripBody = async () => {
      const dripping = await RawSocket.open(portOf(s));
      dripping.write(post('/auth/get_admin_token', { operationID: 'op-1', 'Content-Length': 1000 }));
      const drip = setInterval(() => dripping.socket.writable && dripping.write('{'), 100);
      await dripping.closed;
      clearInterval(drip);
      // The cut is huddle's; the 408 before it is Node's, written just before it destroys the socket,
      // and a loaded machine sometimes loses it (seen with the load average at 10).
      expect(dripping.received).toMatch(/^$|^HTTP\/1\.1 408/);
    };
    const slowHeaders = async () => {
      const slow = await RawSocket.open(portOf(s));
      slow.write('POST /auth/get_admin_token HTTP/1.1\r\nHost: huddle\r\n');
      await slow.closed;
      expect(slow.received).toMatch(/^$|^HTTP\/1\.1 408/);
    };
    const idleKeepAlive = async () => {
      const idle = await RawSocket.open(portOf(s));
      idle.write('GET /healthz HTTP/1.1\r\nHost: huddle\r\n\r\n');
      expect((await idle.response()).status).toBe(200);
      await idle.closed;
    };
    await Promise.all([dripBody(), slowHeaders(), idleKeepAlive()]);
  });

  it('defaults to 10 s for headers, 30 s for a request, 65 s of keep-alive and 10,000 connections', async () => {
    const { server: http } = (await server()).app;
    expect([http.headersTimeout, http.requestTimeout, http.keepAliveTimeout, http.maxConnections]).toEqual([
      10_000, 30_000, 65_000, 10_000,
    ]);
  });

  it('refuses a headers timeout longer than the request timeout', async () => {
    await expect(
      startServer({ env: { HUDDLE_HEADERS_TIMEOUT_SECONDS: '20', HUDDLE_REQUEST_TIMEOUT_SECONDS: '10' } }),
    ).rejects.toThrow(
      'HUDDLE_HEADERS_TIMEOUT_SECONDS (20) must not be longer than HUDDLE_REQUEST_TIMEOUT_SECONDS (10)',
    );
  });

  it('closes connections past HUDDLE_MAX_CONNECTIONS at once, and accepts again when one closes', async () => {
    const limit = 4;
    const s = await server({ HUDDLE_MAX_CONNECTIONS: String(limit) });
    const serverSockets = new Map<number, net.Socket>();
    s.app.server.on('connection', (socket: net.Socket) => serverSockets.set(socket.remotePort!, socket));
    let dropped = 0;
    s.app.server.on('drop', () => dropped++);

    // Open connections, each proven accepted by an answer, until one is refused.
    const accepted: RawSocket[] = [];
    let refused: RawSocket | undefined;
    while (!refused) {
      const c = await RawSocket.open(portOf(s));
      c.write('GET /healthz HTTP/1.1\r\nHost: huddle\r\n\r\n');
      const outcome = await Promise.race([c.response().then(() => 'answered'), c.closed.then(() => 'closed')]);
      if (outcome === 'answered') accepted.push(c);
      else refused = c;
      expect(accepted.length).toBeLessThanOrEqual(limit);
    }
    expect(refused.received).toBe('');
    expect(dropped).toBe(1);

    // One closes; once the server has seen it, a new connection is served.
    const leaving = accepted.pop()!;
    const seen = new Promise((resolve) => serverSockets.get(leaving.socket.localPort!)!.once('close', resolve));
    leaving.destroy();
    await seen;
    const next = await RawSocket.open(portOf(s));
    next.write('GET /healthz HTTP/1.1\r\nHost: huddle\r\n\r\n');
    expect((await next.response()).status).toBe(200);
    for (const c of [...accepted, next]) c.destroy();
  });
});

describe('get_admin_token backs off per client address', () => {
  const clock = testClock();
  // Behind a trusted proxy (the test itself), X-Forwarded-For names the client.
  const env = { HUDDLE_TRUSTED_PROXIES: '127.0.0.1' };
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ env, now: clock.now });
    servers.push(s);
  });

  const WRONG = 'not-the-secret-0123456789';
  const attempt = async (from: string, secret: string, target = s) => {
    const r = await target.client.raw(
      '/auth/get_admin_token',
      { secret, userID: 'imAdmin' },
      { headers: { 'x-forwarded-for': from } },
    );
    return {
      status: r.status,
      errCode: r.body.errCode as number,
      retryAfter: r.headers['retry-after'],
      errDlt: r.body.errDlt as string,
    };
  };
  const checked = { status: 200, errCode: 1002, retryAfter: undefined, errDlt: 'secret invalid' };
  const waits = (seconds: number, from: string) => ({
    status: 429,
    errCode: 429,
    retryAfter: String(seconds),
    errDlt: `too many wrong secrets from ${from}; retry in ${seconds} s`,
  });

  it('checks 5 tries in a row, then each try waits twice as long as the last; a right secret starts over', async () => {
    const from = '203.0.113.1';
    for (let i = 0; i < 5; i++) expect(await attempt(from, WRONG)).toEqual(checked);
    // Refused unchecked, even with the right secret; another address is not affected.
    expect(await attempt(from, TEST_SECRET)).toEqual(waits(1, from));
    expect((await attempt('203.0.113.2', TEST_SECRET)).errCode).toBe(0);

    clock.advance(1000);
    expect(await attempt(from, WRONG)).toEqual(checked);
    expect(await attempt(from, WRONG)).toEqual(waits(2, from));
    clock.advance(2000);
    expect(await attempt(from, WRONG)).toEqual(checked);
    expect(await attempt(from, TEST_SECRET)).toEqual(waits(4, from));
    clock.advance(3999);
    expect(await attempt(from, TEST_SECRET)).toEqual(waits(1, from));
    clock.advance(1);
    expect((await attempt(from, TEST_SECRET)).errCode).toBe(0);

    // Started over: five checked tries again.
    for (let i = 0; i < 5; i++) expect(await attempt(from, WRONG)).toEqual(checked);
    expect(await attempt(from, WRONG)).toEqual(waits(1, from));
  });

  it('checks exactly 5 of 40 wrong secrets sent at once from one address', async () => {
    const from = '198.51.100.7';
    const results = await Promise.all(Array.from({ length: 40 }, () => attempt(from, WRONG)));
    expect(results.filter((r) => r.errCode === 1002)).toHaveLength(5);
    expect(results.filter((r) => r.errCode === 429)).toHaveLength(35);
  });

  it('counts an IPv6 address by its /64', async () => {
    for (const from of [
      '2001:db8:1:2::1',
      '2001:db8:1:2::2',
      '2001:db8:1:2:0:0:0:3',
      '2001:db8:1:2:ffff::4',
      '2001:DB8:1:2::5',
    ]) {
      expect(await attempt(from, WRONG)).toEqual(checked);
    }
    expect((await attempt('2001:db8:1:2:abcd::9', TEST_SECRET)).errCode).toBe(429);
    expect((await attempt('2001:db8:1:3::1', TEST_SECRET)).errCode).toBe(0);
  });

  it('holds on another instance of the same database', async () => {
    const other = await startServer({ database: s.database, env, now: clock.now });
    try {
      const from = '192.0.2.50';
      for (let i = 0; i < 5; i++) expect(await attempt(from, WRONG, i % 2 ? s : other)).toEqual(checked);
      expect(await attempt(from, TEST_SECRET, other)).toEqual(waits(1, from));
      expect(await attempt(from, TEST_SECRET, s)).toEqual(waits(1, from));
      clock.advance(1000);
      expect((await attempt(from, TEST_SECRET, other)).errCode).toBe(0);
      expect(await attempt(from, WRONG, s)).toEqual(checked);
    } finally {
      await other.close();
    }
  });
});
