// Who is calling: the request headers the API and the live stream read the same way.

import type { IncomingMessage } from 'node:http';
import type { AuthService } from '../domain/auth.js';
import type { Caller } from '../domain/context.js';
import { args } from '../errors.js';

/** A header's value; the first when it was sent more than once, '' when absent. */
export function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** The caller the `token` header names (ArgsError without one; the token's own errors otherwise). */
export async function authenticatedCaller(req: IncomingMessage, auth: AuthService): Promise<Caller> {
  const token = header(req, 'token');
  if (!token) throw args('header must have token');
  return auth.authenticate(token);
}
