-- Messages, conversations and read state, as SQLite's 007 with 64-bit seqs and times. Every
-- conversation (sg_<group>, si_<a>_<b>, n_<group>, n_<a>_<b>, n_<u>_<u>) numbers its messages
-- 1, 2, 3 … with no gap: the next seq is taken from conversation_seqs in the transaction that
-- stores the message, so a rolled-back send gives its number back.

CREATE TABLE conversation_seqs (
  conversation_id TEXT    NOT NULL PRIMARY KEY,
  max_seq         BIGINT  NOT NULL,   -- seq of the newest message
  max_seq_time    BIGINT  NOT NULL,   -- its sendTime (ms): what clients sort conversations by
  min_seq         BIGINT  NOT NULL    -- first seq still kept (retention deletes below it)
);

CREATE TABLE messages (
  conversation_id    TEXT    NOT NULL,
  seq                BIGINT  NOT NULL,
  server_msg_id      TEXT    NOT NULL,
  client_msg_id      TEXT    NOT NULL,
  send_id            TEXT    NOT NULL,
  recv_id            TEXT    NOT NULL,
  group_id           TEXT    NOT NULL,
  session_type       INTEGER NOT NULL,
  msg_from           INTEGER NOT NULL,
  content_type       INTEGER NOT NULL,
  content            TEXT    NOT NULL,   -- UTF-8 JSON, as the client sent it
  sender_platform_id INTEGER NOT NULL,
  sender_nickname    TEXT    NOT NULL,
  sender_face_url    TEXT    NOT NULL,
  send_time          BIGINT  NOT NULL,
  create_time        BIGINT  NOT NULL,
  status             INTEGER NOT NULL,
  options            TEXT    NOT NULL,   -- JSON object of booleans; a missing key means true
  offline_push_info  TEXT    NOT NULL,   -- JSON object
  at_user_ids        TEXT    NOT NULL,   -- JSON array of user IDs
  attached_info      TEXT    NOT NULL,
  ex                 TEXT    NOT NULL,
  PRIMARY KEY (conversation_id, seq)
);
-- A resend of the same clientMsgID into the same conversation finds the stored message.
CREATE UNIQUE INDEX messages_by_client_msg_id ON messages (conversation_id, client_msg_id);
CREATE INDEX messages_by_send_time ON messages (send_time);

-- A user's view of one chat conversation (sg_ or si_; its n_ twin shares the bounds). has_read_seq
-- is the newest seq read; the user may read seqs min_seq .. max_seq (max_seq 0: no upper bound,
-- set when the user leaves a group).
CREATE TABLE conversations (
  owner_user_id     TEXT    NOT NULL,
  conversation_id   TEXT    NOT NULL,
  conversation_type INTEGER NOT NULL,   -- the session type: 1 one-to-one, 3 group
  user_id           TEXT    NOT NULL,   -- the other user of a one-to-one conversation
  group_id          TEXT    NOT NULL,
  recv_msg_opt      INTEGER NOT NULL DEFAULT 0,
  is_pinned         INTEGER NOT NULL DEFAULT 0,
  is_private_chat   INTEGER NOT NULL DEFAULT 0,
  burn_duration     INTEGER NOT NULL DEFAULT 0,
  group_at_type     INTEGER NOT NULL DEFAULT 0,
  attached_info     TEXT    NOT NULL DEFAULT '',
  ex                TEXT    NOT NULL DEFAULT '',
  has_read_seq      BIGINT  NOT NULL DEFAULT 0,
  min_seq           BIGINT  NOT NULL DEFAULT 1,
  max_seq           BIGINT  NOT NULL DEFAULT 0,
  create_time       BIGINT  NOT NULL,
  PRIMARY KEY (owner_user_id, conversation_id)
);
CREATE INDEX conversations_by_conversation ON conversations (conversation_id);

-- Version logs behind the incremental-sync routes: per (kind, owner) a version that grows by one
-- with each change, and per element its latest change. kind: join_groups (owner a user, elements
-- groups), group_members (owner a group, elements users), conversations (owner a user).
CREATE TABLE sync_versions (
  kind       TEXT    NOT NULL,
  owner_id   TEXT    NOT NULL,
  version    BIGINT  NOT NULL,
  version_id TEXT    NOT NULL,   -- names this log; a client holding another one resyncs in full
  PRIMARY KEY (kind, owner_id)
);
CREATE TABLE sync_changes (
  kind           TEXT    NOT NULL,
  owner_id       TEXT    NOT NULL,
  element_id     TEXT    NOT NULL,
  version        BIGINT  NOT NULL,   -- of the latest change
  insert_version BIGINT  NOT NULL,   -- of the latest insert: older clients see an insert, not an update
  deleted        INTEGER NOT NULL,   -- 1 when the latest change removed the element
  PRIMARY KEY (kind, owner_id, element_id)
);
CREATE INDEX sync_changes_by_version ON sync_changes (kind, owner_id, version);
