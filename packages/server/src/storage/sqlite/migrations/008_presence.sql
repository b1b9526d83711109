-- Online state, shared by every instance on the database: each gateway instance stamps its row
-- while it runs, and lists the WebSocket connections it holds. A connection counts as online only
-- while its instance's stamp is fresh; another instance sweeps the rows of one whose stamp went
-- stale (it crashed), reporting each of its connections offline.

CREATE TABLE gateway_instances (
  instance_id  TEXT    NOT NULL PRIMARY KEY,
  heartbeat_at INTEGER NOT NULL    -- ms: the instance's latest stamp
);

CREATE TABLE gateway_connections (
  conn_id      TEXT    NOT NULL PRIMARY KEY,
  instance_id  TEXT    NOT NULL,   -- the instance holding the socket
  user_id      TEXT    NOT NULL,
  platform_id  INTEGER NOT NULL,
  background   INTEGER NOT NULL,   -- 1 while the app is in the background
  connected_at INTEGER NOT NULL    -- ms
);
CREATE INDEX gateway_connections_by_user ON gateway_connections (user_id);
CREATE INDEX gateway_connections_by_instance ON gateway_connections (instance_id);
