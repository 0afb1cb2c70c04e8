//! The migrations of each engine, kept as SQL files under
//! `server/migrations/<engine>/` and embedded in the binary.
//!
//! Append new files; never edit a published one. Each engine's files give
//! the same tables the same meaning; SQLite's history is longer because it
//! shipped first.

use rusqlite::Connection;

use super::Schema;
use super::sql::Result;

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
