-- Per-user write buckets shared by every instance (see SQLite's 005). Unlogged: a crash forgets
-- them, which only forgives some writes, and no WAL is written for every API write.
CREATE UNLOGGED TABLE rate_limit_buckets (
  key     TEXT             NOT NULL PRIMARY KEY,
  tokens  DOUBLE PRECISION NOT NULL,
  at      BIGINT           NOT NULL,
  allowed INTEGER          NOT NULL
);
