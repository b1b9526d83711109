// One incoming callback, adapter-neutral, and what the receiver reads from it before any handler
// runs: its dialect, verified origin, command and JSON body.

import { ReceiverError } from './errors.js';
import type { Dialect } from './events.js';
import { headerOf, type HeaderSource } from './headers.js';
import type { DialectSettings } from './options.js';
import { verifyStandardWebhook } from './verify-standard.js';
import { verifyTencent } from './verify-tencent.js';

export interface CallbackRequest {
  method: string;
  /** The request target: a path with its query string, or a full URL. */
  url: string;
  headers: HeaderSource;
  /** The body exactly as received: signatures are computed over these bytes. */
  body: string | Uint8Array;
}

export interface AcceptedCallback {
  dialect: Dialect;
  command: string;
  body: Record<string, unknown>;
  id: string;
  operationID: string;
  query: URLSearchParams;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(body: string | Uint8Array): string {
  if (typeof body === 'string') return body;
  try {
    return utf8.decode(body);
  } catch {
    throw new ReceiverError('bad_body', 'the body is not UTF-8');
  }
}

function jsonObject(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ReceiverError('bad_body', 'the body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ReceiverError('bad_body', 'the body is not a JSON object');
  return value as Record<string, unknown>;
}

function commandOf(body: Record<string, unknown>, field: string): string {
  const command = body[field];
  if (typeof command !== 'string' || command === '') throw new ReceiverError('bad_body', `the body has no ${field}`);
  return command;
}

/**
 * Tencent requests carry CallbackCommand in the query string; OpenIM requests name the command in
 * the path. Verification comes first (Tencent's app and Sign, then the Standard Webhooks signature
 * over the raw body), then the body is read, so nothing unverified is parsed.
 */
export function acceptCallback(
  request: CallbackRequest,
  settings: Partial<Record<Dialect, DialectSettings>>,
  isKnown: (dialect: Dialect, command: string) => boolean,
): AcceptedCallback {
  if (request.method.toUpperCase() !== 'POST')
    throw new ReceiverError('method_not_allowed', 'callbacks are POST requests');
  let url: URL;
  try {
    url = new URL(request.url, 'http://receiver.invalid');
  } catch {
    throw new ReceiverError('bad_url', 'the request URL cannot be read');
  }
  const dialect: Dialect = url.searchParams.has('CallbackCommand') ? 'tencent' : 'openim';
  const config = settings[dialect];
  if (!config)
    throw new ReceiverError(
      'dialect_not_enabled',
      `this receiver does not accept ${dialect === 'openim' ? "OpenIM's" : "Tencent's"} dialect`,
    );
  if (config.tencent) verifyTencent(url.searchParams, config.tencent);

  const raw = text(request.body);
  const verified =
    config.secrets.length > 0
      ? verifyStandardWebhook({ headers: request.headers, body: raw, secrets: config.secrets })
      : undefined;
  const body = jsonObject(raw);

  let command: string;
  if (dialect === 'tencent') {
    command = commandOf(body, 'CallbackCommand');
    if (url.searchParams.get('CallbackCommand') !== command)
      throw new ReceiverError('command_mismatch', 'CallbackCommand differs between the URL and the body');
  } else {
    command = commandOf(body, 'callbackCommand');
    const fromPath = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    if (fromPath !== command && isKnown('openim', fromPath))
      throw new ReceiverError('command_mismatch', 'the command differs between the path and the body');
  }
  return {
    dialect,
    command,
    body,
    id: verified?.id ?? headerOf(request.headers, 'webhook-id') ?? '',
    operationID: headerOf(request.headers, 'operationID') ?? '',
    query: url.searchParams,
  };
}
