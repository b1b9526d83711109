// `huddle receiver --port N`: a business server for trying callbacks by hand. It prints every
// callback it gets (dialect, command, key fields, headers) and answers allow, or what the flags say:
// reject, modify, fail with an HTTP status, after a delay. OpenIM requests arrive at /…/{command};
// Tencent requests carry ?CallbackCommand=…; each is answered in its own dialect.

import http from 'node:http';
import { CALLBACK_KEYS, CALLBACKS, signatureMatches, tencentSignMatches } from '@huddle/protocol';
import { InvalidArgumentError, type Command } from 'commander';
import { integer } from './arguments.js';
import { note, print, truncate } from './output.js';

interface ReceiverOptions {
  port: number;
  host: string;
  reject?: { code: number; message: string };
  modify?: Record<string, unknown>;
  failStatus?: number;
  delay: number;
  only?: string[];
  signingSecret?: string;
  token?: string;
  json?: boolean;
}

const MAX_BODY = 1024 * 1024;

function parseReject(value: string): { code: number; message: string } {
  const m = /^(-?\d+)(?::(.*))?$/s.exec(value);
  if (!m) throw new InvalidArgumentError('expected CODE or CODE:MESSAGE, e.g. 5001:not allowed');
  return { code: Number(m[1]), message: m[2] ?? 'rejected by huddle receiver' };
}

function parseModify(value: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected a JSON object, e.g. \'{"groupName":"renamed"}\'');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new InvalidArgumentError('expected a JSON object');
  return json as Record<string, unknown>;
}

/** Hook keys to the commands they arrive as (OpenIM's and Tencent's); commands stay as given. */
function parseOnly(value: string): string[] {
  return value.split(',').flatMap((name) => {
    const key = CALLBACK_KEYS.find((k) => k.toLowerCase() === name.trim().toLowerCase());
    if (!key) return [name.trim()];
    const hook = CALLBACKS[key];
    return [hook.openim.command, ...(hook.tencent ? [hook.tencent.command] : [])];
  });
}

interface Callback {
  dialect: 'openim' | 'tencent';
  command: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  raw: string;
}

/** Fields that say who and which group: IDs and accounts at the top level of the body. */
function keyFields(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!/(ID|IDs|Id|Account|List|Members)$/.test(k) || k === 'operationID') continue;
    const items = Array.isArray(v)
      ? v.map((x) => (typeof x === 'object' && x !== null ? Object.values(x)[0] : x))
      : [v];
    const text = items.map(String).join(',');
    if (text) out[k] = truncate(text, 60);
  }
  return out;
}

/** Signature checks the flags make possible; each is "valid", "INVALID" or "missing". */
function checks(cb: Callback, opts: ReceiverOptions): Record<string, string> {
  const out: Record<string, string> = {};
  if (opts.signingSecret) {
    const header = cb.headers['webhook-signature'];
    const id = String(cb.headers['webhook-id'] ?? '');
    const ts = Number(cb.headers['webhook-timestamp']);
    out['webhook-signature'] =
      typeof header !== 'string'
        ? 'missing'
        : signatureMatches(opts.signingSecret, id, ts, cb.raw, header)
          ? 'valid'
          : 'INVALID';
  }
  if (opts.token && cb.dialect === 'tencent') {
    const sign = cb.query.Sign;
    out.Sign = !sign
      ? 'missing'
      : tencentSignMatches(opts.token, cb.query.RequestTime ?? '', sign)
        ? 'valid'
        : 'INVALID';
  }
  return out;
}

function answerFor(
  cb: Callback,
  opts: ReceiverOptions,
): { status: number; body: Record<string, unknown>; label: string } {
  const scripted = !opts.only || opts.only.includes(cb.command);
  const tencent = cb.dialect === 'tencent';
  const allow = tencent
    ? { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' }
    : { actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0 };
  if (!scripted) return { status: 200, body: allow, label: 'allow' };
  if (opts.failStatus !== undefined)
    return {
      status: opts.failStatus,
      body: { errMsg: 'failing on purpose (huddle receiver --fail-status)' },
      label: `HTTP ${opts.failStatus}`,
    };
  if (opts.reject) {
    const { code, message } = opts.reject;
    const body = tencent
      ? { ActionStatus: 'OK', ErrorCode: code, ErrorInfo: message }
      : { actionCode: 0, errCode: code, errMsg: message, errDlt: '', nextCode: 1 };
    return { status: 200, body, label: `reject ${code}` };
  }
  if (opts.modify) return { status: 200, body: { ...allow, ...opts.modify }, label: 'modify' };
  return { status: 200, body: allow, label: 'allow' };
}

function report(cb: Callback, answer: { status: number; body: unknown; label: string }, opts: ReceiverOptions): void {
  const at = new Date().toISOString().slice(11, 23);
  const signatures = checks(cb, opts);
  if (opts.json) {
    print(
      JSON.stringify({
        time: new Date().toISOString(),
        dialect: cb.dialect,
        command: cb.command,
        query: cb.query,
        headers: cb.headers,
        body: cb.body ?? cb.raw,
        signatures,
        answer,
      }),
    );
    return;
  }
  const fields = Object.entries(keyFields(cb.body))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  print(`${at}  ${cb.dialect}  ${cb.command}  ${fields}  -> ${answer.label}`);
  const headers: Record<string, string> = {};
  for (const h of ['operationid', 'webhook-id', 'webhook-timestamp', 'webhook-signature'])
    if (cb.headers[h] !== undefined) headers[h] = String(cb.headers[h]);
  if (cb.dialect === 'tencent')
    for (const q of ['SdkAppid', 'ClientIP', 'OptPlatform', 'Sign', 'RequestTime'])
      if (cb.query[q] !== undefined) headers[q] = cb.query[q];
  for (const [k, v] of Object.entries(headers)) print(`    ${k}: ${v}${signatures[k] ? ` (${signatures[k]})` : ''}`);
  if (cb.body === undefined) print(`    body (not JSON): ${truncate(cb.raw, 200)}`);
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, opts: ReceiverOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://receiver');
  const raw = await readBody(req);
  if (raw === undefined) {
    res.writeHead(413).end();
    return;
  }
  const query = Object.fromEntries(url.searchParams);
  const tencentCommand = url.searchParams.get('CallbackCommand');
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    body = undefined;
  }
  const cb: Callback = {
    dialect: tencentCommand ? 'tencent' : 'openim',
    command: tencentCommand ?? url.pathname.split('/').filter(Boolean).pop() ?? '',
    query,
    headers: req.headers,
    body,
    raw,
  };
  const answer = answerFor(cb, opts);
  if (opts.delay > 0) await new Promise((r) => setTimeout(r, opts.delay));
  report(cb, answer, opts);
  res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
}

export function addReceiverCommand(program: Command): void {
  program
    .command('receiver')
    .description(
      'run a business server that prints every callback it receives and answers allow, or as the flags say (both dialects)',
    )
    .option('--port <port>', 'port to listen on (0 picks a free one)', integer(0, 65535), 10006)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option(
      '--reject <code[:message]>',
      'reject before-callbacks: OpenIM nextCode 1 with this errCode (5000–9999 reach the caller), Tencent ErrorCode (1, or 10100–10200)',
      parseReject,
    )
    .option(
      '--modify <json>',
      'allow, adding these fields to the answer (a before-hook\'s modifiable fields, e.g. \'{"groupName":"renamed"}\')',
      parseModify,
    )
    .option(
      '--fail-status <status>',
      'answer this HTTP status instead (e.g. 500: after-callbacks are retried)',
      integer(100, 599),
    )
    .option('--delay <ms>', 'wait this long before answering', integer(0, 3_600_000), 0)
    .option(
      '--only <hooks>',
      'apply --reject, --modify and --fail-status only to these hooks or commands (comma-separated); allow the rest',
      parseOnly,
    )
    .option('--signing-secret <whsec>', 'check each webhook-signature against this secret')
    .option('--token <token>', "Tencent: check each request's Sign against this callback token")
    .option('--json', 'print one JSON line per callback (headers, query, body, answer)')
    .action(async (opts: ReceiverOptions) => {
      const server = http.createServer((req, res) => {
        handle(req, res, opts).catch((err: unknown) => {
          note(`huddle receiver: ${(err as Error).message}`);
          if (!res.headersSent) res.writeHead(500).end();
        });
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port, opts.host, resolve);
      });
      const { port } = server.address() as { port: number };
      const base = `http://${opts.host}:${port}`;
      note(`huddle receiver listening on ${base}`);
      note(
        `  webhooks.yml: url: ${base}/callbackExample  (OpenIM), or an endpoint with dialect: tencent and url: ${base}/`,
      );
      const stop = () => {
        server.close(() => process.exit(0));
        // huddle keeps its connections alive: close them, or close() waits for their idle timeout.
        server.closeAllConnections();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
