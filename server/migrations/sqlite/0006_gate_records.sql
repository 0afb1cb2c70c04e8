-- the write gate's records: when the server first received each visit's
-- current arrival time, by its own clock (and the visit's one facility), and
-- stored documents that no longer project, with the reason. Visits stored
-- before this step count as received when their facility was last written.
CREATE TABLE visit_receipts (
   visit_id    TEXT PRIMARY KEY,
   facility_id TEXT NOT NULL,
   arrived_at  TEXT,
   received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX visit_receipts_by_facility ON visit_receipts(facility_id);
INSERT INTO visit_receipts (visit_id, facility_id, arrived_at, received_at)
   SELECT v.id, v.facility_id, v.arrived_at, COALESCE(d.updated_at, 0)
   FROM visits v LEFT JOIN docs d ON d.id = 'facility:' || v.facility_id;
CREATE TABLE problem_docs (
   doc_id   TEXT PRIMARY KEY,
   township TEXT,
   reason   TEXT NOT NULL,
   found_at INTEGER NOT NULL
) STRICT;
