// The two framings of the gateway's binary frames (§3 of OpenIM's client protocol): JSON with the
// protobuf payload in base64 (the pure-JS SDK, sdkType=js), or one fresh gob stream per frame (the
// Go and wasm SDKs), gzipped when the connection asked for compression=gzip.

import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeGob, encodeGob, type GobField } from './gob.js';
import type { WsRequest, WsResponse } from './frames.js';

/** Frames a client may send, in bytes as they arrive (OpenIM's maxMessageSize). */
export const MAX_CLIENT_FRAME_BYTES = 51_200;
/** A gzipped frame may not grow past this when unzipped (a zip bomb costs nothing to send). */
const MAX_UNZIPPED_BYTES = 4 * MAX_CLIENT_FRAME_BYTES;

export interface Framing {
  readonly name: 'json' | 'gob' | 'gob+gzip' | 'json+gzip';
  decode(frame: Buffer): WsRequest;
  encode(response: WsResponse): Buffer;
}

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

// The Go server's own response struct, field for field (gob matches by name; order is free).
const RESP_FIELDS: readonly GobField[] = [
  { name: 'ReqIdentifier', type: 'int' },
  { name: 'MsgIncr', type: 'string' },
  { name: 'OperationID', type: 'string' },
  { name: 'ErrCode', type: 'int' },
  { name: 'ErrMsg', type: 'string' },
  { name: 'Data', type: 'bytes' },
];

const text = (v: unknown, name: string): string => {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new FrameError(`${name} is not a string`);
  return v;
};

const integer = (v: unknown, name: string): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new FrameError(`${name} is not an integer`);
  return v;
};

function fromJson(frame: Buffer): WsRequest {
  let o: unknown;
  try {
    o = JSON.parse(frame.toString('utf8'));
  } catch {
    throw new FrameError('frame is not JSON');
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new FrameError('frame is not a JSON object');
  const r = o as Record<string, unknown>;
  const data = text(r.data, 'data');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw new FrameError('data is not base64');
  return {
    reqIdentifier: integer(r.reqIdentifier, 'reqIdentifier'),
    token: text(r.token, 'token'),
    sendID: text(r.sendID, 'sendID'),
    operationID: text(r.operationID, 'operationID'),
    msgIncr: text(r.msgIncr, 'msgIncr'),
    data: Buffer.from(data, 'base64'),
  };
}

function toJson(r: WsResponse): Buffer {
  return Buffer.from(
    JSON.stringify({
      reqIdentifier: r.reqIdentifier,
      msgIncr: r.msgIncr,
      operationID: r.operationID,
      errCode: r.errCode,
      errMsg: r.errMsg,
      data: r.data.length ? Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).toString('base64') : null,
    }),
  );
}

function fromGob(frame: Uint8Array): WsRequest {
  let v: ReturnType<typeof decodeGob>;
  try {
    v = decodeGob(frame);
  } catch (err) {
    throw new FrameError((err as Error).message);
  }
  const data = v.Data ?? new Uint8Array();
  if (!(data instanceof Uint8Array)) throw new FrameError('Data is not a byte slice');
  return {
    reqIdentifier: integer(v.ReqIdentifier ?? 0, 'ReqIdentifier'),
    token: text(v.Token, 'Token'),
    sendID: text(v.SendID, 'SendID'),
    operationID: text(v.OperationID, 'OperationID'),
    msgIncr: text(v.MsgIncr, 'MsgIncr'),
    data,
  };
}

function toGob(r: WsResponse): Buffer {
  const bytes = encodeGob('Resp', RESP_FIELDS, {
    ReqIdentifier: r.reqIdentifier,
    MsgIncr: r.msgIncr,
    OperationID: r.operationID,
    ErrCode: r.errCode,
    ErrMsg: r.errMsg,
    Data: r.data,
  });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function unzip(frame: Buffer): Buffer {
  try {
    return gunzipSync(frame, { maxOutputLength: MAX_UNZIPPED_BYTES });
  } catch {
    throw new FrameError('frame is not a gzip stream within the size limit');
  }
}

/** The framing a connection's query chose: `sdkType` js or go, `compression` gzip or none. */
export function framingOf(sdkType: 'js' | 'go', gzip: boolean): Framing {
  const decode = sdkType === 'js' ? fromJson : fromGob;
  const encode = sdkType === 'js' ? toJson : toGob;
  if (!gzip) return { name: sdkType === 'js' ? 'json' : 'gob', decode, encode };
  return {
    name: sdkType === 'js' ? 'json+gzip' : 'gob+gzip',
    decode: (frame) => decode(unzip(frame)),
    // Level 1: frames are small and pushes are encoded once per framing, not once per client.
    encode: (r) => gzipSync(encode(r), { level: 1 }),
  };
}
