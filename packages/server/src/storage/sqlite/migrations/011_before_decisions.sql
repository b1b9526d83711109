-- Before-callback decisions: every before-callback asked, what it came to (allow, modify, reject,
-- failed), its latency and the answer, for the console and /callback/list_decisions. Written in
-- batches after the answer (callbacks/decision-recorder.ts), deleted past
-- HUDDLE_DECISION_RETENTION_DAYS. Listed newest first, by time alone or with one filter.

CREATE TABLE before_decisions (
  id              TEXT    NOT NULL PRIMARY KEY,      -- dec_ + sortable digits (time first)
  decided_at      INTEGER NOT NULL,                  -- when the request went out, ms
  hook            TEXT    NOT NULL,
  endpoint        TEXT    NOT NULL,
  command         TEXT    NOT NULL,
  url             TEXT    NOT NULL,
  group_id        TEXT    NOT NULL,                  -- or the conversation / user the hook concerns
  operation_id    TEXT    NOT NULL,
  decision        TEXT    NOT NULL,                  -- allow | modify | reject | failed
  failed_continue INTEGER NOT NULL,                  -- the hook's setting when asked (0 / 1)
  latency_ms      REAL    NOT NULL,
  status_code     INTEGER,                           -- null when no response arrived
  err_code        INTEGER NOT NULL,
  err_msg         TEXT    NOT NULL,
  error           TEXT    NOT NULL,
  answer          TEXT    NOT NULL                   -- the response body, at most 4 KB
);
CREATE INDEX before_decisions_by_time ON before_decisions (decided_at, id);
CREATE INDEX before_decisions_by_endpoint ON before_decisions (endpoint, decided_at);
CREATE INDEX before_decisions_by_hook ON before_decisions (hook, decided_at);
CREATE INDEX before_decisions_by_group ON before_decisions (group_id, decided_at);
CREATE INDEX before_decisions_by_operation ON before_decisions (operation_id);
