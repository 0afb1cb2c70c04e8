-- accounts, sessions, actor bindings, the audit log, and each document's scope
-- (a township id, or 'county'; NULL only for documents stored before scopes
-- existed, which only county roles then see).
ALTER TABLE docs ADD COLUMN township TEXT;
CREATE INDEX docs_by_township ON docs(township, seq);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE townships (
   id         TEXT PRIMARY KEY,
   name       TEXT NOT NULL UNIQUE,
   active     INTEGER NOT NULL DEFAULT 1,
   created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE users (
   id            TEXT PRIMARY KEY,
   username      TEXT NOT NULL UNIQUE,
   display_name  TEXT NOT NULL,
   role          TEXT NOT NULL
                 CHECK (role IN ('inspector', 'township_lead', 'county_staff', 'admin')),
   township_id   TEXT REFERENCES townships(id),
   password_hash TEXT NOT NULL,
   active        INTEGER NOT NULL DEFAULT 1,
   created_at    INTEGER NOT NULL,
   CHECK ((role IN ('inspector', 'township_lead')) = (township_id IS NOT NULL))
) STRICT;
CREATE TABLE sessions (
   token_hash BLOB PRIMARY KEY,
   user_id    TEXT NOT NULL REFERENCES users(id),
   created_at INTEGER NOT NULL,
   expires_at INTEGER NOT NULL,
   revoked_at INTEGER
) STRICT;
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE TABLE actors (
   actor      BLOB PRIMARY KEY,
   user_id    TEXT REFERENCES users(id),
   device     TEXT NOT NULL,
   first_seen INTEGER NOT NULL
) STRICT;
CREATE TABLE audit (
   id      INTEGER PRIMARY KEY,
   at      INTEGER NOT NULL,
   user_id TEXT,
   event   TEXT NOT NULL,
   detail  TEXT NOT NULL,
   peer    TEXT
) STRICT;
