// Answers built once and kept as bytes: every GET of them writes the same Buffer (node:http queues
// a reference, not a copy), and a client that has them gets a 304 from their ETag.

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Cached {
  body: Buffer;
  /** A strong ETag: a digest of the body. */
  etag: string;
  headers: Record<string, string>;
}

export function cached(body: Buffer, headers: Record<string, string>): Cached {
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, headers };
}

/** If-None-Match names this ETag or is `*` (RFC 9110 13.1.2: a weak comparison, W/ is ignored). */
function matches(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || (t.startsWith('W/') ? t.slice(2) : t) === etag;
  });
}

/** 304 when the client holds this version, else 200 with the body (none for HEAD). */
export function sendCached(req: IncomingMessage, res: ServerResponse, c: Cached): void {
  if (matches(req, c.etag)) {
    res.writeHead(304, { etag: c.etag, ...c.headers }).end();
    return;
  }
  res.writeHead(200, { ...c.headers, etag: c.etag, 'content-length': c.body.length });
  res.end(req.method === 'HEAD' ? undefined : c.body);
}
