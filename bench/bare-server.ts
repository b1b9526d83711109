// The baseline target: bare node:http answering a small JSON envelope to any POST, after reading
// and parsing the request body (as huddle does). Run as its own process by bench/run.ts:
//   node --import tsx bench/bare-server.ts   (env BARE_PORT)

import http from 'node:http';

const port = Number(process.env.BARE_PORT ?? 0);
const reply = JSON.stringify({ errCode: 0, errMsg: '', errDlt: '', data: { ok: true } });

const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let status = 200;
    let body = reply;
    if (req.method !== 'POST') {
      status = 405;
      body = '{"errCode":405}';
    } else {
      try {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        status = 400;
        body = '{"errCode":400}';
      }
    }
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});

server.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  console.log(`bare listening on ${typeof addr === 'object' && addr ? addr.port : addr}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
