//! Every rusqlite call of the server lives under this module.
//!
//! One SQLite file in WAL mode. Writes go through a single connection behind
//! a mutex, so commits are serialised and sequence numbers follow commit
//! order. Callers run these blocking functions off the async runtime.
//!
//! - [`schema`]: embedded migrations, applied on open.
//! - [`docs`]: Automerge documents as change chunks, the server sequence.
//! - [`projections`]: facility, visit and assessment rows that roll-ups and exports read.
//! - [`rollups`]: per-township progress, levels, disposal counters, visits per phase and day.
//! - [`heads`]: each document's heads, for the provenance of an export.
//! - [`blobs`]: photos by SHA-256, in their own file so uploads never block sync.
//! - [`scope`]: each document's township, and reads filtered by it.
//! - [`townships`], [`users`], [`sessions`]: accounts and logins.
//! - [`actors`]: Automerge actor ids bound to the account that first used them.
//! - [`audit`]: who logged in, synced what, exported what.
//! - [`meta`]: small server-wide facts (the county's id).

pub mod actors;
pub mod audit;
pub mod blobs;
pub mod docs;
pub mod heads;
pub mod meta;
pub mod projections;
pub mod rollups;
mod schema;
pub mod scope;
pub mod sessions;
mod text;
pub mod townships;
pub mod users;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, Transaction};

use crate::config::Durability;

pub use docs::{DocWrite, StoredDocMeta};

#[derive(Debug)]
pub struct Storage {
    writer: Mutex<Connection>,
}

impl Storage {
    pub fn open(path: &Path, durability: Durability) -> rusqlite::Result<Self> {
        let mut conn = Connection::open(path)?;
        configure(&conn, durability)?;
        schema::migrate(&mut conn)?;
        Ok(Self {
            writer: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite itself consistent (an
        // unfinished transaction rolls back on drop), so the poison is moot.
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in one write transaction, committed only if `f` succeeds.
    pub fn write<T, E>(&self, f: impl FnOnce(&WriteTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let mut conn = self.conn();
        let tx = WriteTx {
            tx: conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?,
        };
        let value = f(&tx)?;
        tx.tx.commit()?;
        Ok(value)
    }

    /// Read-only work; sees only committed data.
    pub fn read<T, E>(&self, f: impl FnOnce(&WriteTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let mut conn = self.conn();
        let tx = WriteTx {
            tx: conn.transaction()?,
        };
        f(&tx)
    }

    pub fn integrity_check(&self) -> rusqlite::Result<String> {
        self.conn()
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
    }
}

/// WAL, the configured durability, foreign keys, and waiting on a busy lock
/// instead of failing at once.
fn configure(conn: &Connection, durability: Durability) -> rusqlite::Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(
        None,
        "synchronous",
        match durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        },
    )?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
}

/// An open transaction; the methods on it are the storage API.
pub struct WriteTx<'c> {
    tx: Transaction<'c>,
}
