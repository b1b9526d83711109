// Two instances on one PostgreSQL database: a client on either gets the pushes of messages sent
// through the other, and kicks (a newer login, force_logout) reach connections on the other one.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import WebSocket from 'ws';
import { ReqIdentifier } from '../src/gateway/frames.js';
import { decode, encode } from '../src/wire/openim-proto.js';
import { createGroup, startServer, TEST_ENGINE, type TestServer } from './harness.js';
import { type ClientFraming, WsClient } from './gateway/ws-client.js';

const NATS_URL = process.env.HUDDLE_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

// Both buses the instances may share: PostgreSQL's LISTEN/NOTIFY (the default) and NATS.
describe.skipIf(TEST_ENGINE !== 'postgres').each(['postgres', 'nats'] as const)(
  'the gateway on two instances, bus %s',
  (bus) => {
    let one: TestServer;
    let two: TestServer;
    let groupID: string;
    const env: Record<string, string> = bus === 'nats' ? { HUDDLE_NATS_URL: NATS_URL } : {};

    beforeAll(async () => {
      one = await startServer({ env });
      two = await startServer({ database: one.database, env });
      await one.register('ann', 'ben', 'cid');
      groupID = (await createGroup(one, { owner: 'ann', members: ['ben', 'cid'] })).groupID;
    });
    afterAll(async () => {
      await two?.close();
      await one?.close();
    });

    async function login(on: TestServer, userID: string, framing: ClientFraming = 'json', platformID = 5) {
      const token = await one.tokenFor(userID, platformID);
      const { first, client } = await WsClient.connect(on.wsUrl, { userID, token, platformID, framing });
      expect(first.errCode).toBe(0);
      return client;
    }

    const texts = (c: WsClient) => c.pushedTexts().map((m) => `${m.seq}:${m.text}`);

    it('pushes messages sent through one instance to clients of the other, in order', async () => {
      const ann = await login(one, 'ann');
      const ben = await login(two, 'ben', 'gob');
      const cid = await login(one, 'cid');
      for (let i = 1; i <= 20; i++) {
        const r = await ann.request(
          ReqIdentifier.SendMsg,
          encode('openim.sdkws.MsgData', {
            sendID: 'ann',
            groupID,
            sessionType: 3,
            msgFrom: 100,
            contentType: 101,
            content: new TextEncoder().encode(JSON.stringify({ content: `m${i}` })),
            clientMsgID: `c-${i}`,
          }),
        );
        expect(r.errCode).toBe(0);
      }
      const expected = Array.from({ length: 20 }, (_, i) => `${i + 2}:m${i + 1}`);
      for (const c of [ann, ben, cid]) {
        await c.until(() => (texts(c).length >= 20 ? true : undefined));
        expect(texts(c)).toEqual(expected);
      }
      await Promise.all([ann, ben, cid].map((c) => c.close()));
    });

    it('kicks a connection on the other instance for a newer login and for force_logout', async () => {
      const onOne = await login(one, 'cid', 'json', 2);
      const onTwo = await login(two, 'cid', 'json', 2);
      await onOne.next((f) => f.reqIdentifier === ReqIdentifier.KickOnlineMsg);
      expect(onTwo.ws.readyState).toBe(WebSocket.OPEN);
      await one.client.ok('/auth/force_logout', { userID: 'cid', platformID: 2 }, one.adminToken);
      await onTwo.next((f) => f.reqIdentifier === ReqIdentifier.KickOnlineMsg);
    });

    it('keeps seq order when both instances commit to one conversation at once', async () => {
      const { groupID: busy } = await createGroup(one, { owner: 'ann', members: ['ben', 'cid'] });
      const clients = [
        await login(one, 'ann'),
        await login(two, 'ben'),
        await login(one, 'cid'),
        await login(two, 'cid', 'gob', 2),
      ];
      const PER_SENDER = 25;
      // Each instance commits its seqs and pushes them at once; the other's arrive over the bus later.
      const sendAll = (on: TestServer, sendID: string) =>
        Promise.all(
          Array.from({ length: PER_SENDER }, (_, i) =>
            on.client.ok(
              '/msg/send_msg',
              { sendID, groupID: busy, sessionType: 3, contentType: 101, content: { content: `${sendID}${i + 1}` } },
              on.adminToken,
            ),
          ),
        );
      await Promise.all([sendAll(one, 'ann'), sendAll(two, 'ben')]);
      const seqs = (c: WsClient) =>
        c
          .pushedTexts()
          .filter((m) => /^(ann|ben)\d+$/.test(m.text))
          .map((m) => m.seq);
      for (const c of clients) {
        await c.until(() => (seqs(c).length >= 2 * PER_SENDER ? true : undefined));
        const got = seqs(c);
        // Every seq once, in order: the first message follows the group's creation notice.
        expect(got).toEqual(Array.from({ length: 2 * PER_SENDER }, (_, i) => got[0]! + i));
      }
      await Promise.all(clients.map((c) => c.close()));
    });

    it.skipIf(bus !== 'postgres')(
      'closes its clients when its bus connection is lost, so that they resync by seq',
      async () => {
        const ben = await login(two, 'ben', 'json', 3);
        // The listening connections of this database (the pool's never send pg_notify or LISTEN).
        const admin = new pg.Client({ connectionString: one.database });
        await admin.connect();
        try {
          await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND (query LIKE 'LISTEN%' OR query LIKE 'SELECT pg_notify%')`,
          );
        } finally {
          await admin.end();
        }
        expect((await ben.closed).code).toBe(1012);
        await one.client.ok(
          '/msg/send_msg',
          {
            sendID: 'ann',
            groupID,
            sessionType: 3,
            contentType: 101,
            content: { content: 'while away' },
            clientMsgID: 'c-away',
          },
          one.adminToken,
        );
        // Back, the client asks for its seqs as every SDK does on connecting, and finds the message.
        const again = await login(two, 'ben', 'json', 3);
        const r = await again.request(
          ReqIdentifier.GetConvMaxReadSeq,
          encode('openim.msg.GetConversationsHasReadAndMaxSeqReq', { userID: 'ben' }),
        );
        expect(decode('openim.msg.GetConversationsHasReadAndMaxSeqResp', r.data).seqs[`sg_${groupID}`]?.maxSeq).toBe(
          22,
        );
        // Its online state is seen from the other instance.
        const [status] = await one.client.ok('/user/get_users_online_status', { userIDs: ['ben'] }, one.adminToken);
        expect(status).toMatchObject({ status: 1, detailPlatformStatus: [{ platformID: 3 }] });
        await again.close();
      },
    );
  },
);
