//! When the server first received each visit's current arrival time, by its
//! own clock, and which facility the visit belongs to (a visit id is the
//! county's, for ever).

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

    /// Records when the server received this arrival time of a visit: a
    /// new time (the inspector tapped 到达 later) is a new receipt, the same
    /// one keeps its first.
    pub fn record_visit_receipt(
        &self,
        visit: VisitId,
        facility: FacilityId,
        arrived_at: Option<&str>,
        now: i64,
    ) -> rusqlite::Result<()> {
        self.tx.execute(
            "INSERT INTO visit_receipts (visit_id, facility_id, arrived_at, received_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (visit_id) DO UPDATE
                SET arrived_at = excluded.arrived_at, received_at = excluded.received_at
                WHERE visit_receipts.arrived_at IS NOT excluded.arrived_at",
            params![visit.to_string(), facility.to_string(), arrived_at, now],
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
