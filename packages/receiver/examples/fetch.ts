// Fetch-style runtimes serve a module's default `{ fetch }`:
//
//   bun run examples/fetch.ts                         (Bun.serve, 127.0.0.1:3000)
//   deno serve --host 127.0.0.1 examples/fetch.ts     (Deno, port 8000)
//
// With Hono: app.post('/huddle/*', (c) => handle(c.req.raw)); in a Next.js route: export const POST = handle.

import { fetchHandler } from '@huddle/receiver';
import { receiver } from './business.js';

export const handle = fetchHandler(receiver);

// Bun reads hostname from here; like the other examples, only this machine can connect unless HOST says otherwise.
export default { fetch: handle, hostname: process.env.HOST ?? '127.0.0.1' };
