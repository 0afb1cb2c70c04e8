//! Stored documents that no longer pass the write gate's content checks
//! (stored before the gate existed, or by an older build): never invisible,
//! they are listed for the admin and county staff with their reason and
//! counted in `/healthz`.

use mopai_shared::api::ProblemDoc;
use mopai_shared::doc::Scope;
use rusqlite::params;

use super::WriteTx;
use super::text::{parsed, parsed_opt};

impl WriteTx<'_> {
    /// Records (or updates) why a stored document does not project.
    pub fn put_problem(
        &self,
        doc: &str,
        township: Option<Scope>,
        reason: &str,
        now: i64,
    ) -> rusqlite::Result<()> {
        self.tx.execute(
            "INSERT INTO problem_docs (doc_id, township, reason, found_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (doc_id) DO UPDATE SET reason = ?3
             WHERE reason IS NOT ?3",
            params![doc, township.map(|t| t.to_string()), reason, now],
        )?;
        Ok(())
    }

    /// The document projects again.
    pub fn clear_problem(&self, doc: &str) -> rusqlite::Result<()> {
        self.tx
            .execute("DELETE FROM problem_docs WHERE doc_id = ?1", [doc])?;
        Ok(())
    }

    pub fn problems(&self, limit: usize) -> rusqlite::Result<Vec<ProblemDoc>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT doc_id, township, reason, found_at FROM problem_docs
             ORDER BY found_at, doc_id LIMIT ?1",
        )?;
        stmt.query_map([limit as i64], |r| {
            Ok(ProblemDoc {
                doc: parsed(r, 0)?,
                township: parsed_opt(r, 1)?,
                reason: r.get(2)?,
                found_at: r.get(3)?,
            })
        })?
        .collect()
    }

    pub fn problem_count(&self) -> rusqlite::Result<u64> {
        self.tx
            .query_row("SELECT COUNT(*) FROM problem_docs", [], |r| r.get(0))
    }
}
