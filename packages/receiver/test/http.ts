// Real sockets for adapter tests: listen on an ephemeral port, and send a built request over HTTP.

import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallbackRequest } from '../src/index.js';

export async function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** Sends `request` to `base` (its path and query appended), as huddle would. */
export async function send(
  base: string,
  request: CallbackRequest & { headers: Record<string, string> },
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${request.url}`, {
    method: request.method,
    headers: request.headers,
    body: request.body as string,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A fetch-style handler behind a minimal node:http bridge, as Hono's node server or Bun.serve would call it. */
export function fetchBridge(handle: (request: Request) => Promise<Response>): Server {
  return http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: Buffer.concat(chunks),
    });
    const response = await handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
  });
}
