// A real business server for tests: node:http on 127.0.0.1, recording every callback it receives and
// answering each OpenIM command as the test scripts it. It can go down (refusing connections) and
// come back up on the same port, so delivery retries can be tested against a real socket.
//
//   const receiver = await startReceiver();
//   writeWebhooksYaml(dir, { url: receiver.url, hooks: { afterQuitGroup: { enable: true } } });
//   receiver.answer('callbackBeforeSetGroupMemberInfoCommand', [{ status: 500 }, { body: { actionCode: 0, nextCode: 1, errCode: 5001 } }]);
//   const [req] = await receiver.waitForCount(1, 'callbackAfterQuitGroupCommand');
//   receiver.answer('*', (req) => (req.body?.groupID === 'g1' ? { status: 500 } : {}));
//   const fromG1 = await receiver.waitForCount(2, (req) => req.body?.groupID === 'g1');

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';

/** What an OpenIM business server answers when it has nothing to say: continue, unchanged. */
export const DEFAULT_ANSWER = { actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0 } as const;
/** The same in Tencent's dialect (requests with `CallbackCommand` in the query string). */
export const TENCENT_DEFAULT_ANSWER = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' } as const;

/** The path prefix of `receiver.url`, as in OpenIM's default `http://127.0.0.1:10006/callbackExample`. */
export const BASE_PATH = '/callbackExample';

export interface ReceivedRequest {
  /** Arrival order over the receiver's life, from 1. */
  seq: number;
  method: string;
  /** The path without the query string, e.g. `/callbackExample/callbackAfterQuitGroupCommand`. */
  path: string;
  /** The OpenIM command (the last path segment), or Tencent's `CallbackCommand` query parameter. */
  command: string;
  query: Record<string, string>;
  /** The query string exactly as it came, without the `?` (`''` when there is none). */
  rawQuery: string;
  /** Header names are lower-case (node:http). */
  headers: http.IncomingHttpHeaders;
  /** The body exactly as received (UTF-8), for signature checks. */
  raw: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  body: any;
  /** Date.now() when the request's headers arrived. */
  receivedAt: number;
  /** Date.now() when the answer was sent (unset while pending, or when the answer never went out). */
  answeredAt?: number;
  /** The HTTP status answered; unset while pending or when the connection was dropped. */
  status?: number;
  /** The TCP connection it came on, numbered from 1 in accept order (keep-alive reuse shows here). */
  connection: number;
}

export interface Answer {
  /** Default 200. */
  status?: number;
  /**
   * Default DEFAULT_ANSWER. A string is sent as it is (for non-JSON answers); anything else as JSON.
   * `null` sends the JSON text `null`.
   */
  body?: unknown;
  /** Wait this long before answering (the request stays open: use it for timeouts). */
  delayMs?: number;
  headers?: Record<string, string>;
  /** Destroy the connection instead of answering (after delayMs). */
  drop?: boolean;
  /**
   * Writes the answer itself (after delayMs), for answers no status and body describe: trickled,
   * endless or cut off mid-body. The request counts as answered when the connection closes.
   */
  raw?: (res: http.ServerResponse) => void;
}

/** A fixed answer, or one computed from the request. */
export type AnswerSpec = Answer | ((req: ReceivedRequest) => Answer | Promise<Answer>);

/** Which requests: those for one command, or those a predicate picks. */
export type RequestMatch = string | ((req: ReceivedRequest) => boolean);

interface Script {
  answers: AnswerSpec[];
  next: number;
}

export interface Receiver {
  /** Base URL for webhooks.yml's `url`; callbacks arrive at `${url}/${command}`. */
  readonly url: string;
  readonly port: number;
  /** Whether the listener is accepting connections (false between down() and up()). */
  readonly isUp: boolean;
  /** Requests being answered right now (delayed answers included). */
  readonly inFlight: number;
  /** The most requests that were in flight at once since the start, clear() or reset(). */
  readonly maxInFlight: number;
  /**
   * Scripts the answers to one command (`'*'`: every command without its own script). A list is
   * used in order, one answer per request, and its last answer repeats. Replaces any earlier script.
   */
  answer(command: string, answers: AnswerSpec | AnswerSpec[]): void;
  /** Every request received, in arrival order; only those `match` picks when given. */
  requests(match?: RequestMatch): ReceivedRequest[];
  /** Resolves with all requests once `predicate(all requests)` holds; rejects after timeoutMs. */
  waitFor(predicate: (requests: ReceivedRequest[]) => boolean, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Resolves with the requests `match` picks (or all) once there are at least `count`. */
  waitForCount(count: number, match?: RequestMatch, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Forgets the recorded requests and restarts maxInFlight from the requests in flight now (scripts stay). */
  clear(): void;
  /** clear(), and forgets every script. */
  reset(): void;
  /** Stops accepting: closes the listener and destroys every open connection (pending answers too). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

const matcher = (match: RequestMatch | undefined) =>
  match === undefined ? () => true : typeof match === 'string' ? (r: ReceivedRequest) => r.command === match : match;

export async function startReceiver(options: { port?: number } = {}): Promise<Receiver> {
  const records: ReceivedRequest[] = [];
  const scripts = new Map<string, Script>();
  const sockets = new Set<Socket>();
  const waiters = new Set<() => void>();
  let seq = 0;
  let connections = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let up = false;
  let closed = false;

  const notify = () => {
    for (const w of [...waiters]) w();
  };

  const pick = (command: string): AnswerSpec => {
    const script = scripts.get(command) ?? scripts.get('*');
    if (!script || script.answers.length === 0) return {};
    const spec = script.answers[Math.min(script.next, script.answers.length - 1)]!;
    script.next++;
    return spec;
  };

  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const receivedAt = Date.now();
    const target = req.url ?? '/';
    const url = new URL(target, 'http://127.0.0.1');
    const connection = (req.socket as Socket & { huddleConnection?: number }).huddleConnection ?? 0;
    const chunks: Buffer[] = [];
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight--;
      if (timer) clearTimeout(timer);
    };
    res.on('close', finish);

    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const record: ReceivedRequest = {
        seq: ++seq,
        method: req.method ?? '',
        path: url.pathname,
        command: url.searchParams.get('CallbackCommand') ?? url.pathname.split('/').filter(Boolean).pop() ?? '',
        query: Object.fromEntries(url.searchParams),
        rawQuery: target.includes('?') ? target.slice(target.indexOf('?') + 1) : '',
        headers: req.headers,
        raw,
        body,
        receivedAt,
        connection,
      };
      records.push(record);
      notify();

      const spec = pick(record.command);
      Promise.resolve(typeof spec === 'function' ? spec(record) : spec).then(
        (answer) => {
          const send = () => {
            if (done) return;
            if (answer.drop) {
              req.socket.destroy();
              return;
            }
            if (answer.raw) {
              answer.raw(res);
              return;
            }
            const status = answer.status ?? 200;
            const payload =
              answer.body !== undefined
                ? answer.body
                : record.query.CallbackCommand
                  ? TENCENT_DEFAULT_ANSWER
                  : DEFAULT_ANSWER;
            const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
            const headers: Record<string, string> = {
              ...(typeof payload === 'string' ? {} : { 'content-type': 'application/json' }),
              ...answer.headers,
            };
            record.status = status;
            record.answeredAt = Date.now();
            res.writeHead(status, headers).end(text);
            finish();
          };
          if (answer.delayMs && answer.delayMs > 0) timer = setTimeout(send, answer.delayMs);
          else send();
        },
        (err: unknown) => {
          if (done) return;
          record.status = 500;
          record.answeredAt = Date.now();
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`receiver script failed: ${String(err)}`);
          finish();
        },
      );
    });
  });
  server.on('connection', (socket: Socket & { huddleConnection?: number }) => {
    socket.huddleConnection = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        up = true;
        resolve((server.address() as AddressInfo).port);
      });
    });

  const port = await listen(options.port ?? 0);

  const stopListening = async () => {
    if (!up) return;
    up = false;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await stopped;
  };

  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}${BASE_PATH}`,
    port,
    get isUp() {
      return up;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    answer(command, answers) {
      scripts.set(command, { answers: Array.isArray(answers) ? [...answers] : [answers], next: 0 });
    },
    requests(match) {
      return records.filter(matcher(match));
    },
    waitFor(predicate, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          let ok: boolean;
          try {
            ok = predicate([...records]);
          } catch (err) {
            cleanup();
            reject(err as Error);
            return;
          }
          if (ok) {
            cleanup();
            resolve([...records]);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          const seen = records.map((r) => r.command).join(', ') || 'none';
          reject(
            new Error(
              `receiver: condition not met within ${timeoutMs} ms; ${records.length} requests received (${seen})`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async waitForCount(count, match, timeoutMs) {
      const picks = matcher(match);
      const all = await receiver.waitFor((reqs) => reqs.filter(picks).length >= count, timeoutMs);
      return all.filter(picks);
    },
    clear() {
      records.length = 0;
      maxInFlight = inFlight;
    },
    reset() {
      receiver.clear();
      scripts.clear();
    },
    down: stopListening,
    async up() {
      if (up || closed) return;
      // The port was ours a moment ago; retry briefly in case the kernel has not released it yet.
      for (let attempt = 0; ; attempt++) {
        try {
          await listen(port);
          return;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    },
    async close() {
      closed = true;
      await stopListening();
      waiters.clear();
    },
  };
  return receiver;
}

export interface HookEntry {
  enable?: boolean;
  /** Seconds, or a duration such as "2s". */
  timeout?: number | string;
  failedContinue?: boolean;
  /** Anything else an entry may carry in OpenIM's file (attentionIds, deniedTypes, allowedTypes). */
  [field: string]: unknown;
}

export interface WebhooksYamlOptions {
  /** OpenIM's top-level `url`: usually `receiver.url`. */
  url: string;
  /** Per hook key (OpenIM's names, e.g. afterQuitGroup); written in the order given. */
  hooks?: Record<string, HookEntry>;
  signingSecret?: string;
  /** Durations such as "5s", "5m", or numbers of seconds. */
  retrySchedule?: (string | number)[];
  deliveryConcurrency?: number;
  /** Extra top-level keys, written as given (for testing what the parser refuses). */
  extra?: Record<string, unknown>;
  /** File name inside `dir`; default webhooks.yml. */
  fileName?: string;
}

/**
 * The document writeWebhooksYaml writes (top-level `url`, one entry per hook): also what
 * /callback/set_config and `app.callbackConfig.replace` take, so a test can give the server the same config.
 */
export function webhooksDocument(options: WebhooksYamlOptions): Record<string, unknown> {
  const doc: Record<string, unknown> = { url: options.url };
  if (options.signingSecret !== undefined) doc.signingSecret = options.signingSecret;
  if (options.retrySchedule !== undefined) doc.retrySchedule = options.retrySchedule;
  if (options.deliveryConcurrency !== undefined) doc.deliveryConcurrency = options.deliveryConcurrency;
  Object.assign(doc, options.hooks, options.extra);
  return doc;
}

/** Writes a webhooks.yml in OpenIM's format (see webhooksDocument) and returns its path. */
export function writeWebhooksYaml(dir: string, options: WebhooksYamlOptions): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, options.fileName ?? 'webhooks.yml');
  fs.writeFileSync(file, toYaml(webhooksDocument(options)));
  return file;
}
