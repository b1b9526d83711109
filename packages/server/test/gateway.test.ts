// The WebSocket gateway as OpenIM's SDKs use it, over real sockets on both framings: the upgrade and
// its refusals, the heartbeat, requests, pushes to every member's connections (the sender's too),
// kicks, and what a hostile client gets.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ReqIdentifier } from '../src/gateway/frames.js';
import { decode, encode } from '../src/wire/openim-proto.js';
import { testClock } from './clock.js';
import { createGroup, startServer, type TestServer } from './harness.js';
import { connectQuery, type ClientFraming, WsClient } from './gateway/ws-client.js';

const clock = testClock();
let s: TestServer;
let groupID: string;

beforeAll(async () => {
  s = await startServer({ now: clock.now, env: { HUDDLE_GATEWAY_MAX_BUFFERED_BYTES: '65536' } });
  await s.register('alice', 'bob', 'carol', 'dave');
  groupID = (await createGroup(s, { owner: 'alice', members: ['bob', 'carol'] })).groupID;
});
afterAll(() => s?.close());

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

const pushedTexts = (c: WsClient) =>
  c.frames
    .filter((f) => f.reqIdentifier === ReqIdentifier.PushMsg)
    .flatMap((f) => Object.values(decode('openim.sdkws.PushMessages', f.data).msgs))
    .flatMap((p) => p.Msgs)
    .map((m) => ({ seq: m.seq, sendID: m.sendID, text: JSON.parse(new TextDecoder().decode(m.content)).content }));

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
    s.app.gateway!.tick();
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
