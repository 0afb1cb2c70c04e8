//! Roll-ups for the dashboard and annex table 4, read only from the
//! projection tables: facility rows with their annex records, visit rows,
//! township logs and the projected settings.
//!
//! The SQL here counts visits per phase and per day; everything per
//! facility is folded in Rust from the rows, so the dashboard and the
//! tables count with one piece of code ([`progress_of`]).

use std::collections::{BTreeMap, BTreeSet};

use super::ReadTx;
use super::dashboard_parts::{VisitCounts, parts_from};
use super::projections::FacilityRow;
use super::sql::{Error, Result};
use mopai_shared::api::TownshipRef;
use mopai_shared::dashboard::{
    CategoryCounts, Dashboard, DisposalCounts, LevelCounts, PhaseStatus, TownshipProgress,
};
use mopai_shared::ids::TownshipId;
use mopai_shared::model::{Category, CountySettings, Day, MeasureKind, Phase, Schedule, Timestamp};
use mopai_shared::risk::plan::plan_required;

/// Which facilities a roll-up or an export covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    County,
    Township(TownshipId),
}

impl Area {
    /// The `township` column filter; `None` matches every row.
    fn filter(self) -> Option<String> {
        match self {
            Area::County => None,
            Area::Township(t) => Some(t.to_string()),
        }
    }
}

impl ReadTx<'_> {
    /// The county settings as last projected; the defaults before any.
    pub fn settings_in_force(&self) -> Result<CountySettings> {
        match self.projected_settings()? {
            Some((_, json)) => serde_json::from_str(&json).map_err(|e| Error::Conversion {
                column: 0,
                message: format!("county settings: {e}"),
            }),
            None => Ok(CountySettings::default()),
        }
    }

    /// Every township, in the order added: the registered ones, then those
    /// only the settings name.
    pub fn township_refs(&self) -> Result<Vec<TownshipRef>> {
        let mut out: Vec<TownshipRef> = self
            .townships()?
            .into_iter()
            .map(|t| TownshipRef {
                id: t.id,
                name: t.name,
            })
            .collect();
        for t in self.settings_in_force()?.townships {
            if !out.iter().any(|o| o.id == t.id) {
                out.push(TownshipRef {
                    id: t.id,
                    name: t.name,
                });
            }
        }
        Ok(out)
    }

    /// Facility rows in `area`, with the sequence number of their projection.
    pub fn facilities_in(&self, area: Area) -> Result<Vec<(FacilityRow, u64)>> {
        self.facility_rows(area.filter().as_deref())
    }

    /// Per-township progress and the total, judged at `now`, from the rows
    /// [`Self::facilities_in`] read for `area` (annex table 4).
    pub fn progress(
        &self,
        area: Area,
        rows: &[(FacilityRow, u64)],
        now: Timestamp,
    ) -> Result<(Vec<TownshipProgress>, TownshipProgress)> {
        let schedule = self.settings_in_force()?.schedule;
        let none = VisitCounts::new();
        let parts = parts_from(rows, &none, &none, &schedule, now)?;
        self.progress_from(area, &parts, now)
    }

    /// Everything `GET /api/dashboard` answers, computed afresh.
    pub fn dashboard(
        &self,
        area: Area,
        township: Option<TownshipRef>,
        now: Timestamp,
    ) -> Result<Dashboard> {
        let only = area.filter().map(|t| BTreeSet::from([t]));
        let parts = self.township_parts(only.as_ref(), now)?;
        self.dashboard_from(area, township, &parts, now)
    }
}

/// One township's progress from its facility rows.
pub fn progress_of<'a>(
    township: Option<TownshipRef>,
    rows: impl Iterator<Item = &'a FacilityRow>,
    publicity_activities: u32,
    schedule: &Schedule,
    now: Timestamp,
) -> TownshipProgress {
    let today = now.day();
    let mut p = TownshipProgress {
        township,
        listed: CategoryCounts::default(),
        visited: 0,
        reviewed: 0,
        coverage_pct: None,
        interviews: 0,
        levels: LevelCounts::default(),
        reported_to_county: 0,
        disposal: DisposalCounts::default(),
        publicity_activities,
        survey_overdue: false,
        review_overdue: false,
    };
    for row in rows {
        let a = &row.annex;
        p.listed
            .add(row.category.as_deref().and_then(Category::from_code));
        p.visited += u32::from(a.visits.submitted > 0);
        p.reviewed += u32::from(a.visits.approved);
        p.interviews += row.interviews;
        p.levels.add(row.effective_level);
        p.reported_to_county += u32::from(a.review.reported_to_county_at.is_some());
        p.disposal.add(&disposal_of(row, today));
    }
    judge(&mut p, schedule, now);
    p
}

pub(super) fn total_of(
    rows: &[TownshipProgress],
    schedule: &Schedule,
    now: Timestamp,
) -> TownshipProgress {
    let mut t = progress_of(None, std::iter::empty(), 0, schedule, now);
    for r in rows {
        t.listed.merge(&r.listed);
        t.visited += r.visited;
        t.reviewed += r.reviewed;
        t.interviews += r.interviews;
        t.levels.merge(&r.levels);
        t.reported_to_county += r.reported_to_county;
        t.disposal.add(&r.disposal);
        t.publicity_activities += r.publicity_activities;
    }
    judge(&mut t, schedule, now);
    t
}

/// Coverage and the overdue flags, from the counts.
pub(super) fn judge(p: &mut TownshipProgress, schedule: &Schedule, now: Timestamp) {
    p.coverage_pct = (p.listed.total > 0).then(|| percent(p.visited, p.listed.total));
    p.survey_overdue = now.day() > schedule.full_survey_ends && p.visited < p.listed.total;
    p.review_overdue = now > schedule.tables_due && p.reviewed < p.visited;
}

/// `part / whole` in percent, to one decimal.
pub fn percent(part: u32, whole: u32) -> f64 {
    (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0
}

/// One facility's contribution to the disposal counters.
fn disposal_of(row: &FacilityRow, today: Day) -> DisposalCounts {
    let plan = &row.annex.plan;
    // By the effective level, as the lead's pages count: a lead who raises a
    // level asks for a plan before the rules do.
    let needs_plan = plan_required(row.must_report, row.effective_level);
    let done = |kind| u32::from(plan.done(kind));
    DisposalCounts {
        plans_due: u32::from(needs_plan),
        plans_overdue: u32::from(needs_plan && plan.overdue(today)),
        warning_talks: done(MeasureKind::WarningTalk),
        rectification_orders: done(MeasureKind::OrderRectify),
        refunded_yuan: plan.refunded_yuan(),
        transferred_police: done(MeasureKind::TransferPolice),
        transferred_market_supervision: done(MeasureKind::TransferMarketSupervision),
        banned_or_closed: done(MeasureKind::BanOrClose),
        resolved: u32::from(plan.resolved_on.is_some()),
    }
}

pub(super) fn phase_status(
    schedule: &Schedule,
    today: Day,
    visits: &BTreeMap<String, u32>,
) -> Vec<PhaseStatus> {
    let phases = [
        (Phase::SelfInspection, None, schedule.self_inspection_ends),
        (Phase::FullSurvey, None, schedule.full_survey_ends),
        (
            Phase::CovertCheck,
            Some(schedule.covert_check_starts),
            schedule.covert_check_ends,
        ),
    ];
    phases
        .into_iter()
        .map(|(phase, starts, ends)| PhaseStatus {
            phase,
            starts,
            ends,
            ended: today > ends,
            visits: visits.get(phase.code()).copied().unwrap_or(0),
        })
        .collect()
}
