//! When the server first received each visit, by its own clock, and which
//! facility the visit belongs to (a visit id is the county's, for ever).

use mopai_shared::ids::{FacilityId, VisitId};
use rusqlite::{OptionalExtension, params};

use super::WriteTx;
use super::text::parsed;

impl WriteTx<'_> {
    /// The facility a visit id was first received in, if any.
    pub fn visit_owner(&self, visit: VisitId) -> rusqlite::Result<Option<FacilityId>> {
        self.tx
            .query_row(
                "SELECT facility_id FROM visit_receipts WHERE visit_id = ?1",
                [visit.to_string()],
                |r| parsed(r, 0),
            )
            .optional()
    }

    /// Records the first receipt of a visit; later calls keep the first.
    pub fn record_visit_receipt(
        &self,
        visit: VisitId,
        facility: FacilityId,
        now: i64,
    ) -> rusqlite::Result<()> {
        self.tx.execute(
            "INSERT INTO visit_receipts (visit_id, facility_id, received_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (visit_id) DO NOTHING",
            params![visit.to_string(), facility.to_string(), now],
        )?;
        Ok(())
    }

    /// Every visit of one facility with its first receipt (Unix seconds).
    pub fn visit_receipts(&self, facility: FacilityId) -> rusqlite::Result<Vec<(VisitId, i64)>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT visit_id, received_at FROM visit_receipts WHERE facility_id = ?1",
        )?;
        stmt.query_map([facility.to_string()], |r| Ok((parsed(r, 0)?, r.get(1)?)))?
            .collect()
    }
}
