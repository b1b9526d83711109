// The requests a connection answers about itself: 2003 logout (answered, then closed), 2004 the
// app going to the background, 2005 (un)subscribing to users' online state (answered with the
// subscribed users' platforms now; changes follow as unsolicited 2005 frames).

import { args } from '../errors.js';
import { decode, encode, type OpenIMMessage, type OpenIMMessageName } from '../wire/openim-proto.js';
import type { Connection } from './connection.js';
import { ReqIdentifier, type WsRequest } from './frames.js';
import { MAX_SUBSCRIPTIONS } from './watchers.js';

export interface ControlDeps {
  /** The platforms each user is online on, across instances. */
  onlinePlatforms(userIDs: readonly string[]): Promise<Map<string, number[]>>;
  /** The connection moved to or from the background. */
  background(conn: Connection, background: boolean): Promise<void>;
  /** Changes whose online state the connection watches; false when it would watch too many. */
  watch(conn: Connection, subscribe: readonly string[], unsubscribe: readonly string[]): boolean;
}

function read<N extends OpenIMMessageName>(name: N, data: Uint8Array): OpenIMMessage<N> {
  try {
    return decode(name, data);
  } catch {
    throw args(`data is not a protobuf ${name.split('.').pop()}`);
  }
}

export function controlHandler(deps: ControlDeps) {
  return async (conn: Connection, req: WsRequest): Promise<Uint8Array> => {
    switch (req.reqIdentifier) {
      case ReqIdentifier.Logout:
        return new Uint8Array();
      case ReqIdentifier.SetBackgroundStatus: {
        const r = read('openim.sdkws.SetAppBackgroundStatusReq', req.data);
        conn.background = r.isBackground;
        await deps.background(conn, r.isBackground);
        return new Uint8Array();
      }
      case ReqIdentifier.SubUserOnlineStatus: {
        const r = read('openim.sdkws.SubUserOnlineStatus', req.data);
        if (!deps.watch(conn, r.subscribeUserID, r.unsubscribeUserID))
          throw args(`at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`);
        const online = await deps.onlinePlatforms(r.subscribeUserID);
        return encode('openim.sdkws.SubUserOnlineStatusTips', {
          subscribers: r.subscribeUserID.map((userID) => ({ userID, onlinePlatformIDs: online.get(userID) ?? [] })),
        });
      }
      default:
        throw args(`request ${req.reqIdentifier} is not a connection request`);
    }
  };
}
