-- The head of each (endpoint, group) queue: its oldest pending event. Claims read heads only, so a
-- deep backlog in a few groups costs a claim nothing (scanning it did: 10 ms at 8 x 1,000 pending).
CREATE TABLE webhook_queue_heads (
  endpoint     TEXT    NOT NULL,
  ordering_key TEXT    NOT NULL,
  seq          INTEGER NOT NULL,
  PRIMARY KEY (endpoint, ordering_key)
);
INSERT INTO webhook_queue_heads (endpoint, ordering_key, seq)
  SELECT endpoint, ordering_key, MIN(seq) FROM webhook_events WHERE status = 'pending' GROUP BY endpoint, ordering_key;
DROP INDEX webhook_events_pending_due;
