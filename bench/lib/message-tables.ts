// Direct access to huddle's `messages` and `conversation_seqs` tables, without huddle: the bare
// inserts the messages scenario compares huddle's sends with, the seeding of a long conversation,
// and the seq checks afterwards. SQLite through better-sqlite3 (with huddle's pragmas), PostgreSQL
// through a pg Pool.

import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrateDatabase } from '../../packages/server/src/storage/migrate.js';

/** One message as the bench stores it: a text from `sendID` into a group conversation. */
export interface BareMessage {
  conversationID: string;
  groupID: string;
  sendID: string;
  text: string;
}

export interface SeqFigures {
  count: number;
  minSeq: number;
  maxSeq: number;
}

export interface MessageTables {
  /** One message in one transaction: the counter upsert, then the row; returns its seq. */
  insert(m: BareMessage): Promise<number>;
  /** Appends `n` messages to one conversation, in transactions of up to 500 rows (one statement each). */
  seed(m: BareMessage, n: number): Promise<void>;
  /** Per conversation: rows, lowest and highest seq stored, and conversation_seqs.max_seq. */
  seqs(conversationIDs: string[]): Promise<Map<string, SeqFigures & { counterMaxSeq: number }>>;
  close(): Promise<void>;
}

const COLUMNS = [
  'conversation_id',
  'seq',
  'server_msg_id',
  'client_msg_id',
  'send_id',
  'recv_id',
  'group_id',
  'session_type',
  'msg_from',
  'content_type',
  'content',
  'sender_platform_id',
  'sender_nickname',
  'sender_face_url',
  'send_time',
  'create_time',
  'status',
  'options',
  'offline_push_info',
  'at_user_ids',
  'attached_info',
  'ex',
] as const;
// Both engines cap bound values per statement (SQLite 32,766); 22 columns a row.
const ROWS_PER_STATEMENT = 500;

const hex = () => crypto.randomBytes(16).toString('hex');

/** The values of one row, shaped as huddle stores a /msg/send_msg text (session 3, content 101, MsgFrom 200). */
function rowValues(m: BareMessage, seq: number, now: number): unknown[] {
  return [
    m.conversationID,
    seq,
    hex(),
    hex(),
    m.sendID,
    '',
    m.groupID,
    3,
    200,
    101,
    JSON.stringify({ content: m.text }),
    0,
    '',
    '',
    now,
    0,
    2,
    '{}',
    '',
    '[]',
    '',
    '',
  ];
}

const upsertSql = (p: (i: number) => string) =>
  `INSERT INTO conversation_seqs (conversation_id, max_seq, max_seq_time, min_seq) VALUES (${p(1)}, ${p(2)}, ${p(3)}, 1)
   ON CONFLICT (conversation_id) DO UPDATE SET max_seq = conversation_seqs.max_seq + ${p(4)}, max_seq_time = ${p(5)}
   RETURNING max_seq`;

const insertSql = (rows: number, p: (i: number) => string) =>
  `INSERT INTO messages (${COLUMNS.join(', ')}) VALUES ${Array.from(
    { length: rows },
    (_, r) => `(${COLUMNS.map((_, c) => p(r * COLUMNS.length + c + 1)).join(', ')})`,
  ).join(', ')}`;

const seqsSql = (p: (i: number) => string) =>
  `SELECT s.conversation_id AS id, s.max_seq AS counter,
          (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = s.conversation_id) AS count,
          (SELECT MIN(seq) FROM messages m WHERE m.conversation_id = s.conversation_id) AS lo,
          (SELECT MAX(seq) FROM messages m WHERE m.conversation_id = s.conversation_id) AS hi
   FROM conversation_seqs s WHERE s.conversation_id = ${p(1)}`;

type SeqRow = {
  id: string;
  counter: number | string;
  count: number | string;
  lo: number | string;
  hi: number | string;
};
const toSeqs = (r: SeqRow) => ({
  count: Number(r.count),
  minSeq: Number(r.lo),
  maxSeq: Number(r.hi),
  counterMaxSeq: Number(r.counter),
});

/** huddle's tables in a SQLite file (created with huddle's migrations when `migrate`), opened as huddle opens it. */
export async function sqliteTables(file: string, migrate: boolean): Promise<MessageTables> {
  if (migrate) await migrateDatabase(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const q = () => '?';
  const upsert = db.prepare(upsertSql(q));
  const insertOne = db.prepare(insertSql(1, q));
  const insertMany = db.prepare(insertSql(ROWS_PER_STATEMENT, q));
  const one = db.transaction((m: BareMessage) => {
    const now = Date.now();
    const { max_seq: seq } = upsert.get(m.conversationID, 1, now, 1, now) as { max_seq: number };
    insertOne.run(rowValues(m, seq, now));
    return seq;
  });
  const batch = db.transaction((m: BareMessage, n: number) => {
    const now = Date.now();
    const { max_seq: last } = upsert.get(m.conversationID, n, now, n, now) as { max_seq: number };
    const values = Array.from({ length: n }, (_, i) =>
      rowValues({ ...m, text: `${m.text} ${i}` }, last - n + 1 + i, now),
    );
    (n === ROWS_PER_STATEMENT ? insertMany : db.prepare(insertSql(n, q))).run(values.flat());
  });
  const seqsOf = db.prepare(seqsSql(q));
  return {
    // better-sqlite3 is synchronous: the caller's loop runs these back to back.
    insert: async (m) => one.immediate(m),
    async seed(m, n) {
      for (let done = 0; done < n; done += ROWS_PER_STATEMENT)
        batch.immediate(m, Math.min(ROWS_PER_STATEMENT, n - done));
    },
    async seqs(ids) {
      return new Map(ids.map((id) => [id, toSeqs((seqsOf.get(id) as SeqRow | undefined) ?? emptyRow(id))]));
    },
    close: async () => {
      db.close();
    },
  };
}

const emptyRow = (id: string): SeqRow => ({ id, counter: 0, count: 0, lo: 0, hi: 0 });

/** huddle's tables in a PostgreSQL database (migrated with huddle's migrations when `migrate`), over `connections` clients. */
export async function postgresTables(url: string, migrate: boolean, connections: number): Promise<MessageTables> {
  if (migrate) await migrateDatabase(url);
  const pool = new pg.Pool({ connectionString: url, max: connections });
  pool.on('error', () => {});
  const q = (i: number) => `$${i}`;
  const upsert = upsertSql(q);
  const insertOne = insertSql(1, q);
  const inTransaction = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  };
  const append = (m: BareMessage, n: number) =>
    inTransaction(async (c) => {
      const now = Date.now();
      const { rows } = await c.query<{ max_seq: string }>(upsert, [m.conversationID, n, now, n, now]);
      const last = Number(rows[0]!.max_seq);
      const values = Array.from({ length: n }, (_, i) =>
        rowValues(n === 1 ? m : { ...m, text: `${m.text} ${i}` }, last - n + 1 + i, now),
      );
      await c.query(n === 1 ? insertOne : insertSql(n, q), values.flat());
      return last;
    });
  return {
    insert: (m) => append(m, 1),
    async seed(m, n) {
      for (let done = 0; done < n; done += ROWS_PER_STATEMENT) await append(m, Math.min(ROWS_PER_STATEMENT, n - done));
    },
    async seqs(ids) {
      const out = new Map<string, SeqFigures & { counterMaxSeq: number }>();
      for (const id of ids) {
        const { rows } = await pool.query<SeqRow>(seqsSql(q), [id]);
        out.set(id, toSeqs(rows[0] ?? emptyRow(id)));
      }
      return out;
    },
    close: () => pool.end(),
  };
}
