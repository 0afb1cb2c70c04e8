//! Every rusqlite call of the server lives under this module.
//!
//! One SQLite file in WAL mode. Writes go through a single connection behind
//! a mutex, so commits are serialised and sequence numbers follow commit
//! order. Reads take one of a few query-only connections: in WAL a reader
//! sees the last commit and neither waits for the writer nor holds it up, so
//! a county export or dashboard never stalls the phones' syncs. Callers run
//! these blocking functions off the async runtime.
//!
//! - [`schema`]: embedded migrations, applied on open.
//! - [`docs`]: Automerge documents as change chunks, the server sequence.
//! - [`projections`]: facility, visit and assessment rows that roll-ups and exports read.
//! - [`annex_record`]: the annex facts stored as JSON with each facility row.
//! - [`rollups`]: per-township progress, levels, disposal counters.
//! - [`dashboard_parts`]: the dashboard as a sum of per-township parts (levels per category, visits per phase and day).
//! - [`heads`]: each document's heads, for the provenance of an export.
//! - [`blobs`]: photos by SHA-256, in their own file so uploads never block sync.
//! - [`scope`]: each document's township, and reads filtered by it.
//! - [`receipts`]: each visit's first receipt by the server's clock, and its one facility.
//! - [`problems`]: stored documents that no longer project, with the reason.
//! - [`townships`], [`users`], [`sessions`]: accounts and logins.
//! - [`actors`]: Automerge actor ids bound to the account that first used them.
//! - [`audit`]: who logged in, synced what, exported what.
//! - [`meta`]: small server-wide facts (the county's id).

pub mod actors;
pub mod annex_record;
pub mod audit;
pub mod blobs;
pub mod dashboard_parts;
pub mod docs;
pub mod heads;
pub mod meta;
pub mod problems;
pub mod projections;
pub mod receipts;
pub mod rollups;
mod schema;
pub mod scope;
pub mod sessions;
mod text;
pub mod townships;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};

use rusqlite::{Connection, Transaction};

use crate::config::Durability;

pub use docs::{DocWrite, StoredDocMeta};

/// Read connections open at most at once; more readers wait for one.
const MAX_READERS: usize = 4;

#[derive(Debug)]
pub struct Storage {
    writer: Mutex<Connection>,
    path: PathBuf,
    readers: Mutex<Readers>,
    reader_returned: Condvar,
}

/// Idle read connections, and how many exist (idle or lent out).
#[derive(Debug, Default)]
struct Readers {
    idle: Vec<Connection>,
    open: usize,
}

impl Storage {
    pub fn open(path: &Path, durability: Durability) -> rusqlite::Result<Self> {
        let mut conn = Connection::open(path)?;
        configure(&conn, durability)?;
        schema::migrate(&mut conn)?;
        Ok(Self {
            writer: Mutex::new(conn),
            path: path.to_path_buf(),
            readers: Mutex::default(),
            reader_returned: Condvar::new(),
        })
    }

    /// An idle read connection, a new one while fewer than
    /// [`MAX_READERS`] exist, or the next one returned.
    fn take_reader(&self) -> rusqlite::Result<Connection> {
        let mut readers = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(conn) = readers.idle.pop() {
                return Ok(conn);
            }
            if readers.open < MAX_READERS {
                readers.open += 1;
                drop(readers);
                return self.open_reader().inspect_err(|_| {
                    self.readers.lock().unwrap_or_else(|p| p.into_inner()).open -= 1;
                    self.reader_returned.notify_one();
                });
            }
            readers = self
                .reader_returned
                .wait(readers)
                .unwrap_or_else(|p| p.into_inner());
        }
    }

    fn open_reader(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open(&self.path)?;
        conn.pragma_update(None, "query_only", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(conn)
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

    /// Read-only work on a read connection; sees the data committed when it
    /// starts, and nothing later. A write attempted here fails.
    pub fn read<T, E>(&self, f: impl FnOnce(&WriteTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let mut lent = Lent {
            storage: self,
            conn: Some(self.take_reader()?),
        };
        let conn = lent.conn.as_mut().expect("lent until dropped");
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

/// A read connection lent to one [`Storage::read`]; it goes back to the idle
/// list on drop, after its transaction has ended, even when `f` panicked.
struct Lent<'s> {
    storage: &'s Storage,
    conn: Option<Connection>,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        let storage = self.storage;
        let mut readers = storage.readers.lock().unwrap_or_else(|p| p.into_inner());
        if conn.is_autocommit() {
            readers.idle.push(conn);
        } else {
            // Its rollback failed: a connection still inside a transaction
            // would fail every later read. Close it; the next read opens one.
            readers.open -= 1;
        }
        drop(readers);
        storage.reader_returned.notify_one();
    }
}

/// An open transaction; the methods on it are the storage API.
pub struct WriteTx<'c> {
    tx: Transaction<'c>,
}

impl WriteTx<'_> {
    /// Runs `f` inside a savepoint: when it fails, everything it wrote is
    /// undone and the transaction goes on. One refused document of a sync
    /// thereby leaves no trace (no sequence number, binding or audit row).
    pub fn savepoint<T, E>(&self, f: impl FnOnce(&Self) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        self.tx.execute_batch("SAVEPOINT one_document")?;
        match f(self) {
            Ok(value) => {
                self.tx.execute_batch("RELEASE one_document")?;
                Ok(value)
            }
            Err(e) => {
                self.tx
                    .execute_batch("ROLLBACK TO one_document; RELEASE one_document")?;
                Err(e)
            }
        }
    }
}

/// A storage in a fresh temporary folder, for unit tests.
#[cfg(test)]
pub(crate) fn temp_storage() -> (tempfile::TempDir, Storage) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let storage = Storage::open(&dir.path().join("t.db"), Durability::Full).expect("open");
    (dir, storage)
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::temp_storage as storage;
    use super::*;

    fn write_meta(storage: &Storage, value: &str) -> rusqlite::Result<()> {
        storage.write(|tx| tx.set_meta("probe", value))
    }

    #[test]
    fn a_long_read_neither_blocks_a_write_nor_sees_it() {
        let (_dir, storage) = storage();
        write_meta(&storage, "before").unwrap();
        let (reading, read_started) = mpsc::channel();
        let (wrote, write_done) = mpsc::channel::<()>();
        std::thread::scope(|s| {
            let storage = &storage;
            let reader = s.spawn(move || {
                storage.read(|tx| {
                    let first = tx.meta("probe")?;
                    reading.send(()).unwrap();
                    // Held open until the write has committed, or the test fails.
                    write_done
                        .recv_timeout(Duration::from_secs(10))
                        .expect("the write committed while this read was open");
                    Ok::<_, rusqlite::Error>((first, tx.meta("probe")?))
                })
            });
            read_started.recv().unwrap();
            write_meta(storage, "after").unwrap();
            wrote.send(()).unwrap();
            let (first, second) = reader.join().unwrap().unwrap();
            assert_eq!(first.as_deref(), Some("before"));
            assert_eq!(second.as_deref(), Some("before"), "a read sees one moment");
        });
        let now = storage.read(|tx| tx.meta("probe")).unwrap();
        assert_eq!(now.as_deref(), Some("after"));
    }

    #[test]
    fn a_read_cannot_write_and_its_connection_is_reused() {
        let (_dir, storage) = storage();
        let refused = storage.read(|tx| tx.set_meta("probe", "x"));
        assert!(refused.is_err(), "query-only connection");
        for _ in 0..(3 * MAX_READERS) {
            storage.read(|tx| tx.meta("probe")).unwrap();
        }
        let readers = storage.readers.lock().unwrap();
        assert_eq!(
            readers.open, 1,
            "one connection served every sequential read"
        );
        assert_eq!(readers.idle.len(), 1);
    }
}
