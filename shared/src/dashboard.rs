//! JSON bodies of the county dashboard: roll-ups per township
//! (`GET /api/dashboard`), facility list rows (`GET /api/facilities`) and
//! red/orange leads (`GET /api/leads`, and the `lead` event of
//! `GET /api/events`).
//!
//! Counts are facilities unless a field says otherwise. Money is in whole
//! 元 ([`Yuan`]); the tables show 万元.

use serde::{Deserialize, Serialize};

use crate::doc::OpenConflict;

use crate::api::TownshipRef;
use crate::ids::{FacilityId, VisitId};
use crate::model::{Category, Day, Phase, RiskLevel, Yuan};

/// `GET /api/dashboard`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The day overdue flags were judged on (China time).
    pub today: Day,
    /// The township asked for; `None` for the whole county.
    pub township: Option<TownshipRef>,
    pub schedule: Vec<PhaseStatus>,
    /// One per township in scope, in the order townships were added.
    pub townships: Vec<TownshipProgress>,
    /// The sum over `townships`.
    pub total: TownshipProgress,
    /// Facilities per category and effective level, with a total row.
    pub by_category: Vec<CategoryLevels>,
    /// Visits per arrival day, oldest first.
    pub by_day: Vec<DayCount>,
}

/// One phase of the schedule (plan §三) and where it stands today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseStatus {
    pub phase: Phase,
    pub starts: Option<Day>,
    pub ends: Day,
    /// `today` is past `ends`.
    pub ended: bool,
    /// Visits recorded in this phase, in scope.
    pub visits: u32,
}

/// Progress of one township (or, as `total`, of all in scope).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TownshipProgress {
    /// `None` on the total row.
    pub township: Option<TownshipRef>,
    /// 应排查数 by category.
    pub listed: CategoryCounts,
    /// 已排查: at least one submitted visit.
    pub visited: u32,
    /// At least one visit approved by the lead.
    pub reviewed: u32,
    /// visited / listed, in percent; `None` when nothing is listed.
    pub coverage_pct: Option<f64>,
    /// 询问老人数 (interviews over all visits).
    pub interviews: u32,
    /// Effective levels of every listed facility; 发现隐患数 is red, orange
    /// and yellow. One not yet visited is green unless its listing already
    /// fires a rule (O2: 群众举报).
    pub levels: LevelCounts,
    /// 已报送县局.
    pub reported_to_county: u32,
    pub disposal: DisposalCounts,
    /// 宣传活动场次, from the township log.
    pub publicity_activities: u32,
    /// 全面摸排 has ended and not every listed facility is visited.
    pub survey_overdue: bool,
    /// The tables are due and some visited facility is not yet approved.
    pub review_overdue: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CategoryCounts {
    pub filed: u32,
    pub unfiled: u32,
    pub venue: u32,
    /// Category not yet known (a police lead before the first visit).
    pub unknown: u32,
    pub total: u32,
}

impl CategoryCounts {
    pub fn add(&mut self, category: Option<Category>) {
        match category {
            Some(Category::FiledInstitution) => self.filed += 1,
            Some(Category::UnfiledInstitution) => self.unfiled += 1,
            Some(Category::UnregisteredVenue) => self.venue += 1,
            None => self.unknown += 1,
        }
        self.total += 1;
    }

    /// Adds another area's counts (a township's to the county's).
    pub fn merge(&mut self, other: &Self) {
        self.filed += other.filed;
        self.unfiled += other.unfiled;
        self.venue += other.venue;
        self.unknown += other.unknown;
        self.total += other.total;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LevelCounts {
    pub red: u32,
    pub orange: u32,
    pub yellow: u32,
    pub green: u32,
    pub total: u32,
}

impl LevelCounts {
    pub fn add(&mut self, level: RiskLevel) {
        *match level {
            RiskLevel::Red => &mut self.red,
            RiskLevel::Orange => &mut self.orange,
            RiskLevel::Yellow => &mut self.yellow,
            RiskLevel::Green => &mut self.green,
        } += 1;
        self.total += 1;
    }

    /// Adds another area's counts (a township's to the county's).
    pub fn merge(&mut self, other: &Self) {
        self.red += other.red;
        self.orange += other.orange;
        self.yellow += other.yellow;
        self.green += other.green;
        self.total += other.total;
    }

    /// 发现隐患数: red, orange and yellow.
    pub fn hazards(&self) -> u32 {
        self.red + self.orange + self.yellow
    }
}

/// The disposal columns of annex table 4: facilities with at least one such
/// measure done (its `done_on` set), and money refunded so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DisposalCounts {
    /// Facilities that must have a plan (red, orange, yellow, every venue).
    pub plans_due: u32,
    /// Plans past their deadline and not resolved.
    pub plans_overdue: u32,
    pub warning_talks: u32,
    pub rectification_orders: u32,
    pub refunded_yuan: Yuan,
    pub transferred_police: u32,
    pub transferred_market_supervision: u32,
    pub banned_or_closed: u32,
    /// 已化解.
    pub resolved: u32,
}

impl DisposalCounts {
    pub fn add(&mut self, other: &Self) {
        self.plans_due += other.plans_due;
        self.plans_overdue += other.plans_overdue;
        self.warning_talks += other.warning_talks;
        self.rectification_orders += other.rectification_orders;
        self.refunded_yuan += other.refunded_yuan;
        self.transferred_police += other.transferred_police;
        self.transferred_market_supervision += other.transferred_market_supervision;
        self.banned_or_closed += other.banned_or_closed;
        self.resolved += other.resolved;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryLevels {
    /// `None`: category not yet known. The last row is the total, with
    /// `total: true`.
    pub category: Option<Category>,
    pub total: bool,
    pub levels: LevelCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    pub day: Day,
    pub visits: u32,
    /// Visits up to and including `day`.
    pub cumulative: u32,
}

/// One row of `GET /api/facilities`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilityListRow {
    pub id: FacilityId,
    pub township: TownshipRef,
    pub name: String,
    pub category: Option<Category>,
    pub uscc: String,
    pub priority: bool,
    pub visit_count: u32,
    pub interviews: u32,
    /// RFC 3339, as the phone recorded it.
    pub last_visit_at: Option<String>,
    pub computed_level: RiskLevel,
    pub confirmed_level: Option<RiskLevel>,
    pub effective_level: RiskLevel,
    /// Rule codes that fired, in table order, then U1/U2 if one applies.
    pub fired: Vec<String>,
    pub must_report: bool,
    pub reported_to_county: bool,
    pub reviewed: bool,
    pub plan: PlanSummary,
    /// Fields with concurrent values the lead has not settled yet.
    #[serde(default)]
    pub conflicts: Vec<OpenConflict>,
    /// Visits whose phone clock ran ahead of the server's: classified as of
    /// their receipt; the lead should check their dates.
    #[serde(default)]
    pub clock_ahead: Vec<VisitId>,
}

/// Where a facility's 一院一策 stands.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlanSummary {
    pub measures: u32,
    pub measures_done: u32,
    pub responsible_unit: String,
    pub responsible_person: String,
    pub deadline: Option<Day>,
    pub resolved_on: Option<Day>,
    /// Past the deadline and not resolved.
    pub overdue: bool,
}

/// A red or orange facility: a row of `GET /api/leads`, and the data of a
/// `lead` event when a sync raises a facility to red or orange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub facility: FacilityId,
    pub township: TownshipRef,
    pub name: String,
    pub level: RiskLevel,
    /// The effective level before this sync; `None` when first projected
    /// (and always on the list).
    pub previous_level: Option<RiskLevel>,
    /// 主要问题(触发规则), e.g. "R1 涉嫌非法集资、诈骗；O2 被投诉举报".
    pub main_problems: String,
    /// The server sequence number of the write that projected it; the
    /// event id of the `lead` event.
    pub seq: u64,
    /// RFC 3339, as the phone recorded it.
    pub last_visit_at: Option<String>,
    /// Fields with concurrent values the lead has not settled yet.
    #[serde(default)]
    pub conflicts: Vec<OpenConflict>,
    /// Visits whose phone clock ran ahead of the server's: classified as of
    /// their receipt; the lead should check their dates.
    #[serde(default)]
    pub clock_ahead: Vec<VisitId>,
}
