-- Per-user write buckets (HUDDLE_RATE_LIMIT_WRITES_PER_MINUTE) shared by the instances of one
-- database. A SQLite file has one process, which keeps its buckets in memory; the table is here so
-- both engines have the same schema and the store's SQL is tested on both.
CREATE TABLE rate_limit_buckets (
  key     TEXT    NOT NULL PRIMARY KEY,
  tokens  REAL    NOT NULL,
  at      INTEGER NOT NULL,  -- ms, when tokens was last computed
  allowed INTEGER NOT NULL   -- 1 when the last take() got a token
);
