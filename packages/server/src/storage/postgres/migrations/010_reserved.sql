-- Placeholder for the delivery log's 010, which is on another branch: readMigrations refuses a gap
-- before 011. Delete this file when that 010 is merged.
SELECT 1;
