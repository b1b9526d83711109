-- Users, server-side token registry, groups, members and join requests (the same tables as
-- SQLite's 001). Times are Unix milliseconds. "groups" is quoted because GROUPS is an SQL keyword.

CREATE TABLE users (
  user_id             TEXT    NOT NULL PRIMARY KEY,
  nickname            TEXT    NOT NULL DEFAULT '',
  face_url            TEXT    NOT NULL DEFAULT '',
  ex                  TEXT    NOT NULL DEFAULT '',
  app_manger_level    INTEGER NOT NULL DEFAULT 0,
  global_recv_msg_opt INTEGER NOT NULL DEFAULT 0,
  create_time         BIGINT  NOT NULL
);

-- A token is valid only while its row says state 0: force_logout flips it to 2 (kicked).
CREATE TABLE tokens (
  token_hash  TEXT    NOT NULL PRIMARY KEY,
  user_id     TEXT    NOT NULL,
  platform_id INTEGER NOT NULL,
  expires_at  BIGINT  NOT NULL,
  state       INTEGER NOT NULL DEFAULT 0,
  created_at  BIGINT  NOT NULL
);
CREATE INDEX tokens_by_user_platform ON tokens (user_id, platform_id);

CREATE TABLE "groups" (
  group_id                 TEXT    NOT NULL PRIMARY KEY,
  group_name               TEXT    NOT NULL,
  notification             TEXT    NOT NULL,
  introduction             TEXT    NOT NULL,
  face_url                 TEXT    NOT NULL,
  ex                       TEXT    NOT NULL,
  status                   INTEGER NOT NULL,
  creator_user_id          TEXT    NOT NULL,
  group_type               INTEGER NOT NULL,
  need_verification        INTEGER NOT NULL,
  look_member_info         INTEGER NOT NULL,
  apply_member_friend      INTEGER NOT NULL,
  notification_update_time BIGINT  NOT NULL,
  notification_user_id     TEXT    NOT NULL,
  member_count             INTEGER NOT NULL,
  create_time              BIGINT  NOT NULL
);

-- id gives members their insertion order (lists sort by role, then by id).
CREATE TABLE group_members (
  id               BIGSERIAL PRIMARY KEY,
  group_id         TEXT    NOT NULL,
  user_id          TEXT    NOT NULL,
  role_level       INTEGER NOT NULL,
  join_time        BIGINT  NOT NULL,
  nickname         TEXT    NOT NULL,
  face_url         TEXT    NOT NULL,
  join_source      INTEGER NOT NULL,
  operator_user_id TEXT    NOT NULL,
  inviter_user_id  TEXT    NOT NULL,
  ex               TEXT    NOT NULL,
  mute_end_time    BIGINT  NOT NULL,
  UNIQUE (group_id, user_id)
);
-- The database itself refuses a second owner, whatever the code above it does.
CREATE UNIQUE INDEX group_members_one_owner ON group_members (group_id) WHERE role_level = 100;
CREATE INDEX group_members_by_user ON group_members (user_id);
CREATE INDEX group_members_by_group_role ON group_members (group_id, role_level DESC, id);

-- One row per (group, applicant); a new application replaces the previous one.
CREATE TABLE group_requests (
  group_id        TEXT    NOT NULL,
  user_id         TEXT    NOT NULL,
  handle_result   INTEGER NOT NULL,
  req_msg         TEXT    NOT NULL,
  handle_msg      TEXT    NOT NULL,
  req_time        BIGINT  NOT NULL,
  handle_user_id  TEXT    NOT NULL,
  handle_time     BIGINT  NOT NULL,
  ex              TEXT    NOT NULL,
  join_source     INTEGER NOT NULL,
  inviter_user_id TEXT    NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_requests_by_user ON group_requests (user_id, req_time);
CREATE INDEX group_requests_by_group ON group_requests (group_id, req_time);
