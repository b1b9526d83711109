// The query that reads one value of the settings table, for messages that tell an operator where
// huddle keeps it (psql -Atc "…").

export const settingQuery = (key: string): string => `SELECT value FROM settings WHERE key = '${key}'`;
