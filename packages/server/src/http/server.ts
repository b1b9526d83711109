// The HTTP front: POST-only routes, OpenIM's header checks in OpenIM's order (operationID, token),
// judged before the body is read, then JSON and schema, then one domain call, then one envelope.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { SchemaError } from '@huddle/protocol';
import type { Logger } from 'pino';
import type { Caller, OpContext } from '../domain/context.js';
import type { AuthService } from '../domain/auth.js';
import { ApiError, args } from '../errors.js';
import { authenticatedCaller, header } from './caller.js';
import { renderError, renderPreflight, renderSuccess, send } from './envelope.js';
import type { WriteLimiter } from '../domain/rate-limits.js';
import type { Route } from './route.js';
import { clientAddressOf } from './client-address.js';

export interface HandlerOptions {
  routes: Route[];
  /** Proxies whose X-Forwarded-For names the caller (HUDDLE_TRUSTED_PROXIES). */
  trustedProxies?: ReadonlySet<string>;
  auth: AuthService;
  maxBodyBytes: number;
  /** Per-user limits on writes; none when undefined. */
  rateLimit?: WriteLimiter;
  logger: Logger;
  /** GET /metrics: the Prometheus text exposition (unauthenticated, like /healthz). */
  metrics?: { contentType: string; render(): Promise<string> };
  /** GET and HEAD beyond /healthz and /metrics (the console, /openapi.json); true when it answered. */
  get?: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;
}

const ANONYMOUS: Caller = { userID: '', platformID: 0, isAppAdmin: false };

class BodyTooLarge extends Error {}

/** A refused request's body up to this size is read and dropped so the connection stays usable. */
const DRAIN_BYTES = 64 * 1024;

/**
 * Headers for a refusal: when a larger body (or one of unknown length) is still on its way, the
 * connection closes after the answer instead of reading that body (node:http would read it all).
 */
function refusalHeaders(req: IncomingMessage, headers: Record<string, string> = {}): Record<string, string> {
  if (req.complete) return headers;
  const length = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  return chunked || Number(length ?? 0) > DRAIN_BYTES ? { ...headers, connection: 'close' } : headers;
}

/** Reads the body; answers `Expect: 100-continue` first, since the headers were judged acceptable. */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new BodyTooLarge());
    if (/100-continue/i.test(header(req, 'expect'))) res.writeContinue();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function renderMetrics(
  res: ServerResponse,
  metrics: NonNullable<HandlerOptions['metrics']>,
  logger: Logger,
): Promise<void> {
  let text: string;
  try {
    text = await metrics.render();
  } catch (err) {
    logger.error({ err }, 'metrics failed');
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n');
    return;
  }
  res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) }).end(text);
}

export function createRequestHandler(options: HandlerOptions) {
  const routes = new Map(options.routes.map((r) => [r.path, r]));
  const { auth, logger, maxBodyBytes, metrics } = options;
  const clientAddress = clientAddressOf(options.trustedProxies ?? new Set());

  const serve = async function serve(req: IncomingMessage, res: ServerResponse, outcome: Outcome): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if (req.method === 'OPTIONS') return renderPreflight(res);
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/metrics' && metrics) return renderMetrics(res, metrics, logger);
    if ((req.method === 'GET' || req.method === 'HEAD') && options.get && (await options.get(req, res, path))) return;
    const route = routes.get(path);
    if (!route || req.method !== 'POST') {
      return renderError(res, new ApiError('RouteNotFound', `no route ${req.method} ${path}`), refusalHeaders(req));
    }

    // Everything the headers decide comes before a byte of the body is read: without a token
    // nobody can make the server read (and hold) a body.
    const operationID = header(req, 'operationID');
    try {
      if (!operationID) throw args('header must have operationID');
      let caller = ANONYMOUS;
      if (!route.public) caller = await authenticatedCaller(req, auth);
      const limited = await options.rateLimit?.check(caller, path);
      if (limited)
        return renderError(
          res,
          limited.error,
          refusalHeaders(req, { 'retry-after': String(limited.retryAfterSeconds) }),
        );
      let raw: Buffer;
      try {
        raw = await readBody(req, res, maxBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          return renderError(res, args(`request body is larger than ${maxBodyBytes} bytes`), { connection: 'close' });
        }
        throw err;
      }
      const protobuf = /application\/(x-)?protobuf/i.test(header(req, 'content-type')) ? route.protobuf : undefined;
      let json: unknown;
      try {
        json = protobuf ? protobuf.decode(raw) : JSON.parse(raw.toString('utf8'));
      } catch {
        throw args(protobuf ? 'request body is not a valid protobuf message' : 'request body is not valid JSON');
      }
      let body: unknown;
      try {
        body = route.body.parse(json, '');
      } catch (err) {
        throw err instanceof SchemaError ? args(err.message) : err;
      }
      const ctx: OpContext = { operationID, caller, clientIP: clientAddress(req) };
      const data = await route.handle(ctx, body);
      renderSuccess(res, protobuf ? Buffer.from(protobuf.encode(data)).toString('base64') : data);
    } catch (err) {
      if (!(err instanceof ApiError)) logger.error({ err, operationID, path }, 'request failed');
      outcome.errCode = err instanceof ApiError ? err.code : 500;
      renderError(res, err, refusalHeaders(req));
    }
  };

  // One line per request at debug level: what an operator turns on to see the traffic. The errCode
  // matters because OpenIM answers most refusals with HTTP 200.
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!logger.isLevelEnabled('debug')) return serve(req, res, {});
    const started = performance.now();
    const outcome: Outcome = {};
    const path = (req.url ?? '/').split('?', 1)[0]!;
    res.once('finish', () =>
      logger.debug(
        {
          method: req.method,
          path,
          status: res.statusCode,
          ...(outcome.errCode ? { errCode: outcome.errCode } : {}),
          ms: Math.round((performance.now() - started) * 10) / 10,
          operationID: header(req, 'operationID') || undefined,
        },
        `${req.method} ${path} ${res.statusCode}${outcome.errCode ? ` errCode ${outcome.errCode}` : ''}`,
      ),
    );
    return serve(req, res, outcome);
  };
}

/** What the request came to, beyond its HTTP status: the API error it was refused with. */
interface Outcome {
  errCode?: number;
}
