-- read models (facilities, visits, assessments).
CREATE TABLE facilities (
   id            TEXT PRIMARY KEY,
   township      TEXT NOT NULL,
   name          TEXT NOT NULL,
   category      TEXT,
   source        TEXT,
   uscc          TEXT NOT NULL,
   priority      INTEGER NOT NULL,
   visit_count   INTEGER NOT NULL,
   interviews    INTEGER NOT NULL,
   last_visit_at TEXT,
   computed_level  TEXT NOT NULL,
   confirmed_level TEXT,
   effective_level TEXT NOT NULL,
   fired         TEXT NOT NULL,
   must_report   INTEGER NOT NULL,
   updated_seq   INTEGER NOT NULL
) STRICT;
CREATE INDEX facilities_by_township ON facilities(township, effective_level);
CREATE TABLE visits (
   id          TEXT PRIMARY KEY,
   facility_id TEXT NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
   township    TEXT NOT NULL,
   phase       TEXT,
   method      TEXT,
   arrived_at  TEXT,
   entry_state TEXT NOT NULL,
   interviews  INTEGER NOT NULL,
   photos      INTEGER NOT NULL
) STRICT;
CREATE INDEX visits_by_facility ON visits(facility_id);
CREATE TABLE assessments (
   facility_id     TEXT PRIMARY KEY REFERENCES facilities(id) ON DELETE CASCADE,
   rule_set_version TEXT NOT NULL,
   level           TEXT NOT NULL,
   assessment      TEXT NOT NULL
) STRICT;
