-- Placeholder; the directory schema is 0003_directory.sql.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
