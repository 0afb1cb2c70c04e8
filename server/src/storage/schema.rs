//! Embedded migrations, tracked in `PRAGMA user_version`.
//!
//! Append new steps; never edit a published one.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: documents as change chunks, and the server-wide write sequence.
    "CREATE TABLE docs (
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
     INSERT INTO counters VALUES ('seq', 0);",
    // 2: accounts, sessions, actor bindings, the audit log, and each
    // document's scope (a township id, or 'county'; NULL only for documents
    // stored before scopes existed, which only county roles then see).
    "ALTER TABLE docs ADD COLUMN township TEXT;
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
     ) STRICT;",
    // 3: read models (facilities, visits, assessments).
    super::projections::SCHEMA,
    // 4: what the annex tables and the dashboard read (annex records,
    // township logs, settings).
    super::projections::ANNEX_SCHEMA,
    // 5: the county dashboard recomputes only townships written since it
    // last looked (`dashboard_parts`): find them by sequence, and their
    // visits by township.
    "CREATE INDEX facilities_by_seq ON facilities(updated_seq);
     CREATE INDEX visits_by_township ON visits(township);",
    // 6: the write gate's records: when the server first received each
    // visit's current arrival time, by its own clock (and the visit's one
    // facility), and stored documents that
    // no longer project, with the reason. Visits stored before this step
    // count as received when their facility was last written.
    "CREATE TABLE visit_receipts (
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
     ) STRICT;",
];

/// Applies the missing steps. Each step takes the write lock before reading
/// the version, so the server and an admin command opening the same file at
/// once never both apply a step.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let current: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current > index {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}
