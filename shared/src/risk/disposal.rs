//! The disposal path of an unregistered venue (plan §一.三, last part): U1
//! urge registration, or U2 order refunds and hand the case to the body the
//! venue's nature (场所性质) calls for.
//!
//! **\[decision\]** The plan routes 民非性质 and 企业性质 only. A venue run by an
//! individual (个人) goes to 市场监管部门 as well: unlicensed business is
//! theirs to investigate (《无证无照经营查处办法》). With the nature not yet
//! recorded there is no routing, and the nature goes on the to-verify list.

use serde::{Deserialize, Serialize};

use super::facts::{Fact, Facts};
use super::measures::SuggestedMeasure;
use super::rules::{Clause, RuleId};
use crate::model::{MeasureKind, VenueNature};

crate::model::coded::coded_enum! {
    /// Who takes over a U2 case.
    pub enum Routing {
        SocialOrgRegistration => "social_org_registration", "社会组织登记管理部门";
        MarketSupervision => "market_supervision", "市场监管部门";
    }
}

impl Routing {
    pub fn for_nature(nature: VenueNature) -> Self {
        match nature {
            VenueNature::PrivateNonEnterprise => Self::SocialOrgRegistration,
            VenueNature::Enterprise | VenueNature::Individual => Self::MarketSupervision,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisposalPath {
    /// U1 or U2.
    pub rule: RuleId,
    pub clause: Clause,
    pub facts: Vec<Fact>,
    /// U2 only; `None` until the venue's nature is recorded.
    pub routing: Option<Routing>,
    pub measures: Vec<SuggestedMeasure>,
}

/// Builds the path for a U rule that fired.
pub(super) fn path(rule: RuleId, facts: Vec<Fact>, f: &Facts) -> DisposalPath {
    use MeasureKind::{
        BanOrClose, ReferSocialOrgRegistration, Refund, ReportCounty, SpotChecks,
        TransferMarketSupervision, UrgeRegistration,
    };
    let routing = (rule == RuleId::U2)
        .then_some(f.venue.nature)
        .flatten()
        .map(Routing::for_nature);
    let steps: &[(MeasureKind, &str)] = match (rule, f.venue.nature) {
        (RuleId::U1, _) => &[
            (UrgeRegistration, "督促其尽快依法办理登记"),
            (SpotChecks, "加强后续跟踪检查，确保风险整体可控"),
        ],
        (_, Some(VenueNature::PrivateNonEnterprise)) => &[
            (Refund, "责令退还资金"),
            (
                ReferSocialOrgRegistration,
                "属民非性质，由社会组织登记管理部门处置",
            ),
        ],
        (_, Some(VenueNature::Enterprise)) => &[
            (Refund, "责令退还资金"),
            (TransferMarketSupervision, "属企业性质，移交市场监管部门"),
            (BanOrClose, "依法予以查处、取缔"),
        ],
        (_, Some(VenueNature::Individual)) => &[
            (Refund, "责令退还资金"),
            (
                TransferMarketSupervision,
                "属个人经营，按无照经营移交市场监管部门",
            ),
            (BanOrClose, "依法予以查处、取缔"),
        ],
        (_, None) => &[(Refund, "责令退还资金")],
    };
    let report = (ReportCounty, "报送县民政局养老股备案");
    DisposalPath {
        rule,
        clause: rule.rule().clause(),
        facts,
        routing,
        measures: steps
            .iter()
            .chain([&report])
            .map(|&(kind, text)| SuggestedMeasure::new(Some(kind), text))
            .collect(),
    }
}
