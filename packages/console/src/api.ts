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
  const envelope = (await res.json()) as { errCode: number; errMsg: string; errDlt: string; data?: T };
  if (envelope.errCode !== 0) {
    if (isTokenError(envelope.errCode)) clearToken();
    throw new ApiError(envelope.errCode, envelope.errMsg, envelope.errDlt);
  }
  return envelope.data as T;
}

export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
