// Online state through a real server, its connections registered through the presence service as
// the gateway registers them: /user/get_users_online_status over HTTP; afterUserOnline,
// afterUserOffline and afterUserKickOff (OpenIM) and State.StateChange (Tencent) delivered to real
// receivers, one per connection; two servers on one PostgreSQL database seeing each other's users;
// an instance that stops stamping swept by another's keeper, its connections reported offline
// (the clock is moved, nothing waits for it).

import { CALLBACKS, type CallbackKey } from '@huddle/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpContext } from '../src/domain/context.js';
import { PRESENCE_TTL_MS, type Connection } from '../src/domain/presence.js';
import { PresenceKeeper } from '../src/gateway/presence-keeper.js';
import { createLogger } from '../src/logger.js';
import { testClock } from './clock.js';
import { startServer, TEST_ENGINE, type TestServer } from './harness.js';
import { startReceiver, type Receiver, type ReceivedRequest } from './receiver.js';
import { expectShape } from './shape.js';

const im = (key: CallbackKey) => CALLBACKS[key].openim.command;
const STATE_CHANGE = 'State.StateChange';
const SDK_APP_ID = '1400000001';
const HOOKS = ['afterUserOnline', 'afterUserOffline', 'afterUserKickOff'] as const;

const clock = testClock();
let s: TestServer;
let rx: Receiver;
let rxTC: Receiver;
let n = 0;
const uid = (p: string) => `${p}${++n}`;

const presence = (server: TestServer = s) => server.app.services.presence;
/** A keeper of this server's instance `instanceID`, on the test clock; tests call its tick(). */
const keeperOf = (instanceID: string, onSwept?: () => void) =>
  new PresenceKeeper({ presence: presence(), instanceID, now: clock.now, logger: createLogger('silent'), onSwept });

/** The gateway's context for a connection's user. */
const ctxOf = (userID: string, platformID = 5): OpContext => ({
  operationID: uid('op'),
  caller: { userID, platformID, isAppAdmin: false },
  clientIP: '127.0.0.1',
});

/** Registers a connection of a fresh ID; returns it. */
async function connect(
  instanceID: string,
  userID: string,
  platformID = 5,
  background = false,
  server: TestServer = s,
): Promise<Connection & { ctx: OpContext }> {
  const conn = { connID: uid('conn'), instanceID, userID, platformID, background };
  const ctx = ctxOf(userID, platformID);
  await presence(server).online(ctx, conn);
  return { ...conn, ctx };
}

/** The fields every connection callback's OpenIM body has (OpenIM's UserStatusCallbackReq), and `seq`. */
const statusBody = (key: CallbackKey, conn: Connection & { ctx: OpContext }, platform: string, seq: number) => ({
  callbackCommand: im(key),
  operationID: conn.ctx.operationID,
  platformID: conn.platformID,
  platform,
  userID: conn.userID,
  seq,
});

async function onlineStatus(userIDs: string[], server: TestServer = s) {
  return server.client.ok('/user/get_users_online_status', { userIDs }, server.adminToken);
}

/** OpenIM requests of `command` about this connection (or user, for afterUserKickOff). */
const aboutConn = (command: string, connID: string) => (r: ReceivedRequest) =>
  r.command === command && r.body?.connID === connID;
const stateOf = (userID: string) => (r: ReceivedRequest) =>
  r.command === STATE_CHANGE && r.body?.Info?.To_Account === userID;

/** Outbox rows of a hook whose body names `text` (the OpenIM endpoint's: Tencent's body names no connection). */
async function outboxCount(hook: CallbackKey, text: string) {
  const rows = await s.query<{ payload: string }>(`SELECT payload FROM webhook_events WHERE hook = '${hook}'`);
  return rows.filter((r) => r.payload.includes(`"${text}"`)).length;
}

beforeAll(async () => {
  rx = await startReceiver();
  rxTC = await startReceiver();
  s = await startServer({ now: clock.now });
  await s.client.ok(
    '/callback/set_config',
    {
      config: {
        url: rx.url,
        retrySchedule: Array(10).fill(0.1),
        ...Object.fromEntries(HOOKS.map((k) => [k, { enable: true, timeout: 5 }])),
        endpoints: [
          {
            name: 'tim',
            url: rxTC.url,
            dialect: 'tencent',
            sdkAppId: SDK_APP_ID,
            hooks: { afterUserOnline: { enable: true }, afterUserOffline: { enable: true } },
          },
        ],
      },
    },
    s.adminToken,
  );
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
  await rxTC?.close();
});
beforeEach(() => {
  rx.reset();
  rxTC.reset();
});

describe('a connection coming and going', () => {
  it('shows in get_users_online_status, with afterUserOnline and afterUserOffline per connection', async () => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    const instance = uid('inst');
    await presence().heartbeat(instance, clock.now());
    const web = await connect(instance, alice, 5);
    clock.advance(1);
    const android = await connect(instance, alice, 2, true);

    expect(await onlineStatus([alice, bob])).toEqual([
      {
        userID: alice,
        status: 1,
        detailPlatformStatus: [
          { platformID: 5, connID: web.connID, isBackground: false, token: '' },
          { platformID: 2, connID: android.connID, isBackground: true, token: '' },
        ],
      },
      { userID: bob, status: 0, detailPlatformStatus: [] },
    ]);

    // OpenIM: one afterUserOnline per connection, its body exactly.
    const [onWeb] = await rx.waitForCount(1, aboutConn(im('afterUserOnline'), web.connID));
    const [onAndroid] = await rx.waitForCount(1, aboutConn(im('afterUserOnline'), android.connID));
    expect(onWeb!.body).toEqual({
      ...statusBody('afterUserOnline', web, 'Web', clock.now() - 1),
      isAppBackground: false,
      connID: web.connID,
    });
    expect(onAndroid!.body).toMatchObject({ platformID: 2, platform: 'Android', isAppBackground: true });
    for (const r of [onWeb!, onAndroid!]) expectShape(r.body, im('afterUserOnline'));
    // Tencent: a Login per connection, OptPlatform its platform.
    const logins = await rxTC.waitForCount(2, stateOf(alice));
    for (const r of logins) {
      expectShape(r.body, STATE_CHANGE);
      expect(r.body.Info).toEqual({ Action: 'Login', To_Account: alice, Reason: 'Register' });
    }
    expect(logins.map((r) => r.query.OptPlatform).sort()).toEqual(['Android', 'Web']);

    // The app goes to the background (WsSetBackgroundStatus).
    expect(await presence().setBackground(web.ctx, web.connID, true)).toBe(true);
    expect((await onlineStatus([alice]))[0].detailPlatformStatus[0]).toMatchObject({ isBackground: true });

    // The web socket closes: that connection goes, with its afterUserOffline; Android stays.
    clock.advance(1);
    expect(await presence().offline(web.ctx, web, 'closed')).toBe(true);
    expect(await onlineStatus([alice])).toEqual([
      {
        userID: alice,
        status: 1,
        detailPlatformStatus: [{ platformID: 2, connID: android.connID, isBackground: true, token: '' }],
      },
    ]);
    const [offWeb] = await rx.waitForCount(1, aboutConn(im('afterUserOffline'), web.connID));
    expect(offWeb!.body).toEqual({ ...statusBody('afterUserOffline', web, 'Web', clock.now()), connID: web.connID });
    expectShape(offWeb!.body, im('afterUserOffline'));
    expect(rx.requests(im('afterUserKickOff'))).toEqual([]);

    // A newer login kicks the Android connection: afterUserOffline and afterUserKickOff.
    expect(await presence().offline(android.ctx, android, 'kicked')).toBe(true);
    expect(await onlineStatus([alice])).toEqual([{ userID: alice, status: 0, detailPlatformStatus: [] }]);
    await rx.waitForCount(1, aboutConn(im('afterUserOffline'), android.connID));
    const [kicked] = await rx.waitForCount(1, (r) => r.command === im('afterUserKickOff') && r.body.userID === alice);
    expect(kicked!.body).toEqual(statusBody('afterUserKickOff', android, 'Android', clock.now()));
    expectShape(kicked!.body, im('afterUserKickOff'));
    // Tencent: the closed socket a Disconnect (LinkClose), the kick a Logout (Unregister), in order.
    const states = await rxTC.waitForCount(4, stateOf(alice));
    expect(states.slice(2).map((r) => r.body.Info)).toEqual([
      { Action: 'Disconnect', To_Account: alice, Reason: 'LinkClose' },
      { Action: 'Logout', To_Account: alice, Reason: 'Unregister' },
    ]);

    // A connection reported offline once is not reported again (a sweep may have taken it first).
    expect(await presence().offline(android.ctx, android, 'closed')).toBe(false);
    expect(await outboxCount('afterUserOffline', android.connID)).toBe(1);
  });

  it('a user on several instances is online while any of them holds a connection', async () => {
    const carol = uid('carol');
    const [i1, i2] = [uid('inst'), uid('inst')];
    for (const i of [i1, i2]) await presence().heartbeat(i, clock.now());
    const one = await connect(i1, carol, 3);
    const two = await connect(i2, carol, 4);
    const [status] = await onlineStatus([carol]);
    expect(status.detailPlatformStatus.map((d: { connID: string }) => d.connID).sort()).toEqual(
      [one.connID, two.connID].sort(),
    );
    await presence().offline(one.ctx, one, 'logout');
    expect(await presence().isOnline(carol)).toBe(true);
    await presence().offline(two.ctx, two, 'logout');
    expect(await presence().isOnline(carol)).toBe(false);
    const states = await rxTC.waitForCount(4, stateOf(carol));
    expect(states.filter((r) => r.body.Info.Action === 'Logout').map((r) => r.body.Info.Reason)).toEqual([
      'Unregister',
      'Unregister',
    ]);
  });

  it('only an app admin may read online status, as on OpenIM', async () => {
    const dan = uid('dan');
    await s.register(dan);
    const res = await s.client.post('/user/get_users_online_status', { userIDs: [dan] }, await s.tokenFor(dan));
    expect([res.errCode, res.errMsg]).toEqual([1002, 'NoPermissionError']);
  });
});

describe('instances that stop stamping', () => {
  it("are swept by another instance's keeper: their connections go offline, with afterUserOffline", async () => {
    const [erin, frank] = [uid('erin'), uid('frank')];
    const [dead, live] = [uid('dead'), uid('live')];
    const keeper = keeperOf(live);
    await keeper.start();
    await presence().heartbeat(dead, clock.now());
    const lost = await connect(dead, erin, 1);
    const kept = await connect(live, frank, 5);
    expect((await onlineStatus([erin, frank])).map((u: { status: number }) => u.status)).toEqual([1, 1]);

    // The dead instance misses its stamps for a whole TTL: its users count as offline at once...
    clock.advance(PRESENCE_TTL_MS + 1);
    await keeper.tick();
    expect((await onlineStatus([erin, frank])).map((u: { status: number }) => u.status)).toEqual([0, 1]);
    // ...and the live instance's tick swept its rows, reporting each connection offline.
    const [off] = await rx.waitForCount(1, aboutConn(im('afterUserOffline'), lost.connID));
    expect(off!.body).toMatchObject({ userID: erin, platformID: 1, platform: 'IOS', seq: clock.now() });
    expectShape(off!.body, im('afterUserOffline'));
    const [state] = await rxTC.waitForCount(2, stateOf(erin)).then((r) => r.slice(1));
    expect(state!.body.Info).toEqual({ Action: 'Disconnect', To_Account: erin, Reason: 'TimeOut' });
    expect(state!.query.OptPlatform).toBe('iOS');
    // Once: a second sweep finds nothing, and the dead instance's next stamp finds itself gone.
    expect(await presence().sweep(clock.now())).toEqual([]);
    expect(await outboxCount('afterUserOffline', lost.connID)).toBe(1);
    expect(await presence().heartbeat(dead, clock.now())).toBe(false);

    // A clean stop forgets the instance: its remaining connections go offline as closed.
    await keeper.stop();
    expect((await onlineStatus([frank]))[0].status).toBe(0);
    await rx.waitForCount(1, aboutConn(im('afterUserOffline'), kept.connID));
    const [closed] = await rxTC.waitForCount(2, stateOf(frank)).then((r) => r.slice(1));
    expect(closed!.body.Info).toEqual({ Action: 'Disconnect', To_Account: frank, Reason: 'LinkClose' });
  });

  it('a stalled instance learns at its next stamp that it was swept', async () => {
    const [stalled, other] = [uid('stalled'), uid('other')];
    let swept = 0;
    const stalledKeeper = keeperOf(stalled, () => swept++);
    const otherKeeper = keeperOf(other);
    // (On SQLite each start forgets the rows found, as a restart would: the stalled one starts last.)
    await otherKeeper.start();
    await stalledKeeper.start();
    await stalledKeeper.tick();
    expect(swept).toBe(0);
    clock.advance(PRESENCE_TTL_MS + 1);
    await otherKeeper.tick();
    await stalledKeeper.tick();
    expect(swept).toBe(1);
    await stalledKeeper.tick();
    expect(swept).toBe(1);
    await Promise.all([stalledKeeper.stop(), otherKeeper.stop()]);
  });

  it("an instance starting again under its old ID reports its previous run's connections offline", async () => {
    const hugo = uid('hugo');
    const instance = uid('reused');
    await presence().heartbeat(instance, clock.now());
    const left = await connect(instance, hugo, 3);
    // Restarted within the TTL: the old stamp is fresh, so no sweep would ever take the old rows.
    const keeper = keeperOf(instance);
    await keeper.start();
    expect((await onlineStatus([hugo]))[0].status).toBe(0);
    const [off] = await rx.waitForCount(1, aboutConn(im('afterUserOffline'), left.connID));
    expect(off!.body).toMatchObject({ userID: hugo, platform: 'Windows' });
    const [state] = await rxTC.waitForCount(2, stateOf(hugo)).then((r) => r.slice(1));
    expect(state!.body.Info).toEqual({ Action: 'Disconnect', To_Account: hugo, Reason: 'TimeOut' });
    await keeper.stop();
  });

  it.skipIf(TEST_ENGINE !== 'sqlite')(
    'SQLite: an instance starting reports the connections a crashed run left offline',
    async () => {
      const gina = uid('gina');
      const crashed = uid('crashed');
      await presence().heartbeat(crashed, clock.now());
      const left = await connect(crashed, gina, 7);
      // A new run on the same file: its keeper starts while the old stamp is still fresh.
      const keeper = keeperOf(uid('restarted'));
      await keeper.start();
      expect((await onlineStatus([gina]))[0].status).toBe(0);
      const [off] = await rx.waitForCount(1, aboutConn(im('afterUserOffline'), left.connID));
      expect(off!.body).toMatchObject({ userID: gina, platform: 'Linux' });
      await keeper.stop();
    },
  );
});

describe.skipIf(TEST_ENGINE !== 'postgres')('two instances on one PostgreSQL database', () => {
  let b: TestServer;
  beforeAll(async () => {
    b = await startServer({ database: s.database, now: clock.now });
  });
  afterAll(async () => {
    await b?.close();
  });

  it("each sees the other's users online, and their going offline; each callback is sent once", async () => {
    const [hana, ivan] = [uid('hana'), uid('ivan')];
    const [ia, ib] = [uid('a'), uid('b')];
    await presence(s).heartbeat(ia, clock.now());
    await presence(b).heartbeat(ib, clock.now());
    const onA = await connect(ia, hana, 5, false, s);
    const onB = await connect(ib, ivan, 2, false, b);
    for (const server of [s, b]) {
      const status = await onlineStatus([hana, ivan], server);
      expect(status.map((u: { userID: string; status: number }) => [u.userID, u.status])).toEqual([
        [hana, 1],
        [ivan, 1],
      ]);
      expect(status[1].detailPlatformStatus).toEqual([
        { platformID: 2, connID: onB.connID, isBackground: false, token: '' },
      ]);
    }
    await presence(b).offline(onB.ctx, onB, 'closed');
    expect((await onlineStatus([ivan], s))[0].status).toBe(0);
    await rx.waitForCount(1, aboutConn(im('afterUserOffline'), onB.connID));
    await rx.waitForCount(1, aboutConn(im('afterUserOnline'), onA.connID));
    // Both instances deliver from the one outbox: each callback arrives once.
    for (const [command, conn] of [
      [im('afterUserOnline'), onA],
      [im('afterUserOnline'), onB],
      [im('afterUserOffline'), onB],
    ] as const)
      expect(rx.requests(aboutConn(command, conn.connID))).toHaveLength(1);
  });
});
