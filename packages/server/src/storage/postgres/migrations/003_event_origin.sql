-- Where a callback's cause came from, for dialects that report it (Tencent's ClientIP and OptPlatform).
ALTER TABLE webhook_events ADD COLUMN client_ip TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_events ADD COLUMN opt_platform TEXT NOT NULL DEFAULT '';
