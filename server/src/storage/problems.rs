//! Stored documents that no longer pass the write gate's content checks
//! (stored before the gate existed, or by an older build): never invisible,
//! they are listed for the admin and county staff with their reason and
//! counted in `/healthz`.

use super::sql::{Result, params};
use super::{ReadTx, WriteTx};
use mopai_shared::api::ProblemDoc;
use mopai_shared::doc::Scope;
use mopai_shared::ids::DocId;

impl WriteTx<'_> {
    /// Records (or updates) why a stored document does not project.
    pub fn put_problem(
        &self,
        doc: DocId,
        township: Option<Scope>,
        reason: &str,
        now: i64,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO problem_docs (doc_id, township, reason, found_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (doc_id) DO UPDATE SET reason = ?3
             WHERE problem_docs.reason IS DISTINCT FROM ?3",
            params![doc, township, reason, now],
        )?;
        Ok(())
    }

    /// The document projects again.
    pub fn clear_problem(&self, doc: DocId) -> Result<()> {
        self.execute("DELETE FROM problem_docs WHERE doc_id = ?1", params![doc])?;
        Ok(())
    }
}

impl ReadTx<'_> {
    pub fn problems(&self, limit: usize) -> Result<Vec<ProblemDoc>> {
        self.rows(
            "SELECT doc_id, township, reason, found_at FROM problem_docs
             ORDER BY found_at, doc_id LIMIT ?1",
            params![limit],
            |r| {
                Ok(ProblemDoc {
                    doc: r.get(0)?,
                    township: r.get(1)?,
                    reason: r.get(2)?,
                    found_at: r.get(3)?,
                })
            },
        )
    }

    pub fn problem_count(&self) -> Result<u64> {
        self.one("SELECT COUNT(*) FROM problem_docs", params![], |r| r.get(0))
    }
}
