// Fetch-style runtimes (Hono, Bun, Deno, Cloudflare Workers, Next.js route handlers):
// `(request: Request) => Promise<Response>`, reading the raw body for verification.

import { bodyTooLarge } from '../errors.js';
import type { CallbackResponse, Receiver } from '../receiver.js';

const toResponse = (r: CallbackResponse) => new Response(r.body, { status: r.status, headers: r.headers });

export function fetchHandler(receiver: Receiver): (request: Request) => Promise<Response> {
  const tooLarge = () => toResponse(receiver.refuse(bodyTooLarge(receiver.maxBodyBytes)));
  return async (request) => {
    if (Number(request.headers.get('content-length') ?? 0) > receiver.maxBodyBytes) return tooLarge();
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.length > receiver.maxBodyBytes) return tooLarge();
    return toResponse(
      await receiver.handle({ method: request.method, url: request.url, headers: request.headers, body }),
    );
  };
}
