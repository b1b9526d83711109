// A property of sending: however many senders race into however many conversations (on
// PostgreSQL, through two instances on one database), every conversation's seqs are exactly
// 1..k, and every accepted message is stored once — resends of a clientMsgID included.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { messageViolations } from './db-invariants.js';
import { createGroup, startServer, TEST_ENGINE, type TestServer } from './harness.js';

let a: TestServer;
let b: TestServer;
let run = 0;

beforeAll(async () => {
  a = await startServer();
  // On PostgreSQL a second instance on the same database; on SQLite one process owns the file.
  b = TEST_ENGINE === 'postgres' ? await startServer({ database: a.database }) : a;
});
afterAll(async () => {
  if (b !== a) await b.close();
  await a.close();
});

it('keeps every conversation numbered 1..k with each accepted message stored once', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }), // groups
      fc.integer({ min: 2, max: 5 }), // senders
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { minLength: 5, maxLength: 40 }),
      async (groupCount, senderCount, sends) => {
        const r = ++run;
        const senders = Array.from({ length: senderCount }, (_, i) => `ms${r}s${i}`);
        await a.register(...senders);
        const groups: string[] = [];
        for (let g = 0; g < groupCount; g++)
          groups.push((await createGroup(a, { owner: senders[0]!, members: senders.slice(1) })).groupID);
        // Each send, and now and then the same clientMsgID again at once (a client retrying).
        // Conversation `groupCount` is the one-to-one one of the first two senders.
        const attempts = sends.flatMap(([who, where, resend], i) => {
          const sendID = senders[who % senderCount]!;
          const to = where % (groupCount + 1);
          const body = {
            sendID: to < groupCount ? sendID : senders[who % 2]!,
            ...(to < groupCount
              ? { groupID: groups[to]!, sessionType: 3 }
              : { recvID: senders[1 - (who % 2)]!, sessionType: 1 }),
            contentType: 101,
            content: { content: `m${i}` },
            clientMsgID: `r${r}-${i}`,
          };
          return resend ? [body, body] : [body];
        });
        const answers = await Promise.all(
          attempts.map((body, i) => (i % 2 ? b : a).client.ok('/msg/send_msg', body, (i % 2 ? b : a).adminToken)),
        );
        const accepted = new Set(answers.map((x) => x.clientMsgID));
        expect(accepted.size).toBe(sends.length);
        const [x, y] = [senders[0]!, senders[1]!].sort();
        for (const conversationID of [...groups.map((g) => `sg_${g}`), `si_${x}_${y}`]) {
          const rows = await a.query<{ seq: number; client_msg_id: string }>(
            `SELECT seq, client_msg_id FROM messages WHERE conversation_id = '${conversationID}' ORDER BY seq`,
          );
          expect(rows.map((x) => Number(x.seq))).toEqual(rows.map((_, i) => i + 1));
          expect(new Set(rows.map((x) => x.client_msg_id)).size).toBe(rows.length);
        }
        const stored = await a.query<{ n: number }>(
          `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM messages WHERE client_msg_id LIKE 'r${r}-%'`,
        );
        expect(stored[0]!.n).toBe(sends.length);
        // Both answers of a resend name the same stored message.
        const bySeq = new Map<string, number>();
        for (const x of answers) {
          const seen = bySeq.get(x.clientMsgID);
          if (seen !== undefined) expect(x.seq).toBe(seen);
          bySeq.set(x.clientMsgID, x.seq);
        }
      },
    ),
    { numRuns: 8, seed: 20261202 },
  );
  expect(await messageViolations(a.query)).toEqual([]);
});
