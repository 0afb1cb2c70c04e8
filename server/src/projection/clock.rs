//! The server's clock against the phone's: a visit's time comes from the
//! phone, and a phone whose clock says 2032 would make its visit the latest
//! for ever, so its "no prepayment collected" would clear every earlier
//! finding. The server records when it first received each visit
//! (`visit_receipts`); a visit said to have happened after that, beyond
//! [`CLOCK_TOLERANCE_S`], is classified as of its receipt and flagged for
//! the lead.

use std::collections::HashMap;

use mopai_shared::ids::VisitId;
use mopai_shared::model::{Facility, Timestamp};

/// How far a phone's clock may run ahead of the server's unnoticed.
pub const CLOCK_TOLERANCE_S: i64 = 10 * 60;

/// The facility with each clock-ahead visit's arrival moved to its receipt,
/// and the ids of those visits.
pub fn by_server_clock(
    mut facility: Facility,
    receipts: &[(VisitId, i64)],
) -> (Facility, Vec<VisitId>) {
    let received: HashMap<VisitId, i64> = receipts.iter().copied().collect();
    let mut ahead = Vec::new();
    for visit in &mut facility.visits {
        let (Some(arrived), Some(&at)) = (visit.arrived_at, received.get(&visit.id)) else {
            continue;
        };
        if arrived.0.unix_timestamp() > at.saturating_add(CLOCK_TOLERANCE_S) {
            visit.arrived_at = Timestamp::from_unix(at);
            ahead.push(visit.id);
        }
    }
    ahead.sort();
    (facility, ahead)
}

#[cfg(test)]
mod tests {
    use mopai_shared::ids::UserId;
    use mopai_shared::model::Visit;

    use super::*;

    #[test]
    fn only_a_visit_dated_after_its_receipt_moves() {
        let mut facility = Facility::default();
        let received = 1_800_000_000;
        let times = [received - 86_400, received + 60, received + 86_400 * 365];
        for t in times {
            let mut v = Visit::new(VisitId::random(), UserId::random());
            v.arrived_at = Timestamp::from_unix(t);
            facility.visits.push(v);
        }
        let receipts: Vec<_> = facility.visits.iter().map(|v| (v.id, received)).collect();
        let (moved, ahead) = by_server_clock(facility.clone(), &receipts);
        assert_eq!(ahead, vec![facility.visits[2].id]);
        assert_eq!(moved.visits[0].arrived_at, facility.visits[0].arrived_at);
        assert_eq!(
            moved.visits[1].arrived_at, facility.visits[1].arrived_at,
            "within tolerance"
        );
        assert_eq!(moved.visits[2].arrived_at, Timestamp::from_unix(received));
    }
}
