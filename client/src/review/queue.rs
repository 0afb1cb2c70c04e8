//! The lead's queue: one [`QueueRow`] per submitted visit in the township
//! (drafts stay on the inspector's phone until submitted), the counts of
//! new, returned and approved entries, and the [`QueueFilter`].
//!
//! Entries waiting for the lead come first, oldest submission first, so
//! nothing waits longest by accident; then returned, then approved.

use std::cmp::Reverse;

use mopai_shared::ids::{FacilityId, VisitId};
use mopai_shared::model::{EntryState, RiskLevel, Timestamp, entry_state};
use mopai_shared::risk::{LevelView, classify};

use crate::docs::Library;

/// Where an entry stands from the lead's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    /// Submitted or resubmitted: the lead's turn.
    New,
    /// Returned: the inspector's turn.
    Returned,
    Approved,
}

impl Bucket {
    pub const ALL: [Bucket; 3] = [Bucket::New, Bucket::Returned, Bucket::Approved];

    pub fn of(state: EntryState) -> Option<Bucket> {
        match state {
            EntryState::Draft => None,
            EntryState::Submitted | EntryState::Resubmitted => Some(Bucket::New),
            EntryState::Returned => Some(Bucket::Returned),
            EntryState::Approved => Some(Bucket::Approved),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Bucket::New => "new",
            Bucket::Returned => "returned",
            Bucket::Approved => "approved",
        }
    }

    pub fn from_code(code: &str) -> Option<Bucket> {
        Self::ALL.into_iter().find(|b| b.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Bucket::New => "待审核",
            Bucket::Returned => "已退回",
            Bucket::Approved => "已通过",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub facility: FacilityId,
    pub visit: VisitId,
    pub name: String,
    pub village: String,
    pub state: EntryState,
    pub bucket: Bucket,
    pub submitted_at: Option<Timestamp>,
    /// What the rules give the facility now.
    pub computed: RiskLevel,
    /// What lists and tables file it under (the lead's level when current).
    pub effective: RiskLevel,
    /// Fields of the facility two people set differently.
    pub conflicts: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub new: usize,
    pub returned: usize,
    pub approved: usize,
}

impl Counts {
    pub fn of(&self, bucket: Bucket) -> usize {
        match bucket {
            Bucket::New => self.new,
            Bucket::Returned => self.returned,
            Bucket::Approved => self.approved,
        }
    }
}

/// What the lead filters by; `None` is "all".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// Matched against name and village, ignoring case.
    pub query: String,
    pub bucket: Option<Bucket>,
    pub level: Option<RiskLevel>,
}

impl QueueFilter {
    pub fn matches(&self, row: &QueueRow) -> bool {
        let q = self.query.trim().to_lowercase();
        let text = |s: &str| s.to_lowercase().contains(&q);
        (q.is_empty() || text(&row.name) || text(&row.village))
            && self.bucket.is_none_or(|b| row.bucket == b)
            && self.level.is_none_or(|l| row.effective == l)
    }
}

/// Every submitted visit on this phone, in queue order.
pub fn rows(library: &Library) -> Vec<QueueRow> {
    let mut rows = Vec::new();
    for entry in library.facilities.values() {
        let review = library.reviews.get(&entry.id);
        let computed = classify(
            &entry.body,
            library.county.get(&entry.id),
            &library.settings,
        )
        .level;
        let effective = LevelView::new(computed, review).effective();
        for visit in &entry.body.visits {
            let state = entry_state(visit, review.and_then(|r| r.review_of(visit.id)));
            let Some(bucket) = Bucket::of(state) else {
                continue;
            };
            rows.push(QueueRow {
                facility: entry.id,
                visit: visit.id,
                name: entry.body.profile.name.clone(),
                village: entry.body.profile.village.clone(),
                state,
                bucket,
                submitted_at: visit.submitted_at,
                computed,
                effective,
                conflicts: entry.conflicts.len(),
            });
        }
    }
    rows.sort_by_key(|r| {
        let waiting = r.bucket == Bucket::New;
        // Waiting entries oldest first; decided ones newest first.
        let when = if waiting {
            None
        } else {
            Some(Reverse(r.submitted_at))
        };
        (r.bucket, waiting.then_some(r.submitted_at), when, r.visit)
    });
    rows
}

pub fn counts(rows: &[QueueRow]) -> Counts {
    let n = |b| rows.iter().filter(|r| r.bucket == b).count();
    Counts {
        new: n(Bucket::New),
        returned: n(Bucket::Returned),
        approved: n(Bucket::Approved),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::docs::FacilityEntry;
    use mopai_shared::ids::UserId;
    use mopai_shared::model::{Facility, FacilityReview, Review, ReviewState, Visit};

    pub(crate) fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// A facility with one visit per `submitted` time (`None`: a draft).
    pub(crate) fn facility(name: &str, submitted: &[Option<&str>]) -> FacilityEntry {
        let mut body = Facility::default();
        body.profile.name = name.into();
        for at in submitted {
            let mut v = Visit::new(VisitId::random(), UserId::random());
            v.submitted_at = at.map(t);
            body.visits.push(v);
        }
        FacilityEntry {
            id: FacilityId::random(),
            township: None,
            body,
            unsynced: false,
            conflicts: Vec::new(),
        }
    }

    /// The lead's decision on the entry's first visit.
    pub(crate) fn decided(
        entry: &FacilityEntry,
        state: ReviewState,
        at: &str,
    ) -> (FacilityId, Review) {
        let review = Review {
            visit: entry.body.visits[0].id,
            state,
            state_at: t(at),
            reviewer: UserId::random(),
            comments: Vec::new(),
            computed_level: None,
            confirmed_level: None,
            level_reason: String::new(),
        };
        (entry.id, review)
    }

    pub(crate) fn library(entries: &[FacilityEntry], reviews: &[(FacilityId, Review)]) -> Library {
        let mut lib = Library::default();
        for e in entries {
            lib.facilities.insert(e.id, Rc::new(e.clone()));
        }
        let mut map = std::collections::BTreeMap::<FacilityId, FacilityReview>::new();
        for (f, r) in reviews {
            map.entry(*f).or_default().reviews.push(r.clone());
        }
        lib.reviews = Rc::new(map);
        lib
    }

    #[test]
    fn drafts_stay_out_and_waiting_entries_come_first_oldest_first() {
        let a = facility(
            "甲",
            &[
                Some("2022-01-14T09:00:00+08:00"),
                None,
                Some("2022-01-14T08:00:00+08:00"),
            ],
        );
        let b = facility("乙", &[Some("2022-01-13T09:00:00+08:00")]);
        let c = facility("丙", &[Some("2022-01-12T09:00:00+08:00")]);
        let lib = library(
            &[a.clone(), b.clone(), c.clone()],
            &[
                decided(&b, ReviewState::Returned, "2022-01-13T10:00:00+08:00"),
                decided(&c, ReviewState::Approved, "2022-01-12T10:00:00+08:00"),
            ],
        );
        let rows = rows(&lib);
        let order: Vec<(&str, Bucket)> = rows.iter().map(|r| (r.name.as_str(), r.bucket)).collect();
        assert_eq!(
            order,
            vec![
                ("甲", Bucket::New),
                ("甲", Bucket::New),
                ("乙", Bucket::Returned),
                ("丙", Bucket::Approved)
            ]
        );
        assert_eq!(rows[0].visit, a.body.visits[2].id, "08:00 before 09:00");
        assert_eq!(
            counts(&rows),
            Counts {
                new: 2,
                returned: 1,
                approved: 1
            }
        );
    }

    #[test]
    fn a_resubmitted_entry_is_new_again() {
        let a = facility("甲", &[Some("2022-01-14T12:00:00+08:00")]);
        let lib = library(
            std::slice::from_ref(&a),
            &[decided(
                &a,
                ReviewState::Returned,
                "2022-01-14T10:00:00+08:00",
            )],
        );
        let rows = rows(&lib);
        assert_eq!(rows[0].state, EntryState::Resubmitted);
        assert_eq!(rows[0].bucket, Bucket::New);
    }

    #[test]
    fn the_filter_narrows_by_bucket_text_and_level() {
        let a = facility("夕阳红", &[Some("2022-01-14T12:00:00+08:00")]);
        let b = facility("幸福院", &[Some("2022-01-14T12:00:00+08:00")]);
        let rows = rows(&library(&[a, b], &[]));
        let filter = QueueFilter {
            query: "夕阳".into(),
            ..QueueFilter::default()
        };
        assert_eq!(rows.iter().filter(|r| filter.matches(r)).count(), 1);
        let returned = QueueFilter {
            bucket: Some(Bucket::Returned),
            ..QueueFilter::default()
        };
        assert_eq!(rows.iter().filter(|r| returned.matches(r)).count(), 0);
        let green = QueueFilter {
            level: Some(RiskLevel::Green),
            ..QueueFilter::default()
        };
        assert_eq!(rows.iter().filter(|r| green.matches(r)).count(), 2);
        assert_eq!(Bucket::from_code("returned"), Some(Bucket::Returned));
    }
}
