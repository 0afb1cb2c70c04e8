//! County staff's record of one facility: online (互联网大数据) checks and
//! notes. This is the body of a county document, which only county staff
//! write, often days after the visit.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::coded::coded_enum;
use super::values::Comment;
use super::when::Day;
use crate::ids::{CheckId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct CountyRecord {
    pub online_checks: Vec<OnlineCheck>,
    pub notes: Vec<Comment>,
}

/// One look-up in one public source about one subject.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct OnlineCheck {
    #[key]
    pub id: CheckId,
    pub source: CheckSource,
    /// Whom or what was looked up: the operator, an investor, the legal
    /// representative, an affiliated company.
    pub subject: String,
    /// `None` while the check is still open.
    pub finding: Option<CheckFinding>,
    pub detail: String,
    pub checked_on: Day,
    /// Case number, list entry or URL, so the result can be found again.
    pub reference: String,
    pub checked_by: UserId,
}

coded_enum! {
    pub enum CheckSource {
        CreditChina => "credit_china", "信用中国";
        JudgmentDocuments => "judgment_documents", "中国裁判文书网";
        EnterpriseCredit => "enterprise_credit", "国家企业信用信息公示系统";
        Other => "other", "其他";
    }
}

coded_enum! {
    pub enum CheckFinding {
        Clear => "clear", "未发现问题";
        EconomicCrimeLawsuit => "economic_crime_lawsuit", "因经济类犯罪被诉";
        BlacklistElderlyCare => "blacklist_elderly_care", "列入养老服务领域黑名单";
        BlacklistEnterprise => "blacklist_enterprise", "列入企业严重违法失信名单";
        BlacklistSocialOrg => "blacklist_social_org", "列入社会组织严重违法失信名单";
        AbnormalOperation => "abnormal_operation", "列入经营异常名录";
        AffiliatedCompanies => "affiliated_companies", "发现关联公司";
        OtherIssue => "other_issue", "其他问题";
    }
}

impl CheckFinding {
    /// The blacklists DOMAIN rule O3 names (养老服务 / 企业 / 社会组织).
    pub fn is_blacklist(self) -> bool {
        matches!(
            self,
            Self::BlacklistElderlyCare | Self::BlacklistEnterprise | Self::BlacklistSocialOrg
        )
    }
}
