// The one mapping between API field names and column names, used in both directions.

import type {
  AttemptRecord,
  EventRecord,
  GroupRecord,
  MemberRecord,
  ReplayRecord,
  RequestRecord,
  UserRecord,
} from '../records.js';
import type {
  GroupMembersTable,
  GroupRequestsTable,
  GroupsTable,
  UsersTable,
  WebhookAttemptsTable,
  WebhookEventsTable,
  WebhookReplaysTable,
} from './tables.js';

type ColumnMap<R, T> = { readonly [K in keyof R]: keyof T & string };

export const USER_COLUMNS: ColumnMap<UserRecord, UsersTable> = {
  userID: 'user_id',
  nickname: 'nickname',
  faceURL: 'face_url',
  ex: 'ex',
  appMangerLevel: 'app_manger_level',
  globalRecvMsgOpt: 'global_recv_msg_opt',
  createTime: 'create_time',
};

export const GROUP_COLUMNS: ColumnMap<GroupRecord, GroupsTable> = {
  groupID: 'group_id',
  groupName: 'group_name',
  notification: 'notification',
  introduction: 'introduction',
  faceURL: 'face_url',
  ex: 'ex',
  status: 'status',
  creatorUserID: 'creator_user_id',
  groupType: 'group_type',
  needVerification: 'need_verification',
  lookMemberInfo: 'look_member_info',
  applyMemberFriend: 'apply_member_friend',
  notificationUpdateTime: 'notification_update_time',
  notificationUserID: 'notification_user_id',
  memberCount: 'member_count',
  createTime: 'create_time',
};

export const MEMBER_COLUMNS: ColumnMap<MemberRecord, Omit<GroupMembersTable, 'id'>> = {
  groupID: 'group_id',
  userID: 'user_id',
  roleLevel: 'role_level',
  joinTime: 'join_time',
  nickname: 'nickname',
  faceURL: 'face_url',
  joinSource: 'join_source',
  operatorUserID: 'operator_user_id',
  inviterUserID: 'inviter_user_id',
  ex: 'ex',
  muteEndTime: 'mute_end_time',
};

export const REQUEST_COLUMNS: ColumnMap<RequestRecord, GroupRequestsTable> = {
  groupID: 'group_id',
  userID: 'user_id',
  handleResult: 'handle_result',
  reqMsg: 'req_msg',
  handleMsg: 'handle_msg',
  reqTime: 'req_time',
  handleUserID: 'handle_user_id',
  handleTime: 'handle_time',
  ex: 'ex',
  joinSource: 'join_source',
  inviterUserID: 'inviter_user_id',
};

export const EVENT_COLUMNS: ColumnMap<EventRecord, WebhookEventsTable> = {
  seq: 'seq',
  id: 'id',
  hook: 'hook',
  endpoint: 'endpoint',
  command: 'command',
  orderingKey: 'ordering_key',
  operationID: 'operation_id',
  payload: 'payload',
  status: 'status',
  attempts: 'attempts',
  nextAttemptAt: 'next_attempt_at',
  createdAt: 'created_at',
  finishedAt: 'finished_at',
  lastError: 'last_error',
  lockedBy: 'locked_by',
  lockedUntil: 'locked_until',
  clientIP: 'client_ip',
  optPlatform: 'opt_platform',
};

export const ATTEMPT_COLUMNS: ColumnMap<AttemptRecord, Omit<WebhookAttemptsTable, 'id'>> = {
  eventID: 'event_id',
  attempt: 'attempt',
  startedAt: 'started_at',
  durationMs: 'duration_ms',
  statusCode: 'status_code',
  outcome: 'outcome',
  error: 'error',
  responseExcerpt: 'response_excerpt',
  url: 'url',
};

export const REPLAY_COLUMNS: ColumnMap<ReplayRecord, Omit<WebhookReplaysTable, 'id'>> = {
  eventID: 'event_id',
  at: 'at',
  userID: 'user_id',
  how: 'how',
  detail: 'detail',
};

/** Record (or partial record) -> row, for the keys present. */
export function toRow<R extends object, T>(map: ColumnMap<R, T>, record: Partial<R>): Partial<T> {
  const row: Record<string, unknown> = {};
  for (const key of Object.keys(record) as (keyof R)[]) {
    const value = record[key];
    if (value !== undefined) row[map[key]] = value;
  }
  return row as Partial<T>;
}

/** Row -> record. Numeric columns come back as numbers from every engine we configure. */
export function fromRow<R extends object, T>(map: ColumnMap<R, T>, row: Record<string, unknown>): R {
  const record: Record<string, unknown> = {};
  for (const key of Object.keys(map) as (keyof R & string)[]) record[key] = row[map[key]];
  return record as R;
}
