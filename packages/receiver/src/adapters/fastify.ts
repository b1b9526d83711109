// Fastify: `app.register(fastifyPlugin(receiver), { prefix: '/huddle' })` answers POST /huddle and
// POST /huddle/<command>. The plugin's own scope reads every body as raw bytes (for verification),
// leaving the application's JSON parsing alone. Fastify is not imported: the types below are the
// parts of it the plugin uses.

import type { IncomingHttpHeaders } from 'node:http';
import type { Receiver } from '../receiver.js';

interface FastifyRequestLike {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}
interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload: string): FastifyReplyLike;
}
interface FastifyLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (request: never, body: Buffer, done: (err: Error | null, body?: Buffer) => void) => void,
  ): void;
  post(
    path: string,
    handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<FastifyReplyLike>,
  ): unknown;
}

export function fastifyPlugin(receiver: Receiver): (app: FastifyLike) => Promise<void> {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: receiver.maxBodyBytes }, (_request, body, done) =>
      done(null, body),
    );
    const route = async (request: FastifyRequestLike, reply: FastifyReplyLike) => {
      const body = request.body instanceof Uint8Array ? request.body : '';
      const r = await receiver.handle({ method: request.method, url: request.url, headers: request.headers, body });
      return reply.code(r.status).headers(r.headers).send(r.body);
    };
    app.post('/', route);
    app.post('/*', route);
  };
}
