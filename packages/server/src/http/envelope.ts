// The one place where outcomes become OpenIM envelopes: {errCode, errMsg, errDlt[, data]}.

import type { ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';

export const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': '*',
  'access-control-allow-headers': '*',
};

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    ...CORS,
    ...extraHeaders,
  });
  res.end(json);
}

export function renderSuccess(res: ServerResponse, data: unknown): void {
  // OpenIM omits `data` entirely for responses without fields.
  send(
    res,
    200,
    data === undefined ? { errCode: 0, errMsg: '', errDlt: '' } : { errCode: 0, errMsg: '', errDlt: '', data },
  );
}

/** Known errors keep their code and detail; anything else becomes a detail-free 500. */
export function renderError(res: ServerResponse, err: unknown, headers: Record<string, string> = {}): void {
  const e = err instanceof ApiError ? err : new ApiError('ServerInternalError');
  const retry: Record<string, string> =
    e.retryAfterSeconds === undefined ? {} : { 'retry-after': String(e.retryAfterSeconds) };
  send(res, e.httpStatus, { errCode: e.code, errMsg: e.errMsg, errDlt: e.detail }, { ...retry, ...headers });
}

export function renderPreflight(res: ServerResponse): void {
  send(res, 200, 'Options Request!');
}
