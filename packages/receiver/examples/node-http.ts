// node:http: every path is the callback path. In huddle's webhooks.yml, OpenIM's url
// http://<host>:3000/huddle (callbacks go to /huddle/<command>) and Tencent's url
// http://<host>:3000/huddle (the command rides in the query string).
//
//   HUDDLE_SIGNING_SECRET=whsec_… TENCENT_SDKAPPID=1400000000 TENCENT_TOKEN=… node --import tsx examples/node-http.ts

import http from 'node:http';
import { nodeHandler } from '@huddle/receiver';
import { receiver } from './business.js';

export const server = http.createServer(nodeHandler(receiver));
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () =>
  console.log('business server listening on', server.address()),
);
