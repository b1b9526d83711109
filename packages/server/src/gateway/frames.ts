// What travels on the gateway's socket once a connection is open, whatever the framing (JSON for
// the pure-JS SDK, gob + gzip for the Go and wasm SDKs): OpenIM's request and response records and
// its request identifiers (internal/msggateway/constant.go).

export const ReqIdentifier = {
  GetNewestSeq: 1001,
  PullMsgByRange: 1002,
  SendMsg: 1003,
  PullMsgBySeqList: 1005,
  GetConvMaxReadSeq: 1006,
  PullConvLastMessage: 1007,
  PushMsg: 2001,
  KickOnlineMsg: 2002,
  Logout: 2003,
  SetBackgroundStatus: 2004,
  SubUserOnlineStatus: 2005,
} as const;

/** A client's request (OpenIM's Req / the SDK's GeneralWsReq). */
export interface WsRequest {
  reqIdentifier: number;
  token: string;
  sendID: string;
  operationID: string;
  /** The correlation ID the response echoes. */
  msgIncr: string;
  /** The protobuf request. */
  data: Uint8Array;
}

/** A response or a server-initiated frame (push 2001, kick 2002, status 2005): msgIncr "" for those. */
export interface WsResponse {
  reqIdentifier: number;
  msgIncr: string;
  operationID: string;
  errCode: number;
  errMsg: string;
  /** The protobuf answer; empty for none. */
  data: Uint8Array;
}
