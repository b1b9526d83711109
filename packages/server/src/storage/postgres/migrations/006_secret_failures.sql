-- Wrong admin secrets per client address (get_admin_token's back-off; see SQLite's 006), shared by
-- every instance. Unlogged: a crash forgets them, which only forgives some waits.
CREATE UNLOGGED TABLE secret_failures (
  key           TEXT    NOT NULL PRIMARY KEY,
  failures      INTEGER NOT NULL,
  wait_ms       BIGINT  NOT NULL,
  blocked_until BIGINT  NOT NULL,
  allowed       INTEGER NOT NULL
);
