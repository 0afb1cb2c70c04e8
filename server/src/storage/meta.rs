//! Small server-wide facts, such as the county's id.

use super::sql::{Result, params};
use super::{ReadTx, WriteTx};

impl ReadTx<'_> {
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.optional("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
            r.get(0)
        })
    }
}

impl WriteTx<'_> {
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![key, value],
        )?;
        Ok(())
    }
}
