// Moving a callback in and out of node:http (also what Express builds on): the raw body, read with
// a size cap, and the answer written back.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyTooLarge, ReceiverError } from '../errors.js';
import type { CallbackResponse, Receiver } from '../receiver.js';

/** The raw body bytes, refusing more than `limit` without reading them all. */
export async function readBody(stream: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limit) throw bodyTooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function writeResponse(res: ServerResponse, response: CallbackResponse): void {
  res.writeHead(response.status, response.headers).end(response.body);
}

/** Answers a node request whose body is `body`, or is still to be read from the request. */
export async function answerNode(
  receiver: Receiver,
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  body?: string | Uint8Array,
): Promise<void> {
  let raw: string | Uint8Array;
  try {
    raw = body ?? (await readBody(req, receiver.maxBodyBytes));
  } catch (err) {
    if (!(err instanceof ReceiverError)) throw err;
    // Unread bytes stay on the connection: close it after answering.
    res.setHeader('connection', 'close');
    return writeResponse(res, receiver.refuse(err));
  }
  writeResponse(res, await receiver.handle({ method: req.method ?? 'GET', url, headers: req.headers, body: raw }));
}
