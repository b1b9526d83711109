// Connection history (/user/get_connection_history) through real WebSocket clients: each connection
// with its platform, instance, address, SDK and times, and why it ended (the client closed it,
// logged out, was kicked by a newer login, force-logged out, went idle, or its instance was swept);
// newest first and paged; app admins only; pruned past HUDDLE_CONNECTION_HISTORY_RETENTION_DAYS on
// the server's clock.

import type { ConnectionHistoryEntry } from '@huddle/protocol/chat-admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReqIdentifier } from '../src/gateway/frames.js';
import { encode } from '../src/wire/openim-proto.js';
import { PRESENCE_TTL_MS } from '../src/domain/presence.js';
import { testClock } from './clock.js';
import { page, startServer, type TestServer } from './harness.js';
import { WsClient } from './gateway/ws-client.js';
import { eventually } from './wait.js';

const clock = testClock();
let s: TestServer;
const RETENTION_DAYS = 2;
const DAY = 86_400_000;

type Entry = ConnectionHistoryEntry;

beforeAll(async () => {
  s = await startServer({
    now: clock.now,
    env: { HUDDLE_CONNECTION_HISTORY_RETENTION_DAYS: String(RETENTION_DAYS) },
  });
  await s.register('ch_ann', 'ch_ben', 'ch_cat', 'ch_dan', 'ch_eve', 'ch_fay', 'ch_gus');
});
afterAll(async () => {
  await s?.close();
});

const history = (userID: string, pagination = page(), token = s.adminToken) =>
  s.client.ok<{ total: number; connections: Entry[] }>('/user/get_connection_history', { userID, pagination }, token);

/** The user's history once its newest row ended. */
const ended = (userID: string) =>
  eventually(async () => {
    const h = await history(userID);
    return h.connections[0]?.endReason ? h : undefined;
  });

async function login(userID: string, platformID = 5, query: Record<string, string> = {}) {
  const token = await s.tokenFor(userID, platformID);
  const { first, client } = await WsClient.connect(s.wsUrl, { userID, token, platformID, query });
  expect(first.errCode).toBe(0);
  return client;
}

describe('a connection, from connect to its end', () => {
  it('is recorded open with its platform, instance, address and SDK, then closed by the client', async () => {
    const at = clock.now();
    const c = await login('ch_ann', 5, { sdkVersion: 'v3.8.3-js' });
    const open = await history('ch_ann');
    expect(open.total).toBe(1);
    expect(open.connections[0]).toMatchObject({
      userID: 'ch_ann',
      platformID: 5,
      remoteAddr: '127.0.0.1',
      sdkType: 'js',
      sdkVersion: 'v3.8.3-js',
      connectedAt: at,
      disconnectedAt: 0,
      endReason: '',
    });
    expect(open.connections[0]!.instanceID).toMatch(/^[0-9a-f]{16}$/);
    clock.advance(5000);
    await c.close();
    expect((await ended('ch_ann')).connections[0]).toMatchObject({ disconnectedAt: at + 5000, endReason: 'closed' });
  });

  it('keeps at most 64 characters of the sdkVersion a client sends', async () => {
    await s.register('ch_hal');
    const c = await login('ch_hal', 5, { sdkVersion: `v${'9'.repeat(4000)}` });
    expect((await history('ch_hal')).connections[0]?.sdkVersion).toBe(`v${'9'.repeat(63)}`);
    await c.close();
  });

  it('keeps the Go SDK apart from the JS one, and says logout after a 2003', async () => {
    const token = await s.tokenFor('ch_ben', 3);
    const desktop = (await WsClient.connect(s.wsUrl, { userID: 'ch_ben', token, platformID: 3, framing: 'gob' }))
      .client;
    await desktop.close();
    await ended('ch_ben');
    clock.advance(1000);
    const phone = await login('ch_ben', 2);
    const out = await phone.request(
      ReqIdentifier.Logout,
      encode('openim.push.DelUserPushTokenReq', { userID: 'ch_ben', platformID: 2 }),
    );
    expect(out.errCode).toBe(0);
    await phone.closed;
    const h = await ended('ch_ben');
    expect(h.connections.map((e) => [e.platformID, e.sdkType, e.endReason])).toEqual([
      [2, 'js', 'logout'],
      [3, 'go', 'closed'],
    ]);
  });

  it('says kicked when a newer login on the platform replaced it, and force_logout after /auth/force_logout', async () => {
    const first = await login('ch_cat', 5);
    clock.advance(1000);
    const second = await login('ch_cat', 5);
    await first.closed;
    await eventually(async () => (await history('ch_cat')).connections[1]?.endReason === 'kicked');
    await s.client.ok('/auth/force_logout', { userID: 'ch_cat', platformID: 5 }, s.adminToken);
    await second.closed;
    const h = await ended('ch_cat');
    expect(h.connections.map((e) => e.endReason)).toEqual(['force_logout', 'kicked']);
  });

  it('says idle when the client sent nothing for the idle timeout, on the server clock', async () => {
    const c = await login('ch_dan', 3);
    clock.advance(31_000);
    await s.app.gateway!.tick();
    await c.closed;
    expect((await ended('ch_dan')).connections[0]).toMatchObject({ platformID: 3, endReason: 'idle' });
  });

  it('says swept when another instance found its instance stopped stamping', async () => {
    const { presence } = s.app.services;
    const ctx = {
      operationID: 'op-gone',
      caller: { userID: 'ch_eve', platformID: 1, isAppAdmin: false },
      clientIP: '',
    };
    await presence.heartbeat('gone-instance', clock.now());
    await presence.online(ctx, {
      connID: 'gone-conn',
      instanceID: 'gone-instance',
      userID: 'ch_eve',
      platformID: 1,
      background: false,
    });
    clock.advance(PRESENCE_TTL_MS + 1);
    await s.app.gateway!.tick();
    expect((await ended('ch_eve')).connections[0]).toMatchObject({
      connID: 'gone-conn',
      instanceID: 'gone-instance',
      endReason: 'swept',
      disconnectedAt: clock.now(),
    });
  });
});

describe('an instance that stops', () => {
  it('says shutdown for the connections it held, read back after a restart on the same data', async () => {
    const first = await startServer();
    try {
      await first.register('ch_hal');
      const token = await first.tokenFor('ch_hal', 1);
      const { client } = await WsClient.connect(first.wsUrl, { userID: 'ch_hal', token, platformID: 1 });
      await first.stop();
      await client.closed;
      const again = await startServer({ dir: first.dir });
      try {
        const h = await again.client.ok(
          '/user/get_connection_history',
          { userID: 'ch_hal', pagination: page() },
          again.adminToken,
        );
        expect(h.connections.map((e: Entry) => [e.platformID, e.endReason])).toEqual([[1, 'shutdown']]);
      } finally {
        await again.close();
      }
    } finally {
      await first.close();
    }
  });
});

describe('reading it', () => {
  it('pages newest first', async () => {
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      const c = await login('ch_fay', 5);
      await c.close();
      await eventually(async () => (await history('ch_fay')).connections[0]?.endReason === 'closed');
    }
    const all = (await history('ch_fay')).connections;
    expect(all.map((e) => e.connectedAt)).toEqual([...all.map((e) => e.connectedAt)].sort((a, b) => b - a));
    const second = await history('ch_fay', page(2, 2));
    expect([second.total, second.connections.map((e) => e.connID)]).toEqual([3, [all[2]!.connID]]);
  });

  it('is for app admins only, and refuses bad input', async () => {
    const token = await s.tokenFor('ch_fay');
    const mine = await s.client.post('/user/get_connection_history', { userID: 'ch_fay', pagination: page() }, token);
    expect([mine.errCode, mine.errMsg]).toEqual([1002, 'NoPermissionError']);
    for (const body of [
      { userID: 'ch_fay' },
      { userID: '', pagination: page() },
      { userID: 'ch_fay', pagination: { pageNumber: 0, showNumber: 5 } },
    ]) {
      const env = await s.client.post('/user/get_connection_history', body, s.adminToken);
      expect([env.errCode, env.errMsg], JSON.stringify(body)).toEqual([1001, 'ArgsError']);
    }
  });
});

describe('retention', () => {
  it('deletes connections that ended past HUDDLE_CONNECTION_HISTORY_RETENTION_DAYS, never one still open', async () => {
    const old = await login('ch_gus', 5);
    await old.close();
    await ended('ch_gus');
    const lasting = await login('ch_gus', 3);
    const rows = (await history('ch_gus')).connections;
    const oldRow = rows.find((e) => e.platformID === 5);
    const lastingRow = rows.find((e) => e.platformID === 3);
    clock.advance((RETENTION_DAYS + 1) * DAY);
    const recent = await login('ch_gus', 2);
    await recent.close();
    await eventually(async () => (await history('ch_gus')).connections[0]?.endReason === 'closed');
    expect(await s.app.connectionHistoryRetention.prune()).toBeGreaterThanOrEqual(1);
    const left = (await history('ch_gus')).connections.map((e) => e.connID);
    // The one still open when the clock moved is kept (the gateway may have dropped it as idle since:
    // then it ended just now).
    expect(left).toHaveLength(2);
    expect(left).toContain(lastingRow!.connID);
    expect(left).not.toContain(oldRow!.connID);
    lasting.ws.terminate();
  });
});
