//! The scope of each stored document (its township, or `county`), recorded
//! from the document header when the document is first written, so reads
//! can be filtered in SQL without opening documents.

use mopai_shared::api::DocSummary;
use mopai_shared::doc::Scope;
use mopai_shared::ids::TownshipId;
use rusqlite::{OptionalExtension, named_params, params};

use super::WriteTx;
use super::docs::StoredDocMeta;
use super::text::{parsed, parsed_opt};

/// Where a stored document belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordedScope {
    Scope(Scope),
    /// Stored before scopes were recorded; only county roles see it.
    Unrecorded,
}

/// Which documents a reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    All,
    /// One township's documents and the county-scope ones.
    Township(TownshipId),
    /// No township's documents, only the county-scope ones (a township
    /// role whose account has lost its township).
    Nothing,
}

impl Visibility {
    /// The township filter as a query parameter: `None` matches every row.
    fn township_param(self) -> Option<String> {
        match self {
            Visibility::All => None,
            Visibility::Township(t) => Some(t.to_string()),
            // No township is named like this, so nothing but 'county' matches.
            Visibility::Nothing => Some(String::new()),
        }
    }
}

/// `:township` is the filter; NULL means none.
const VISIBLE: &str = "(:township IS NULL OR township = :township OR township = 'county')";

impl WriteTx<'_> {
    /// `None` when the document is not stored.
    pub fn doc_scope(&self, id: &str) -> rusqlite::Result<Option<RecordedScope>> {
        let township: Option<Option<Scope>> = self
            .tx
            .query_row("SELECT township FROM docs WHERE id = ?1", [id], |r| {
                parsed_opt(r, 0)
            })
            .optional()?;
        Ok(township.map(|t| t.map_or(RecordedScope::Unrecorded, RecordedScope::Scope)))
    }

    /// Records the scope of a document once; a later call never moves it.
    pub fn record_doc_scope(&self, id: &str, scope: Scope) -> rusqlite::Result<()> {
        self.tx.execute(
            "UPDATE docs SET township = ?2 WHERE id = ?1 AND township IS NULL",
            params![id, scope.to_string()],
        )?;
        Ok(())
    }

    /// Like `changed_since`, limited to what `visibility` lets the reader see.
    pub fn changed_since_visible(
        &self,
        checkpoint: u64,
        visibility: Visibility,
        limit: usize,
    ) -> rusqlite::Result<Vec<StoredDocMeta>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT id, kind, seq FROM docs
             WHERE seq > :checkpoint AND {VISIBLE} ORDER BY seq LIMIT :limit"
        ))?;
        stmt.query_map(
            named_params! {
                ":checkpoint": checkpoint,
                ":township": visibility.township_param(),
                ":limit": limit as i64,
            },
            |r| {
                Ok(StoredDocMeta {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    seq: r.get(2)?,
                })
            },
        )?
        .collect()
    }

    /// Every document the reader sees, oldest write first, at most `limit`.
    pub fn visible_docs(
        &self,
        visibility: Visibility,
        limit: usize,
    ) -> rusqlite::Result<Vec<DocSummary>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT id, township, seq FROM docs
             WHERE township IS NOT NULL AND {VISIBLE} ORDER BY seq LIMIT :limit"
        ))?;
        stmt.query_map(
            named_params! {
                ":township": visibility.township_param(),
                ":limit": limit as i64,
            },
            |r| {
                Ok(DocSummary {
                    id: parsed(r, 0)?,
                    township: parsed(r, 1)?,
                    seq: r.get(2)?,
                })
            },
        )?
        .collect()
    }

    /// Ids of stored documents after `after` in id order, at most `limit`:
    /// a walk over every document in batches.
    pub fn doc_ids_after(&self, after: &str, limit: usize) -> rusqlite::Result<Vec<String>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT id FROM docs WHERE id > ?1 ORDER BY id LIMIT ?2")?;
        stmt.query_map(params![after, limit as i64], |r| r.get(0))?
            .collect()
    }

    /// Ids and scopes of every stored document of one kind.
    pub fn docs_of_kind(&self, kind: &str) -> rusqlite::Result<Vec<(String, RecordedScope)>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT id, township FROM docs WHERE kind = ?1 ORDER BY seq")?;
        stmt.query_map([kind], |r| {
            let scope: Option<Scope> = parsed_opt(r, 1)?;
            Ok((
                r.get(0)?,
                scope.map_or(RecordedScope::Unrecorded, RecordedScope::Scope),
            ))
        })?
        .collect()
    }
}
