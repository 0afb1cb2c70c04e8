//! Each stored document's heads, for the provenance sheet of an export: a
//! table can later be checked against the exact document versions it was
//! generated from.

use super::ReadTx;
use super::sql::{Result, params};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocHeads {
    pub id: String,
    pub kind: String,
    /// A township id, `county`, or `None` for a document stored before
    /// scopes were recorded.
    pub township: Option<String>,
    pub seq: u64,
    /// The change hashes, 32 bytes each, in Automerge's (sorted) order.
    pub heads: Vec<u8>,
}

impl ReadTx<'_> {
    /// Documents of one township and the county-scope ones, or all when
    /// `township` is `None`, by id.
    pub fn doc_heads(&self, township: Option<&str>) -> Result<Vec<DocHeads>> {
        self.rows(
            "SELECT id, kind, township, seq, heads FROM docs
             WHERE CAST(?1 AS TEXT) IS NULL OR township = ?1 OR township = 'county' ORDER BY id",
            params![township],
            |r| {
                Ok(DocHeads {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    township: r.get(2)?,
                    seq: r.get(3)?,
                    heads: r.get(4)?,
                })
            },
        )
    }
}
