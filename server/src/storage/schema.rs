//! The migrations of each engine, kept as SQL files under
//! `server/migrations/<engine>/` and embedded in the binary.
//!
//! Append new files; never edit a published one. Each engine's files give
//! the same tables the same meaning; SQLite's history is longer because it
//! shipped first.

use rusqlite::Connection;

use super::Schema;
use super::postgres::PgConn;
use super::sql::{Result, Row, params};

const SQLITE: &[&str] = &[
    include_str!("../../migrations/sqlite/0001_documents.sql"),
    include_str!("../../migrations/sqlite/0002_accounts.sql"),
    include_str!("../../migrations/sqlite/0003_projections.sql"),
    include_str!("../../migrations/sqlite/0004_annex.sql"),
    include_str!("../../migrations/sqlite/0005_dashboard_indexes.sql"),
    include_str!("../../migrations/sqlite/0006_gate_records.sql"),
    include_str!("../../migrations/sqlite/0007_township_order.sql"),
];

const SQLITE_BLOBS: &[&str] = &[include_str!("../../migrations/sqlite-blobs/0001_blobs.sql")];

/// Applies the missing steps, tracked in `PRAGMA user_version`. Each step
/// takes the write lock before reading the version, so the server and an
/// admin command opening the same file at once never both apply a step.
pub(super) fn migrate_sqlite(conn: &mut Connection, schema: Schema) -> Result<()> {
    let steps = match schema {
        Schema::Main => SQLITE,
        Schema::Blobs => SQLITE_BLOBS,
    };
    for (index, sql) in steps.iter().enumerate() {
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

const POSTGRES: &[&str] = &[include_str!("../../migrations/postgres/0001_initial.sql")];

const POSTGRES_BLOBS: &[&str] = &[include_str!(
    "../../migrations/postgres-blobs/0001_blobs.sql"
)];

/// Any number to name the migration lock; only mopai takes it.
const MIGRATION_LOCK: i64 = 0x6d6f_7061_6900;

/// Applies the missing steps, tracked per schema in `mopai_migrations`,
/// in one transaction under an advisory lock: servers starting together
/// on one database never both apply a step, and a failed step leaves
/// nothing half done.
pub(super) fn migrate_postgres(conn: &mut PgConn, schema: Schema) -> Result<()> {
    let (track, steps) = match schema {
        Schema::Main => ("main", POSTGRES),
        Schema::Blobs => ("blobs", POSTGRES_BLOBS),
    };
    conn.begin("BEGIN")?;
    conn.batch(&format!(
        "SELECT pg_advisory_xact_lock({MIGRATION_LOCK});
         CREATE TABLE IF NOT EXISTS mopai_migrations (
            track   TEXT NOT NULL,
            version BIGINT NOT NULL,
            PRIMARY KEY (track, version)
         )"
    ))?;
    let rows = conn.query(
        "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM mopai_migrations WHERE track = ?1",
        params![track],
    )?;
    let done: i64 = rows
        .first()
        .map(|r| Row(r).get(0))
        .transpose()?
        .unwrap_or(0);
    for (index, sql) in steps.iter().enumerate().skip(done as usize) {
        conn.batch(sql)?;
        conn.execute(
            "INSERT INTO mopai_migrations (track, version) VALUES (?1, ?2)",
            params![track, index + 1],
        )?;
    }
    conn.commit()
}
