//! [`AnnexRecord`]: everything the five annex tables and the roll-ups need
//! about one facility beyond its facility row, stored as JSON beside the row.
//! `projection::annex` computes it; storage, exports and roll-ups read it.

use mopai_shared::doc::OpenConflict;
use mopai_shared::ids::{UserId, VisitId};
use mopai_shared::model::{
    Day, FeeMethod, FundUse, Industry, LegalForm, Marketing, MeasureKind, Method, OperatingStatus,
    Ownership, Premises, Timestamp, VenueNature, Yuan,
};
use mopai_shared::risk::RuleId;
use serde::{Deserialize, Serialize};

/// Stored as JSON in `facilities.annex`; `#[serde(default)]` so a record
/// written by an older build still reads (and shows up in `mismatches`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AnnexRecord {
    pub profile: ProfileFacts,
    pub findings: FoundFacts,
    pub visits: VisitFacts,
    pub review: ReviewFacts,
    pub plan: PlanRecord,
    /// Fields of the facility's documents with concurrent values the lead
    /// has not settled: lists, feeds and tables show every value.
    pub conflicts: Vec<OpenConflict>,
}

/// What the profile says, as the tables print it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileFacts {
    pub village: String,
    pub address: String,
    pub legal_form: Option<LegalForm>,
    pub ownership: Option<Ownership>,
    pub for_profit: Option<bool>,
    pub beds: Option<u32>,
    pub residents: Option<u32>,
    pub care_staff: Option<u32>,
    pub building_area_m2: Option<u32>,
    pub premises: Option<Premises>,
    pub status: Option<OperatingStatus>,
    pub other_industries: Vec<Industry>,
    /// 是否涉足多产业: any industry ticked; `Some(false)` only when every
    /// answer was no.
    pub multi_industry: Option<bool>,
    pub operator: String,
    pub legal_representative: String,
    pub actual_controller: String,
    pub investors: Vec<String>,
    pub affiliated_companies: Vec<String>,
    pub contact_person: String,
    pub contact_phone: String,
    pub filing_date: Option<Day>,
    pub filing_authority: String,
    pub filing_receipt_no: String,
    pub venue_nature: Option<VenueNature>,
    pub houses_elderly: Option<bool>,
    pub services: String,
}

/// Facts resolved over all visits and the online checks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FoundFacts {
    pub marketing: Vec<Marketing>,
    pub fees: Vec<FeeMethod>,
    pub prepay_collected: Option<bool>,
    pub large_prepayment: Option<bool>,
    pub prepay_total_yuan: Option<Yuan>,
    pub prepay_persons: Option<u32>,
    pub fund_use: Vec<FundUse>,
    pub promised_returns: Option<bool>,
    /// From the online checks: `Some(true)` when one found it,
    /// `Some(false)` when checks were done and none did, `None` unchecked.
    pub economic_crime_lawsuit: Option<bool>,
    pub blacklisted: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VisitFacts {
    /// Visits no longer drafts.
    pub submitted: u32,
    /// Any visit approved by the lead.
    pub approved: bool,
    pub methods: Vec<Method>,
    pub first_day: Option<Day>,
    pub last_day: Option<Day>,
    pub inspectors: Vec<UserId>,
    /// Visits whose phone clock ran ahead of the server's when they were
    /// received: ordered by their receipt, and flagged for the lead.
    pub clock_ahead: Vec<VisitId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewFacts {
    pub reported_to_county_at: Option<Timestamp>,
    pub signed_off_at: Option<Timestamp>,
    /// The lead's reason, when the confirmed level differs from the rules'.
    pub level_reason: String,
    /// 主要问题(触发规则), U1/U2 included.
    pub main_problems: String,
    /// U1 or U2, for an unregistered venue with a disposal path.
    pub disposal_path: Option<RuleId>,
    /// What the plan prescribes (level measures, then the venue's path),
    /// shown while the lead has recorded no measures of their own.
    pub suggested_measures: Vec<String>,
}

/// The 一院一策 plan as recorded in the review document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanRecord {
    pub measures: Vec<MeasureRecord>,
    pub responsible_unit: String,
    pub responsible_person: String,
    pub deadline: Option<Day>,
    pub progress_entries: u32,
    /// The newest progress entry's text.
    pub latest_progress: String,
    pub resolved_on: Option<Day>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureRecord {
    pub kind: MeasureKind,
    pub detail: String,
    pub done_on: Option<Day>,
    pub refunded_yuan: Option<Yuan>,
}

impl PlanRecord {
    /// Some measure of `kind` is done.
    pub fn done(&self, kind: MeasureKind) -> bool {
        self.measures
            .iter()
            .any(|m| m.kind == kind && m.done_on.is_some())
    }

    /// 清退资金 so far, over every refund measure.
    pub fn refunded_yuan(&self) -> Yuan {
        self.measures
            .iter()
            .filter(|m| m.kind == MeasureKind::Refund)
            .filter_map(|m| m.refunded_yuan)
            .sum()
    }

    /// Past its deadline on `today` and not resolved.
    pub fn overdue(&self, today: Day) -> bool {
        mopai_shared::model::review::plan_overdue(self.deadline, self.resolved_on, today)
    }
}
