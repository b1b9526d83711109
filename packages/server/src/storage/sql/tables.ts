// Table shapes as Kysely sees them; the same for every engine (see the migrations of each).

import type { Generated } from 'kysely';

export interface UsersTable {
  user_id: string;
  nickname: string;
  face_url: string;
  ex: string;
  app_manger_level: number;
  global_recv_msg_opt: number;
  create_time: number;
}

export interface TokensTable {
  token_hash: string;
  user_id: string;
  platform_id: number;
  expires_at: number;
  state: number;
  created_at: number;
}

export interface GroupsTable {
  group_id: string;
  group_name: string;
  notification: string;
  introduction: string;
  face_url: string;
  ex: string;
  status: number;
  creator_user_id: string;
  group_type: number;
  need_verification: number;
  look_member_info: number;
  apply_member_friend: number;
  notification_update_time: number;
  notification_user_id: string;
  member_count: number;
  create_time: number;
}

export interface GroupMembersTable {
  id: Generated<number>;
  group_id: string;
  user_id: string;
  role_level: number;
  join_time: number;
  nickname: string;
  face_url: string;
  join_source: number;
  operator_user_id: string;
  inviter_user_id: string;
  ex: string;
  mute_end_time: number;
}

export interface GroupRequestsTable {
  group_id: string;
  user_id: string;
  handle_result: number;
  req_msg: string;
  handle_msg: string;
  req_time: number;
  handle_user_id: string;
  handle_time: number;
  ex: string;
  join_source: number;
  inviter_user_id: string;
}

export interface WebhookEventsTable {
  seq: Generated<number>;
  id: string;
  hook: string;
  endpoint: string;
  command: string;
  ordering_key: string;
  operation_id: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  finished_at: number | null;
  last_error: string;
  locked_by: string | null;
  locked_until: number | null;
  client_ip: string;
  opt_platform: string;
}

/** The oldest pending event of each (endpoint, ordering key): what claims read. */
export interface WebhookQueueHeadsTable {
  endpoint: string;
  ordering_key: string;
  seq: number;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  event_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  outcome: string;
  error: string;
  response_excerpt: string;
  url: string;
}

export interface WebhookReplaysTable {
  id: Generated<number>;
  event_id: string;
  at: number;
  user_id: string;
  how: string;
  detail: string;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface RateLimitBucketsTable {
  key: string;
  tokens: number;
  at: number;
  allowed: number;
}

export interface SecretFailuresTable {
  key: string;
  failures: number;
  wait_ms: number;
  blocked_until: number;
  allowed: number;
}

export interface ConversationSeqsTable {
  conversation_id: string;
  max_seq: number;
  max_seq_time: number;
  min_seq: number;
}

export interface MessagesTable {
  conversation_id: string;
  seq: number;
  server_msg_id: string;
  client_msg_id: string;
  send_id: string;
  recv_id: string;
  group_id: string;
  session_type: number;
  msg_from: number;
  content_type: number;
  content: string;
  sender_platform_id: number;
  sender_nickname: string;
  sender_face_url: string;
  send_time: number;
  create_time: number;
  status: number;
  options: string;
  offline_push_info: string;
  at_user_ids: string;
  attached_info: string;
  ex: string;
}

export interface ConversationsTable {
  owner_user_id: string;
  conversation_id: string;
  conversation_type: number;
  user_id: string;
  group_id: string;
  recv_msg_opt: number;
  is_pinned: number;
  is_private_chat: number;
  burn_duration: number;
  group_at_type: number;
  attached_info: string;
  ex: string;
  has_read_seq: number;
  min_seq: number;
  max_seq: number;
  create_time: number;
}

export interface SyncVersionsTable {
  kind: string;
  owner_id: string;
  version: number;
  version_id: string;
}

export interface SyncChangesTable {
  kind: string;
  owner_id: string;
  element_id: string;
  version: number;
  insert_version: number;
  deleted: number;
}

export interface GatewayInstancesTable {
  instance_id: string;
  heartbeat_at: number;
}

export interface GatewayConnectionsTable {
  conn_id: string;
  instance_id: string;
  user_id: string;
  platform_id: number;
  background: number;
  connected_at: number;
}

/** Before-callback decisions (migration 011). */
export interface BeforeDecisionsTable {
  id: string;
  decided_at: number;
  hook: string;
  endpoint: string;
  command: string;
  url: string;
  group_id: string;
  operation_id: string;
  decision: string;
  failed_continue: number;
  latency_ms: number;
  status_code: number | null;
  err_code: number;
  err_msg: string;
  error: string;
  answer: string;
}

export interface ConnectionHistoryTable {
  conn_id: string;
  connected_at: number;
  user_id: string;
  platform_id: number;
  instance_id: string;
  remote_addr: string;
  sdk_type: string;
  sdk_version: string;
  disconnected_at: number | null;
  end_reason: string;
}

export interface Database {
  users: UsersTable;
  tokens: TokensTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_requests: GroupRequestsTable;
  webhook_events: WebhookEventsTable;
  webhook_queue_heads: WebhookQueueHeadsTable;
  rate_limit_buckets: RateLimitBucketsTable;
  secret_failures: SecretFailuresTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_replays: WebhookReplaysTable;
  settings: SettingsTable;
  conversation_seqs: ConversationSeqsTable;
  messages: MessagesTable;
  conversations: ConversationsTable;
  sync_versions: SyncVersionsTable;
  sync_changes: SyncChangesTable;
  gateway_instances: GatewayInstancesTable;
  gateway_connections: GatewayConnectionsTable;
  before_decisions: BeforeDecisionsTable;
  connection_history: ConnectionHistoryTable;
}

/** What an engine can do that changes the SQL we write. Asked for, never inferred from its name. */
export interface Capabilities {
  /** SELECT … FOR UPDATE is available (PostgreSQL); SQLite serialises writers instead. */
  rowLocks: boolean;
  /** Claims may add FOR UPDATE SKIP LOCKED, so concurrent claimers never take the same rows. */
  skipLocked: boolean;
}
