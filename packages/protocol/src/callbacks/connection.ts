import { bool, int, object, str } from './views.js';
// Connection callbacks, from the gateway's online state, OpenIM's bodies key for key
// (pkg/callbackstruct/msg_gateway.go): afterUserOnline and afterUserOffline once per connection (as
// OpenIM's gateway reports each platform's connection), afterUserKickOff when a connection is kicked
// (OpenIM declares it, with its config key, but never sends it). `seq` is the event's time in ms, as
// OpenIM fills it. Tencent Cloud Chat's counterpart of the online and offline hooks is
// State.StateChange ("Status Change Webhooks", product 1047, doc 34357), one body per connection;
// a kick has none of its own (Tencent reports the kicked connection's Logout). A user's connection
// events wait in the user's queue (`user:<userID>`), so a business server sees them in order.

import { defineCallback, perEvent } from './define.js';

/** OpenIM's platform names (protocol constant.PlatformID2Name), by platform ID. */
export const OPENIM_PLATFORM_NAMES: Readonly<Record<number, string>> = {
  1: 'IOS',
  2: 'Android',
  3: 'Windows',
  4: 'OSX',
  5: 'Web',
  6: 'MiniWeb',
  7: 'Linux',
  8: 'APad',
  9: 'IPad',
  10: 'Admin',
  11: 'HarmonyOS',
};
/** "" for an ID OpenIM has no name for, as its map lookup gives. */
export const openimPlatformName = (platformID: number): string => OPENIM_PLATFORM_NAMES[platformID] ?? '';

/** How a connection ended: the socket closed, the client logged out (2003), it was kicked, or its instance died. */
export type OfflineReason = 'closed' | 'logout' | 'kicked' | 'timeout';

export interface UserOnlineEvent {
  operationID: string;
  userID: string;
  platformID: number;
  /** The event's time, ms (OpenIM's value for this field). */
  seq: number;
  isAppBackground: boolean;
  connID: string;
}

export interface UserOfflineEvent {
  operationID: string;
  userID: string;
  platformID: number;
  seq: number;
  connID: string;
  /** Not in OpenIM's body: what Tencent's Action and Reason say. */
  reason: OfflineReason;
}

export interface UserKickOffEvent {
  operationID: string;
  userID: string;
  platformID: number;
  seq: number;
}

const userQueue = (userID: string) => `user:${userID}`;

/** OpenIM's UserStatusBaseCallback after `callbackCommand`, then the user. */
const statusBase = (e: { operationID: string; platformID: number; userID: string }) => ({
  operationID: e.operationID,
  platformID: e.platformID,
  platform: openimPlatformName(e.platformID),
  userID: e.userID,
});
const statusBaseView = { operationID: str, platformID: int, platform: str, userID: str };

/** Tencent's Action and Reason for each way a connection starts or ends. */
const TENCENT_STATE = {
  online: { Action: 'Login', Reason: 'Register' },
  logout: { Action: 'Logout', Reason: 'Unregister' },
  // Tencent's older SDKs report a connection kicked by another login as a Logout (Unregister).
  kicked: { Action: 'Logout', Reason: 'Unregister' },
  closed: { Action: 'Disconnect', Reason: 'LinkClose' },
  timeout: { Action: 'Disconnect', Reason: 'TimeOut' },
} as const;

const stateChange = (state: { Action: string; Reason: string }, userID: string, eventTime: number) => ({
  EventTime: eventTime,
  Info: { Action: state.Action, To_Account: userID, Reason: state.Reason },
});
const stateChangeSpec = {
  command: 'State.StateChange',
  view: object({ EventTime: int, Info: object({ Action: str, To_Account: str, Reason: str }) }),
  orderingKey: (body: { Info: { To_Account: string } }) => userQueue(body.Info.To_Account),
};

const EXAMPLE = { operationID: 'op-1', userID: 'u1', platformID: 5, seq: 1_700_000_000_000 };

export const afterUserOnline = defineCallback({
  key: 'afterUserOnline',
  phase: 'after',
  fires: 'a WebSocket connection of the user is established (once per connection)',
  example: { ...EXAMPLE, isAppBackground: false, connID: 'c1' },
  openim: {
    command: 'callbackAfterUserOnlineCommand',
    view: object({ ...statusBaseView, seq: int, isAppBackground: bool, connID: str }),
    body: (e: UserOnlineEvent) => ({
      ...statusBase(e),
      seq: e.seq,
      isAppBackground: e.isAppBackground,
      connID: e.connID,
    }),
  },
  orderingKey: (e: UserOnlineEvent) => userQueue(e.userID),
  tencent: {
    ...stateChangeSpec,
    bodies: perEvent((e: UserOnlineEvent, ctx) => stateChange(TENCENT_STATE.online, e.userID, ctx.eventTime)),
    owns: (body) => (body.Info as { Action?: string } | undefined)?.Action === 'Login',
  },
});

export const afterUserOffline = defineCallback({
  key: 'afterUserOffline',
  phase: 'after',
  fires:
    'a WebSocket connection of the user ends: closed, logged out, kicked, or its instance stopped stamping (once per connection)',
  example: { ...EXAMPLE, connID: 'c1', reason: 'closed' },
  openim: {
    command: 'callbackAfterUserOfflineCommand',
    view: object({ ...statusBaseView, seq: int, connID: str }),
    body: (e: UserOfflineEvent) => ({ ...statusBase(e), seq: e.seq, connID: e.connID }),
  },
  orderingKey: (e: UserOfflineEvent) => userQueue(e.userID),
  tencent: {
    ...stateChangeSpec,
    bodies: perEvent((e: UserOfflineEvent, ctx) => stateChange(TENCENT_STATE[e.reason], e.userID, ctx.eventTime)),
    owns: (body) => (body.Info as { Action?: string } | undefined)?.Action !== 'Login',
  },
});

export const afterUserKickOff = defineCallback({
  key: 'afterUserKickOff',
  phase: 'after',
  fires: 'a WebSocket connection of the user is kicked (a newer login, force_logout), with its afterUserOffline',
  example: EXAMPLE,
  openim: {
    command: 'callbackAfterUserKickOffCommand',
    view: object({ ...statusBaseView, seq: int }),
    body: (e: UserKickOffEvent) => ({ ...statusBase(e), seq: e.seq }),
  },
  orderingKey: (e: UserKickOffEvent) => userQueue(e.userID),
});
