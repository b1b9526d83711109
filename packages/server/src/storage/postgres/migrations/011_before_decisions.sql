-- Before-callback decisions (as SQLite's 011): every before-callback asked, what it came to, its
-- latency and the answer; written in batches after the answer, deleted past
-- HUDDLE_DECISION_RETENTION_DAYS.

CREATE TABLE before_decisions (
  id              TEXT             NOT NULL PRIMARY KEY,
  decided_at      BIGINT           NOT NULL,
  hook            TEXT             NOT NULL,
  endpoint        TEXT             NOT NULL,
  command         TEXT             NOT NULL,
  url             TEXT             NOT NULL,
  group_id        TEXT             NOT NULL,
  operation_id    TEXT             NOT NULL,
  decision        TEXT             NOT NULL,
  failed_continue INTEGER          NOT NULL,
  latency_ms      DOUBLE PRECISION NOT NULL,
  status_code     INTEGER,
  err_code        INTEGER          NOT NULL,
  err_msg         TEXT             NOT NULL,
  error           TEXT             NOT NULL,
  answer          TEXT             NOT NULL
);
CREATE INDEX before_decisions_by_time ON before_decisions (decided_at, id);
CREATE INDEX before_decisions_by_endpoint ON before_decisions (endpoint, decided_at);
CREATE INDEX before_decisions_by_hook ON before_decisions (hook, decided_at);
CREATE INDEX before_decisions_by_group ON before_decisions (group_id, decided_at);
CREATE INDEX before_decisions_by_operation ON before_decisions (operation_id);
