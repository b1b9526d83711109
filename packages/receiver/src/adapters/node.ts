// node:http: `http.createServer(nodeHandler(receiver))`, or call it from your own request listener
// for the callback path.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Receiver } from '../receiver.js';
import { answerNode } from './node-io.js';

export function nodeHandler(receiver: Receiver): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    answerNode(receiver, req, res, req.url ?? '/').catch((err: unknown) => {
      // The connection broke while the body was read: nobody is left to answer.
      res.destroy(err instanceof Error ? err : undefined);
    });
  };
}
