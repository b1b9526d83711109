// The storage seam. Domain code sees only this interface; SQL lives behind it, one implementation
// per engine. Every multi-row change goes through `tx`, so it commits whole or not at all.

import type {
  AttemptRecord,
  ConnectionEnd,
  ConnectionHistoryRecord,
  ConnectionRecord,
  ConversationRecord,
  ConversationSeqs,
  DecisionKind,
  DecisionRecord,
  MessageRecord,
  MessageSearch,
  NewMessage,
  SyncDelta,
  SyncKind,
  EventRecord,
  EventStatus,
  ReplayRecord,
  GroupRecord,
  GroupView,
  MemberRecord,
  Page,
  Paged,
  RequestRecord,
  NewEvent,
  TokenRecord,
  UserRecord,
} from './records.js';

export type GroupPatch = Partial<Omit<GroupRecord, 'groupID' | 'createTime' | 'memberCount'>>;
export type MemberPatch = Partial<Pick<MemberRecord, 'roleLevel' | 'nickname' | 'faceURL' | 'ex' | 'muteEndTime'>>;
export type UserPatch = Partial<Pick<UserRecord, 'nickname' | 'faceURL' | 'ex' | 'globalRecvMsgOpt'>>;

export interface UserRepo {
  insert(users: UserRecord[]): Promise<void>;
  /** The users that exist among `userIDs`, in no particular order. */
  find(userIDs: readonly string[]): Promise<UserRecord[]>;
  update(userID: string, patch: UserPatch): Promise<void>;
  /**
   * Users whose userID contains `userID` and whose nickname contains `nickname` (case-insensitive;
   * "" matches all), in userID order.
   */
  search(query: { userID: string; nickname: string }, page: Page): Promise<Paged<UserRecord>>;
}

export interface TokenRepo {
  insert(token: TokenRecord): Promise<void>;
  get(tokenHash: string): Promise<TokenRecord | undefined>;
  /** Marks every token of the user on the platform as kicked but `keepTokenHash`'s; returns how many. */
  kick(userID: string, platformID: number, keepTokenHash?: string): Promise<number>;
  /** Removes tokens that expired before `now`. */
  purgeExpired(now: number): Promise<number>;
}

export interface MemberQuery {
  /** Only these role levels; empty means all. */
  roles: readonly number[];
  /** Case-insensitive substring of the userID, the in-group nickname or the profile nickname. */
  keyword: string;
}

export interface GroupRepo {
  insert(group: GroupRecord): Promise<void>;
  get(groupID: string): Promise<GroupView | undefined>;
  /**
   * Reads the group inside a write transaction and keeps other writers of the same group out until
   * it ends (row lock on engines that have them; SQLite already serialises writers).
   */
  getForUpdate(groupID: string): Promise<GroupView | undefined>;
  find(groupIDs: readonly string[]): Promise<GroupView[]>;
  update(groupID: string, patch: GroupPatch): Promise<void>;
  addMemberCount(groupID: string, delta: number): Promise<void>;
  /** Groups the user is a member of, newest membership first. */
  joinedBy(userID: string, page: Page): Promise<Paged<GroupView>>;
  /** Groups not dismissed whose name contains `groupName` (case-insensitive; "" for all), newest first. */
  search(groupName: string, page: Page): Promise<Paged<GroupView>>;
}

export interface MemberRepo {
  insert(members: MemberRecord[]): Promise<void>;
  get(groupID: string, userID: string): Promise<MemberRecord | undefined>;
  find(groupID: string, userIDs: readonly string[]): Promise<MemberRecord[]>;
  update(groupID: string, userID: string, patch: MemberPatch): Promise<void>;
  /** Deletes those members; returns how many rows went. */
  remove(groupID: string, userIDs: readonly string[]): Promise<number>;
  removeAll(groupID: string): Promise<number>;
  /** Members ordered by role (owner first), then by when they joined. */
  list(groupID: string, query: MemberQuery, page: Page): Promise<Paged<MemberRecord>>;
  userIDs(groupID: string): Promise<string[]>;
  /** The groups the user is a member of. */
  groupIDsOf(userID: string): Promise<string[]>;
  /** Every member, oldest membership first. */
  inJoinOrder(groupID: string): Promise<MemberRecord[]>;
}

export interface RequestQuery {
  groupIDs: readonly string[];
  handleResults: readonly number[];
  /** Only requests made after this time (ms). */
  after?: number;
}

export interface RequestRepo {
  /** Replaces any earlier request of this user to this group with a fresh pending one. */
  upsertPending(request: RequestRecord): Promise<void>;
  get(groupID: string, userID: string): Promise<RequestRecord | undefined>;
  markHandled(
    groupID: string,
    userID: string,
    handled: Pick<RequestRecord, 'handleResult' | 'handleMsg' | 'handleUserID' | 'handleTime'>,
  ): Promise<void>;
  /** Requests to groups where `managerUserID` is owner or admin, newest first. */
  inbox(managerUserID: string, query: RequestQuery, page: Page): Promise<Paged<RequestRecord>>;
  /** Requests made by `userID`, newest first. */
  byApplicant(userID: string, query: RequestQuery, page: Page): Promise<Paged<RequestRecord>>;
  /** The requests of those users to the group, newest first. */
  find(groupID: string, userIDs: readonly string[]): Promise<RequestRecord[]>;
}

export interface EventQuery {
  status?: EventStatus;
  endpoint?: string;
  hook?: string;
  orderingKey?: string;
  /** created_at bounds, milliseconds, inclusive. */
  from?: number;
  to?: number;
  /** This event only (exact ID). */
  eventID?: string;
  /** Payloads containing this text, ignoring case (LIKE wildcards in it are matched literally). */
  text?: string;
}

export interface EventRepo {
  /** Writes after-events; call it inside the transaction of the change they report. */
  enqueue(events: NewEvent[]): Promise<void>;
  /**
   * Leases up to `limit` due events, each the oldest pending event of its (endpoint, group), so a
   * group never has two events in flight and event N+1 waits for event N. One statement. With
   * `queues`, only the heads of those queues (the worker chaining a group's next event).
   */
  claim(
    workerID: string,
    now: number,
    leaseUntil: number,
    limit: number,
    endpoints: readonly string[],
    queues?: readonly { endpoint: string; orderingKey: string }[],
  ): Promise<EventRecord[]>;
  /**
   * Records an attempt and the event's next state, if `workerID` still holds the lease; returns
   * false (and writes nothing) when it does not.
   */
  finish(
    attempt: AttemptRecord,
    workerID: string,
    next: { status: EventStatus; nextAttemptAt: number; lastError: string; finishedAt: number | null },
  ): Promise<boolean>;
  /** finish() for many attempts in the caller's transaction, with one round of queue-head updates. */
  finishMany(
    items: readonly {
      attempt: AttemptRecord;
      workerID: string;
      next: { status: EventStatus; nextAttemptAt: number; lastError: string; finishedAt: number | null };
    }[],
  ): Promise<boolean[]>;
  /** Drops the leases a worker holds (graceful shutdown; one event's when eventID is given), or every lease when workerID is omitted. */
  release(workerID?: string, eventID?: string): Promise<number>;
  get(id: string): Promise<EventRecord | undefined>;
  attempts(id: string): Promise<AttemptRecord[]>;
  /** Newest first. */
  list(query: EventQuery, page: Page): Promise<Paged<EventRecord>>;
  /** Makes matching delivered or dead events pending again, due now; returns how many. */
  requeue(filter: EventQuery & { ids?: readonly string[] }, now: number): Promise<number>;
  /** requeue(), returning the IDs of the events it made pending. */
  requeueIDs(filter: EventQuery & { ids?: readonly string[] }, now: number): Promise<string[]>;
  /** Records replays and retries an admin asked for (the delivery log's replay history). */
  recordReplays(replays: readonly ReplayRecord[]): Promise<void>;
  /** An event's replay history, oldest first. */
  replays(eventID: string): Promise<ReplayRecord[]>;
  /**
   * Makes the waiting queue heads that match due now (pending, next attempt later than `now`, not
   * leased); with `ids`, the heads of those events' queues (the event itself, or the one it waits
   * behind). Events behind a head keep their place. Returns the IDs of the heads made due.
   */
  retryNow(filter: EventQuery & { ids?: readonly string[] }, now: number): Promise<string[]>;
  /**
   * When `claim` could next return an event, if any pending: the earliest queue head's next attempt,
   * or its lease's end when it is leased.
   */
  nextWakeAt(endpoints: readonly string[]): Promise<number | undefined>;
  /** How many events are pending and dead, and the creation time of the oldest pending one. */
  stats(): Promise<{ pending: number; dead: number; oldestPendingAt: number | null }>;
  /**
   * Deletes up to `limit` delivered or dead events that finished before `finishedBefore`, with
   * their attempts; returns how many events. Pending events are never deleted.
   */
  prune(finishedBefore: number, limit: number): Promise<number>;
}

/** Attempts of one endpoint that started in one bucket of a window. */
export interface AttemptBucket {
  endpoint: string;
  /** 0 for the bucket starting at the window's start, 1 for the next, … */
  bucket: number;
  successes: number;
  failures: number;
  /** When the latest successful / failed attempt of the bucket started; 0 when none. */
  lastSuccessAt: number;
  lastFailureAt: number;
}

/** The delivery log summed up for the console's overview. */
export interface DeliveryStatsRepo {
  /** Attempts started in [from, to), per endpoint and bucket of `bucketMs`; empty buckets are left out. */
  attemptsOverTime(from: number, to: number, bucketMs: number): Promise<AttemptBucket[]>;
  /**
   * Attempts started in [from, to) per endpoint, counted by duration: counts[i] holds those within
   * bounds[i] ms (and above bounds[i-1]), the last count those above every bound.
   */
  latencyHistogram(
    from: number,
    to: number,
    bounds: readonly number[],
  ): Promise<{ endpoint: string; counts: number[] }[]>;
  /** Pending and dead events per endpoint (endpoints with neither are left out). */
  backlog(): Promise<{ endpoint: string; pending: number; dead: number }[]>;
}

/** The chat side summed up for the console's overview. */
export interface ActivityRepo {
  /** Users and connections held by instances stamped at or after `liveSince`. */
  online(liveSince: number): Promise<{ users: number; connections: number }>;
  /** Messages stored with a send time in [from, to), per bucket of `bucketMs` (empty buckets left out). */
  messagesOverTime(from: number, to: number, bucketMs: number): Promise<{ bucket: number; count: number }[]>;
}

export interface SettingRepo {
  get(key: string): Promise<{ value: string; updatedAt: number } | undefined>;
  put(key: string, value: string, now: number): Promise<void>;
  /** Writes the value only if the key has none yet (the first writer wins). */
  insertIfAbsent(key: string, value: string, now: number): Promise<void>;
}

export interface RateBucketRepo {
  /**
   * Takes a token from `key`'s bucket (`capacity` deep, refilled at `perMs` tokens a millisecond,
   * full when new), in one statement, so instances sharing the database share the bucket. Returns
   * whether a token was taken and what is left (below 1 when refused).
   */
  take(key: string, capacity: number, perMs: number, now: number): Promise<{ allowed: boolean; tokens: number }>;
}

/** How tries at the admin secret back off: see domain/secret-backoff.ts. */
export interface BackoffPolicy {
  /** Tries in a row that impose no wait. */
  free: number;
  /** The first wait, in ms; each later one doubles, up to `maxWaitMs`. */
  firstWaitMs: number;
  maxWaitMs: number;
  /** A key whose last wait ended this long ago starts over. */
  forgetMs: number;
}

export interface SecretFailureRepo {
  /**
   * Counts a try from `key` and sets the wait before the next one, unless a wait is running: then
   * the try is refused and nothing changes. One statement, so instances sharing the database share
   * the count and concurrent tries cannot all slip through. `blockedUntil`: when the next try may go.
   */
  claim(key: string, now: number, policy: BackoffPolicy): Promise<{ allowed: boolean; blockedUntil: number }>;
  /** Forgets `key`'s tries (after a right secret). */
  clear(key: string): Promise<void>;
  /** Deletes the keys whose last wait ended before `before`. */
  prune(before: number): Promise<void>;
}

export interface MessageRepo {
  /**
   * Numbers `messages` with the conversation's next seqs and stores them. Call it inside the
   * transaction of the send: the conversation's counter row stays locked until it ends, and a
   * rollback gives the seqs back, so seqs stay contiguous whatever the concurrency.
   * `first`: these are the conversation's first messages.
   */
  append(conversationID: string, messages: readonly NewMessage[]): Promise<{ stored: MessageRecord[]; first: boolean }>;
  byClientMsgID(conversationID: string, clientMsgID: string): Promise<MessageRecord | undefined>;
  /** The messages with from ≤ seq ≤ to, ascending. */
  range(conversationID: string, from: number, to: number): Promise<MessageRecord[]>;
  /** Those of `seqs` that are stored, ascending. */
  bySeqs(conversationID: string, seqs: readonly number[]): Promise<MessageRecord[]>;
  /** The numbering of those conversations that have messages. */
  seqs(conversationIDs: readonly string[]): Promise<ConversationSeqs[]>;
  /**
   * Retention: deletes up to `limit` messages sent before `sentBefore`, oldest first, and moves
   * their conversations' minSeq past them. Returns how many went.
   */
  prune(sentBefore: number, limit: number): Promise<number>;
  /**
   * Messages of chat conversations (si_, sg_; never the n_ notification ones) matching `query`,
   * newest first (sendTime, then seq).
   */
  search(query: MessageSearch, page: Page): Promise<Paged<MessageRecord>>;
}

export type ConversationPatch = Partial<
  Pick<
    ConversationRecord,
    | 'recvMsgOpt'
    | 'isPinned'
    | 'isPrivateChat'
    | 'burnDuration'
    | 'groupAtType'
    | 'attachedInfo'
    | 'ex'
    | 'hasReadSeq'
    | 'minSeq'
    | 'maxSeq'
  >
>;

export interface ConversationRepo {
  /** Inserts the rows whose (owner, conversation) is new; returns the owners of those inserted. */
  insertMissing(rows: readonly ConversationRecord[]): Promise<string[]>;
  get(ownerUserID: string, conversationID: string): Promise<ConversationRecord | undefined>;
  find(ownerUserID: string, conversationIDs: readonly string[]): Promise<ConversationRecord[]>;
  /** A user's chat conversations, in conversation-ID order (never the n_ rows, which are not listed). */
  ofOwner(ownerUserID: string, page?: Page): Promise<Paged<ConversationRecord>>;
  /** A user's rows of notification conversations (n_…): only which of their seqs the user may read. */
  notificationsOf(ownerUserID: string): Promise<ConversationRecord[]>;
  update(ownerUserID: string, conversationID: string, patch: ConversationPatch): Promise<void>;
  /** Sets the same patch on several owners' rows of one conversation. */
  updateOwners(conversationID: string, ownerUserIDs: readonly string[], patch: ConversationPatch): Promise<void>;
  /** Raises hasReadSeq to `seq` when it is lower; returns whether it moved. */
  markRead(ownerUserID: string, conversationID: string, seq: number): Promise<boolean>;
  /** The owners whose rows let them read `seq` of the conversation (who gets its push). */
  readersAt(conversationID: string, seq: number): Promise<string[]>;
}

export type SyncChange = 'insert' | 'update' | 'delete';

export interface SyncLogRepo {
  /**
   * Records changes in the (kind, owner) logs named by `changes`: each log touched moves one
   * version on (a new log starts at 1 with a fresh versionID), and each element keeps its latest
   * change. Call it in the transaction of the change.
   */
  record(kind: SyncKind, changes: readonly { ownerID: string; elementID: string; change: SyncChange }[]): Promise<void>;
  /** The log's current version, or undefined when nothing was ever recorded in it. */
  head(kind: SyncKind, ownerID: string): Promise<{ version: number; versionID: string } | undefined>;
  /** The elements inserted, updated and deleted after `version` (an insert then a delete: neither). */
  since(kind: SyncKind, ownerID: string, version: number): Promise<SyncDelta | undefined>;
}

/**
 * Online state: the gateway's connections, each held by one instance, and each instance's latest
 * stamp. A connection counts only while its instance's stamp is at or after `liveSince`.
 */
export interface PresenceRepo {
  /** Stamps the instance; returns whether it was registered already (false: new, or swept since). */
  heartbeat(instanceID: string, now: number): Promise<boolean>;
  /** Records a connection (a connID recorded again replaces its row). */
  connect(connection: ConnectionRecord): Promise<void>;
  /** Deletes a connection and returns its row; undefined when it is not there (swept, or never recorded). */
  disconnect(connID: string): Promise<ConnectionRecord | undefined>;
  /** Sets a connection's background flag; returns whether the connection is there. */
  setBackground(connID: string, background: boolean): Promise<boolean>;
  /** The connections of those users held by live instances, oldest first. */
  online(userIDs: readonly string[], liveSince: number): Promise<ConnectionRecord[]>;
  /**
   * Deletes the connections no live instance holds and the instances stamped before `liveSince`;
   * returns those connections. Of concurrent sweeps, each connection is returned by one.
   */
  sweep(liveSince: number): Promise<ConnectionRecord[]>;
  /** Deletes an instance and its connections; returns them. */
  forget(instanceID: string): Promise<ConnectionRecord[]>;
  /** Deletes every instance and connection; returns the connections. */
  forgetAll(): Promise<ConnectionRecord[]>;
}

export interface DecisionQuery {
  endpoint?: string;
  hook?: string;
  decision?: DecisionKind;
  groupID?: string;
  operationID?: string;
  /** decided_at bounds, milliseconds, inclusive. */
  from?: number;
  to?: number;
}

/** The before-callback decision log. */
export interface DecisionRepo {
  /** Writes a batch of decisions (one statement per chunk; call it in a transaction for all or nothing). */
  insert(decisions: readonly DecisionRecord[]): Promise<void>;
  /** Newest first. */
  list(query: DecisionQuery, page: Page): Promise<Paged<DecisionRecord>>;
  /** Deletes up to `limit` decisions made before `before`, oldest first; returns how many. */
  prune(before: number, limit: number): Promise<number>;
}

/** Each gateway connection's life (connected, ended, why), written beside presence. */
export interface ConnectionHistoryRepo {
  /** Records a connection as begun (a row already there for the same connID and time is kept). */
  open(row: Omit<ConnectionHistoryRecord, 'disconnectedAt' | 'endReason'>): Promise<void>;
  /** Ends the open rows of those connections; rows already ended keep their end. */
  close(connIDs: readonly string[], at: number, reason: ConnectionEnd): Promise<void>;
  /** A user's connections, newest first. */
  ofUser(userID: string, page: Page): Promise<Paged<ConnectionHistoryRecord>>;
  /** Retention: deletes up to `limit` rows of connections that ended before `endedBefore`; returns how many. */
  prune(endedBefore: number, limit: number): Promise<number>;
}

export interface Repos {
  /** Runs `fn` once the surrounding transaction commits (at once outside a transaction). */
  afterCommit(fn: () => void): void;
  users: UserRepo;
  tokens: TokenRepo;
  groups: GroupRepo;
  members: MemberRepo;
  requests: RequestRepo;
  events: EventRepo;
  deliveryStats: DeliveryStatsRepo;
  activity: ActivityRepo;
  settings: SettingRepo;
  rateBuckets: RateBucketRepo;
  secretFailures: SecretFailureRepo;
  messages: MessageRepo;
  conversations: ConversationRepo;
  syncLog: SyncLogRepo;
  presence: PresenceRepo;
  decisions: DecisionRepo;
  connectionHistory: ConnectionHistoryRepo;
}

export interface Store {
  /** `sqlite` (one process owns the file) or `postgres` (several instances may share it). */
  readonly engine: 'sqlite' | 'postgres';
  /** Whether other processes may write the same database (several huddle instances). */
  readonly shared: boolean;
  /** True for a unique or primary-key violation: a concurrent writer got there first. */
  isUniqueViolation(err: unknown): boolean;
  /** Reads and single-statement writes outside a transaction. */
  readonly repos: Repos;
  /**
   * Runs `fn` in one transaction. Never touch `store.repos` inside `fn`: use its argument. When the
   * engine aborts the transaction for a lost race (deadlock, serialization failure, SQLite BUSY),
   * `fn` runs again from the start (bounded, see tx-retry.ts): keep its side effects in
   * `afterCommit`, which runs once, for the attempt that commits.
   */
  tx<T>(fn: (repos: Repos) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
