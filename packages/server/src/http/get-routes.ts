// The GET side of an API instance, next to the POST API: the console's files, the OpenAPI document
// and the live feed of delivery attempts.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AuthService } from '../domain/auth.js';
import { cached, sendCached, type Cached } from './cached.js';
import { CORS } from './envelope.js';
import { serveLive, type AttemptFeed } from './live.js';
import { openApiDocument } from './openapi/document.js';
import type { Route } from './route.js';
import { staticSite } from './static.js';

export const CONSOLE_PREFIX = '/console';
const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

export interface GetRouteOptions {
  routes: readonly Route[];
  auth: AuthService;
  feed: AttemptFeed;
  /** The built console; default packages/console/dist. */
  consoleDir?: string;
}

/** Returns a handler that answers the GET and HEAD requests it knows and says whether it did. */
export function getEndpoints(options: GetRouteOptions) {
  const site = staticSite(options.consoleDir ?? CONSOLE_DIST, CONSOLE_PREFIX);
  // Built on first use, then the same bytes for every request (and a 304 for a client that has them).
  let document: Cached | undefined;
  return async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const method = req.method ?? 'GET';
    if (path === '/openapi.json') {
      document ??= cached(Buffer.from(JSON.stringify(openApiDocument(options.routes))), {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-cache',
        ...CORS,
      });
      sendCached(req, res, document);
    } else if (path === '/callback/live' && method === 'GET') {
      await serveLive(req, res, options.feed, options.auth);
    } else if (path === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`)) {
      await site(req, path, res);
    } else {
      return false;
    }
    return true;
  };
}
