//! The embedded engine: one SQLite file in WAL mode.
//!
//! Writes go through a single connection behind a mutex, so commits are
//! serialised and sequence numbers follow commit order. Reads take one of a
//! few query-only connections: in WAL a reader sees the last commit and
//! neither waits for the writer nor holds it up, so a county export or
//! dashboard never stalls the phones' syncs.

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};

use rusqlite::Connection;
use rusqlite::types::{ToSqlOutput, ValueRef as SqliteRef};

use super::Schema;
use super::schema;
use super::sql::{Error, Params, RawRow, Result, Row, Value, ValueRef, values};
use super::tx::{Conn, ReadTx, WriteTx};
use crate::config::Durability;

/// Read connections open at most at once; more readers wait for one.
const MAX_READERS: usize = 4;

/// Prepared statements kept per connection; the storage modules use fewer.
const STATEMENT_CACHE: usize = 128;

#[derive(Debug)]
pub(super) struct Sqlite {
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

impl Sqlite {
    pub(super) fn open(path: &Path, durability: Durability, schema: Schema) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        configure(&conn, durability)?;
        schema::migrate_sqlite(&mut conn, schema)?;
        Ok(Self {
            writer: Mutex::new(conn),
            path: path.to_path_buf(),
            readers: Mutex::default(),
            reader_returned: Condvar::new(),
        })
    }

    /// An idle read connection, a new one while fewer than
    /// [`MAX_READERS`] exist, or the next one returned.
    fn take_reader(&self) -> Result<Connection> {
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

    fn open_reader(&self) -> Result<Connection> {
        let conn = Connection::open(&self.path)?;
        conn.pragma_update(None, "query_only", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite itself consistent (an
        // unfinished transaction rolls back on drop), so the poison is moot.
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn write<T, E>(&self, f: impl FnOnce(&WriteTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<Error>,
    {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(Error::from)?;
        let tx = WriteTx {
            read: ReadTx {
                conn: Conn::Sqlite(tx),
            },
        };
        let value = f(&tx)?;
        match tx.read.conn {
            Conn::Sqlite(tx) => tx.commit().map_err(Error::from)?,
            Conn::Postgres(_) => unreachable!("an SQLite transaction"),
        }
        Ok(value)
    }

    pub(super) fn read<T, E>(&self, f: impl FnOnce(&ReadTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<Error>,
    {
        let mut lent = Lent {
            sqlite: self,
            conn: Some(self.take_reader()?),
        };
        let conn = lent.conn.as_mut().expect("lent until dropped");
        let tx = ReadTx {
            conn: Conn::Sqlite(conn.transaction().map_err(Error::from)?),
        };
        f(&tx)
    }

    pub(super) fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn()
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))?)
    }
}

/// WAL, the configured durability, foreign keys, and waiting on a busy lock
/// instead of failing at once.
fn configure(conn: &Connection, durability: Durability) -> Result<()> {
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
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn.busy_timeout(std::time::Duration::from_secs(5))?)
}

/// A read connection lent to one read; it goes back to the idle list on
/// drop, after its transaction has ended, even when the reader panicked.
struct Lent<'s> {
    sqlite: &'s Sqlite,
    conn: Option<Connection>,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        let sqlite = self.sqlite;
        let mut readers = sqlite.readers.lock().unwrap_or_else(|p| p.into_inner());
        if conn.is_autocommit() {
            readers.idle.push(conn);
        } else {
            // Its rollback failed: a connection still inside a transaction
            // would fail every later read. Close it; the next read opens one.
            readers.open -= 1;
        }
        drop(readers);
        sqlite.reader_returned.notify_one();
    }
}

pub(super) fn each(
    conn: &Connection,
    sql: &str,
    params: Params<'_>,
    mut f: impl FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let values = values(params);
    let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
    while let Some(row) = rows.next()? {
        f(&Row(row))?;
    }
    Ok(())
}

pub(super) fn execute(conn: &Connection, sql: &str, params: Params<'_>) -> Result<u64> {
    let mut stmt = conn.prepare_cached(sql)?;
    let values = values(params);
    Ok(stmt.execute(rusqlite::params_from_iter(values.iter()))? as u64)
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => SqliteRef::Null,
            Value::Int(n) => SqliteRef::Integer(*n),
            Value::Real(x) => SqliteRef::Real(*x),
            Value::Text(s) => SqliteRef::Text(s.as_bytes()),
            Value::Blob(b) => SqliteRef::Blob(b),
        }))
    }
}

impl RawRow for rusqlite::Row<'_> {
    fn value(&self, idx: usize) -> Result<ValueRef<'_>> {
        Ok(match self.get_ref(idx)? {
            SqliteRef::Null => ValueRef::Null,
            SqliteRef::Integer(n) => ValueRef::Int(n),
            SqliteRef::Real(x) => ValueRef::Real(x),
            SqliteRef::Text(bytes) => {
                ValueRef::Text(std::str::from_utf8(bytes).map_err(|e| Error::Conversion {
                    column: idx,
                    message: e.to_string(),
                })?)
            }
            SqliteRef::Blob(b) => ValueRef::Blob(b),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::temp_storage as storage;

    #[test]
    fn a_read_cannot_write_and_its_connection_is_reused() {
        let (_dir, storage) = storage();
        let super::super::Engine::Sqlite(db) = &storage.engine else {
            panic!("an SQLite storage")
        };
        let refused = storage.read(|tx| {
            tx.rows(
                "INSERT INTO meta (key, value) VALUES ('probe', 'x') RETURNING key",
                &[],
                |r| r.get::<String>(0),
            )
        });
        assert!(refused.is_err(), "query-only connection");
        for _ in 0..(3 * MAX_READERS) {
            storage.read(|tx| tx.meta("probe")).unwrap();
        }
        let readers = db.readers.lock().unwrap();
        assert_eq!(
            readers.open, 1,
            "one connection served every sequential read"
        );
        assert_eq!(readers.idle.len(), 1);
    }
}
