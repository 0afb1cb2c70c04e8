//! The computed level beside the township lead's confirmed one (DOMAIN §4:
//! both are kept and shown; the confirmed one never replaces the computed).
//!
//! A confirmation answers the facts the lead saw. Each [`Review`] keeps the
//! computed level of that moment; once the computed level has moved on (a
//! new visit, a new online check), or when it was not recorded, the
//! confirmation is *stale*, and a stale
//! confirmation may still raise the effective level but never lower it, so
//! an old judgement cannot hide new risk. The lead confirms again to lower.

use serde::{Deserialize, Serialize};

use crate::ids::VisitId;
use crate::model::{FacilityReview, Review, RiskLevel, Timestamp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelView {
    pub computed: RiskLevel,
    pub confirmed: Option<Confirmation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub level: RiskLevel,
    /// Required when `level` differs from `computed_then`.
    pub reason: String,
    /// The review (one per visit) that holds it.
    pub visit: VisitId,
    pub at: Timestamp,
    /// The computed level when the lead confirmed.
    pub computed_then: Option<RiskLevel>,
    /// The computed level has changed since (or was not recorded).
    pub stale: bool,
}

impl LevelView {
    /// `computed` is the current [`Assessment::level`](super::Assessment);
    /// the lead's latest confirmation is taken from `review`.
    pub fn new(computed: RiskLevel, review: Option<&FacilityReview>) -> Self {
        let latest = review.and_then(|r| {
            r.reviews
                .iter()
                .filter(|r| r.confirmed_level.is_some())
                .max_by_key(|r| (r.state_at, r.visit))
        });
        Self {
            computed,
            confirmed: latest.and_then(|r| Confirmation::of(r, computed)),
        }
    }

    /// The level lists and tables file the facility under.
    pub fn effective(&self) -> RiskLevel {
        match &self.confirmed {
            None => self.computed,
            Some(c) if c.stale => c.level.max(self.computed),
            Some(c) => c.level,
        }
    }

    /// The lead's level differs from the rules': the page shows both.
    pub fn overridden(&self) -> bool {
        self.confirmed
            .as_ref()
            .is_some_and(|c| c.level != self.computed)
    }
}

impl Confirmation {
    fn of(review: &Review, computed: RiskLevel) -> Option<Self> {
        Some(Self {
            level: review.confirmed_level?,
            reason: review.level_reason.clone(),
            visit: review.visit,
            at: review.state_at,
            computed_then: review.computed_level,
            // Without the level of the moment it cannot be shown current,
            // so it may only raise.
            stale: review.computed_level != Some(computed),
        })
    }
}
