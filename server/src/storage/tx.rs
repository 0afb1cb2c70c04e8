//! The two transaction types every storage module is written against.
//!
//! A [`ReadTx`] can only query; a [`WriteTx`] derefs to one and adds the
//! statements that change rows, so a function that takes `&ReadTx` cannot
//! write, whichever engine runs underneath.

use std::cell::RefCell;
use std::ops::Deref;

use super::postgres::{self, PgConn};
use super::sql::{Params, Result, Row};
use super::sqlite;

/// An open transaction that sees one committed moment.
pub struct ReadTx<'c> {
    pub(super) conn: Conn<'c>,
}

/// An open transaction that may write; committed by `Storage::write`.
pub struct WriteTx<'c> {
    pub(super) read: ReadTx<'c>,
}

/// The engine's own transaction.
pub(super) enum Conn<'c> {
    Sqlite(rusqlite::Transaction<'c>),
    Postgres(RefCell<&'c mut PgConn>),
}

impl<'c> Deref for WriteTx<'c> {
    type Target = ReadTx<'c>;
    fn deref(&self) -> &ReadTx<'c> {
        &self.read
    }
}

impl ReadTx<'_> {
    /// Calls `f` on each row, in the statement's order, until it fails.
    pub(super) fn each(
        &self,
        sql: &str,
        params: Params<'_>,
        f: impl FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        match &self.conn {
            Conn::Sqlite(tx) => sqlite::each(tx, sql, params, f),
            Conn::Postgres(conn) => postgres::each(conn, sql, params, f),
        }
    }

    /// Every row, mapped by `f`.
    pub(super) fn rows<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, params, |row| {
            out.push(f(row)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row mapped by `f`, or `None` when there is none.
    pub(super) fn optional<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut out = None;
        self.each(sql, params, |row| {
            if let Some(f) = f.take() {
                out = Some(f(row)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// The one row a statement must return.
    pub(super) fn one<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        self.optional(sql, params, f)?
            .ok_or(super::sql::Error::NoRow)
    }
}

impl WriteTx<'_> {
    /// Runs one statement that changes rows; returns how many it changed.
    pub(super) fn execute(&self, sql: &str, params: Params<'_>) -> Result<u64> {
        match &self.read.conn {
            Conn::Sqlite(tx) => sqlite::execute(tx, sql, params),
            Conn::Postgres(conn) => conn.borrow_mut().execute(sql, params),
        }
    }

    /// Runs statements without parameters, separated by `;`.
    fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.read.conn {
            Conn::Sqlite(tx) => Ok(tx.execute_batch(sql)?),
            Conn::Postgres(conn) => conn.borrow_mut().batch(sql),
        }
    }

    /// Runs `f` inside a savepoint: when it fails, everything it wrote is
    /// undone and the transaction goes on. One refused document of a sync
    /// thereby leaves no trace (no sequence number, binding or audit row).
    pub fn savepoint<T, E>(&self, f: impl FnOnce(&Self) -> Result<T, E>) -> Result<T, E>
    where
        E: From<super::sql::Error>,
    {
        self.execute_batch("SAVEPOINT one_document")?;
        match f(self) {
            Ok(value) => {
                self.execute_batch("RELEASE SAVEPOINT one_document")?;
                Ok(value)
            }
            Err(e) => {
                self.execute_batch(
                    "ROLLBACK TO SAVEPOINT one_document; RELEASE SAVEPOINT one_document",
                )?;
                Err(e)
            }
        }
    }
}
