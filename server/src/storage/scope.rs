//! The scope of each stored document (its township, or `county`), recorded
//! from the document header when the document is first written, so reads
//! can be filtered in SQL without opening documents.

use mopai_shared::api::DocSummary;
use mopai_shared::doc::{DocKind, Scope};
use mopai_shared::ids::{DocId, TownshipId};

use super::docs::{StoredDocMeta, stored_meta};
use super::sql::{Result, params};
use super::{ReadTx, WriteTx};

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

/// `?1` is the township filter; NULL means none.
const VISIBLE: &str = "(CAST(?1 AS TEXT) IS NULL OR township = ?1 OR township = 'county')";

impl ReadTx<'_> {
    /// `None` when the document is not stored.
    pub fn doc_scope(&self, id: DocId) -> Result<Option<RecordedScope>> {
        let township: Option<Option<Scope>> = self.optional(
            "SELECT township FROM docs WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )?;
        Ok(township.map(|t| t.map_or(RecordedScope::Unrecorded, RecordedScope::Scope)))
    }

    /// Like `changed_since`, limited to what `visibility` lets the reader see.
    pub fn changed_since_visible(
        &self,
        checkpoint: u64,
        visibility: Visibility,
        limit: usize,
    ) -> Result<Vec<StoredDocMeta>> {
        self.rows(
            &format!(
                "SELECT id, kind, seq FROM docs
                 WHERE seq > ?2 AND {VISIBLE} ORDER BY seq LIMIT ?3"
            ),
            params![visibility.township_param(), checkpoint, limit],
            stored_meta,
        )
    }

    /// Every document the reader sees, oldest write first, at most `limit`.
    pub fn visible_docs(&self, visibility: Visibility, limit: usize) -> Result<Vec<DocSummary>> {
        self.rows(
            &format!(
                "SELECT id, township, seq FROM docs
                 WHERE township IS NOT NULL AND {VISIBLE} ORDER BY seq LIMIT ?2"
            ),
            params![visibility.township_param(), limit],
            |r| {
                Ok(DocSummary {
                    id: r.get(0)?,
                    township: r.get(1)?,
                    seq: r.get(2)?,
                })
            },
        )
    }

    /// Ids of stored documents after `after` (from the first when `None`)
    /// in id order, at most `limit`: a walk over every document in batches.
    pub fn doc_ids_after(&self, after: Option<DocId>, limit: usize) -> Result<Vec<DocId>> {
        let after = after.map(|id| id.to_string()).unwrap_or_default();
        self.rows(
            "SELECT id FROM docs WHERE id > ?1 ORDER BY id LIMIT ?2",
            params![after, limit],
            |r| r.get(0),
        )
    }

    /// Ids and scopes of every stored document of one kind.
    pub fn docs_of_kind(&self, kind: DocKind) -> Result<Vec<(DocId, RecordedScope)>> {
        self.rows(
            "SELECT id, township FROM docs WHERE kind = ?1 ORDER BY seq",
            params![kind],
            |r| {
                let scope: Option<Scope> = r.get(1)?;
                Ok((
                    r.get(0)?,
                    scope.map_or(RecordedScope::Unrecorded, RecordedScope::Scope),
                ))
            },
        )
    }
}

impl WriteTx<'_> {
    /// Records the scope of a document once; a later call never moves it.
    pub fn record_doc_scope(&self, id: DocId, scope: Scope) -> Result<()> {
        self.execute(
            "UPDATE docs SET township = ?2 WHERE id = ?1 AND township IS NULL",
            params![id, scope],
        )?;
        Ok(())
    }
}
