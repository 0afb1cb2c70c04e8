//! The measures plan §一.三 prescribes per level (DOMAIN §4), as the pages
//! and the 一院一策 plan offer them. Each carries the [`MeasureKind`] a lead
//! records when it is done, so annex table 4 can count it.

use serde::{Deserialize, Serialize};

use crate::model::{MeasureKind, RiskLevel};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedMeasure {
    /// `None` for routine supervision, which no table counts.
    pub kind: Option<MeasureKind>,
    pub text_zh: String,
}

impl SuggestedMeasure {
    pub(crate) fn new(kind: Option<MeasureKind>, text_zh: &str) -> Self {
        Self {
            kind,
            text_zh: text_zh.to_owned(),
        }
    }
}

use MeasureKind::{
    AntiFraudMechanism, OrderRectify, Refund, ReportCounty, ResettleResidents, RiskWarning,
    SpotChecks, TransferPolice, WarningTalk,
};
use RiskLevel::{Green, Orange, Red, Yellow};

const BY_LEVEL: &[(RiskLevel, Option<MeasureKind>, &str)] = &[
    (Red, Some(ReportCounty), "及时向县民政局养老股进行线索通报"),
    (
        Red,
        Some(AntiFraudMechanism),
        "在非法集资等诈骗防范处置机制领导下，配合处非牵头部门、公安机关等依法严厉打击",
    ),
    (
        Red,
        Some(ResettleResidents),
        "协助做好妥善安置老年人、困难老年人救助等工作，保障其基本生活，严密防范发生冲击社会底线的极端事件",
    ),
    (
        Red,
        Some(TransferPolice),
        "对涉嫌犯罪的，直接移交公安机关依法查处",
    ),
    (Orange, Some(ReportCounty), "及时向县民政局养老股通报"),
    (
        Orange,
        Some(AntiFraudMechanism),
        "纳入属地非法集资等诈骗防范处置机制",
    ),
    (
        Orange,
        Some(WarningTalk),
        "对养老服务机构和主要负责人进行警示约谈",
    ),
    (Orange, Some(OrderRectify), "责令整改"),
    (Orange, Some(Refund), "督促清退资金"),
    (Yellow, Some(ReportCounty), "报送县民政局养老股备案"),
    (
        Yellow,
        Some(RiskWarning),
        "提示其经营风险，引导规范运营管理，避免快速扩张导致资金链断裂",
    ),
    (Yellow, Some(SpotChecks), "增加抽查检查频次，加强日常监测"),
    (Green, None, "纳入绿色名单，正常开展日常监管"),
];

/// What the plan prescribes for `level`, in the plan's order.
pub fn for_level(level: RiskLevel) -> Vec<SuggestedMeasure> {
    BY_LEVEL
        .iter()
        .filter(|(l, ..)| *l == level)
        .map(|&(_, kind, text)| SuggestedMeasure::new(kind, text))
        .collect()
}
