// Serves the built console (packages/console/dist) under /console: files with their content type,
// index.html for client-side routes, nothing outside the directory. A file is read once and then
// served from memory with its ETag (the directory is a build output of a few files; rebuilding it
// takes a restart to be seen).

import fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { cached, sendCached, type Cached } from './cached.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
};

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end(text);
}

async function readFile(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * Returns a handler for GET and HEAD under `prefix` (e.g. /console). `/console` redirects to
 * `/console/`; a path without a file extension that names no file is a client route (index.html).
 */
export function staticSite(root: string, prefix: string) {
  const dir = path.resolve(root);
  const files = new Map<string, Cached>();

  /** The file as an answer, read on first use; undefined when there is no such file. */
  async function load(file: string): Promise<Cached | undefined> {
    const known = files.get(file);
    if (known) return known;
    const body = await readFile(file);
    if (!body) return undefined;
    // Vite names assets by content hash; index.html must be re-read to find new ones.
    const hashed = path.relative(dir, file).startsWith(`assets${path.sep}`);
    const entry = cached(body, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    files.set(file, entry);
    return entry;
  }

  return async function serve(req: IncomingMessage, urlPath: string, res: ServerResponse): Promise<void> {
    if (urlPath === prefix) {
      res.writeHead(308, { location: `${prefix}/`, ...SECURITY_HEADERS }).end();
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(urlPath.slice(prefix.length + 1));
    } catch {
      return sendText(res, 400, 'bad path\n');
    }
    const file = path.resolve(dir, relative || 'index.html');
    // Anything that resolves outside the directory (`..`, encoded or not) does not exist here.
    if (
      relative.includes('\0') ||
      path.relative(dir, file).startsWith('..') ||
      path.isAbsolute(path.relative(dir, file))
    ) {
      return sendText(res, 404, 'not found\n');
    }
    const index = path.join(dir, 'index.html');
    let found = await load(file);
    if (!found && path.extname(file) === '') found = await load(index);
    if (!found) {
      return (await load(index))
        ? sendText(res, 404, 'not found\n')
        : sendText(res, 503, 'the console is not built: run `npm run build -w @huddle/console`\n');
    }
    sendCached(req, res, found);
  };
}
