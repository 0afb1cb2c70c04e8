//! The lead's signature on the township's tables (分管领导签字). The model keeps
//! it per facility ([`FacilityReview::signoff`](mopai_shared::model::FacilityReview)),
//! the rows those tables are made of; the page signs every ready facility at
//! once. `SignOff::note` holds the signer's name as written, `at` the date.
//!
//! A facility is ready when it has submitted entries and every one is
//! approved. A signature older than the facility's latest submission or
//! decision no longer covers it, and the facility is to be signed again.

use mopai_shared::ids::FacilityId;
use mopai_shared::model::{EntryState, FacilityReview, SignOff, Timestamp, entry_state};

use crate::docs::{FacilityEntry, Library};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// No submitted entry yet.
    Nothing,
    /// Entries wait for review or correction.
    Open,
    /// Every entry approved, not signed (or signed before the last change).
    Ready,
    Signed,
}

/// Where one facility stands for the sign-off.
pub fn standing(entry: &FacilityEntry, review: Option<&FacilityReview>) -> Standing {
    let states: Vec<EntryState> = entry
        .body
        .visits
        .iter()
        .map(|v| entry_state(v, review.and_then(|r| r.review_of(v.id))))
        .filter(|s| *s != EntryState::Draft)
        .collect();
    if states.is_empty() {
        return Standing::Nothing;
    }
    if states.iter().any(|s| *s != EntryState::Approved) {
        return Standing::Open;
    }
    let latest: Option<Timestamp> = entry
        .body
        .visits
        .iter()
        .filter_map(|v| v.submitted_at)
        .chain(
            review
                .iter()
                .flat_map(|r| r.reviews.iter().map(|x| x.state_at)),
        )
        .max();
    match review.and_then(|r| r.signoff.as_ref()) {
        Some(s) if Some(s.at) >= latest => Standing::Signed,
        _ => Standing::Ready,
    }
}

/// The township's facilities by standing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub ready: Vec<FacilityId>,
    pub signed: usize,
    pub open: usize,
    /// The newest signature on this phone, to show who signed and when.
    pub last: Option<SignOff>,
}

pub fn summary(library: &Library) -> Summary {
    let mut out = Summary::default();
    for entry in library.facilities.values() {
        let review = library.reviews.get(&entry.id);
        match standing(entry, review) {
            Standing::Ready => out.ready.push(entry.id),
            Standing::Signed => out.signed += 1,
            Standing::Open => out.open += 1,
            Standing::Nothing => {}
        }
    }
    out.last = library
        .reviews
        .values()
        .filter_map(|r| r.signoff.clone())
        .max_by_key(|s| s.at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::queue::tests::{decided, facility, library, t};
    use mopai_shared::ids::UserId;
    use mopai_shared::model::ReviewState;

    #[test]
    fn only_fully_approved_facilities_are_ready_and_a_later_change_reopens_them() {
        let approved = facility("甲", &[Some("2022-01-14T09:00:00+08:00")]);
        let waiting = facility("乙", &[Some("2022-01-14T09:00:00+08:00")]);
        let unvisited = facility("丙", &[None]);
        let ok = decided(
            &approved,
            ReviewState::Approved,
            "2022-01-14T10:00:00+08:00",
        );
        let mut lib = library(&[approved.clone(), waiting, unvisited], &[ok]);
        let s = summary(&lib);
        assert_eq!(s.ready, vec![approved.id]);
        assert_eq!((s.signed, s.open), (0, 1));

        let sign = |at: &str| SignOff {
            by: UserId::random(),
            at: t(at),
            note: "李明".into(),
        };
        let reviews = std::rc::Rc::make_mut(&mut lib.reviews);
        reviews.get_mut(&approved.id).unwrap().signoff = Some(sign("2022-01-14T11:00:00+08:00"));
        let s = summary(&lib);
        assert!(s.ready.is_empty());
        assert_eq!(s.signed, 1);
        assert_eq!(s.last.as_ref().map(|x| x.note.as_str()), Some("李明"));

        // Approved again after the signature (a return and resubmission in
        // between): the old signature no longer covers it.
        let reviews = std::rc::Rc::make_mut(&mut lib.reviews);
        reviews.get_mut(&approved.id).unwrap().reviews[0].state_at = t("2022-01-14T12:00:00+08:00");
        assert_eq!(summary(&lib).ready, vec![approved.id]);
    }
}
