-- The console's conversation page (/msg/search_msg with a conversationID) reads one conversation's
-- messages newest first, by sendTime then seq. Without this index every page sorted all of the
-- conversation's messages (SQLite), or walked the send_time index back past every newer message of
-- every other conversation (PostgreSQL): 57 ms for a page of a 200,000-message group among 300,000
-- messages, 0.6 ms with it.
CREATE INDEX messages_by_conversation_time ON messages (conversation_id, send_time, seq);
