// What keeping a before-callback decision costs (callbacks/decision-recorder.ts), by hand:
//   node --conditions=source --import tsx bench/decision-recording.ts [sqlite|postgres://…]
// Two figures per engine: the synchronous part an operation pays inside its before-callback
// (record(): build the row, queue it), and the whole cost per decision on the event loop once the
// batched writes are counted too (record() + insert, until close() has written everything). For
// scale: a before-callback round trip to a business server on 127.0.0.1 is about 0.3–1 ms.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { DecisionRecorder } from '../packages/server/src/callbacks/decision-recorder.js';
import type { BeforeObservation } from '../packages/server/src/callbacks/dispatcher.js';
import { openStore } from '../packages/server/src/storage/open.js';

const N = Number(process.env.DECISIONS ?? 20_000);
const ROUNDS = 3;
const target = process.argv[2] ?? 'sqlite';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-decisions-'));
const database = target === 'sqlite' ? path.join(dir, 'huddle.db') : target;

const answer = JSON.stringify({ actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0, groupName: 'x' });
const observation = (i: number): BeforeObservation => ({
  hook: 'beforeCreateGroup',
  outcome: 'allow',
  durationMs: 0.6,
  time: Date.now(),
  endpoint: 'default',
  command: 'callbackBeforeCreateGroupCommand',
  url: 'http://127.0.0.1:10008/callbackExample/callbackBeforeCreateGroupCommand?contenttype=json',
  groupID: `g${i}`,
  operationID: `op-${i}`,
  failedContinue: true,
  verdict: { kind: 'allow', modification: { groupName: 'x' } },
  response: { statusCode: 200, body: answer, durationMs: 0.6, error: '', retryAfter: undefined },
});

const store = await openStore(database, { poolSize: 4 });
const logger = pino({ level: 'warn' });
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const recorder = new DecisionRecorder((batch) => store.tx((tx) => tx.decisions.insert(batch)), logger, N);
    const cpu = process.cpuUsage();
    const started = performance.now();
    let syncMs = 0;
    // In bursts of 100, as concurrent requests would: each burst's rows go out in the next write.
    for (let i = 0; i < N; i += 100) {
      const t = performance.now();
      for (let j = i; j < i + 100; j++) recorder.record(observation(j));
      syncMs += performance.now() - t;
      await new Promise((r) => setImmediate(r));
    }
    await recorder.close();
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    console.log(
      `${store.engine} round ${round}: record() ${((syncMs * 1000) / N).toFixed(2)} µs/decision; ` +
        `with the writes ${((wallMs * 1000) / N).toFixed(1)} µs/decision wall, ` +
        `${(((used.user + used.system) / N) * 1).toFixed(1)} µs/decision CPU (${N} decisions, dropped ${recorder.dropped})`,
    );
  }
} finally {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
