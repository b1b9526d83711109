// The bare gateway of the gateway scenarios, a child process: the floor any gateway pays. The same
// `ws` package and options, the same login query (parsed, the token not checked), the same JSON
// frames, then per 1003: the MsgData decoded, a seq from an in-memory counter per conversation, and
// the same PushMessages protobuf, framed once, to every member's connection. Nothing is stored.
// Groups' members come from the bench (POST /groups); GET /stats gives connections and RSS.

import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { ReqIdentifier } from '../packages/server/src/gateway/frames.js';
import { framingOf, MAX_CLIENT_FRAME_BYTES } from '../packages/server/src/gateway/framing.js';
import { parseConnArgs } from '../packages/server/src/gateway/query.js';
import { decode, encode } from '../packages/server/src/wire/openim-proto.js';

const port = Number(process.env.BARE_GATEWAY_PORT);
const framing = framingOf('js', false);
const members = new Map<string, string[]>();
const sockets = new Map<string, Set<WebSocket>>();
const seqs = new Map<string, number>();
let connections = 0;
let nextID = 0;

async function body(req: http.IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString() || '{}');
}

const server = http.createServer(async (req, res) => {
  if (req.method === 'POST' && req.url === '/groups') {
    const { groups } = (await body(req)) as { groups: Record<string, string[]> };
    for (const [groupID, userIDs] of Object.entries(groups)) members.set(groupID, userIDs);
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ connections, groups: members.size }));
});

const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false });

server.on('upgrade', (req, socket, head) => {
  socket.on('error', () => socket.destroy());
  let userID: string;
  try {
    userID = parseConnArgs(new URL(req.url ?? '/', 'http://gateway'), undefined).userID;
  } catch {
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => accept(ws, userID));
});

function accept(ws: WebSocket, userID: string): void {
  const set = sockets.get(userID) ?? new Set();
  sockets.set(userID, set);
  set.add(ws);
  connections++;
  ws.send(JSON.stringify({ errCode: 0, errMsg: '', errDlt: '' }), { binary: false });
  ws.on('close', () => {
    set.delete(ws);
    if (set.size === 0) sockets.delete(userID);
    connections--;
  });
  ws.on('error', () => ws.terminate());
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      const o = JSON.parse(data.toString());
      if (o.type === 'ping') ws.send(JSON.stringify({ ...o, type: 'pong' }), { binary: false });
      return;
    }
    const req = framing.decode(data as Buffer);
    if (req.reqIdentifier !== ReqIdentifier.SendMsg) return;
    const msg = decode('openim.sdkws.MsgData', req.data);
    const conversationID = `sg_${msg.groupID}`;
    const seq = (seqs.get(conversationID) ?? 0) + 1;
    seqs.set(conversationID, seq);
    const stored = { ...msg, seq, serverMsgID: `bare-${++nextID}`, sendTime: Date.now(), status: 2 };
    ws.send(
      framing.encode({
        reqIdentifier: req.reqIdentifier,
        msgIncr: req.msgIncr,
        operationID: req.operationID,
        errCode: 0,
        errMsg: '',
        data: encode('openim.msg.SendMsgResp', {
          serverMsgID: stored.serverMsgID,
          clientMsgID: msg.clientMsgID,
          sendTime: stored.sendTime,
        }),
      }),
      { binary: true },
    );
    const push = framing.encode({
      reqIdentifier: ReqIdentifier.PushMsg,
      msgIncr: '',
      operationID: req.operationID,
      errCode: 0,
      errMsg: '',
      data: encode('openim.sdkws.PushMessages', {
        msgs: { [conversationID]: { Msgs: [stored], isEnd: false, endSeq: 0 } },
        notificationMsgs: {},
      }),
    });
    for (const member of members.get(msg.groupID) ?? [])
      for (const s of sockets.get(member) ?? []) s.send(push, { binary: true });
  });
}

server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
