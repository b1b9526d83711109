// A small business server for the delivery tests: node:http on 127.0.0.1, recording every request
// and answering as the test's `answer` function says. It can go down (refusing connections, open
// requests cut) and come back on the same port.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { HOOKS, type AfterHookKey } from '@huddle/protocol';
import { stringify } from 'yaml';
import type { NewEvent } from '../src/storage/records.js';

export interface Hit {
  path: string;
  query: string;
  command: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
  receivedAt: number;
  answeredAt?: number;
}

export interface Reply {
  status?: number;
  /** A string goes out as it is; anything else as JSON. Default {actionCode: 0, errCode: 0}. */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

export interface Sink {
  url: string;
  port: number;
  hits: Hit[];
  /** Decides each answer; the default is an immediate 200 with actionCode 0. */
  answer: (hit: Hit) => Reply;
  /** Requests open right now. */
  open: number;
  /** Most requests open at once since the last reset. */
  maxOpen: number;
  /** Resolves with the hits matching `match` once there are at least `n`. */
  waitFor(n: number, match?: (h: Hit) => boolean, ms?: number): Promise<Hit[]>;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export const OK = { actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0 };

export async function startSink(): Promise<Sink> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const [p, q = ''] = (req.url ?? '').split('?', 2);
      const hit: Hit = { path: p!, query: q, command: p!.split('/').pop()!, headers: req.headers, raw, body, receivedAt: Date.now() };
      sink.hits.push(hit);
      sink.open++;
      sink.maxOpen = Math.max(sink.maxOpen, sink.open);
      const reply = sink.answer(hit);
      const respond = () => {
        sink.open--;
        if (res.destroyed) return;
        hit.answeredAt = Date.now();
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? OK);
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers }).end(text);
      };
      if (reply.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          respond();
        }, reply.delayMs);
        timers.add(t);
        res.on('close', () => {
          if (timers.delete(t)) {
            clearTimeout(t);
            sink.open--;
          }
        });
      } else respond();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  const sink: Sink = {
    url: `http://127.0.0.1:${port}/cb`,
    port,
    hits: [],
    answer: () => ({}),
    open: 0,
    maxOpen: 0,
    async waitFor(n, match = () => true, ms = 8000) {
      const until = Date.now() + ms;
      for (;;) {
        const found = sink.hits.filter(match);
        if (found.length >= n) return found;
        if (Date.now() > until) throw new Error(`sink: expected ${n} matching requests, got ${found.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async down() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    async up() {
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      if (server.listening) await sink.down();
    },
  };
  return sink;
}

/** Writes a webhooks YAML file and returns its path. */
export function writeWebhooks(dir: string, doc: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'webhooks.yml');
  fs.writeFileSync(file, stringify(doc));
  return file;
}

let counter = 0;

/** An outbox row as CallbackHooks.after writes it, for enqueuing directly. */
export function newEvent(groupID: string, hook: AfterHookKey = 'afterQuitGroup', extra: Record<string, unknown> = {}): NewEvent {
  const n = ++counter;
  const id = `evt_test_${process.pid}_${n}`;
  return {
    id,
    hook,
    endpoint: 'default',
    command: HOOKS[hook].openim.command,
    orderingKey: groupID,
    operationID: `op-${id}`,
    payload: JSON.stringify({ callbackCommand: HOOKS[hook].openim.command, groupID, userID: `u${n}`, n, ...extra }),
    createdAt: Date.now(),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, ms = 8000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(15);
  }
}
