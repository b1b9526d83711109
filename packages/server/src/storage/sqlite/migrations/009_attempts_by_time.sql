-- The console's overview reads attempts by when they started (volume, success rate and latency over
-- time, per endpoint): without this index each look scanned the whole retention window.
CREATE INDEX webhook_attempts_by_time ON webhook_attempts (started_at);
