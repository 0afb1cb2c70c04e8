//! Small server-wide facts, such as the county's id.

use rusqlite::{OptionalExtension, params};

use super::WriteTx;

impl WriteTx<'_> {
    pub fn meta(&self, key: &str) -> rusqlite::Result<Option<String>> {
        self.tx
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
    }

    pub fn set_meta(&self, key: &str, value: &str) -> rusqlite::Result<()> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![key, value],
        )?;
        Ok(())
    }
}
