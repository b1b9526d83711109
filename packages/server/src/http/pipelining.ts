// A bound on HTTP/1.1 pipelining. node:http parses every request a client has written before it
// looks at whether the answers are being read: one 64 KiB read holds about 1,000 small GETs, and
// node:http (20) pauses the socket only after that read, so a client that pipelines and never reads
// makes the server build and queue an answer for each. Closing the connection past a few
// unanswered requests bounds what one connection can hold (no client in use pipelines this deep).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Requests a connection may have in flight (read but not yet answered) before it is closed. */
export const MAX_PIPELINED = 16;

/** Returns a check to run first on every request: false when the request's connection was closed. */
export function pipeliningGuard(max = MAX_PIPELINED) {
  const unanswered = new WeakMap<Socket, number>();
  return function admit(req: IncomingMessage, res: ServerResponse): boolean {
    const socket = req.socket;
    if (socket.destroyed) return false;
    const count = (unanswered.get(socket) ?? 0) + 1;
    if (count > max) {
      // The rest of what the client wrote is dropped with the connection; nothing is built for it.
      socket.destroy();
      return false;
    }
    unanswered.set(socket, count);
    res.once('close', () => unanswered.set(socket, (unanswered.get(socket) ?? 1) - 1));
    return true;
  };
}
