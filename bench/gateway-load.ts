// A load client of the gateway scenarios, a child process driven over IPC (bench/lib/load-clients.ts):
// it holds its share of the connections, speaks JSON framing as the JS SDK does (sdkType=js), sends
// 1003 from the senders it is given, and checks every push (2001): per connection and conversation,
// seqs must come one by one (no loss, no duplicate, in order). The send time travels in the
// message's content; receipt minus send is the end-to-end latency, kept per tag (the instance the
// receiving connection is on) and, per message, the latest receipt.

import WebSocket from 'ws';
import { encode } from '../packages/server/src/wire/openim-proto.js';
import { readPush } from './lib/push-reader.js';

interface Conv {
  last: number;
  first: number | undefined;
  count: number;
  dups: number;
  gaps: number;
}

interface Conn {
  userID: string;
  tag: number;
  ws: WebSocket;
  convs: Map<string, Conv>;
  /** When this connection sends for a group. */
  sender?: Sender;
}

interface Sender {
  conn: Conn;
  groupID: string;
  conversationID: string;
  /** clientMsgID → what it still waits for (the 1003 answer, the push to the sender itself). */
  pending: Map<string, { answered: boolean; pushed: boolean }>;
  acked: number;
  done: number;
  errors: number;
  errorSample: string;
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
const nowMs = () => performance.timeOrigin + performance.now();

const conns: Conn[] = [];
const byMsgIncr = new Map<string, { sender: Sender; clientMsgID: string }>();
let senders: Sender[] = [];
let sending = false;
let window = 1;
let measuring = false;
let delivered = 0;
let latencies: number[][] = [];
/** conversation#seq → the latest receipt's latency, while measuring. */
let lastReceipt = new Map<string, number>();
let nextMsg = 0;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

function onPush(conn: Conn, data: Buffer): void {
  const t = nowMs();
  for (const m of readPush(data)) {
    delivered++;
    const conv = conn.convs.get(m.conversationID);
    if (conv) {
      if (conv.first === undefined) conv.first = m.seq;
      if (m.seq <= conv.last) conv.dups++;
      else if (m.seq !== conv.last + 1 && conv.count > 0) conv.gaps++;
      if (m.seq > conv.last) conv.last = m.seq;
      conv.count++;
    }
    if (measuring) {
      const ms = t - Number(JSON.parse(textDecoder.decode(m.content)).content);
      (latencies[conn.tag] ??= []).push(ms);
      const key = `${m.conversationID}#${m.seq}`;
      if ((lastReceipt.get(key) ?? -1) < ms) lastReceipt.set(key, ms);
    }
    const s = conn.sender?.conversationID === m.conversationID ? conn.sender : undefined;
    const p = s?.pending.get(m.clientMsgID);
    if (s && p) {
      p.pushed = true;
      settle(s, m.clientMsgID);
    }
  }
}

function onAnswer(msgIncr: string, errCode: number, errMsg: string): void {
  const entry = byMsgIncr.get(msgIncr);
  if (!entry) return;
  byMsgIncr.delete(msgIncr);
  const { sender, clientMsgID } = entry;
  const p = sender.pending.get(clientMsgID);
  if (!p) return;
  if (errCode !== 0) {
    sender.errors++;
    sender.errorSample ||= `${errCode} ${errMsg}`;
    sender.pending.delete(clientMsgID);
    next(sender);
    return;
  }
  sender.acked++;
  p.answered = true;
  settle(sender, clientMsgID);
}

/** A message is done once answered and pushed back to its sender; closed-loop senders send the next. */
function settle(s: Sender, clientMsgID: string): void {
  const p = s.pending.get(clientMsgID)!;
  if (!p.answered || !p.pushed) return;
  s.pending.delete(clientMsgID);
  s.done++;
  next(s);
}

function next(s: Sender): void {
  if (sending && window > 0) while (s.pending.size < window) send(s);
}

function send(s: Sender): void {
  const clientMsgID = `${s.conn.userID}-${++nextMsg}`;
  const msgIncr = `m${nextMsg}`;
  const t = nowMs();
  const data = encode('openim.sdkws.MsgData', {
    sendID: s.conn.userID,
    groupID: s.groupID,
    clientMsgID,
    sessionType: 3,
    msgFrom: 100,
    contentType: 101,
    content: textEncoder.encode(JSON.stringify({ content: String(t) })),
    senderPlatformID: 5,
    createTime: Math.floor(t),
  });
  s.pending.set(clientMsgID, { answered: false, pushed: false });
  byMsgIncr.set(msgIncr, { sender: s, clientMsgID });
  // A binary frame holding JSON, as the JS SDK sends requests (text frames carry only the heartbeat).
  const frame = JSON.stringify({
    reqIdentifier: 1003,
    msgIncr,
    sendID: s.conn.userID,
    operationID: `op-${msgIncr}`,
    data: Buffer.from(data).toString('base64'),
  });
  s.conn.ws.send(Buffer.from(frame), { binary: true });
}

function connect(c: { userID: string; token: string; url: string; tag: number; convs: string[] }): Promise<void> {
  const q = new URLSearchParams({
    sendID: c.userID,
    token: c.token,
    platformID: '5',
    operationID: `op-${c.userID}`,
    isBackground: 'false',
    isMsgResp: 'true',
    sdkType: 'js',
  });
  const ws = new WebSocket(`${c.url}/?${q}`, { perMessageDeflate: false });
  const conn: Conn = {
    userID: c.userID,
    tag: c.tag,
    ws,
    convs: new Map(c.convs.map((id) => [id, { last: 0, first: undefined, count: 0, dups: 0, gaps: 0 }])),
  };
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('message', (first) => {
      const r = JSON.parse(first.toString());
      if (r.errCode !== 0) return reject(new Error(`login refused: ${r.errCode} ${r.errMsg} ${r.errDlt}`));
      conns.push(conn);
      ws.on('message', (frame, isBinary) => {
        if (!isBinary) return;
        const r = JSON.parse(frame.toString());
        if (r.msgIncr) onAnswer(r.msgIncr, r.errCode, r.errMsg);
        else if (r.reqIdentifier === 2001) onPush(conn, Buffer.from(r.data, 'base64'));
      });
      resolve();
    });
  });
}

/** Waits (up to 20 s) until every connection reached `max` in each expected conversation, then checks them. */
async function collect(expect: Record<string, { min: number; max: number }>) {
  const deadline = Date.now() + 20_000;
  const behind = () =>
    conns.some((c) => Object.entries(expect).some(([id, e]) => (c.convs.get(id)?.last ?? e.max) < e.max));
  while (behind() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  let checked = 0;
  let lost = 0;
  let dups = 0;
  let gaps = 0;
  let wrongStart = 0;
  for (const c of conns)
    for (const [id, e] of Object.entries(expect)) {
      const v = c.convs.get(id);
      if (!v) continue;
      checked++;
      const want = e.max - e.min + 1;
      lost += Math.max(0, want - (v.count - v.dups));
      dups += v.dups;
      gaps += v.gaps;
      if (want > 0 && v.first !== e.min) wrongStart++;
    }
  return { checked, lost, dups, gaps, wrongStart };
}

const handlers: Record<string, (m: any) => Promise<unknown> | unknown> = {
  async connect(m: { conns: { userID: string; token: string; url: string; tag: number; convs: string[] }[] }) {
    // 50 at a time: a burst of thousands of upgrades only measures the listen backlog.
    for (let i = 0; i < m.conns.length; i += 50) await Promise.all(m.conns.slice(i, i + 50).map(connect));
    return { connections: conns.length };
  },
  start(m: { senders: { userID: string; groupID: string }[]; window: number; intervalMs: number }) {
    // Each process sends for the senders whose connection it holds.
    const mine = m.senders.flatMap((s) => {
      const conn = conns.find((c) => c.userID === s.userID);
      return conn ? [{ ...s, conn }] : [];
    });
    senders = mine.map((s) => ({
      conn: s.conn,
      groupID: s.groupID,
      conversationID: `sg_${s.groupID}`,
      pending: new Map(),
      acked: 0,
      done: 0,
      errors: 0,
      errorSample: '',
    }));
    for (const s of senders) s.conn.sender = s;
    sending = true;
    window = m.window;
    for (const s of senders) {
      if (window > 0) next(s);
      else {
        // Paced: each sender on its own timer, a random phase apart.
        const tick = () => {
          if (!sending) return;
          send(s);
          setTimeout(tick, m.intervalMs);
        };
        setTimeout(tick, Math.random() * m.intervalMs);
      }
    }
    return {};
  },
  async stop() {
    sending = false;
    const deadline = Date.now() + 20_000;
    while (senders.some((s) => s.pending.size > 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const out = senders.map((s) => {
      const conv = s.conn.convs.get(s.conversationID);
      return {
        groupID: s.groupID,
        acked: s.acked,
        done: s.done,
        unfinished: s.pending.size,
        errors: s.errors,
        errorSample: s.errorSample,
        first: conv?.first ?? 0,
        last: conv?.last ?? 0,
      };
    });
    for (const s of senders) s.conn.sender = undefined;
    senders = [];
    return { senders: out };
  },
  /** Resets the per-run checks (the seqs seen so far stay). */
  begin() {
    for (const c of conns)
      for (const v of c.convs.values()) Object.assign(v, { first: undefined, count: 0, dups: 0, gaps: 0 });
    return {};
  },
  measure(m: { on: boolean }) {
    measuring = m.on;
    if (m.on) {
      latencies = [];
      lastReceipt = new Map();
    }
    return {};
  },
  count() {
    return { delivered, done: senders.reduce((n, s) => n + s.done, 0) };
  },
  collect: (m: { expect: Record<string, { min: number; max: number }> }) => collect(m.expect),
  latencies() {
    return { latencies, lastReceipt: [...lastReceipt] };
  },
  async close() {
    const closing = conns.splice(0).map((c) => {
      const closed = new Promise<void>((resolve) => c.ws.once('close', () => resolve()));
      c.ws.close();
      return closed;
    });
    await Promise.all(closing);
    return {};
  },
};

// The SDK's heartbeat: a text ping now and then keeps a connection from being dropped as idle (30 s).
setInterval(() => {
  for (const c of conns) if (c.ws.readyState === WebSocket.OPEN) c.ws.send('{"type":"ping"}');
}, 10_000).unref();

process.on('message', async (m: { id: number; t: string }) => {
  try {
    process.send!({ id: m.id, ok: true, ...((await handlers[m.t]!(m)) as object) });
  } catch (err) {
    process.send!({ id: m.id, ok: false, error: (err as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
