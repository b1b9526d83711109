-- Connection history, for operators: each gateway connection from when it was recorded online to
-- when it ended and why. Written in the transactions that already record presence (one insert at
-- connect, one update at the end), and pruned by HUDDLE_CONNECTION_HISTORY_RETENTION_DAYS.

CREATE TABLE connection_history (
  conn_id         TEXT    NOT NULL,
  connected_at    INTEGER NOT NULL,   -- ms
  user_id         TEXT    NOT NULL,
  platform_id     INTEGER NOT NULL,
  instance_id     TEXT    NOT NULL,   -- the instance that held the socket
  remote_addr     TEXT    NOT NULL,   -- as the gateway saw it (X-Forwarded-For of trusted proxies)
  sdk_type        TEXT    NOT NULL,   -- js or go, from the upgrade's sdkType
  sdk_version     TEXT    NOT NULL,   -- the upgrade's sdkVersion, '' when not given
  disconnected_at INTEGER,            -- ms; NULL while the connection lasts
  end_reason      TEXT    NOT NULL DEFAULT '',
  -- A connection recorded online again (its instance was swept, then stamped) gets a second row.
  PRIMARY KEY (conn_id, connected_at)
);
CREATE INDEX connection_history_by_user ON connection_history (user_id, connected_at);
CREATE INDEX connection_history_by_end ON connection_history (disconnected_at);
