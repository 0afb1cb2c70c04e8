//! Where each facility's 一院一策 plan stands, for the lead's queue and the
//! plan page: every facility that needs a plan (red, orange, yellow, or an
//! unregistered venue), overdue plans first.

use mopai_shared::ids::FacilityId;
use mopai_shared::model::{Day, DisposalPlan, RiskLevel};
use mopai_shared::risk::plan::needs_plan;
use mopai_shared::risk::{LevelView, classify};

use crate::docs::Library;

/// A plan's state, as its tag says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlanStatus {
    /// Past the deadline and not resolved.
    Overdue,
    /// Nothing recorded yet.
    NotStarted,
    InProgress,
    Resolved,
}

impl PlanStatus {
    pub fn of(plan: Option<&DisposalPlan>, today: Day) -> Self {
        match plan {
            Some(p) if p.resolved_on.is_some() => Self::Resolved,
            Some(p) if p.overdue(today) => Self::Overdue,
            Some(p) if *p != DisposalPlan::default() => Self::InProgress,
            _ => Self::NotStarted,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Resolved => "resolved",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Overdue => "已逾期",
            Self::NotStarted => "未制定",
            Self::InProgress => "处置中",
            Self::Resolved => "已化解",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub facility: FacilityId,
    pub name: String,
    pub level: RiskLevel,
    pub status: PlanStatus,
    pub deadline: Option<Day>,
    pub measures: usize,
    pub done: usize,
}

/// Every facility on the phone that needs a plan: overdue first, then not
/// started, in progress, resolved; by name within each.
pub fn rows(library: &Library, today: Day) -> Vec<PlanRow> {
    let mut rows: Vec<PlanRow> = library
        .facilities
        .values()
        .filter_map(|entry| {
            let review = library.reviews.get(&entry.id);
            let a = classify(
                &entry.body,
                library.county.get(&entry.id),
                &library.settings,
            );
            let level = LevelView::new(a.level, review).effective();
            if !needs_plan(&a, level) {
                return None;
            }
            let plan = review.map(|r| &r.disposal);
            Some(PlanRow {
                facility: entry.id,
                name: entry.body.profile.name.clone(),
                level,
                status: PlanStatus::of(plan, today),
                deadline: plan.and_then(|p| p.deadline),
                measures: plan.map_or(0, |p| p.measures.len()),
                done: plan.map_or(0, |p| {
                    p.measures.iter().filter(|m| m.done_on.is_some()).count()
                }),
            })
        })
        .collect();
    rows.sort_by(|a, b| (a.status, &a.name).cmp(&(b.status, &b.name)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::queue::tests::{facility, library};
    use mopai_shared::model::FacilityReview;
    use std::rc::Rc;

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    #[test]
    fn only_facilities_needing_a_plan_are_listed_overdue_first() {
        let green = facility("绿", &[]);
        let mut red = facility("红甲", &[Some("2022-01-14T09:00:00+08:00")]);
        red.body.visits[0].findings.suspected_fraud = Some(true);
        let mut late = red.clone();
        late.id = FacilityId::random();
        late.body.profile.name = "红乙".into();
        let mut lib = library(&[green, red.clone(), late.clone()], &[]);
        let mut reviews = std::collections::BTreeMap::new();
        let mut review = FacilityReview::default();
        review.disposal.deadline = Some(day("2022-01-20"));
        reviews.insert(late.id, review);
        lib.reviews = Rc::new(reviews);
        let rows = rows(&lib, day("2022-01-21"));
        let got: Vec<(&str, PlanStatus)> =
            rows.iter().map(|r| (r.name.as_str(), r.status)).collect();
        assert_eq!(
            got,
            [
                ("红乙", PlanStatus::Overdue),
                ("红甲", PlanStatus::NotStarted)
            ]
        );
        assert_eq!(rows[0].level, RiskLevel::Red);
        assert_eq!(
            PlanStatus::of(Some(&lib.reviews[&late.id].disposal), day("2022-01-20")),
            PlanStatus::InProgress,
            "the deadline day is still in time"
        );
    }
}
