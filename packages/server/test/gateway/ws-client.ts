// A WebSocket client that speaks the gateway's protocol as OpenIM's SDKs do, for tests: JSON frames
// (the JS SDK) or gob + gzip frames (the Go and wasm SDKs), requests answered by msgIncr, pushes
// and other server frames kept in arrival order for awaiting.

import { gunzipSync, gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { decodeGob, encodeGob, type GobField } from '../../src/gateway/gob.js';
import { ReqIdentifier, type WsResponse } from '../../src/gateway/frames.js';
import { decode } from '../../src/wire/openim-proto.js';

export type ClientFraming = 'json' | 'gob';

const REQ_FIELDS: readonly GobField[] = [
  { name: 'ReqIdentifier', type: 'int' },
  { name: 'Token', type: 'string' },
  { name: 'SendID', type: 'string' },
  { name: 'OperationID', type: 'string' },
  { name: 'MsgIncr', type: 'string' },
  { name: 'Data', type: 'bytes' },
];

export interface ConnectResult {
  /** The first text frame (isMsgResp), parsed. */
  first: { errCode: number; errMsg: string; errDlt: string };
  client: WsClient;
}

export interface ConnectOptions {
  userID: string;
  token: string;
  platformID?: number;
  framing?: ClientFraming;
  /** Extra or replacing query parameters; `undefined` removes one. */
  query?: Record<string, string | undefined>;
}

export function connectQuery(o: ConnectOptions): URLSearchParams {
  const framing = o.framing ?? 'json';
  const q: Record<string, string | undefined> = {
    sendID: o.userID,
    token: o.token,
    platformID: String(o.platformID ?? 5),
    operationID: `op-${Math.random().toString(36).slice(2)}`,
    isBackground: 'false',
    isMsgResp: 'true',
    ...(framing === 'json' ? { sdkType: 'js' } : { compression: 'gzip' }),
    ...o.query,
  };
  return new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined));
}

export class WsClient {
  /** Server frames that answer no request of ours (pushes 2001, kicks 2002, status 2005), in order. */
  readonly frames: WsResponse[] = [];
  readonly texts: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiting = new Map<string, (r: WsResponse) => void>();
  private readonly watchers: (() => boolean)[] = [];
  private seq = 0;

  constructor(
    readonly ws: WebSocket,
    readonly userID: string,
    readonly framing: ClientFraming,
  ) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.changed();
      }),
    );
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.texts.push(data.toString());
      else {
        const r = this.decode(data as Buffer);
        const resolve = r.msgIncr ? this.waiting.get(r.msgIncr) : undefined;
        if (resolve) {
          this.waiting.delete(r.msgIncr);
          resolve(r);
        } else this.frames.push(r);
      }
      this.changed();
    });
  }

  static connect(url: string, o: ConnectOptions): Promise<ConnectResult> {
    const ws = new WebSocket(`${url}/?${connectQuery(o)}`);
    const client = new WsClient(ws, o.userID, o.framing ?? 'json');
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
      ws.once('message', (data, isBinary) => {
        if (isBinary) return reject(new Error('the first frame is binary'));
        client.texts.shift();
        resolve({ first: JSON.parse(data.toString()), client });
      });
    });
  }

  encode(reqIdentifier: number, data: Uint8Array, msgIncr: string, sendID = this.userID): Buffer {
    const operationID = `op-${msgIncr}`;
    if (this.framing === 'json')
      return Buffer.from(
        JSON.stringify({ reqIdentifier, msgIncr, sendID, operationID, data: Buffer.from(data).toString('base64') }),
      );
    const gob = encodeGob('GeneralWsReq', REQ_FIELDS, {
      ReqIdentifier: reqIdentifier,
      SendID: sendID,
      OperationID: operationID,
      MsgIncr: msgIncr,
      Data: data,
    });
    return gzipSync(gob);
  }

  decode(frame: Buffer): WsResponse {
    if (this.framing === 'json') {
      const o = JSON.parse(frame.toString());
      return { ...o, data: o.data ? Buffer.from(o.data, 'base64') : new Uint8Array() };
    }
    const v = decodeGob(gunzipSync(frame));
    return {
      reqIdentifier: Number(v.ReqIdentifier ?? 0),
      msgIncr: String(v.MsgIncr ?? ''),
      operationID: String(v.OperationID ?? ''),
      errCode: Number(v.ErrCode ?? 0),
      errMsg: String(v.ErrMsg ?? ''),
      data: (v.Data as Uint8Array | undefined) ?? new Uint8Array(),
    };
  }

  /** Sends a request and resolves with its response. */
  request(reqIdentifier: number, data: Uint8Array, sendID = this.userID): Promise<WsResponse> {
    const msgIncr = `${this.userID}_${++this.seq}`;
    const answered = new Promise<WsResponse>((resolve) => this.waiting.set(msgIncr, resolve));
    this.ws.send(this.encode(reqIdentifier, data, msgIncr, sendID), { binary: true });
    return Promise.race([
      answered,
      this.closed.then(({ code }) => {
        throw new Error(`connection closed (${code}) before request ${reqIdentifier} was answered`);
      }),
    ]);
  }

  /** The chat messages pushed so far (2001, `msgs`), in arrival order, with their texts. */
  pushedTexts(): { seq: number; sendID: string; text: string }[] {
    return this.frames
      .filter((f) => f.reqIdentifier === ReqIdentifier.PushMsg)
      .flatMap((f) => Object.values(decode('openim.sdkws.PushMessages', f.data).msgs))
      .flatMap((p) => p.Msgs)
      .map((m) => ({ seq: m.seq, sendID: m.sendID, text: JSON.parse(new TextDecoder().decode(m.content)).content }));
  }

  /** Resolves with the first server frame (in arrival order, from index `from`) that `match`es. */
  next(match: (r: WsResponse) => boolean, from = 0): Promise<WsResponse> {
    return this.until(() => this.frames.slice(from).find(match));
  }

  /** Resolves once `fn` returns a value, re-checked on every frame and on close. */
  until<T>(fn: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = fn();
        if (v !== undefined) {
          resolve(v);
          return true;
        }
        if (this.ws.readyState === WebSocket.CLOSED) {
          reject(new Error('connection closed while waiting'));
          return true;
        }
        return false;
      };
      if (!check()) this.watchers.push(check);
    });
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }

  private changed(): void {
    for (let i = this.watchers.length - 1; i >= 0; i--) if (this.watchers[i]!()) this.watchers.splice(i, 1);
  }
}
