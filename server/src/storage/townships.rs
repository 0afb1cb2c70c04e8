//! Townships (乡镇): the unit every township role and document belongs to.
//!
//! A township is retired rather than deleted, so its documents and accounts
//! keep their meaning.

use mopai_shared::ids::TownshipId;
use rusqlite::{OptionalExtension, params};

use super::WriteTx;
use super::text::parsed;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TownshipRow {
    pub id: TownshipId,
    pub name: String,
    pub active: bool,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TownshipRow> {
    Ok(TownshipRow {
        id: parsed(r, 0)?,
        name: r.get(1)?,
        active: r.get(2)?,
    })
}

impl WriteTx<'_> {
    pub fn insert_township(&self, id: TownshipId, name: &str, now: i64) -> rusqlite::Result<()> {
        self.tx.execute(
            "INSERT INTO townships (id, name, created_at) VALUES (?1, ?2, ?3)",
            params![id.to_string(), name, now],
        )?;
        Ok(())
    }

    /// Every township, in the order they were added.
    pub fn townships(&self) -> rusqlite::Result<Vec<TownshipRow>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT id, name, active FROM townships ORDER BY created_at, rowid")?;
        stmt.query_map([], row)?.collect()
    }

    pub fn township_by_name(&self, name: &str) -> rusqlite::Result<Option<TownshipRow>> {
        self.tx
            .query_row(
                "SELECT id, name, active FROM townships WHERE name = ?1",
                [name],
                row,
            )
            .optional()
    }

    pub fn township(&self, id: TownshipId) -> rusqlite::Result<Option<TownshipRow>> {
        self.tx
            .query_row(
                "SELECT id, name, active FROM townships WHERE id = ?1",
                [id.to_string()],
                row,
            )
            .optional()
    }
}
