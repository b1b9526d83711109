// Calls huddle's API the way any OpenIM client does: POST, JSON body, operationID and token headers,
// answers in the {errCode, errMsg, errDlt, data} envelope.

import { clearToken, getToken } from './token';

export class ApiError extends Error {
  constructor(
    readonly errCode: number,
    readonly errMsg: string,
    readonly errDlt: string,
  ) {
    super(errDlt ? `${errMsg}: ${errDlt}` : errMsg);
  }
}

/** Token errors (expired, revoked, unknown…): the login is over. */
const isTokenError = (code: number) => code >= 1501 && code <= 1507;

let sequence = 0;
export const operationID = () => `console-${Date.now()}-${++sequence}`;

export async function call<T = unknown>(path: string, body: unknown, token = getToken()): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', operationID: operationID() };
  if (token) headers.token = token;
  const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
  const envelope = (await res.json()) as Envelope & { data?: T };
  if (envelope.errCode !== 0) throw refusal(envelope);
  return envelope.data as T;
}

export interface Envelope {
  errCode: number;
  errMsg: string;
  errDlt: string;
}

/** The error an envelope carries; a token error also ends the login. */
export function refusal(envelope: Envelope): ApiError {
  if (isTokenError(envelope.errCode)) clearToken();
  return new ApiError(envelope.errCode, envelope.errMsg, envelope.errDlt);
}

export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
