// Reading messages: by range (1002), by seq (1005), the newest of each conversation (1007). A
// conversation the user does not have is left out of the answer, as on OpenIM.

import type { Services } from '../../domain/index.js';
import { encode } from '../../wire/openim-proto.js';
import { msgDataOf, pulledMsgs } from '../msg-data.js';
import { atMost, requestOf } from './decode.js';
import type { RequestHandler } from './session.js';

/** sdkws.PullOrder: 0 ascending, 1 descending. */
const PULL_DESCENDING = 1;

/**
 * 1002 PullMessageBySeqs: each range clamped to what the user may read, its newest `num`. A range
 * that ends before it begins is skipped (OpenIM logs it and goes on).
 */
export const pullMsgByRange =
  ({ messages }: Services): RequestHandler =>
  async (session, req) => {
    const r = requestOf('openim.sdkws.PullMessageBySeqsReq', req.data);
    const ranges = atMost('seqRanges', r.seqRanges).filter((range) => range.end >= range.begin);
    const ctx = session.context(req.operationID);
    const pulled = await messages.pullByRanges(ctx, r.userID, ranges, r.order === PULL_DESCENDING);
    return encode('openim.sdkws.PullMessageBySeqsResp', pulledMsgs(pulled));
  };

/** 1005 GetSeqMessage: exactly the asked seqs (a gone one as a deleted placeholder; seq 0 skipped). */
export const pullMsgBySeqList =
  ({ messages }: Services): RequestHandler =>
  async (session, req) => {
    const r = requestOf('openim.msg.GetSeqMessageReq', req.data);
    const ctx = session.context(req.operationID);
    const wanted = atMost('conversations', r.conversations);
    const pulled = await messages.pullBySeqs(ctx, r.userID, wanted, r.order === PULL_DESCENDING);
    return encode('openim.msg.GetSeqMessageResp', pulledMsgs(pulled));
  };

/** 1007 GetLastMessage: the newest message the user may read in each listed conversation. */
export const pullConvLastMessage =
  ({ messages }: Services): RequestHandler =>
  async (session, req) => {
    const r = requestOf('openim.msg.GetLastMessageReq', req.data);
    const ctx = session.context(req.operationID);
    const last = await messages.lastMessages(ctx, r.userID, atMost('conversationIDs', r.conversationIDs));
    return encode('openim.msg.GetLastMessageResp', {
      msgs: Object.fromEntries([...last].map(([conversationID, m]) => [conversationID, msgDataOf(m)])),
    });
  };
