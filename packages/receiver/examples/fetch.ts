// Fetch-style runtimes serve a module's default `{ fetch }`:
//
//   bun run examples/fetch.ts           (Bun.serve on port 3000)
//   deno serve examples/fetch.ts        (Deno, port 8000)
//
// With Hono: app.post('/huddle/*', (c) => handle(c.req.raw)); in a Next.js route: export const POST = handle.

import { fetchHandler } from '@huddle/receiver';
import { receiver } from './business.js';

export const handle = fetchHandler(receiver);

export default { fetch: handle };
