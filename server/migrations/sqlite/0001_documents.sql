-- documents as change chunks, and the server-wide write sequence.
CREATE TABLE docs (
   id         TEXT PRIMARY KEY,
   kind       TEXT NOT NULL,
   seq        INTEGER NOT NULL,
   heads      BLOB NOT NULL,
   chunk_count INTEGER NOT NULL DEFAULT 0,
   updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX docs_by_seq ON docs(seq);
CREATE TABLE doc_chunks (
   id     INTEGER PRIMARY KEY,
   doc_id TEXT NOT NULL REFERENCES docs(id),
   kind   TEXT NOT NULL CHECK (kind IN ('snapshot', 'incremental')),
   bytes  BLOB NOT NULL
) STRICT;
CREATE INDEX doc_chunks_by_doc ON doc_chunks(doc_id, id);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
INSERT INTO counters VALUES ('seq', 0);
