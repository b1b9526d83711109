-- The callback outbox (as SQLite's 002). seq orders a group's events: writers of one group hold
-- that group's row lock, so within a group seq order is commit order.

CREATE TABLE webhook_events (
  seq             BIGSERIAL PRIMARY KEY,
  id              TEXT    NOT NULL UNIQUE,
  hook            TEXT    NOT NULL,
  endpoint        TEXT    NOT NULL,
  command         TEXT    NOT NULL,
  ordering_key    TEXT    NOT NULL,
  operation_id    TEXT    NOT NULL,
  payload         TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT  NOT NULL,
  created_at      BIGINT  NOT NULL,
  finished_at     BIGINT,
  last_error      TEXT    NOT NULL DEFAULT '',
  locked_by       TEXT,
  locked_until    BIGINT
);
CREATE INDEX webhook_events_pending_by_key ON webhook_events (endpoint, ordering_key, seq) WHERE status = 'pending';
CREATE INDEX webhook_events_pending_due ON webhook_events (next_attempt_at, seq) WHERE status = 'pending';
CREATE INDEX webhook_events_by_key ON webhook_events (ordering_key, seq);
CREATE INDEX webhook_events_by_hook ON webhook_events (hook, created_at);
CREATE INDEX webhook_events_by_status ON webhook_events (status, created_at);

CREATE TABLE webhook_attempts (
  id               BIGSERIAL PRIMARY KEY,
  event_id         TEXT    NOT NULL,
  attempt          INTEGER NOT NULL,
  started_at       BIGINT  NOT NULL,
  duration_ms      INTEGER NOT NULL,
  status_code      INTEGER,
  outcome          TEXT    NOT NULL,
  error            TEXT    NOT NULL,
  response_excerpt TEXT    NOT NULL
);
CREATE INDEX webhook_attempts_by_event ON webhook_attempts (event_id, attempt);

CREATE TABLE settings (
  key        TEXT   NOT NULL PRIMARY KEY,
  value      TEXT   NOT NULL,
  updated_at BIGINT NOT NULL
);
