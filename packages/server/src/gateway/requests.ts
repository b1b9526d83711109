// What each client request on the gateway does: pure functions from a session and the request's
// protobuf to the response's protobuf. The socket, framing and connection-level requests (2003
// logout, 2004 background, 2005 online status) are the connection's, not these.

import type { Services } from '../domain/index.js';
import { ReqIdentifier } from './frames.js';
import { pullConvLastMessage, pullMsgByRange, pullMsgBySeqList } from './requests/pulls.js';
import { getConvMaxReadSeq, getNewestSeq } from './requests/seqs.js';
import { sendMsg } from './requests/send.js';
import type { RequestHandler } from './requests/session.js';

export type { GatewaySession, RequestHandler } from './requests/session.js';

/** The handler of each request identifier the gateway answers with data. */
export function requestHandlers(services: Services): ReadonlyMap<number, RequestHandler> {
  return new Map<number, RequestHandler>([
    [ReqIdentifier.GetNewestSeq, getNewestSeq(services)],
    [ReqIdentifier.PullMsgByRange, pullMsgByRange(services)],
    [ReqIdentifier.SendMsg, sendMsg(services)],
    [ReqIdentifier.PullMsgBySeqList, pullMsgBySeqList(services)],
    [ReqIdentifier.GetConvMaxReadSeq, getConvMaxReadSeq(services)],
    [ReqIdentifier.PullConvLastMessage, pullConvLastMessage(services)],
  ]);
}
