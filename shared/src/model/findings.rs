//! The checklist of one visit (DOMAIN §3 "findings").
//!
//! Every answer is tri-state: `None` is "not answered", which is not "no".
//! Classification reads all visits of a facility and must not clear a fact
//! because a later form left it blank; a [`Choices`] keeps the same
//! distinction per option.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::coded::{Choices, coded_enum};
use super::values::Yuan;

#[derive(Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Findings {
    /// 营销方式.
    pub marketing: Choices<Marketing>,
    /// Detail for `Marketing::Other`, or anything worth noting.
    pub marketing_note: String,
    /// 收费方式.
    pub fees: Choices<FeeMethod>,
    pub prepayment: Prepayment,
    /// 承诺投资回报 / "炒床位".
    pub promised_returns: Option<bool>,
    /// 分支机构扩张过快.
    pub rapid_expansion: Option<bool>,
    pub expansion_note: String,
    /// Changes of legal representative in the last 3 years.
    pub legal_rep_changes_3y: Option<u32>,
    /// Changes of registered address in the last 3 years.
    pub address_changes_3y: Option<u32>,
    pub solvency: Option<Solvency>,
    /// 经营是否稳定.
    pub operations_stable: Option<bool>,
    pub incidents: Incidents,
    /// 涉嫌非法集资、诈骗.
    pub suspected_fraud: Option<bool>,
    pub suspected_fraud_basis: String,
    /// Y4: other potential operating risk, in the inspector's judgement.
    pub other_risk: Option<bool>,
    pub other_risk_reason: String,
}

/// 预付费. Amounts are what the operator or records say, in whole 元.
#[derive(Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Prepayment {
    pub collected: Option<bool>,
    pub total_yuan: Option<Yuan>,
    /// 涉及人数.
    pub persons: Option<u32>,
    /// Largest amount paid ahead by one person.
    pub max_per_person_yuan: Option<Yuan>,
    /// Longest period one person has paid ahead, in months.
    pub longest_months: Option<u32>,
    /// Where the money is; several may hold at once.
    pub fund_use: Choices<FundUse>,
    /// Were residents told the risks?
    pub residents_told_risks: Option<bool>,
}

/// 爆雷, 群访, 舆情 and complaints.
#[derive(Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Incidents {
    /// 已"爆雷" / 停止兑付.
    pub defaulted: Option<bool>,
    /// 群访或集体上访.
    pub group_petition: Option<bool>,
    /// 负面或重大舆情.
    pub negative_publicity: Option<bool>,
    /// Complaints or reports received (投诉举报), a count.
    pub complaints: Option<u32>,
}

coded_enum! {
    pub enum Marketing {
        SalesMeetings => "sales_meetings", "会销/讲座";
        FreeGifts => "free_gifts", "免费旅游·体检·礼品";
        CallsOrDoorToDoor => "calls_or_door_to_door", "电话或上门推销";
        OnlineOrLivestream => "online_or_livestream", "网络/直播";
        HighRebates => "high_rebates", "高额返利宣传";
        Other => "other", "其他";
    }
}

coded_enum! {
    pub enum FeeMethod {
        Monthly => "monthly", "按月";
        Quarterly => "quarterly", "按季";
        Yearly => "yearly", "按年";
        MembershipCard => "membership_card", "会员卡·会籍费";
        Deposit => "deposit", "押金";
        MultiYearPrepay => "multi_year_prepay", "一次性预付多年";
        BedBuyout => "bed_buyout", "床位买断/\"炒床位\"";
    }
}

coded_enum! {
    pub enum FundUse {
        BankCustody => "bank_custody", "银行存管/专户";
        Construction => "construction", "用于设施建设";
        DailyOperations => "daily_operations", "日常运营";
        DivertedToAffiliates => "diverted_to_affiliates", "转入关联公司/挪用";
        Unknown => "unknown", "不明";
    }
}

coded_enum! {
    pub enum Solvency {
        Solvent => "solvent", "资可抵债";
        Insolvent => "insolvent", "资不抵债";
        Unknown => "unknown", "不明";
    }
}
