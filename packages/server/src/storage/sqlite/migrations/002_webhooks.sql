-- The callback outbox: one row per after-event per endpoint, written in the same transaction as
-- the change it reports; every delivery attempt; and runtime settings (the webhook configuration).

CREATE TABLE webhook_events (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT, -- commit order (writers are serialised)
  id              TEXT    NOT NULL UNIQUE,           -- sent as webhook-id, the same on every attempt
  hook            TEXT    NOT NULL,                  -- configuration key, e.g. afterCreateGroup
  endpoint        TEXT    NOT NULL,
  command         TEXT    NOT NULL,
  ordering_key    TEXT    NOT NULL,                  -- the group: one in flight per key, in seq order
  operation_id    TEXT    NOT NULL,
  payload         TEXT    NOT NULL,                  -- the JSON body exactly as sent
  status          TEXT    NOT NULL,                  -- pending | delivered | dead
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  finished_at     INTEGER,
  last_error      TEXT    NOT NULL DEFAULT '',
  locked_by       TEXT,
  locked_until    INTEGER
);
CREATE INDEX webhook_events_pending_by_key ON webhook_events (endpoint, ordering_key, seq) WHERE status = 'pending';
CREATE INDEX webhook_events_pending_due ON webhook_events (next_attempt_at, seq) WHERE status = 'pending';
CREATE INDEX webhook_events_by_key ON webhook_events (ordering_key, seq);
CREATE INDEX webhook_events_by_hook ON webhook_events (hook, created_at);
CREATE INDEX webhook_events_by_status ON webhook_events (status, created_at);

CREATE TABLE webhook_attempts (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id         TEXT    NOT NULL,
  attempt          INTEGER NOT NULL,
  started_at       INTEGER NOT NULL,
  duration_ms      INTEGER NOT NULL,
  status_code      INTEGER,                          -- null when no response arrived
  outcome          TEXT    NOT NULL,                 -- success | failure
  error            TEXT    NOT NULL,
  response_excerpt TEXT    NOT NULL
);
CREATE INDEX webhook_attempts_by_event ON webhook_attempts (event_id, attempt);

CREATE TABLE settings (
  key        TEXT    NOT NULL PRIMARY KEY,
  value      TEXT    NOT NULL,
  updated_at INTEGER NOT NULL
);
