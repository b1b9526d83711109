// Fuzzing of the gateway's frames (fast-check), in both framings: well-formed requests with random
// identifiers and random protobuf bytes, requests as other users, frames cut short or with flipped
// bytes, random bytes, JSON of the wrong shape, gzip that is not gzip, text frames that are not
// heartbeats. After each run: the server answered every request it answered with an envelope whose
// errCode is not 500, never sent the fuzzing user another user's conversation, and still serves a
// fresh client.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { ReqIdentifier } from '../src/gateway/frames.js';
import { decode, encode } from '../src/wire/openim-proto.js';
import { createGroup, startServer, type TestServer } from './harness.js';
import { type ClientFraming, WsClient } from './gateway/ws-client.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

let s: TestServer;
let secretConversation: string;
let ownGroup: string;

beforeAll(async () => {
  s = await startServer();
  await s.register('fz', 'owner', 'other');
  ownGroup = (await createGroup(s, { owner: 'owner', members: ['fz'] })).groupID;
  const secret = (await createGroup(s, { owner: 'owner', members: ['other'] })).groupID;
  secretConversation = `sg_${secret}`;
  await s.client.ok(
    '/msg/send_msg',
    {
      sendID: 'owner',
      groupID: secret,
      sessionType: 3,
      contentType: 101,
      content: { content: 'secret' },
      clientMsgID: 'c-secret',
    },
    s.adminToken,
  );
});
afterAll(() => s?.close());

const IDS = [1001, 1002, 1003, 1005, 1006, 1007, 2003, 2004, 2005, 0, -1, 1004, 2001, 2002, 9999];

/** One frame of a run, as a recipe the client turns into bytes in its framing. */
type Step =
  | { kind: 'request'; id: number; data: Uint8Array; asOther: boolean }
  | { kind: 'valid'; id: number }
  | { kind: 'mangled'; id: number; cut: number; flips: number[] }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string };

const validData = (id: number): Uint8Array => {
  switch (id) {
    case 1001:
      return encode('openim.sdkws.GetMaxSeqReq', { userID: 'fz' });
    case 1002:
      return encode('openim.sdkws.PullMessageBySeqsReq', {
        userID: 'fz',
        seqRanges: [
          { conversationID: secretConversation, begin: 0, end: 10, num: 10 },
          { conversationID: `sg_${ownGroup}`, begin: 0, end: 10, num: 10 },
        ],
      });
    case 1005:
      return encode('openim.msg.GetSeqMessageReq', {
        userID: 'fz',
        conversations: [{ conversationID: secretConversation, seqs: [1, 2] }],
      });
    case 1007:
      return encode('openim.msg.GetLastMessageReq', {
        userID: 'fz',
        conversationIDs: [secretConversation, `sg_${ownGroup}`],
      });
    default:
      return encode('openim.msg.GetConversationsHasReadAndMaxSeqReq', { userID: 'fz', conversationIDs: [] });
  }
};

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('request' as const),
    id: fc.constantFrom(...IDS),
    data: fc.uint8Array({ maxLength: 300 }),
    asOther: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('valid' as const), id: fc.constantFrom(1001, 1002, 1005, 1006, 1007) }),
  fc.record({
    kind: fc.constant('mangled' as const),
    id: fc.constantFrom(1001, 1006, 1007),
    cut: fc.nat({ max: 200 }),
    flips: fc.array(fc.nat({ max: 400 }), { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 400 }) }),
  fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({
    kind: fc.constant('text' as const),
    text: fc.oneof(fc.string({ maxLength: 100 }), fc.constant('{"type":"ping"}')),
  }),
);

function bytesOf(c: WsClient, st: Step, n: number): { data: Buffer | string; binary: boolean } {
  switch (st.kind) {
    case 'request':
      return { data: c.encode(st.id, st.data, `f${n}`, st.asOther ? 'owner' : 'fz'), binary: true };
    case 'valid':
      return { data: c.encode(st.id, validData(st.id), `f${n}`), binary: true };
    case 'mangled': {
      const b = Buffer.from(c.encode(st.id, validData(st.id), `f${n}`));
      for (const f of st.flips) if (b.length) b[f % b.length] = b[f % b.length]! ^ 0x5a;
      return { data: b.subarray(0, Math.max(1, b.length - st.cut)), binary: true };
    }
    case 'bytes':
      return {
        data: c.framing === 'gob' && st.bytes[0]! % 2 ? gzipSync(st.bytes) : Buffer.from(st.bytes),
        binary: true,
      };
    case 'json':
      return { data: Buffer.from(JSON.stringify(st.value)), binary: true };
    case 'text':
      return { data: st.text, binary: false };
  }
}

it('survives random frames in both framings, answering or closing, and leaks nothing', async () => {
  let closes = 0;
  let answers = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<ClientFraming>('json', 'gob'),
      fc.array(step, { minLength: 1, maxLength: 12 }),
      async (framing, steps) => {
        const token = await s.tokenFor('fz', framing === 'json' ? 5 : 2);
        const { first, client } = await WsClient.connect(s.wsUrl, {
          userID: 'fz',
          token,
          framing,
          platformID: framing === 'json' ? 5 : 2,
        });
        expect(first.errCode).toBe(0);
        steps.forEach((st, i) => {
          const { data, binary } = bytesOf(client, st, i);
          client.ws.send(data, { binary });
        });
        // A last request that must be answered unless the connection was closed on the way.
        const probe = await client.request(ReqIdentifier.GetConvMaxReadSeq, validData(1006)).catch(() => undefined);
        if (probe) {
          expect(probe.errCode).toBe(0);
          expect(Object.keys(decode('openim.msg.GetConversationsHasReadAndMaxSeqResp', probe.data).seqs)).not.toContain(
            secretConversation,
          );
          await client.close();
        } else closes++;
        for (const r of [...client.frames, ...(probe ? [probe] : [])]) {
          answers++;
          expect(r.errCode, JSON.stringify({ ...r, data: undefined })).not.toBe(500);
          expect(Buffer.from(r.data).includes(Buffer.from('secret'))).toBe(false);
        }
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
  // The server still serves a fresh client, and both outcomes were exercised.
  const token = await s.tokenFor('other', 3);
  const { client } = await WsClient.connect(s.wsUrl, { userID: 'other', token, platformID: 3 });
  const r = await client.request(
    ReqIdentifier.GetConvMaxReadSeq,
    encode('openim.msg.GetConversationsHasReadAndMaxSeqReq', { userID: 'other' }),
  );
  expect(Object.keys(decode('openim.msg.GetConversationsHasReadAndMaxSeqResp', r.data).seqs)).toContain(
    secretConversation,
  );
  await client.close();
  expect(closes).toBeGreaterThan(0);
  expect(answers).toBeGreaterThan(0);
});
