-- The delivery log's history: the URL each attempt was sent to (an endpoint's url may change
-- later, and the log should say where that attempt went), and every replay or retry an admin asked
-- for, one row per event it moved (who, when, how; a bulk call's filter or ID list in detail).
ALTER TABLE webhook_attempts ADD COLUMN url TEXT NOT NULL DEFAULT '';

CREATE TABLE webhook_replays (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT    NOT NULL,
  at       INTEGER  NOT NULL,
  user_id  TEXT    NOT NULL,                -- the admin who asked (ctx.caller)
  how      TEXT    NOT NULL,                -- replay | retry | bulk_replay | replay_dead | retry_pending
  detail   TEXT    NOT NULL DEFAULT ''      -- a bulk call's filter or ID list, JSON; '' for one event
);
CREATE INDEX webhook_replays_by_event ON webhook_replays (event_id, id);
