//! The township facility list: one [`Row`] per facility, the [`Filter`] the
//! inspector sets, and the order (重点排查 targets first, plan §一.二).

use mopai_shared::ids::FacilityId;
use mopai_shared::model::{
    Category, CountyRecord, CountySettings, EntryState, FacilityReview, RiskLevel, entry_state,
};
use mopai_shared::risk::{LevelView, classify};

use crate::docs::FacilityEntry;

/// How far the visits to a facility have come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Visited {
    No,
    /// Visits exist, none submitted yet.
    Draft,
    Submitted,
}

impl Visited {
    pub fn label_zh(self) -> &'static str {
        match self {
            Visited::No => "未排查",
            Visited::Draft => "排查中",
            Visited::Submitted => "已排查",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: FacilityId,
    pub name: String,
    pub village: String,
    pub category: Option<Category>,
    /// The level the list files it under (the lead's confirmed level when
    /// current, else the phone's provisional one); `None` when nothing is
    /// known yet: no visit and no rule fired.
    pub level: Option<RiskLevel>,
    pub priority: bool,
    pub visited: Visited,
    pub unsynced: bool,
    /// A visit the lead returned waits for correction.
    pub returned: bool,
    pub conflicts: usize,
}

/// One facility's row.
pub fn row(
    entry: &FacilityEntry,
    review: Option<&FacilityReview>,
    county: Option<&CountyRecord>,
    settings: &CountySettings,
) -> Row {
    let f = &entry.body;
    let computed = classify(f, county, settings).level;
    let level = LevelView::new(computed, review).effective();
    let states: Vec<EntryState> = f
        .visits
        .iter()
        .map(|v| entry_state(v, review.and_then(|r| r.review_of(v.id))))
        .collect();
    let visited = match states.iter().max_by_key(|s| **s != EntryState::Draft) {
        None => Visited::No,
        Some(EntryState::Draft) => Visited::Draft,
        Some(_) => Visited::Submitted,
    };
    let nothing_known = f.visits.is_empty() && level == RiskLevel::Green;
    Row {
        id: entry.id,
        name: f.profile.name.clone(),
        village: f.profile.village.clone(),
        category: f.category,
        level: (!nothing_known).then_some(level),
        priority: f.is_priority(&settings.thresholds),
        visited,
        unsynced: entry.unsynced,
        returned: states.contains(&EntryState::Returned),
        conflicts: entry.conflicts.len(),
    }
}

/// What the inspector filters by; `None` is "all".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Matched against name, village and address, ignoring case.
    pub query: String,
    pub category: Option<Category>,
    pub level: Option<RiskLevel>,
    /// `Some(true)`: visited (any visit recorded); `Some(false)`: not yet.
    pub visited: Option<bool>,
}

impl Filter {
    pub fn matches(&self, row: &Row, address: &str) -> bool {
        let q = self.query.trim().to_lowercase();
        let text = |s: &str| s.to_lowercase().contains(&q);
        (q.is_empty() || text(&row.name) || text(&row.village) || text(address))
            && self.category.is_none_or(|c| row.category == Some(c))
            && self.level.is_none_or(|l| row.level == Some(l))
            && self
                .visited
                .is_none_or(|v| v == (row.visited != Visited::No))
    }
}

/// Priority targets first, then entries the lead returned, then the most
/// serious level, then by name.
pub fn sort(rows: &mut [Row]) {
    let key = |r: &Row| (!r.priority, !r.returned, std::cmp::Reverse(r.level));
    rows.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use mopai_shared::ids::{UserId, VisitId};
    use mopai_shared::model::{Facility, Ownership, Visit};

    fn entry(name: &str, setup: impl FnOnce(&mut Facility)) -> FacilityEntry {
        let mut entry = crate::review::queue::tests::facility(name, &[]);
        setup(&mut entry.body);
        entry
    }

    fn rows(entries: &[FacilityEntry]) -> Vec<Row> {
        let settings = CountySettings::default();
        let mut rows: Vec<Row> = entries
            .iter()
            .map(|e| row(e, None, None, &settings))
            .collect();
        sort(&mut rows);
        rows
    }

    fn visit(f: &mut Facility, submitted: bool, fraud: bool) {
        let mut v = Visit::new(VisitId::random(), UserId::random());
        v.findings.suspected_fraud = Some(fraud);
        v.findings.suspected_fraud_basis = "承诺高额回报".into();
        if submitted {
            v.submitted_at = Some("2022-01-14T10:00:00+08:00".parse().unwrap());
        }
        f.visits.push(v);
    }

    #[test]
    fn priority_targets_come_first_then_level_then_name() {
        let list = rows(&[
            entry("丙公办院", |_| {}),
            entry("乙民办院", |f| {
                f.profile.ownership = Some(Ownership::Private)
            }),
            entry("甲大院", |f| f.profile.beds = Some(150)),
            entry("丁涉诈院", |f| visit(f, true, true)),
        ]);
        // 乙 and 甲 are priority; 丁 is red but not priority.
        assert!(list[0].priority && list[1].priority);
        assert_eq!(list[2].name, "丁涉诈院");
        assert_eq!(list[2].level, Some(RiskLevel::Red));
        assert_eq!(list[3].level, None, "not visited, nothing known");
    }

    #[test]
    fn visited_reflects_drafts_and_submissions() {
        let list = rows(&[
            entry("草稿院", |f| visit(f, false, false)),
            entry("已交院", |f| {
                visit(f, false, false);
                visit(f, true, false);
            }),
        ]);
        let by_name = |n: &str| list.iter().find(|r| r.name == n).unwrap().visited;
        assert_eq!(by_name("草稿院"), Visited::Draft);
        assert_eq!(by_name("已交院"), Visited::Submitted);
        assert_eq!(list[0].level, Some(RiskLevel::Green), "visited and clean");
    }

    #[test]
    fn filters_combine() {
        let list = rows(&[
            entry("夕阳红养老院", |f| {
                f.category = Some(Category::FiledInstitution);
                f.profile.village = "东湖村".into();
                visit(f, true, true);
            }),
            entry("幸福家园", |f| {
                f.category = Some(Category::UnregisteredVenue)
            }),
        ]);
        let count = |filter: Filter| list.iter().filter(|r| filter.matches(r, "")).count();
        assert_eq!(count(Filter::default()), 2);
        assert_eq!(
            count(Filter {
                query: "东湖".into(),
                ..Filter::default()
            }),
            1
        );
        assert_eq!(
            count(Filter {
                query: "夕阳".into(),
                ..Filter::default()
            }),
            1
        );
        let venues = Filter {
            category: Some(Category::UnregisteredVenue),
            ..Filter::default()
        };
        assert_eq!(count(venues), 1);
        let red = Filter {
            level: Some(RiskLevel::Red),
            ..Filter::default()
        };
        assert_eq!(count(red), 1);
        let not_visited = Filter {
            visited: Some(false),
            ..Filter::default()
        };
        assert_eq!(count(not_visited), 1);
        let visited_venues = Filter {
            visited: Some(true),
            category: Some(Category::UnregisteredVenue),
            ..Filter::default()
        };
        assert_eq!(count(visited_venues), 0);
    }
}
