// The business server for the callback benchmarks: bare node:http that answers every callback with
// OpenIM's "continue" answer, either at once or after a fixed delay. Run as its own process by
// bench/run.ts:   node --import tsx bench/receiver.ts   (env RECEIVER_PORT)
//
// Callbacks are any POST outside /__bench/. For each one it records the `webhook-id` (to count
// duplicates) and, by group, the arrival order of `command:userID` (to check commit order per group).
// The bench drives it through a few control calls (POST, JSON):
//   /__bench/reset  {delayMs, hold}  forget everything; answer after delayMs; hold = keep every
//                                    callback open (unanswered) until /__bench/open
//   /__bench/open                    release the held callbacks (each answered delayMs from now)
//   /__bench/stats                   counters and timings (ms on this process's performance.now())
//   /__bench/report                  the per-group arrival order and a sample of duplicate IDs

import http from 'node:http';
import type { Socket } from 'node:net';

const port = Number(process.env.RECEIVER_PORT ?? 0);
const ANSWER = '{"actionCode":0,"errCode":0,"errMsg":"","errDlt":"","nextCode":0}';
const ANSWER_HEADERS = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(ANSWER)) };

/** Short names for the per-group order lists. */
const SHORT: Record<string, string> = {
  callbackAfterMemberJoinGroupCommand: 'MJ',
  callbackAfterJoinGroupCommand: 'J',
  callbackAfterQuitGroupCommand: 'Q',
};

let delayMs = 0;
let hold = false;
let held: http.ServerResponse[] = [];
let openedAt: number | undefined;
let received = 0;
let answered = 0;
let duplicates = 0;
let inFlight = 0;
let maxInFlight = 0;
let badBodies = 0;
let unsigned = 0;
let firstReceivedAt: number | undefined;
let lastReceivedAt: number | undefined;
let answerTimes: number[] = [];
let seen = new Set<string>();
let duplicateIDs: string[] = [];
let byCommand = new Map<string, number>();
let perGroup = new Map<string, string[]>();

function reset(): void {
  for (const res of held) res.destroy();
  held = [];
  openedAt = undefined;
  received = answered = duplicates = badBodies = unsigned = 0;
  maxInFlight = inFlight;
  firstReceivedAt = lastReceivedAt = undefined;
  answerTimes = [];
  seen = new Set();
  duplicateIDs = [];
  byCommand = new Map();
  perGroup = new Map();
}

function answer(res: http.ServerResponse): void {
  if (res.destroyed) return;
  res.writeHead(200, ANSWER_HEADERS).end(ANSWER);
  answered++;
  answerTimes.push(performance.now());
}

function schedule(res: http.ServerResponse): void {
  if (delayMs > 0) setTimeout(answer, delayMs, res);
  else answer(res);
}

function record(req: http.IncomingMessage, raw: string): void {
  const now = performance.now();
  received++;
  firstReceivedAt ??= now;
  lastReceivedAt = now;
  const command = (req.url ?? '').split('?')[0]!.split('/').pop() ?? '';
  byCommand.set(command, (byCommand.get(command) ?? 0) + 1);
  if (!req.headers['webhook-signature']) unsigned++;
  const id = String(req.headers['webhook-id'] ?? '');
  if (id && seen.has(id)) {
    duplicates++;
    if (duplicateIDs.length < 20) duplicateIDs.push(id);
    return;
  }
  if (id) seen.add(id);
  let body: { groupID?: unknown; userID?: unknown; inviterUserID?: unknown } | undefined;
  try {
    body = JSON.parse(raw);
  } catch {
    badBodies++;
    return;
  }
  const groupID = typeof body?.groupID === 'string' ? body.groupID : '';
  if (!groupID) return;
  // afterJoinGroup names the joiner in inviterUserID (as OpenIM does).
  const user =
    typeof body?.userID === 'string' ? body.userID : typeof body?.inviterUserID === 'string' ? body.inviterUserID : '';
  let list = perGroup.get(groupID);
  if (!list) perGroup.set(groupID, (list = []));
  list.push(`${SHORT[command] ?? command}:${user}`);
}

function stats() {
  // Delivered/s over the middle 80 % of the answers: the steady rate, without ramp-up and tail.
  const n = answerTimes.length;
  let steadyPerSec: number | undefined;
  if (n >= 20) {
    const a = answerTimes[Math.floor(n * 0.1)]!;
    const b = answerTimes[Math.floor(n * 0.9)]!;
    if (b > a) steadyPerSec = Math.round(((Math.floor(n * 0.9) - Math.floor(n * 0.1)) / (b - a)) * 1000);
  }
  return {
    now: performance.now(),
    delayMs,
    hold,
    held: held.length,
    received,
    answered,
    unique: seen.size,
    duplicates,
    badBodies,
    unsigned,
    inFlight,
    maxInFlight,
    openedAt,
    firstReceivedAt,
    lastReceivedAt,
    firstAnswerAt: answerTimes[0],
    lastAnswerAt: answerTimes[n - 1],
    steadyPerSec,
    byCommand: Object.fromEntries(byCommand),
  };
}

function control(path: string, body: any): unknown {
  switch (path) {
    case '/__bench/reset':
      reset();
      delayMs = Math.max(0, Number(body?.delayMs ?? 0));
      hold = Boolean(body?.hold);
      return stats();
    case '/__bench/open': {
      hold = false;
      openedAt = performance.now();
      const list = held;
      held = [];
      for (const res of list) schedule(res);
      return stats();
    }
    case '/__bench/stats':
      return stats();
    case '/__bench/report':
      return { perGroup: Object.fromEntries(perGroup), duplicateIDs };
    default:
      return undefined;
  }
}

const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').split('?')[0]!;
    if (path.startsWith('/__bench/')) {
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        body = {};
      }
      const out = control(path, body);
      const text = JSON.stringify(
        out === undefined ? { errCode: 404 } : { errCode: 0, errMsg: '', errDlt: '', data: out },
      );
      res.writeHead(out === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(text);
      return;
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => inFlight--);
    record(req, raw);
    if (hold) held.push(res);
    else schedule(res);
  });
});
const sockets = new Set<Socket>();
server.on('connection', (s: Socket) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});

server.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  console.log(`receiver listening on ${typeof addr === 'object' && addr ? addr.port : addr}`);
});
const stop = () => {
  for (const s of sockets) s.destroy();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
