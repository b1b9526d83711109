-- Tries at the admin secret per client address (get_admin_token's back-off): after a few in a row
-- without the right secret, the next one must wait, twice as long each time. A right secret
-- deletes the row.
CREATE TABLE secret_failures (
  key           TEXT    NOT NULL PRIMARY KEY,  -- the client address (an IPv6 one by its /64)
  failures      INTEGER NOT NULL,              -- tries since the last right secret
  wait_ms       INTEGER NOT NULL,              -- the wait the last try imposed
  blocked_until INTEGER NOT NULL,              -- ms; tries before this are refused unchecked
  allowed       INTEGER NOT NULL               -- 1 when the last claim() let its try go ahead
);
