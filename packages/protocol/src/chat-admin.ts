// What the console reads of a chat for an operator: OpenIM's admin message search
// (/msg/search_msg, its ChatLog) and huddle's connection history (/user/get_connection_history).
// The server builds these views; the console reads them. Imports only view.ts (import-free at run
// time), so a browser bundle takes no Node module.

import * as view from './view.js';
import type { ViewType } from './view.js';

/** OpenIM's ChatLog: a stored message with its receiver's nickname or its group's facts. */
export const ChatLog = view.object(
  {
    serverMsgID: view.string(),
    clientMsgID: view.string(),
    sendID: view.string(),
    recvID: view.string('the receiver of a one-to-one message; "" for a group message'),
    groupID: view.string(),
    recvNickname: view.string("the receiver's nickname (one-to-one)"),
    senderPlatformID: view.integer(),
    senderNickname: view.string(),
    senderFaceURL: view.string(),
    groupName: view.string(),
    sessionType: view.integer('1 one-to-one, 3 group'),
    msgFrom: view.integer('100 a user, 200 the system'),
    contentType: view.integer('101 text, 102 picture, …'),
    content: view.string('the content as sent: JSON text, user data'),
    status: view.integer(),
    sendTime: view.integer(),
    createTime: view.integer(),
    ex: view.string(),
    groupFaceURL: view.string(),
    groupMemberCount: view.integer(),
    seq: view.integer('its number in its conversation'),
    groupOwner: view.string(),
    groupType: view.integer(),
  },
  'ChatLog',
);
export type ChatLog = ViewType<typeof ChatLog>;

export const SearchedMessages = view.object({
  chatLogs: view.array(
    view.object({ chatLog: ChatLog, isRevoked: view.boolean('always false: huddle has no revoke') }, 'SearchChatLog'),
  ),
  chatLogsNum: view.integer('matches over all pages'),
});
export type SearchedMessages = ViewType<typeof SearchedMessages>;

/**
 * Why a connection ended: the client logged out (2003), a newer login on the platform kicked it,
 * /auth/force_logout, it sent nothing for the idle timeout, the client closed it, it broke the
 * protocol, it did not read its pushes, its instance asked it to reconnect (pushes were lost), its
 * instance shut down, another instance swept it (its own stopped stamping), its instance restarted
 * after a crash.
 */
export const CONNECTION_ENDS = [
  'logout',
  'kicked',
  'force_logout',
  'idle',
  'closed',
  'protocol',
  'slow_reader',
  'resync',
  'shutdown',
  'swept',
  'restart',
] as const;
export type ConnectionEnd = (typeof CONNECTION_ENDS)[number];

export const ConnectionHistoryEntry = view.object(
  {
    connID: view.string(),
    userID: view.string(),
    platformID: view.integer(),
    instanceID: view.string('the instance that held the socket'),
    remoteAddr: view.string("the client's address as the gateway saw it (X-Forwarded-For of trusted proxies)"),
    sdkType: view.string('js or go'),
    sdkVersion: view.string('"" when the client did not say'),
    connectedAt: view.integer(),
    disconnectedAt: view.integer('0 while it lasts'),
    endReason: view.oneOf(
      ['', ...CONNECTION_ENDS],
      '"" while it lasts; logout, kicked (by a newer login on the platform), force_logout, idle (nothing received for the idle timeout), closed (by the client), protocol (it broke the protocol), slow_reader (it did not read its pushes), resync (asked to reconnect: pushes were lost), shutdown (its instance stopped), swept (its instance stopped stamping), restart (its instance restarted after a crash)',
    ),
  },
  'ConnectionHistoryEntry',
);
export type ConnectionHistoryEntry = ViewType<typeof ConnectionHistoryEntry>;

export const ConnectionHistory = view.paged('connections', ConnectionHistoryEntry);
export type ConnectionHistory = ViewType<typeof ConnectionHistory>;
