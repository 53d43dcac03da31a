-- Placeholder; the directory schema lands with the Worker issue.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
