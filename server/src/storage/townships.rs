//! Townships (乡镇): the unit every township role and document belongs to.
//!
//! A township is retired rather than deleted, so its documents and accounts
//! keep their meaning.

use mopai_shared::ids::TownshipId;

use super::sql::{Result, Row, params};
use super::{ReadTx, WriteTx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TownshipRow {
    pub id: TownshipId,
    pub name: String,
    pub active: bool,
}

fn row(r: &Row<'_>) -> Result<TownshipRow> {
    Ok(TownshipRow {
        id: r.get(0)?,
        name: r.get(1)?,
        active: r.get(2)?,
    })
}

impl WriteTx<'_> {
    pub fn insert_township(&self, id: TownshipId, name: &str, now: i64) -> Result<()> {
        self.execute(
            "INSERT INTO townships (id, name, created_at, ord)
             VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(ord), 0) + 1 FROM townships))",
            params![id, name, now],
        )?;
        Ok(())
    }
}

impl ReadTx<'_> {
    /// Every township, in the order they were added.
    pub fn townships(&self) -> Result<Vec<TownshipRow>> {
        self.rows(
            "SELECT id, name, active FROM townships ORDER BY ord",
            params![],
            row,
        )
    }

    pub fn township_by_name(&self, name: &str) -> Result<Option<TownshipRow>> {
        self.optional(
            "SELECT id, name, active FROM townships WHERE name = ?1",
            params![name],
            row,
        )
    }

    pub fn township(&self, id: TownshipId) -> Result<Option<TownshipRow>> {
        self.optional(
            "SELECT id, name, active FROM townships WHERE id = ?1",
            params![id],
            row,
        )
    }
}
