//! The review flow in the reducer: [`ReviewAction`]s, carried by
//! [`Action::Review`](crate::state::Action::Review), and the lead's views of
//! the state.
//!
//! The lead's documents are written first and shown after: the writer
//! dispatches the body it stored while it still holds the store lock, so a
//! reload from a sync can only come before it (and is then overtaken) or
//! after it (and then includes it). Nothing is shown that is not on the phone.

use std::rc::Rc;

use mopai_shared::ids::{DocId, FacilityId, TownshipId};
use mopai_shared::model::{FacilityReview, TownshipLog};

use super::queue::{self, Counts, QueueFilter, QueueRow};
use crate::state::AppState;

#[derive(Debug, Clone, PartialEq)]
pub enum ReviewAction {
    /// A review document as just written to the phone.
    ReviewStored {
        facility: FacilityId,
        review: Box<FacilityReview>,
    },
    /// The township log as just written to the phone.
    LogStored {
        township: TownshipId,
        log: Box<TownshipLog>,
    },
    FilterChanged(QueueFilter),
}

pub(crate) fn reduce(state: &mut AppState, action: ReviewAction) {
    match action {
        // Written just now, so not on the server yet: the sync bar counts it
        // until a sync's reload says otherwise.
        ReviewAction::ReviewStored { facility, review } => {
            Rc::make_mut(&mut state.library.reviews).insert(facility, *review);
            state.library.unsynced_docs.insert(DocId::review(facility));
            state.error = None;
        }
        ReviewAction::LogStored { township, log } => {
            state.library.township_log = Some(Rc::new(*log));
            state
                .library
                .unsynced_docs
                .insert(DocId::township_log(township));
            state.error = None;
        }
        ReviewAction::FilterChanged(filter) => state.review_filter = filter,
    }
}

impl AppState {
    /// Every submitted visit, before filtering, and their counts.
    pub fn review_queue(&self) -> (Vec<QueueRow>, Counts) {
        let rows = queue::rows(&self.library);
        let counts = queue::counts(&rows);
        (rows, counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::edit::{LevelDecision, ReviewEdit, apply};
    use crate::review::queue::Bucket;
    use crate::review::queue::tests::{facility, library, t};
    use crate::state::Action;
    use mopai_shared::ids::{CommentId, UserId};
    use mopai_shared::model::{Comment, EntryState, RiskLevel, TownshipLog};
    use yew::Reducible;

    fn run(state: AppState, actions: impl IntoIterator<Item = Action>) -> AppState {
        let state = actions.into_iter().fold(Rc::new(state), |s, a| s.reduce(a));
        (*state).clone()
    }

    fn stored(facility: FacilityId, review: &FacilityReview) -> Action {
        Action::Review(ReviewAction::ReviewStored {
            facility,
            review: Box::new(review.clone()),
        })
    }

    #[test]
    fn a_stored_return_then_approval_moves_the_entry_through_the_queue() {
        let a = facility("甲", &[Some("2022-01-14T09:00:00+08:00")]);
        let visit = a.body.visits[0].id;
        let loaded = Action::Loaded {
            library: library(std::slice::from_ref(&a), &[]),
            upto: 0,
        };
        let s = run(AppState::default(), [loaded]);
        assert_eq!(s.review_queue().1.new, 1);

        let lead = UserId::random();
        let mut review = FacilityReview::default();
        let comment = Comment {
            id: CommentId::random(),
            author: lead,
            at: t("2022-01-14T10:00:00+08:00"),
            text: "请补充预付费金额".into(),
        };
        let back = ReviewEdit::Return {
            visit,
            by: lead,
            at: comment.at,
            comment,
        };
        apply(&mut review, &back).unwrap();
        let s = run(s, [stored(a.id, &review)]);
        assert_eq!(s.unsynced_count(), 1, "the return waits for a sync");
        let (rows, counts) = s.review_queue();
        assert_eq!((counts.new, counts.returned), (0, 1));
        assert_eq!(rows[0].state, EntryState::Returned);

        let approve = ReviewEdit::Approve {
            visit,
            by: lead,
            at: t("2022-01-14T11:00:00+08:00"),
            level: LevelDecision {
                computed: RiskLevel::Green,
                confirmed: RiskLevel::Yellow,
                reason: "群众反映收取押金".into(),
            },
        };
        apply(&mut review, &approve).unwrap();
        let s = run(s, [stored(a.id, &review)]);
        let (rows, counts) = s.review_queue();
        assert_eq!(counts.approved, 1);
        assert_eq!(
            rows[0].effective,
            RiskLevel::Yellow,
            "the lead's level files it"
        );
        assert_eq!(
            rows[0].computed,
            RiskLevel::Green,
            "the computed one is kept"
        );
    }

    #[test]
    fn a_stored_plan_past_its_deadline_shows_as_overdue() {
        use crate::review::plan::PlanEdit;
        use crate::review::plans::{self, PlanStatus};
        let mut a = facility("甲", &[Some("2022-01-14T09:00:00+08:00")]);
        a.body.visits[0].findings.suspected_fraud = Some(true);
        let today = "2022-01-25".parse().unwrap();
        let s = run(
            AppState::default(),
            [Action::Loaded {
                library: library(std::slice::from_ref(&a), &[]),
                upto: 0,
            }],
        );
        let listed = plans::rows(&s.library, today);
        assert_eq!(listed[0].status, PlanStatus::NotStarted, "red needs a plan");
        let mut review = FacilityReview::default();
        let measures = mopai_shared::risk::plan::prefill(RiskLevel::Red, None);
        for edit in [
            PlanEdit::Prefill(measures),
            PlanEdit::Deadline("2022-01-20".parse().ok()),
        ] {
            apply(&mut review, &ReviewEdit::Plan(edit)).unwrap();
        }
        let s = run(s, [stored(a.id, &review)]);
        let listed = plans::rows(&s.library, today);
        assert_eq!(listed[0].status, PlanStatus::Overdue);
        assert_eq!((listed[0].measures, listed[0].done), (4, 0));
        assert_eq!(s.unsynced_count(), 1);
    }

    #[test]
    fn a_reload_from_sync_keeps_a_stored_review() {
        // The writer dispatches under the store lock, so a reload read after
        // the write carries the review too; one read before arrives first.
        let a = facility("甲", &[Some("2022-01-14T09:00:00+08:00")]);
        let before = library(std::slice::from_ref(&a), &[]);
        let review = FacilityReview {
            reported_to_county_at: Some(t("2022-01-14T12:00:00+08:00")),
            ..FacilityReview::default()
        };
        let s = run(
            AppState::default(),
            [
                Action::Loaded {
                    library: before,
                    upto: 0,
                },
                stored(a.id, &review),
            ],
        );
        assert_eq!(s.review(a.id), Some(&review));
        // The sync's reload: the server has it now.
        let synced = library(std::slice::from_ref(&a), &[]);
        let s = run(
            s,
            [Action::Loaded {
                library: synced,
                upto: 0,
            }],
        );
        assert_eq!(s.unsynced_count(), 0);
    }

    #[test]
    fn the_log_and_the_filter_are_kept() {
        let mut log = TownshipLog::default();
        log.work_plan.title = "工作方案".into();
        let filter = QueueFilter {
            bucket: Some(Bucket::Returned),
            ..QueueFilter::default()
        };
        let s = run(
            AppState::default(),
            [
                Action::Failed("旧错误".into()),
                Action::Review(ReviewAction::LogStored {
                    township: TownshipId::random(),
                    log: Box::new(log.clone()),
                }),
                Action::Review(ReviewAction::FilterChanged(filter.clone())),
            ],
        );
        assert_eq!(s.library.township_log.as_deref(), Some(&log));
        assert_eq!(s.review_filter, filter);
        assert!(s.error.is_none(), "a successful save clears the last error");
    }
}
