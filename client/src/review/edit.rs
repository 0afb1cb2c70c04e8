//! [`ReviewEdit`]: one decision of the lead on a facility's review document,
//! and [`apply`], the one function that makes it.
//!
//! A review is kept per visit. Its `state_at` is what
//! [`entry_state`](mopai_shared::model::entry_state) compares with the
//! visit's `submitted_at` to tell a resubmission from a returned entry, so
//! only a decision about the entry (approve, return) moves it; confirming
//! the level alone never hides a resubmission.

use mopai_shared::ids::{UserId, VisitId};
use mopai_shared::model::{
    Comment, EntryState, FacilityReview, Review, ReviewState, RiskLevel, SignOff, Timestamp,
};
use mopai_shared::risk::LevelView;

use super::plan::{self, PlanEdit, PlanError};

/// The lead's level beside the computed one (DOMAIN §4: both are kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelDecision {
    /// The level the rules give now; stored so a later change shows the
    /// confirmation as stale.
    pub computed: RiskLevel,
    pub confirmed: RiskLevel,
    /// Required when `confirmed` differs from `computed`.
    pub reason: String,
}

impl LevelDecision {
    pub fn check(&self) -> Result<(), ReviewError> {
        if self.confirmed != self.computed && self.reason.trim().is_empty() {
            return Err(ReviewError::ReasonRequired);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewEdit {
    /// Approve the entry and confirm its level.
    Approve {
        visit: VisitId,
        by: UserId,
        at: Timestamp,
        level: LevelDecision,
    },
    /// Send the entry back; the comment travels to the inspector's phone.
    Return {
        visit: VisitId,
        by: UserId,
        at: Timestamp,
        comment: Comment,
    },
    /// Confirm (or change) the level without deciding the entry.
    Confirm {
        visit: VisitId,
        by: UserId,
        at: Timestamp,
        level: LevelDecision,
    },
    /// Sign the facility off for the township's tables.
    SignOff(SignOff),
    /// Change the facility's 一院一策 plan.
    Plan(PlanEdit),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("改定的等级与计算等级不同，请写明理由")]
    ReasonRequired,
    #[error("退回时请写明修改意见")]
    CommentRequired,
    #[error("请填写签字人姓名")]
    SignerRequired,
    #[error("这条记录现在不能这样处理（{0}）")]
    NotAllowed(&'static str),
    #[error(transparent)]
    Plan(#[from] PlanError),
}

/// The level to offer the lead first: their confirmation of this visit,
/// else the facility's current (not stale) one, else the computed level.
pub fn offered_level(review: Option<&Review>, view: &LevelView) -> RiskLevel {
    review
        .and_then(|r| r.confirmed_level)
        .or(view
            .confirmed
            .as_ref()
            .filter(|c| !c.stale)
            .map(|c| c.level))
        .unwrap_or(view.computed)
}

/// What the lead may do with an entry in `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    pub approve: bool,
    /// An approved entry may be returned too: the lead reopens it.
    pub send_back: bool,
    pub confirm: bool,
}

pub fn allowed(state: EntryState) -> Allowed {
    let waiting = matches!(state, EntryState::Submitted | EntryState::Resubmitted);
    Allowed {
        approve: waiting,
        send_back: waiting || state == EntryState::Approved,
        confirm: state != EntryState::Draft,
    }
}

/// Checks `edit` against the entry's state before it is queued.
pub fn check(edit: &ReviewEdit, state: EntryState) -> Result<(), ReviewError> {
    let can = allowed(state);
    match edit {
        ReviewEdit::Approve { level, .. } if can.approve => level.check(),
        ReviewEdit::Return { comment, .. } if can.send_back => {
            match comment.text.trim().is_empty() {
                true => Err(ReviewError::CommentRequired),
                false => Ok(()),
            }
        }
        ReviewEdit::Confirm { level, .. } if can.confirm => level.check(),
        ReviewEdit::SignOff(s) if s.note.trim().is_empty() => Err(ReviewError::SignerRequired),
        ReviewEdit::SignOff(_) => Ok(()),
        // A plan does not depend on any entry's state.
        ReviewEdit::Plan(p) => Ok(plan::check(p)?),
        _ => Err(ReviewError::NotAllowed(state.label_zh())),
    }
}

/// Makes `edit` on `review`. On error nothing has changed.
pub fn apply(review: &mut FacilityReview, edit: &ReviewEdit) -> Result<(), ReviewError> {
    match edit {
        ReviewEdit::Approve {
            visit,
            by,
            at,
            level,
        } => {
            let r = leveled(review, *visit, *by, *at, level)?;
            decide(r, ReviewState::Approved, *by, *at);
        }
        ReviewEdit::Return {
            visit,
            by,
            at,
            comment,
        } => {
            if comment.text.trim().is_empty() {
                return Err(ReviewError::CommentRequired);
            }
            let r = review_of(review, *visit, *by, *at);
            decide(r, ReviewState::Returned, *by, *at);
            if r.comments.iter().all(|c| c.id != comment.id) {
                r.comments.push(comment.clone());
            }
        }
        ReviewEdit::Confirm {
            visit,
            by,
            at,
            level,
        } => {
            let r = leveled(review, *visit, *by, *at, level)?;
            r.reviewer = *by;
            // Moving `state_at` of a returned entry would make a later
            // resubmission look older than the return.
            if r.state != ReviewState::Returned {
                r.state_at = *at;
            }
        }
        ReviewEdit::SignOff(signoff) => {
            if signoff.note.trim().is_empty() {
                return Err(ReviewError::SignerRequired);
            }
            review.signoff = Some(signoff.clone());
        }
        ReviewEdit::Plan(p) => plan::apply(&mut review.disposal, p)?,
    }
    Ok(())
}

/// The review of `visit`, added (undecided) if the lead has none yet.
fn review_of(
    review: &mut FacilityReview,
    visit: VisitId,
    by: UserId,
    at: Timestamp,
) -> &mut Review {
    let i = match review.reviews.iter().position(|r| r.visit == visit) {
        Some(i) => i,
        None => {
            review.reviews.push(Review {
                visit,
                state: ReviewState::Submitted,
                state_at: at,
                reviewer: by,
                comments: Vec::new(),
                computed_level: None,
                confirmed_level: None,
                level_reason: String::new(),
            });
            review.reviews.len() - 1
        }
    };
    &mut review.reviews[i]
}

fn decide(r: &mut Review, state: ReviewState, by: UserId, at: Timestamp) {
    r.state = state;
    r.state_at = at;
    r.reviewer = by;
}

/// The review of `visit` with the lead's level on it, if the level holds.
fn leveled<'a>(
    review: &'a mut FacilityReview,
    visit: VisitId,
    by: UserId,
    at: Timestamp,
    level: &LevelDecision,
) -> Result<&'a mut Review, ReviewError> {
    level.check()?;
    let r = review_of(review, visit, by, at);
    r.computed_level = Some(level.computed);
    r.confirmed_level = Some(level.confirmed);
    r.level_reason = level.reason.trim().to_owned();
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mopai_shared::ids::CommentId;
    use mopai_shared::model::{Visit, entry_state};

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn submitted(at: &str) -> Visit {
        let mut v = Visit::new(VisitId::random(), UserId::random());
        v.submitted_at = Some(t(at));
        v
    }

    fn comment(text: &str, at: &str) -> Comment {
        Comment {
            id: CommentId::random(),
            author: UserId::random(),
            at: t(at),
            text: text.into(),
        }
    }

    fn level(computed: RiskLevel, confirmed: RiskLevel, reason: &str) -> LevelDecision {
        LevelDecision {
            computed,
            confirmed,
            reason: reason.into(),
        }
    }

    fn state(review: &FacilityReview, v: &Visit) -> EntryState {
        entry_state(v, review.review_of(v.id))
    }

    #[test]
    fn return_resubmit_approve_walks_the_entry_states() {
        let mut v = submitted("2022-01-14T10:00:00+08:00");
        let lead = UserId::random();
        let mut review = FacilityReview::default();
        assert_eq!(state(&review, &v), EntryState::Submitted);
        let back = ReviewEdit::Return {
            visit: v.id,
            by: lead,
            at: t("2022-01-14T11:00:00+08:00"),
            comment: comment("请补充预付费金额", "2022-01-14T11:00:00+08:00"),
        };
        check(&back, state(&review, &v)).unwrap();
        apply(&mut review, &back).unwrap();
        assert_eq!(state(&review, &v), EntryState::Returned);
        assert_eq!(review.reviews[0].comments.len(), 1);
        // Applying the same return again adds no second comment.
        apply(&mut review, &back).unwrap();
        assert_eq!(review.reviews[0].comments.len(), 1);

        v.submitted_at = Some(t("2022-01-14T15:00:00+08:00"));
        assert_eq!(state(&review, &v), EntryState::Resubmitted);
        let approve = ReviewEdit::Approve {
            visit: v.id,
            by: lead,
            at: t("2022-01-14T16:00:00+08:00"),
            level: level(RiskLevel::Yellow, RiskLevel::Yellow, ""),
        };
        check(&approve, state(&review, &v)).unwrap();
        apply(&mut review, &approve).unwrap();
        assert_eq!(state(&review, &v), EntryState::Approved);
        assert_eq!(review.reviews[0].reviewer, lead);
    }

    #[test]
    fn a_return_needs_a_comment_and_a_draft_takes_no_decision() {
        let v = submitted("2022-01-14T10:00:00+08:00");
        let bare = ReviewEdit::Return {
            visit: v.id,
            by: UserId::random(),
            at: t("2022-01-14T11:00:00+08:00"),
            comment: comment("  ", "2022-01-14T11:00:00+08:00"),
        };
        let mut review = FacilityReview::default();
        assert_eq!(
            check(&bare, EntryState::Submitted),
            Err(ReviewError::CommentRequired)
        );
        assert_eq!(apply(&mut review, &bare), Err(ReviewError::CommentRequired));
        assert!(review.reviews.is_empty(), "nothing changed on error");
        let approve = ReviewEdit::Approve {
            visit: v.id,
            by: UserId::random(),
            at: t("2022-01-14T11:00:00+08:00"),
            level: level(RiskLevel::Green, RiskLevel::Green, ""),
        };
        assert!(matches!(
            check(&approve, EntryState::Draft),
            Err(ReviewError::NotAllowed(_))
        ));
        assert!(check(&approve, EntryState::Approved).is_err());
        assert!(allowed(EntryState::Approved).send_back);
    }

    #[test]
    fn a_changed_level_needs_a_reason_and_keeps_both_levels() {
        let v = submitted("2022-01-14T10:00:00+08:00");
        let mut review = FacilityReview::default();
        let mut confirm = ReviewEdit::Confirm {
            visit: v.id,
            by: UserId::random(),
            at: t("2022-01-14T12:00:00+08:00"),
            level: level(RiskLevel::Orange, RiskLevel::Yellow, " "),
        };
        assert_eq!(
            apply(&mut review, &confirm),
            Err(ReviewError::ReasonRequired)
        );
        if let ReviewEdit::Confirm { level, .. } = &mut confirm {
            level.reason = "经核实已全额退款".into();
        }
        apply(&mut review, &confirm).unwrap();
        let r = &review.reviews[0];
        assert_eq!(r.computed_level, Some(RiskLevel::Orange));
        assert_eq!(r.confirmed_level, Some(RiskLevel::Yellow));
        assert_eq!(r.level_reason, "经核实已全额退款");
        // Confirming alone leaves the entry undecided.
        assert_eq!(state(&review, &v), EntryState::Submitted);
        let view = LevelView::new(RiskLevel::Orange, Some(&review));
        assert!(view.overridden());
        assert_eq!(view.effective(), RiskLevel::Yellow, "current, not stale");
        assert_eq!(
            offered_level(review.review_of(v.id), &view),
            RiskLevel::Yellow
        );
        // The rules moving on make the confirmation stale: it may only raise,
        // and another visit starts from the computed level again.
        let moved = LevelView::new(RiskLevel::Red, Some(&review));
        assert_eq!(moved.effective(), RiskLevel::Red);
        assert_eq!(offered_level(None, &moved), RiskLevel::Red);
        assert_eq!(offered_level(None, &view), RiskLevel::Yellow);
    }

    #[test]
    fn confirming_a_returned_entry_does_not_hide_the_resubmission() {
        let mut v = submitted("2022-01-14T10:00:00+08:00");
        let lead = UserId::random();
        let mut review = FacilityReview::default();
        apply(
            &mut review,
            &ReviewEdit::Return {
                visit: v.id,
                by: lead,
                at: t("2022-01-14T11:00:00+08:00"),
                comment: comment("补充照片", "2022-01-14T11:00:00+08:00"),
            },
        )
        .unwrap();
        v.submitted_at = Some(t("2022-01-14T12:00:00+08:00"));
        apply(
            &mut review,
            &ReviewEdit::Confirm {
                visit: v.id,
                by: lead,
                at: t("2022-01-14T13:00:00+08:00"),
                level: level(RiskLevel::Green, RiskLevel::Green, ""),
            },
        )
        .unwrap();
        assert_eq!(state(&review, &v), EntryState::Resubmitted);
    }

    #[test]
    fn a_signoff_records_who_and_when() {
        let mut review = FacilityReview::default();
        let by = UserId::random();
        let at = t("2022-01-14T11:30:00+08:00");
        let unsigned = ReviewEdit::SignOff(SignOff {
            by,
            at,
            note: " ".into(),
        });
        assert_eq!(
            check(&unsigned, EntryState::Draft),
            Err(ReviewError::SignerRequired)
        );
        let signed = ReviewEdit::SignOff(SignOff {
            by,
            at,
            note: "李明".into(),
        });
        apply(&mut review, &signed).unwrap();
        assert_eq!(review.signoff.as_ref().map(|s| s.at), Some(at));
    }
}
