-- what the annex tables and the dashboard read (annex records, township logs,
-- settings).
ALTER TABLE facilities ADD COLUMN annex TEXT NOT NULL DEFAULT '{}';
CREATE INDEX facilities_by_level ON facilities(effective_level, updated_seq);
CREATE TABLE township_logs (
   township      TEXT PRIMARY KEY,
   doc_id        TEXT NOT NULL,
   activities    INTEGER NOT NULL,
   participants  INTEGER NOT NULL,
   updated_seq   INTEGER NOT NULL
) STRICT;
CREATE TABLE county_settings (
   id          INTEGER PRIMARY KEY CHECK (id = 1),
   doc_id      TEXT NOT NULL,
   settings    TEXT NOT NULL,
   updated_seq INTEGER NOT NULL
) STRICT;
