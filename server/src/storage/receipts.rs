//! When the server first received each visit's current arrival time, by its
//! own clock, and which facility the visit belongs to (a visit id is the
//! county's, for ever).

use super::sql::{Result, params};
use super::{ReadTx, WriteTx};
use mopai_shared::ids::{FacilityId, VisitId};

impl ReadTx<'_> {
    /// The facility a visit id was first received in, if any.
    pub fn visit_owner(&self, visit: VisitId) -> Result<Option<FacilityId>> {
        self.optional(
            "SELECT facility_id FROM visit_receipts WHERE visit_id = ?1",
            params![visit],
            |r| r.get(0),
        )
    }

    /// Every visit of one facility with its first receipt (Unix seconds).
    pub fn visit_receipts(&self, facility: FacilityId) -> Result<Vec<(VisitId, i64)>> {
        self.rows(
            "SELECT visit_id, received_at FROM visit_receipts WHERE facility_id = ?1",
            params![facility],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }
}

impl WriteTx<'_> {
    /// Records when the server received this arrival time of a visit: a
    /// new time (the inspector tapped 到达 later) is a new receipt, the same
    /// one keeps its first.
    pub fn record_visit_receipt(
        &self,
        visit: VisitId,
        facility: FacilityId,
        arrived_at: Option<&str>,
        now: i64,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO visit_receipts (visit_id, facility_id, arrived_at, received_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (visit_id) DO UPDATE
                SET arrived_at = excluded.arrived_at, received_at = excluded.received_at
                WHERE visit_receipts.arrived_at IS DISTINCT FROM excluded.arrived_at",
            params![visit, facility, arrived_at, now],
        )?;
        Ok(())
    }
}
