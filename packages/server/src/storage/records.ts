// What the store hands to the domain: plain records with the API's field names.

import type { GroupInfo } from '@huddle/protocol';
import type { ConnectionEnd } from '@huddle/protocol/chat-admin';

export interface UserRecord {
  userID: string;
  nickname: string;
  faceURL: string;
  ex: string;
  appMangerLevel: number;
  globalRecvMsgOpt: number;
  createTime: number;
}

export interface TokenRecord {
  tokenHash: string;
  userID: string;
  platformID: number;
  expiresAt: number;
  state: number;
}

/** A stored group: OpenIM's GroupInfo without the owner, which is derived from the members. */
export type GroupRecord = Omit<GroupInfo, 'ownerUserID'>;

/** A group as read back, with its owner derived from the member holding role 100. */
export type GroupView = GroupInfo;

export interface MemberRecord {
  groupID: string;
  userID: string;
  roleLevel: number;
  joinTime: number;
  nickname: string;
  faceURL: string;
  joinSource: number;
  operatorUserID: string;
  inviterUserID: string;
  ex: string;
  muteEndTime: number;
}

export interface RequestRecord {
  groupID: string;
  userID: string;
  handleResult: number;
  reqMsg: string;
  handleMsg: string;
  reqTime: number;
  handleUserID: string;
  handleTime: number;
  ex: string;
  joinSource: number;
  inviterUserID: string;
}

/** OpenIM's offline-push settings of a message, kept as sent. */
export interface OfflinePushInfo {
  title: string;
  desc: string;
  ex: string;
  iOSPushSound: string;
  iOSBadgeCount: boolean;
  signalInfo: string;
}

/** A stored message: OpenIM's MsgData plus the conversation it is numbered in. */
export interface MessageRecord {
  conversationID: string;
  /** 1, 2, 3 … in its conversation, without gaps. */
  seq: number;
  serverMsgID: string;
  clientMsgID: string;
  sendID: string;
  recvID: string;
  groupID: string;
  sessionType: number;
  msgFrom: number;
  contentType: number;
  /** UTF-8 JSON, as sent. */
  content: string;
  senderPlatformID: number;
  senderNickname: string;
  senderFaceURL: string;
  sendTime: number;
  createTime: number;
  status: number;
  /** A missing key means true (OpenIM's rule). */
  options: Record<string, boolean>;
  offlinePushInfo: OfflinePushInfo | null;
  atUserIDList: string[];
  attachedInfo: string;
  ex: string;
}

/** A message before the store numbers it. */
export type NewMessage = Omit<MessageRecord, 'conversationID' | 'seq'>;

/** A conversation's numbering: what 1001 and 1006 report. */
export interface ConversationSeqs {
  conversationID: string;
  maxSeq: number;
  /** sendTime of the message at maxSeq. */
  maxSeqTime: number;
  /** The first seq still kept. */
  minSeq: number;
}

/**
 * A user's view of a chat conversation (sg_ or si_), or of a notification conversation (n_…), whose
 * row only bounds the seqs the user may read there and is never listed.
 */
export interface ConversationRecord {
  ownerUserID: string;
  conversationID: string;
  conversationType: number;
  /** The other user of a one-to-one conversation. */
  userID: string;
  groupID: string;
  recvMsgOpt: number;
  isPinned: boolean;
  isPrivateChat: boolean;
  burnDuration: number;
  groupAtType: number;
  attachedInfo: string;
  ex: string;
  hasReadSeq: number;
  /** The first seq the user may read (later joiners do not see earlier messages). */
  minSeq: number;
  /** The last seq the user may read; 0 when unbounded (set when the user leaves a group). */
  maxSeq: number;
  createTime: number;
}

/** The logs behind the incremental-sync routes (see migration 007). */
export type SyncKind = 'join_groups' | 'group_members' | 'conversations';

/** What changed in one log since a client's version. */
export interface SyncDelta {
  version: number;
  versionID: string;
  inserted: string[];
  updated: string[];
  deleted: string[];
}

export interface Page {
  /** 1-based page number. */
  pageNumber: number;
  /** Page size; 0 returns no rows but the true total. */
  showNumber: number;
}

export interface Paged<T> {
  total: number;
  items: T[];
}

export type EventStatus = 'pending' | 'delivered' | 'dead';

/** An after-callback as written in the change's transaction. */
export interface NewEvent {
  id: string;
  hook: string;
  endpoint: string;
  command: string;
  orderingKey: string;
  operationID: string;
  /** The JSON body exactly as it is sent. */
  payload: string;
  createdAt: number;
  /** The API caller's address and platform, for dialects that report them (Tencent: ClientIP, OptPlatform). */
  clientIP?: string;
  optPlatform?: string;
}

export interface EventRecord extends Required<NewEvent> {
  seq: number;
  status: EventStatus;
  attempts: number;
  nextAttemptAt: number;
  finishedAt: number | null;
  lastError: string;
  lockedBy: string | null;
  lockedUntil: number | null;
}

export interface AttemptRecord {
  eventID: string;
  attempt: number;
  startedAt: number;
  durationMs: number;
  /** null when no HTTP response arrived (timeout, refused connection). */
  statusCode: number | null;
  outcome: 'success' | 'failure';
  error: string;
  responseExcerpt: string;
  /** Where the attempt was sent (the endpoint's url then, with any signature masked); '' before migration 010. */
  url?: string;
}

/** How an admin moved an event: one event (replay, retry) or many at once (bulk_replay by IDs, replay_dead and retry_pending by filter). */
export type ReplayHow = 'replay' | 'retry' | 'bulk_replay' | 'replay_dead' | 'retry_pending';

/** One replay or retry of one event, as the delivery log's history shows it. */
export interface ReplayRecord {
  eventID: string;
  at: number;
  /** The admin who asked. */
  userID: string;
  how: ReplayHow;
  /** A bulk call's filter or ID list as JSON; '' for a single event. */
  detail: string;
}

/**
 * Sorts by queue: (endpoint, ordering key). Every transaction takes queue-head row locks in this
 * order (PostgreSQL), so an enqueue and a batch of finished attempts never deadlock.
 */
export function queueKeyOrder<K extends { endpoint: string; ordering_key: string }>(items: readonly K[]): K[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...items].sort((a, b) => cmp(a.endpoint, b.endpoint) || cmp(a.ordering_key, b.ordering_key));
}

/** One live WebSocket connection of the gateway, held by one instance. */
export interface ConnectionRecord {
  connID: string;
  instanceID: string;
  userID: string;
  platformID: number;
  /** The app is in the background (isBackground at connect, then WsSetBackgroundStatus). */
  background: boolean;
  connectedAt: number;
}

/** How a before-callback came out: see DECISIONS in @huddle/protocol/decision-log. */
export type DecisionKind = 'allow' | 'modify' | 'reject' | 'failed';

/** One before-callback asked and what it came to (the decision log). */
export interface DecisionRecord {
  id: string;
  decidedAt: number;
  hook: string;
  endpoint: string;
  command: string;
  url: string;
  groupID: string;
  operationID: string;
  decision: DecisionKind;
  failedContinue: boolean;
  latencyMs: number;
  /** null when no HTTP response arrived. */
  statusCode: number | null;
  errCode: number;
  errMsg: string;
  error: string;
  answer: string;
}

export type { ConnectionEnd };

/** One gateway connection's life, kept for HUDDLE_CONNECTION_HISTORY_RETENTION_DAYS after it ended. */
export interface ConnectionHistoryRecord {
  connID: string;
  userID: string;
  platformID: number;
  instanceID: string;
  remoteAddr: string;
  sdkType: string;
  sdkVersion: string;
  connectedAt: number;
  /** null while it lasts. */
  disconnectedAt: number | null;
  /** '' while it lasts. */
  endReason: ConnectionEnd | '';
}

/** What /msg/search_msg narrows messages by; empty strings and 0 match everything. */
export interface MessageSearch {
  /** Only this conversation's messages (huddle's addition). */
  conversationID: string;
  sendID: string;
  /** A one-to-one message's receiver, or a group message's group. */
  recvID: string;
  contentType: number;
  sessionType: number;
  /** send_time bounds, ms: from ≤ sendTime < to; 0 for none. */
  sentFrom: number;
  sentBefore: number;
}
