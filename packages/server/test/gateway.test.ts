// The WebSocket gateway as OpenIM's SDKs use it, over real sockets on both framings: the upgrade and
// its refusals, the heartbeat, requests, pushes to every member's connections (the sender's too),
// kicks, and what a hostile client gets.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ReqIdentifier } from '../src/gateway/frames.js';
import { decode, encode } from '../src/wire/openim-proto.js';
import { testClock } from './clock.js';
import { createGroup, startServer, type TestServer } from './harness.js';
import { connectQuery, type ClientFraming, WsClient } from './gateway/ws-client.js';
import { startReceiver, type Receiver } from './receiver.js';

const clock = testClock();
let s: TestServer;
let rx: Receiver;
let groupID: string;

beforeAll(async () => {
  rx = await startReceiver();
  s = await startServer({ now: clock.now, env: { HUDDLE_GATEWAY_MAX_BUFFERED_BYTES: '65536' } });
  await s.register('alice', 'bob', 'carol', 'dave', 'erin', 'fred');
  groupID = (await createGroup(s, { owner: 'alice', members: ['bob', 'carol'] })).groupID;
  const hooks = ['afterUserOnline', 'afterUserOffline', 'afterUserKickOff'];
  await s.client.ok(
    '/callback/set_config',
    { config: { url: rx.url, ...Object.fromEntries(hooks.map((k) => [k, { enable: true }])) } },
    s.adminToken,
  );
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

async function login(userID: string, framing: ClientFraming = 'json', platformID = 5) {
  const token = await s.tokenFor(userID, platformID);
  const { first, client } = await WsClient.connect(s.wsUrl, { userID, token, platformID, framing });
  expect(first).toEqual({ errCode: 0, errMsg: '', errDlt: '' });
  return client;
}

/** Opens a socket with `query` and returns what the server said: the text frame and the close, or the HTTP answer. */
async function refusal(query: URLSearchParams) {
  const ws = new WebSocket(`${s.wsUrl}/?${query}`);
  return new Promise<{ text?: any; code?: number; http?: { status: number; body: any } }>((resolve) => {
    let text: any;
    ws.on('message', (d) => (text = JSON.parse(d.toString())));
    ws.on('close', (code) => resolve({ text, code }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ http: { status: res.statusCode ?? 0, body: JSON.parse(body) } }));
    });
    ws.on('error', () => {});
  });
}

const textMsg = (sendID: string, text: string, clientMsgID: string) =>
  encode('openim.sdkws.MsgData', {
    sendID,
    groupID,
    sessionType: 3,
    msgFrom: 100,
    contentType: 101,
    content: new TextEncoder().encode(JSON.stringify({ content: text })),
    clientMsgID,
    createTime: clock.now(),
  });

const pushedTexts = (c: WsClient) => c.pushedTexts();

describe('the upgrade', () => {
  it('answers a valid login with the first text frame, in both framings', async () => {
    for (const framing of ['json', 'gob'] as const) {
      const c = await login('alice', framing, framing === 'json' ? 5 : 3);
      const r = await c.request(
        ReqIdentifier.GetConvMaxReadSeq,
        encode('openim.msg.GetConversationsHasReadAndMaxSeqReq', { userID: 'alice' }),
      );
      expect(r.errCode).toBe(0);
      const seqs = decode('openim.msg.GetConversationsHasReadAndMaxSeqResp', r.data).seqs;
      expect(seqs[`sg_${groupID}`]).toMatchObject({ maxSeq: 1 });
      await c.close();
    }
  });

  it('accepts a browser page of any origin (OpenIM checks no Origin)', async () => {
    const token = await s.tokenFor('dave', 4);
    const ws = new WebSocket(`${s.wsUrl}/msg_gateway?${connectQuery({ userID: 'dave', token, platformID: 4 })}`, {
      origin: 'https://chat.example.com',
    });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (d) => resolve(d.toString()));
      ws.once('error', reject);
    });
    expect(JSON.parse(first)).toEqual({ errCode: 0, errMsg: '', errDlt: '' });
    ws.close();
  });

  it.each([
    ['isBackground missing', { isBackground: undefined }, 1602],
    ['platformID not a number', { platformID: 'web' }, 1602],
    ['sdkType unknown', { sdkType: 'python' }, 1602],
    ['sendID empty', { sendID: '' }, 1602],
  ])(
    'refuses %s with ConnArgsErr, as a text frame when isMsgResp is set and as the HTTP answer otherwise',
    async (_, query, code) => {
      const token = await s.tokenFor('bob');
      const withText = await refusal(connectQuery({ userID: 'bob', token, query }));
      expect(withText.text).toMatchObject({ errCode: code, errMsg: 'ConnArgsErr' });
      expect(withText.code).toBe(1008);
      const bare = await refusal(connectQuery({ userID: 'bob', token, query: { ...query, isMsgResp: undefined } }));
      expect(bare.http?.body).toMatchObject({ errCode: code });
    },
  );

  it("refuses another user's token and another platform's with TokenInvalidError, and a garbage token", async () => {
    const bobs = await s.tokenFor('bob');
    expect((await refusal(connectQuery({ userID: 'alice', token: bobs }))).text).toMatchObject({ errCode: 1502 });
    expect((await refusal(connectQuery({ userID: 'bob', token: bobs, platformID: 1 }))).text).toMatchObject({
      errCode: 1502,
    });
    expect((await refusal(connectQuery({ userID: 'bob', token: 'garbage' }))).text).toMatchObject({ errCode: 1503 });
  });
});

describe('the heartbeat', () => {
  it('answers a text ping with a text pong echoing its body, and closes on another text frame', async () => {
    const c = await login('carol');
    c.ws.send(JSON.stringify({ type: 'ping', body: '"op-1"' }));
    expect(JSON.parse(await c.until(() => c.texts[0]))).toEqual({ type: 'pong', body: '"op-1"' });
    c.ws.send('hello');
    expect((await c.closed).code).toBe(1008);
  });

  it('drops a client silent for longer than the idle timeout, on the server clock', async () => {
    const quiet = await login('carol', 'gob', 3);
    const chatty = await login('dave', 'json', 2);
    clock.advance(20_000);
    chatty.ws.send(JSON.stringify({ type: 'ping' }));
    await chatty.until(() => chatty.texts[0]);
    clock.advance(11_000);
    await s.app.gateway!.tick();
    expect((await quiet.closed).code).toBe(1006);
    expect(chatty.ws.readyState).toBe(WebSocket.OPEN);
    await chatty.close();
  });
});

describe('messages', () => {
  it('pushes a sent message to every connection of every member, the sender included, in both framings', async () => {
    const alice = await login('alice', 'json');
    const aliceDesktop = await login('alice', 'gob', 3);
    const bob = await login('bob', 'gob');
    const dave = await login('dave', 'json'); // not a member
    const r = await alice.request(ReqIdentifier.SendMsg, textMsg('alice', 'hi all', 'c-hi-all'));
    expect(r.errCode).toBe(0);
    const sent = decode('openim.msg.SendMsgResp', r.data);
    expect(sent.clientMsgID).toBe('c-hi-all');
    for (const c of [alice, aliceDesktop, bob]) {
      await c.until(() => pushedTexts(c).find((m) => m.text === 'hi all'));
      expect(pushedTexts(c)).toEqual([{ seq: 2, sendID: 'alice', text: 'hi all' }]);
    }
    // A REST send reaches the sockets the same way.
    await s.client.ok(
      '/msg/send_msg',
      {
        sendID: 'bob',
        groupID,
        sessionType: 3,
        contentType: 101,
        content: { content: 'from rest' },
        clientMsgID: 'c-rest',
      },
      s.adminToken,
    );
    for (const c of [alice, bob]) await c.until(() => pushedTexts(c).find((m) => m.text === 'from rest'));
    expect(pushedTexts(bob).map((m) => m.seq)).toEqual([2, 3]);
    expect(pushedTexts(dave)).toEqual([]);
    await Promise.all([alice, aliceDesktop, bob, dave].map((c) => c.close()));
  });

  it('answers a refused send with the domain error and pushes nothing', async () => {
    const dave = await login('dave');
    const r = await dave.request(ReqIdentifier.SendMsg, textMsg('dave', 'let me in', 'c-dave'));
    expect(r.errCode).toBe(1203);
    expect(dave.frames).toEqual([]);
    await dave.close();
  });
});

describe('kicks', () => {
  it('replaces an older login on the same platform with a 2002 and keeps other platforms', async () => {
    const web = await login('bob', 'json', 5);
    const desktop = await login('bob', 'json', 3);
    const web2 = await login('bob', 'gob', 5);
    await web.next((f) => f.reqIdentifier === ReqIdentifier.KickOnlineMsg);
    expect((await web.closed).code).toBe(4002);
    expect(desktop.ws.readyState).toBe(WebSocket.OPEN);
    // force_logout kicks the platform's connection and revokes its token.
    await s.client.ok('/auth/force_logout', { userID: 'bob', platformID: 5 }, s.adminToken);
    await web2.next((f) => f.reqIdentifier === ReqIdentifier.KickOnlineMsg);
    expect(desktop.ws.readyState).toBe(WebSocket.OPEN);
    await desktop.close();
  });
});

describe('a hostile client', () => {
  const closesOn = async (send: (c: WsClient) => void, code = 1008) => {
    const c = await login('carol');
    send(c);
    expect((await c.closed).code).toBe(code);
  };

  it('is closed for a request as another user', () =>
    closesOn((c) => c.ws.send(c.encode(ReqIdentifier.GetNewestSeq, new Uint8Array(), 'x', 'alice'))));
  it('is closed for an unknown request identifier', () =>
    closesOn((c) => c.ws.send(c.encode(4242, new Uint8Array(), 'x'))));
  it('is closed for a frame that does not decode', () => closesOn((c) => c.ws.send(Buffer.from('{"reqIdent'))));
  it('is closed for a frame over 51,200 bytes', () =>
    closesOn((c) => c.ws.send(c.encode(ReqIdentifier.GetNewestSeq, new Uint8Array(51_300), 'x')), 1009));

  it('gets an ArgsError for a request whose protobuf does not decode, and stays connected', async () => {
    const c = await login('carol');
    const r = await c.request(ReqIdentifier.GetConvMaxReadSeq, Uint8Array.from([0xff, 0xff, 0xff]));
    expect(r.errCode).toBe(1001);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    await c.close();
  });

  it('has a flood of requests answered a few at a time, every one of them', async () => {
    const c = await login('carol', 'gob', 7);
    const req = encode('openim.msg.GetConversationsHasReadAndMaxSeqReq', { userID: 'carol' });
    const answers = await Promise.all(
      Array.from({ length: 500 }, () => c.request(ReqIdentifier.GetConvMaxReadSeq, req)),
    );
    expect(answers.filter((a) => a.errCode === 0)).toHaveLength(500);
    await c.close();
  });

  it('is cut off when it stops reading while pushes pile up', async () => {
    const slow = await login('carol', 'json', 2);
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = 'x'.repeat(40_000);
    // Each send is awaited; the loop ends when the server has let the slow client go.
    let n = 0;
    while (s.app.gateway!.registry.of('carol').size > 0 && n < 400)
      await s.client.ok(
        '/msg/send_msg',
        {
          sendID: 'alice',
          groupID,
          sessionType: 3,
          contentType: 101,
          content: { content: big },
          clientMsgID: `c-big-${n++}`,
        },
        s.adminToken,
      );
    expect(s.app.gateway!.registry.of('carol').size).toBe(0);
  });
});

describe('online state', () => {
  const status = async (userID: string) =>
    (await s.client.ok('/user/get_users_online_status', { userIDs: [userID] }, s.adminToken))[0];
  const platformsIn = (f: { data: Uint8Array }) =>
    decode('openim.sdkws.SubUserOnlineStatusTips', f.data).subscribers.map((x) => [x.userID, x.onlinePlatformIDs]);

  it('follows logins, the background flag, logout and kicks, with their callbacks and 2005 frames', async () => {
    const watcher = await login('fred', 'json', 3);
    const sub = await watcher.request(
      ReqIdentifier.SubUserOnlineStatus,
      encode('openim.sdkws.SubUserOnlineStatus', { subscribeUserID: ['erin'] }),
    );
    expect(platformsIn(sub)).toEqual([['erin', []]]);

    const phone = await login('erin', 'gob', 2);
    expect(await status('erin')).toMatchObject({
      status: 1,
      detailPlatformStatus: [{ platformID: 2, isBackground: false }],
    });
    await watcher.next((f) => f.reqIdentifier === ReqIdentifier.SubUserOnlineStatus);
    expect(platformsIn(watcher.frames.at(-1)!)).toEqual([['erin', [2]]]);
    const [online] = await rx.waitForCount(
      1,
      (r) => r.command === 'callbackAfterUserOnlineCommand' && r.body.userID === 'erin',
    );
    expect(online!.body).toMatchObject({ platformID: 2, platform: 'Android', isAppBackground: false });

    const bg = await phone.request(
      ReqIdentifier.SetBackgroundStatus,
      encode('openim.sdkws.SetAppBackgroundStatusReq', { userID: 'erin', isBackground: true }),
    );
    expect(bg.errCode).toBe(0);
    expect(await status('erin')).toMatchObject({ detailPlatformStatus: [{ platformID: 2, isBackground: true }] });

    // 2003: answered, then the connection closes and the user is offline.
    const out = await phone.request(
      ReqIdentifier.Logout,
      encode('openim.push.DelUserPushTokenReq', { userID: 'erin', platformID: 2 }),
    );
    expect(out.errCode).toBe(0);
    expect((await phone.closed).code).toBe(1000);
    await rx.waitForCount(1, (r) => r.command === 'callbackAfterUserOfflineCommand' && r.body.userID === 'erin');
    expect(await status('erin')).toMatchObject({ status: 0 });
    await watcher.until(() => {
      const last = watcher.frames.at(-1);
      return last && JSON.stringify(platformsIn(last)) === JSON.stringify([['erin', []]]) ? true : undefined;
    });

    // A newer login on the platform kicks: afterUserKickOff for the old connection.
    await login('erin', 'json', 2);
    await login('erin', 'json', 2);
    await rx.waitForCount(1, (r) => r.command === 'callbackAfterUserKickOffCommand' && r.body.userID === 'erin');
    await watcher.close();
  });
});

describe('the connection limit', () => {
  it('refuses connections past HUDDLE_GATEWAY_MAX_CONNECTIONS with 1601, and bad handshakes never count', async () => {
    const small = await startServer({ env: { HUDDLE_GATEWAY_MAX_CONNECTIONS: '1' } });
    try {
      await small.register('u1', 'u2');
      const port = small.app.gateway!.address()!.port;
      // Handshakes that pass the query and token checks but that ws refuses itself (no
      // Sec-WebSocket-Key): each answered 400, none holding a place.
      const u1 = await small.tokenFor('u1');
      for (let i = 0; i < 3; i++) {
        const answer = await new Promise<string>((resolve) => {
          const sock = net.connect(port, '127.0.0.1', () =>
            sock.write(
              `GET /?${connectQuery({ userID: 'u1', token: u1 })} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
            ),
          );
          let data = '';
          sock.on('data', (d) => (data += d));
          sock.on('close', () => resolve(data));
        });
        expect(answer).toMatch(/^HTTP\/1\.1 [45]\d\d/);
      }
      const one = await WsClient.connect(small.wsUrl, { userID: 'u1', token: u1 });
      expect(one.first.errCode).toBe(0);
      const token = await small.tokenFor('u2');
      const refused = await new Promise<any>((resolve) => {
        const ws = new WebSocket(`${small.wsUrl}/?${connectQuery({ userID: 'u2', token })}`);
        ws.on('message', (d) => resolve(JSON.parse(d.toString())));
      });
      expect(refused).toMatchObject({ errCode: 1601, errMsg: 'ConnOverMaxNumLimit' });
      await one.client.close();
    } finally {
      await small.close();
    }
  });
});
