// Fastify: the plugin reads raw bodies in its own scope only, so the application's JSON routes are
// untouched. It answers POST /huddle and POST /huddle/<command>.
//
//   HUDDLE_SIGNING_SECRET=whsec_… TENCENT_SDKAPPID=1400000000 TENCENT_TOKEN=… node --import tsx examples/fastify.ts

import Fastify from 'fastify';
import { fastifyPlugin } from '@huddle/receiver';
import { receiver } from './business.js';

export const app = Fastify();
await app.register(fastifyPlugin(receiver), { prefix: '/huddle' });
app.get('/healthz', async () => ({ status: 'ok' }));

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
console.log('business server listening on', app.server.address());
