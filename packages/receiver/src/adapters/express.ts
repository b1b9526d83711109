// Express: `app.post('/huddle{/*command}', expressMiddleware(receiver))`. Signatures cover the raw
// bytes, so the receiver reads the body itself; behind express.raw() it takes the Buffer, and behind
// express.json() it refuses to guess (re-serialised JSON does not verify). Express is not imported:
// its request and response are node:http's, extended.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Receiver } from '../receiver.js';
import { answerNode } from './node-io.js';

type ExpressRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

/** The body a body-parser already read, when it kept the bytes; undefined when nothing read it. */
function bodyReadBefore(req: ExpressRequest): string | Uint8Array | undefined {
  const { body } = req;
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new Error(
    'the callback body was parsed before the receiver could verify it: mount expressMiddleware before express.json(), or use express.raw({ type: "*/*" })',
  );
}

export function expressMiddleware(
  receiver: Receiver,
): (req: ExpressRequest, res: ServerResponse, next: (err?: unknown) => void) => void {
  return (req, res, next) => {
    try {
      answerNode(receiver, req, res, req.originalUrl ?? req.url ?? '/', bodyReadBefore(req)).catch(next);
    } catch (err) {
      next(err);
    }
  };
}
