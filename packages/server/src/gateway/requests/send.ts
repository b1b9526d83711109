// 1003 SendMsg: a bare MsgData in, SendMsgResp out; the same operation as REST's /msg/send_msg.

import type { Services } from '../../domain/index.js';
import { encode } from '../../wire/openim-proto.js';
import { msgDataOf, outgoingOf } from '../msg-data.js';
import { requestOf } from './decode.js';
import type { RequestHandler } from './session.js';

/**
 * Sends as the message's sendID (the domain refuses anyone but the session's user, app admins
 * aside). A resend of a stored clientMsgID answers the stored message. `modify` carries the message
 * only when a before-callback rewrote it, as on OpenIM; the seq reaches the sender with the push.
 */
export const sendMsg =
  ({ messages }: Services): RequestHandler =>
  async (session, req) => {
    const outgoing = outgoingOf(requestOf('openim.sdkws.MsgData', req.data));
    const { message, modified } = await messages.send(session.context(req.operationID), outgoing);
    return encode('openim.msg.SendMsgResp', {
      serverMsgID: message.serverMsgID,
      clientMsgID: message.clientMsgID,
      sendTime: message.sendTime,
      ...(modified ? { modify: msgDataOf(message) } : {}),
    });
  };
