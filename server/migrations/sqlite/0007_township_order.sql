-- townships keep the order they were added in a column of their own, as
-- both engines can (SQLite's rowid has no PostgreSQL equivalent).
ALTER TABLE townships ADD COLUMN ord INTEGER NOT NULL DEFAULT 0;
UPDATE townships SET ord = rowid;
