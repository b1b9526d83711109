// Scenario 7 (issue 14; BENCH_SCENARIOS=messages, not in the default set): on SQLite and on
// PostgreSQL, /msg/send_msg into 100 groups of 100 members as messages/s, beside the same inserts
// done bare on the same engine in the same run (the ratio is huddle's overhead); then the newest 100
// of a long conversation through /msg/pull_msg_by_seq.

import type { Api } from '../lib/api.js';
import { type Huddle, ids, type ServerRecord, startHuddle, stopHuddle } from '../lib/huddle.js';
import { type MessageTables, postgresTables, type SeqFigures, sqliteTables } from '../lib/message-tables.js';
import { type PhaseResult, runPhase } from '../lib/phase.js';
import { withBenchDatabase } from '../lib/postgres.js';
import { type ErrorKind, Recorder } from '../lib/recorder.js';
import { defineScenario } from '../lib/scenario.js';
import { CONCURRENCY, MSG_PULL_CALLS, MSG_SEED, PG_ADMIN_URL_SHOWN } from '../lib/settings.js';
import { type LatencySummary, round, summarize } from '../lib/stats.js';
import { type LoopResult, timedLoop } from '../lib/timed-loop.js';
import { type Verified, verify } from '../lib/verify.js';
import { tmpPath } from '../lib/workdir.js';

const GROUPS = 100;
const MEMBERS = 100;
/** The newest this many of the long conversation are pulled. */
const PULL_NUM = 100;

export const messages = defineScenario({
  name: 'messages',
  measures:
    'send_msg into 100 groups of 100 ÷ bare inserts, SQLite and PostgreSQL; newest-100 pull of a long conversation',
  // It needs a PostgreSQL server (as pg does) and takes about 2½ minutes more.
  byDefault: false,
  uses: [],
  async run(ctx) {
    console.log(
      `messages: ${GROUPS} groups of ${MEMBERS}, send_msg vs bare inserts, then a ${MSG_SEED.toLocaleString('en-US')}-message conversation (PostgreSQL: ${PG_ADMIN_URL_SHOWN}):`,
    );
    const dropped: string[] = [];
    const sqlite = await engineRun(
      {
        engine: 'SQLite',
        label: 'huddle-msgs-sqlite',
        prefix: 'ms',
        tables: () => sqliteTables(tmpPath('huddle-msgs-sqlite.db'), false),
        bare: () => sqliteTables(tmpPath('bare-msgs.db'), true),
        bareConcurrency: 1,
      },
      ctx.servers,
    );
    const postgres = await withBenchDatabase(dropped, (hdb) =>
      withBenchDatabase(dropped, (bdb) =>
        engineRun(
          {
            engine: 'PostgreSQL',
            label: 'huddle-msgs-pg',
            prefix: 'mp',
            database: hdb.url,
            tables: () => postgresTables(hdb.url, false, 2),
            bare: () => postgresTables(bdb.url, true, CONCURRENCY),
            bareConcurrency: CONCURRENCY,
          },
          ctx.servers,
        ),
      ),
    );
    const result: MessagesResult = { engines: [sqlite, postgres], databasesDropped: dropped };
    return { phases: [sqlite.send, postgres.send], kind: 'throughput', result };
  },
});

export interface PullFigures extends Verifiable {
  conversationMessages: number;
  seedSeconds: number;
  calls: number;
  latencyMs: LatencySummary;
}

/** Checks the report prints, with the errors behind them. */
export type Verifiable = Verified & { errorKinds: ErrorKind[] };

export interface EngineRun {
  engine: string;
  send: PhaseResult;
  bare: LoopResult & Verifiable;
  /** huddle's messages/s ÷ the bare loop's. */
  ratio: number;
  pull: PullFigures;
}

export interface MessagesResult {
  engines: EngineRun[];
  databasesDropped: string[];
}

interface Engine {
  engine: string;
  /** The huddle child's label (its SQLite file is named after it). */
  label: string;
  /** Of its user IDs. */
  prefix: string;
  /** A postgres:// URL; none: a SQLite file in the temp dir. */
  database?: string;
  /** huddle's own tables, opened once it has migrated them. */
  tables(): Promise<MessageTables>;
  /** The bare loop's database, migrated on opening. */
  bare(): Promise<MessageTables>;
  /** better-sqlite3 is synchronous: one loop; PostgreSQL: as many as the HTTP load. */
  bareConcurrency: number;
}

/** The three parts on one engine, against a huddle of its own. */
async function engineRun(e: Engine, servers: ServerRecord[]): Promise<EngineRun> {
  const h = await startHuddle(e.label, {}, { database: e.database });
  const opened: MessageTables[] = [];
  try {
    const tables = await e.tables();
    opened.push(tables);
    const bare = await e.bare();
    opened.push(bare);
    const groups = await setupGroups(h, e.prefix);
    const send = await sendPhase(e.engine, h, tables, groups);
    const bareRun = await bareLoop(e.engine, bare, groups, e.bareConcurrency);
    const pull = await pullLatency(h, tables, groups[0]!);
    return { engine: e.engine, send, bare: bareRun, ratio: round(send.opsPerSec / bareRun.opsPerSec, 3), pull };
  } finally {
    for (const t of opened) await t.close();
    await stopHuddle(h, e.label, servers);
  }
}

interface Group {
  groupID: string;
  members: string[];
}

/** GROUPS groups of MEMBERS distinct users each, made through the API (the owner plus 99 memberUserIDs). */
async function setupGroups(h: Huddle, prefix: string): Promise<Group[]> {
  const users = ids(prefix, GROUPS * MEMBERS);
  await h.register(users);
  const groups: Group[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const members = users.slice(g * MEMBERS, (g + 1) * MEMBERS);
    const data = await h.api.ok<{ groupInfo: { groupID: string; memberCount: number } }>(
      '/group/create_group',
      {
        ownerUserID: members[0],
        adminUserIDs: [],
        memberUserIDs: members.slice(1),
        groupInfo: { groupID: '', groupName: `messages ${g}`, groupType: 2, needVerification: 0 },
      },
      h.adminToken,
    );
    if (data.groupInfo.memberCount !== MEMBERS)
      throw new Error(`group ${g}: memberCount ${data.groupInfo.memberCount}`);
    groups.push({ groupID: data.groupInfo.groupID, members });
  }
  // A group's first message also gives its 100 members their conversation rows (and sync-log
  // entries): a one-off that would be 100 of a few hundred measured sends on a busy machine.
  for (const g of groups) await sendText(h.api, h.adminToken, g.members[0]!, g.groupID, 'first');
  return groups;
}

/** A setup send (outside any measured phase); it must succeed as seq 1 of a new conversation. */
async function sendText(api: Api, token: string, sendID: string, groupID: string, text: string): Promise<void> {
  const data = await api.ok<{ seq: number }>(
    '/msg/send_msg',
    { sendID, groupID, sessionType: 3, contentType: 101, content: { content: text } },
    token,
  );
  if (data.seq !== 1) throw new Error(`the first message of group ${groupID} got seq ${data.seq}`);
}

/** The conversation holds exactly seqs 1..k, and its counter says k. */
const holdsOneTo = (s: SeqFigures & { counterMaxSeq: number }, k: number) =>
  s.count === k && s.counterMaxSeq === k && (k === 0 || (s.minSeq === 1 && s.maxSeq === k));

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

/** The app admin sends texts as random members of random groups; checks every seq afterwards. */
async function sendPhase(engine: string, h: Huddle, tables: MessageTables, groups: Group[]): Promise<PhaseResult> {
  // Seq 1 of each group was sent in the setup.
  const seqsBy = new Map(groups.map((g) => [g.groupID, [1]]));
  const { result } = await runPhase(`send_msg ${engine}`, 'msgs/s', h.api, h.child.proc.pid, async (rec, _w, seq) => {
    const g = pick(groups);
    const body = JSON.stringify({
      sendID: pick(g.members),
      groupID: g.groupID,
      sessionType: 3,
      contentType: 101,
      content: { content: `bench message ${seq}` },
    });
    const data = await rec.call('/msg/send_msg', body, h.adminToken, (d) =>
      Number.isInteger(d?.seq) && d.seq > 0 ? undefined : `seq ${d?.seq}`,
    );
    if (data === undefined) return false;
    seqsBy.get(g.groupID)!.push(data.seq);
    return true;
  });
  verify(result, result.errors === 0, `every send_msg returned errCode 0 with a seq (${result.errors} errors)`);
  const answered = [...seqsBy.values()].reduce((n, s) => n + s.length, 0);
  const gapless = groups.filter((g) => {
    const s = seqsBy.get(g.groupID)!.sort((a, b) => a - b);
    return s.every((x, i) => x === i + 1);
  }).length;
  verify(
    result,
    gapless === groups.length,
    `the seqs answered (${answered}, with the warm-up and the setup's seq 1) are 1..k in each group: ${gapless}/${groups.length} groups`,
  );
  const stored = await tables.seqs(groups.map((g) => `sg_${g.groupID}`));
  const good = groups.filter((g) => {
    const s = stored.get(`sg_${g.groupID}`)!;
    const k = seqsBy.get(g.groupID)!.length;
    return holdsOneTo(s, k);
  }).length;
  verify(
    result,
    good === groups.length,
    `in the database each conversation holds seqs 1..maxSeq (count = maxSeq = sends answered): ${good}/${groups.length}`,
  );
  return result;
}

/** The same inserts, bare, on a database of their own: one message per transaction, spread over the groups. */
async function bareLoop(
  engine: string,
  bare: MessageTables,
  groups: Group[],
  concurrency: number,
): Promise<LoopResult & Verifiable> {
  const counts = new Map(groups.map((g) => [g.groupID, 0]));
  let n = 0;
  const loop = await timedLoop(`bare inserts ${engine}`, concurrency, async () => {
    const g = pick(groups);
    await bare.insert({
      conversationID: `sg_${g.groupID}`,
      groupID: g.groupID,
      sendID: pick(g.members),
      text: `bench message ${n++}`,
    });
    counts.set(g.groupID, counts.get(g.groupID)! + 1);
  });
  const out = {
    ...loop,
    verification: [],
    verified: true,
    errorKinds: loop.errorSample ? [{ kind: 'insert failed', count: loop.errors, sample: loop.errorSample }] : [],
  };
  verify(out, loop.errors === 0, `every bare insert committed (${loop.errors} errors)`);
  const stored = await bare.seqs(groups.map((g) => `sg_${g.groupID}`));
  const good = groups.filter((g) => {
    const s = stored.get(`sg_${g.groupID}`)!;
    const k = counts.get(g.groupID)!;
    return holdsOneTo(s, k);
  }).length;
  verify(out, good === groups.length, `each bare conversation holds seqs 1..maxSeq: ${good}/${groups.length}`);
  return out;
}

/**
 * A fresh group gets one message through the API (which gives each member a conversation row), then
 * MSG_SEED − 1 bare inserts into huddle's own tables; a member pulls the newest PULL_NUM, MSG_PULL_CALLS times.
 */
async function pullLatency(h: Huddle, tables: MessageTables, like: Group): Promise<PullFigures> {
  const members = like.members.map((u) => `${u}p`);
  await h.register(members);
  const created = await h.api.ok<{ groupInfo: { groupID: string } }>(
    '/group/create_group',
    {
      ownerUserID: members[0],
      adminUserIDs: [],
      memberUserIDs: members.slice(1),
      groupInfo: { groupID: '', groupName: 'messages pull', groupType: 2, needVerification: 0 },
    },
    h.adminToken,
  );
  const groupID = created.groupInfo.groupID;
  const conversationID = `sg_${groupID}`;
  await sendText(h.api, h.adminToken, members[0]!, groupID, 'first');
  process.stdout.write(`  seeding ${conversationID} to ${MSG_SEED.toLocaleString('en-US')} messages ... `);
  const t0 = performance.now();
  await tables.seed({ conversationID, groupID, sendID: members[1]!, text: 'seeded' }, MSG_SEED - 1);
  const seedSeconds = round((performance.now() - t0) / 1000, 1);
  console.log(`${seedSeconds} s`);

  const reader = members[MEMBERS - 1]!;
  const maxSeq = MSG_SEED;
  const expected = Array.from({ length: Math.min(PULL_NUM, maxSeq) }, (_, i) => maxSeq - PULL_NUM + 1 + i);
  const body = JSON.stringify({
    userID: reader,
    seqRanges: [{ conversationID, begin: 0, end: maxSeq, num: PULL_NUM }],
    order: 0,
  });
  const rec = new Recorder(h.api);
  const check = (d: any) => {
    const got: number[] = d?.msgs?.[conversationID]?.Msgs?.map((m: { seq: number }) => m.seq) ?? [];
    return got.length === expected.length && got.every((s, i) => s === expected[i])
      ? undefined
      : `seqs ${got.length ? `${got[0]}..${got[got.length - 1]} (${got.length})` : 'none'}`;
  };
  process.stdout.write(
    `  pull_msg_by_seq, newest ${PULL_NUM} of ${maxSeq.toLocaleString('en-US')}: 10 warm-up + ${MSG_PULL_CALLS} calls, one at a time ... `,
  );
  for (let i = 0; i < 10; i++) await rec.call('/msg/pull_msg_by_seq', body, h.adminToken, check);
  rec.measuring = true;
  for (let i = 0; i < MSG_PULL_CALLS; i++) await rec.call('/msg/pull_msg_by_seq', body, h.adminToken, check);
  rec.measuring = false;
  const latencyMs = summarize(rec.lat);
  console.log(`p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms, ${rec.errorCount} errors`);
  const pull: PullFigures = {
    conversationMessages: maxSeq,
    seedSeconds,
    calls: MSG_PULL_CALLS,
    latencyMs,
    verification: [],
    verified: true,
    errorKinds: rec.errorKinds(),
  };
  const [stored] = (await tables.seqs([conversationID])).values();
  verify(
    pull,
    holdsOneTo(stored!, maxSeq),
    `the conversation holds seqs 1..${maxSeq} (${stored!.count} rows, counter ${stored!.counterMaxSeq})`,
  );
  verify(
    pull,
    rec.errorCount === 0,
    `every pull returned errCode 0 and exactly seqs ${expected[0]}..${maxSeq} in order (${rec.errorCount} errors)`,
  );
  return pull;
}
