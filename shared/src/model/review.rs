//! The lead's side of a facility (DOMAIN §4–§5): a review per visit, the
//! township sign-off, and the disposal plan (一院一策). This is the body of a
//! review document, which only the township lead writes.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::coded::coded_enum;
use super::values::{Comment, RiskLevel, Yuan};
use super::visit::Visit;
use super::when::{Day, Timestamp};
use crate::ids::{MeasureId, ProgressId, UserId, VisitId};

#[derive(Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct FacilityReview {
    pub reviews: Vec<Review>,
    pub signoff: Option<SignOff>,
    /// 报送县民政局养老股备案.
    pub reported_to_county_at: Option<Timestamp>,
    pub disposal: DisposalPlan,
}

impl FacilityReview {
    pub fn review_of(&self, visit: VisitId) -> Option<&Review> {
        self.reviews.iter().find(|r| r.visit == visit)
    }
}

/// The lead's review of one visit.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Review {
    /// Stored as `id` so that conflict paths name list items the same way
    /// everywhere.
    #[key]
    #[autosurgeon(rename = "id")]
    #[serde(rename = "id")]
    pub visit: VisitId,
    pub state: ReviewState,
    /// When `state` was last set; compared with the visit's `submitted_at`.
    pub state_at: Timestamp,
    pub reviewer: UserId,
    pub comments: Vec<Comment>,
    /// The level the rules gave when the lead confirmed, kept beside the
    /// confirmed one (DOMAIN §4: both are shown).
    pub computed_level: Option<RiskLevel>,
    pub confirmed_level: Option<RiskLevel>,
    /// Required when the confirmed level differs from the computed one.
    pub level_reason: String,
}

coded_enum! {
    pub enum ReviewState {
        Submitted => "submitted", "已提交";
        Returned => "returned", "已退回";
        Approved => "approved", "已通过";
    }
}

/// The lead signs a facility's entry off for the township's tables.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct SignOff {
    pub by: UserId,
    pub at: Timestamp,
    pub note: String,
}

/// 一院一策.
#[derive(Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct DisposalPlan {
    pub measures: Vec<Measure>,
    pub responsible_unit: String,
    pub responsible_person: String,
    /// 化解时限.
    pub deadline: Option<Day>,
    pub progress: Vec<ProgressEntry>,
    /// 已化解: the day the risk was declared resolved.
    pub resolved_on: Option<Day>,
}

impl DisposalPlan {
    /// Past its deadline on `today` and not resolved: the plan page, the
    /// lead's queue and the county's roll-ups all flag it.
    pub fn overdue(&self, today: Day) -> bool {
        plan_overdue(self.deadline, self.resolved_on, today)
    }
}

/// The one overdue rule, for a plan and for its projection: past the
/// deadline on `today`, and not resolved.
pub fn plan_overdue(deadline: Option<Day>, resolved_on: Option<Day>, today: Day) -> bool {
    resolved_on.is_none() && deadline.is_some_and(|d| d < today)
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Measure {
    #[key]
    pub id: MeasureId,
    pub kind: MeasureKind,
    pub detail: String,
    pub done_on: Option<Day>,
    /// For `MeasureKind::Refund`: money returned so far (清退资金).
    pub refunded_yuan: Option<Yuan>,
}

coded_enum! {
    /// The measures DOMAIN §4 lists per level and path, and the columns of
    /// annex table 4 that count them.
    pub enum MeasureKind {
        ReportCounty => "report_county", "报告县民政局养老股";
        AntiFraudMechanism => "anti_fraud_mechanism", "纳入处非机制";
        WarningTalk => "warning_talk", "警示约谈";
        OrderRectify => "order_rectify", "责令整改";
        Refund => "refund", "督促清退资金";
        TransferPolice => "transfer_police", "移交公安机关";
        TransferMarketSupervision => "transfer_market_supervision", "移交市场监管部门";
        ReferSocialOrgRegistration => "refer_social_org_registration", "移交社会组织登记管理部门";
        BanOrClose => "ban_or_close", "取缔关停";
        UrgeRegistration => "urge_registration", "督促依法办理登记";
        ResettleResidents => "resettle_residents", "安置老人";
        RiskWarning => "risk_warning", "经营风险提示";
        SpotChecks => "spot_checks", "加强抽查和日常监测";
        Other => "other", "其他";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct ProgressEntry {
    #[key]
    pub id: ProgressId,
    pub at: Timestamp,
    pub by: UserId,
    pub text: String,
}

coded_enum! {
    /// Where an entry stands (DOMAIN §5), derived from both documents.
    pub enum EntryState {
        Draft => "draft", "草稿";
        Submitted => "submitted", "已提交";
        Returned => "returned", "已退回";
        Resubmitted => "resubmitted", "已重新提交";
        Approved => "approved", "已通过";
    }
}

/// The state of a visit's entry. A return followed by a later submit is a
/// resubmission; times come from two phones' clocks, which is good enough to
/// order a return and a resubmission made hours apart.
pub fn entry_state(visit: &Visit, review: Option<&Review>) -> EntryState {
    let Some(submitted_at) = visit.submitted_at else {
        return EntryState::Draft;
    };
    match review.map(|r| (r.state, r.state_at)) {
        None | Some((ReviewState::Submitted, _)) => EntryState::Submitted,
        Some((ReviewState::Approved, _)) => EntryState::Approved,
        Some((ReviewState::Returned, at)) if submitted_at > at => EntryState::Resubmitted,
        Some((ReviewState::Returned, _)) => EntryState::Returned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    #[test]
    fn a_plan_is_overdue_only_after_its_deadline_and_while_unresolved() {
        let mut plan = DisposalPlan::default();
        assert!(
            !plan.overdue(day("2022-02-01")),
            "no deadline, never overdue"
        );
        plan.deadline = Some(day("2022-01-31"));
        assert!(
            !plan.overdue(day("2022-01-31")),
            "the deadline day itself is in time"
        );
        assert!(plan.overdue(day("2022-02-01")));
        plan.resolved_on = Some(day("2022-02-03"));
        assert!(
            !plan.overdue(day("2022-02-10")),
            "resolved late is no longer overdue"
        );
    }
}
