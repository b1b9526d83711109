// Express: the callback route comes before express.json(), because the signature covers the raw
// body; the rest of the application parses JSON as usual.
//
//   HUDDLE_SIGNING_SECRET=whsec_… TENCENT_SDKAPPID=1400000000 TENCENT_TOKEN=… node --import tsx examples/express.ts

import express from 'express';
import { expressMiddleware } from '@huddle/receiver';
import { receiver } from './business.js';

const app = express();
app.post('/huddle{/*command}', expressMiddleware(receiver));
app.use(express.json());
app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));

export const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () =>
  console.log('business server listening on', server.address()),
);
