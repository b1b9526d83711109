// Serves the built console (packages/console/dist) under /console: files with their content type,
// index.html for client-side routes, nothing outside the directory.

import fs from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

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
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
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
  return async function serve(method: string, urlPath: string, res: ServerResponse): Promise<void> {
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
    if (relative.includes('\0') || path.relative(dir, file).startsWith('..') || path.isAbsolute(path.relative(dir, file))) {
      return sendText(res, 404, 'not found\n');
    }
    let served = file;
    let body = await readFile(file);
    if (!body && path.extname(file) === '') {
      served = path.join(dir, 'index.html');
      body = await readFile(served);
    }
    if (!body) {
      const built = await readFile(path.join(dir, 'index.html'));
      return built ? sendText(res, 404, 'not found\n') : sendText(res, 503, 'the console is not built: run `npm run build -w @huddle/console`\n');
    }
    const hashed = path.relative(dir, served).startsWith(`assets${path.sep}`);
    res.writeHead(200, {
      'content-type': TYPES[path.extname(served)] ?? 'application/octet-stream',
      'content-length': body.length,
      // Vite names assets by content hash; index.html must be re-read to find new ones.
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    res.end(method === 'HEAD' ? undefined : body);
  };
}
