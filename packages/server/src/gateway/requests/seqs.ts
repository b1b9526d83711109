// The numbering of the user's conversations: 1001 (newest seqs, on every connect) and 1006 (read
// marks and newest seqs, the first request after connecting).

import type { Services } from '../../domain/index.js';
import { encode } from '../../wire/openim-proto.js';
import { atMost, requestOf } from './decode.js';
import type { RequestHandler } from './session.js';

/** 1001 GetMaxSeq: the newest and oldest seq of every conversation with messages, n_ ones included. */
export const getNewestSeq =
  ({ messages }: Services): RequestHandler =>
  async (session, req) => {
    const { userID } = requestOf('openim.sdkws.GetMaxSeqReq', req.data);
    const seqs = await messages.newestSeqs(session.context(req.operationID), userID);
    return encode('openim.sdkws.GetMaxSeqResp', seqs);
  };

/**
 * 1006 GetConversationsHasReadAndMaxSeq: for each listed conversation (none: all of the user's),
 * maxSeq, hasReadSeq and maxSeqTime; the pinned ones' IDs when asked.
 */
export const getConvMaxReadSeq =
  ({ messages, conversations }: Services): RequestHandler =>
  async (session, req) => {
    const r = requestOf('openim.msg.GetConversationsHasReadAndMaxSeqReq', req.data);
    const ctx = session.context(req.operationID);
    const rows = await messages.hasReadAndMaxSeqs(ctx, r.userID, atMost('conversationIDs', r.conversationIDs));
    return encode('openim.msg.GetConversationsHasReadAndMaxSeqResp', {
      seqs: Object.fromEntries(rows.map(({ conversationID, ...seqs }) => [conversationID, seqs])),
      pinnedConversationIDs: r.returnPinned ? await conversations.pinnedIDs(ctx, r.userID) : [],
    });
  };
