//! The visit's fields (arrival, checklist, proposal), the interview and
//! photo fields, and how the checklist step groups them (DOMAIN §3).

use mopai_shared::model::{
    Category, Facility, FeeMethod, FundUse, Marketing, Method, Phase, PhotoRef, ResidentInterview,
    Respondent, RiskLevel, Solvency, Visit,
};

use super::field::{Field, field};

fn off_site(v: &Visit) -> bool {
    v.method.is_some_and(|m| m != Method::OnSite)
}

fn prepaid_maybe(v: &Visit) -> bool {
    v.findings.prepayment.collected != Some(false)
}

/// Every editable field of a visit. The 四不两直 ticks come first, in the
/// plan's order.
pub static VISIT_FIELDS: &[Field<Visit>] = &[
    field!(attestation.no_notice, "不发通知", tick),
    field!(attestation.no_greeting, "不打招呼", tick),
    field!(attestation.no_briefing, "不听汇报", tick),
    field!(attestation.no_escort, "不用陪同接待", tick),
    field!(attestation.straight_to_grassroots, "直奔基层", tick),
    field!(attestation.straight_to_scene, "直插现场", tick),
    field!(phase, "排查阶段", one(Phase)),
    field!(method, "排查方式", one(Method); hint "只有确实无法上门时才选其他方式"),
    field!(method_reason, "无法上门的原因", long; show off_site),
    field!(findings.marketing, "营销方式", many(Marketing)),
    field!(findings.marketing_note, "营销方式补充", text),
    field!(findings.fees, "收费方式", many(FeeMethod)),
    field!(findings.prepayment.collected, "是否收取预付费", flag),
    field!(findings.prepayment.total_yuan, "预付费总额（元）", money; show prepaid_maybe),
    field!(findings.prepayment.persons, "涉及人数", count; show prepaid_maybe),
    field!(findings.prepayment.max_per_person_yuan, "单人最高预付金额（元）", money; show prepaid_maybe),
    field!(findings.prepayment.longest_months, "单人最长预付期限（月）", count; show prepaid_maybe),
    field!(findings.prepayment.fund_use, "预付资金去向", many(FundUse); show prepaid_maybe),
    field!(findings.prepayment.residents_told_risks, "是否向老人告知风险", flag; show prepaid_maybe),
    field!(findings.promised_returns, "是否承诺投资回报/“炒床位”", flag),
    field!(findings.rapid_expansion, "分支机构是否扩张过快", flag),
    field!(findings.expansion_note, "扩张情况说明", text;
        show |v| v.findings.rapid_expansion == Some(true)),
    field!(
        findings.legal_rep_changes_3y,
        "近3年变更法定代表人次数",
        count
    ),
    field!(
        findings.address_changes_3y,
        "近3年变更登记注册地次数",
        count
    ),
    field!(findings.solvency, "资产负债情况", one(Solvency)),
    field!(findings.operations_stable, "经营是否稳定", flag),
    field!(findings.incidents.defaulted, "是否已“爆雷”/停止兑付", flag),
    field!(
        findings.incidents.group_petition,
        "是否发生群访或集体上访",
        flag
    ),
    field!(
        findings.incidents.negative_publicity,
        "是否有负面或重大舆情",
        flag
    ),
    field!(findings.incidents.complaints, "投诉举报（件）", count),
    field!(findings.suspected_fraud, "是否涉嫌非法集资、诈骗", flag),
    field!(findings.suspected_fraud_basis, "认定依据", long;
        show |v| v.findings.suspected_fraud == Some(true)),
    field!(findings.other_risk, "是否有其他潜在经营风险", flag),
    field!(findings.other_risk_reason, "风险理由", long;
        show |v| v.findings.other_risk == Some(true)),
    field!(proposed_level, "建议风险等级", one(RiskLevel);
        hint "排查员的意见；系统计算的等级另行显示"),
    field!(proposal_note, "建议说明", long),
];

/// One resident interview (询问入住老年人或其代理人).
pub static INTERVIEW_FIELDS: &[Field<ResidentInterview>] = &[
    field!(respondent, "询问对象", one(Respondent)),
    field!(label, "称呼", text; hint "如“3号房 王奶奶”。请勿填写身份证号"),
    field!(prepaid, "是否预交费用", flag),
    field!(prepaid_yuan, "预交金额（元）", money; show |i| i.prepaid != Some(false)),
    field!(prepaid_months, "预交期限（月）", count; show |i| i.prepaid != Some(false)),
    field!(told_risks, "是否被告知风险", flag),
    field!(promised_returns, "是否被承诺回报", flag),
    field!(notes, "情况记录", long),
];

/// What an inspector writes about a photo.
pub static PHOTO_FIELDS: &[Field<PhotoRef>] = &[field!(caption, "说明", text)];

/// A field of the facility or of the visit, on a visit step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Facility(&'static str),
    Visit(&'static str),
}

pub struct StepSection {
    pub title: &'static str,
    pub slots: &'static [Slot],
    pub show: fn(&Facility) -> bool,
}

fn always(_: &Facility) -> bool {
    true
}

fn venue(f: &Facility) -> bool {
    f.category == Some(Category::UnregisteredVenue)
}

fn uncategorised(f: &Facility) -> bool {
    f.category.is_none()
}

use Slot::{Facility as F, Visit as V};

/// Step 1: how the visit was made.
pub static ARRIVAL_SECTIONS: &[StepSection] = &[
    StepSection {
        title: "排查方式",
        slots: &[V("phase"), V("method"), V("method_reason")],
        show: always,
    },
    StepSection {
        title: "四不两直",
        slots: &[
            V("attestation.no_notice"),
            V("attestation.no_greeting"),
            V("attestation.no_briefing"),
            V("attestation.no_escort"),
            V("attestation.straight_to_grassroots"),
            V("attestation.straight_to_scene"),
        ],
        show: always,
    },
];

/// Step 2: the checklist the plan names, in its order. 运营主体 and 关联公司
/// are profile facts, so they are written to the facility.
pub static CHECKLIST_SECTIONS: &[StepSection] = &[
    StepSection {
        title: "摸排对象",
        slots: &[F("category")],
        show: uncategorised,
    },
    StepSection {
        title: "运营与营销",
        slots: &[
            F("profile.operator"),
            V("findings.marketing"),
            V("findings.marketing_note"),
            V("findings.fees"),
            F("profile.affiliated_companies"),
        ],
        show: always,
    },
    StepSection {
        title: "预付费",
        slots: &[
            V("findings.prepayment.collected"),
            V("findings.prepayment.total_yuan"),
            V("findings.prepayment.persons"),
            V("findings.prepayment.max_per_person_yuan"),
            V("findings.prepayment.longest_months"),
            V("findings.prepayment.fund_use"),
            V("findings.prepayment.residents_told_risks"),
            V("findings.promised_returns"),
        ],
        show: always,
    },
    StepSection {
        title: "扩张与变更",
        slots: &[
            V("findings.rapid_expansion"),
            V("findings.expansion_note"),
            V("findings.legal_rep_changes_3y"),
            V("findings.address_changes_3y"),
        ],
        show: always,
    },
    StepSection {
        title: "偿债与经营",
        slots: &[V("findings.solvency"), V("findings.operations_stable")],
        show: always,
    },
    StepSection {
        title: "风险事件",
        slots: &[
            V("findings.incidents.defaulted"),
            V("findings.incidents.group_petition"),
            V("findings.incidents.negative_publicity"),
            V("findings.incidents.complaints"),
        ],
        show: always,
    },
    StepSection {
        title: "涉嫌非法集资、诈骗",
        slots: &[
            V("findings.suspected_fraud"),
            V("findings.suspected_fraud_basis"),
            V("findings.other_risk"),
            V("findings.other_risk_reason"),
        ],
        show: always,
    },
    StepSection {
        title: "未经登记场所",
        slots: &[
            F("profile.venue.houses_elderly"),
            F("profile.residents"),
            F("profile.venue.nature"),
            F("profile.venue.services"),
        ],
        show: venue,
    },
];

/// Step 5: the inspector's own view of the level.
pub static PROPOSAL_SECTIONS: &[StepSection] = &[StepSection {
    title: "排查员意见",
    slots: &[V("proposed_level"), V("proposal_note")],
    show: always,
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::field::{find, set};
    use crate::form::profile::FACILITY_FIELDS;
    use crate::form::value::Value;
    use mopai_shared::ids::{InterviewId, UserId, VisitId};

    #[test]
    fn every_slot_names_a_field() {
        for s in ARRIVAL_SECTIONS
            .iter()
            .chain(CHECKLIST_SECTIONS)
            .chain(PROPOSAL_SECTIONS)
        {
            for slot in s.slots {
                let found = match slot {
                    Slot::Facility(k) => find(FACILITY_FIELDS, k).is_some(),
                    Slot::Visit(k) => find(VISIT_FIELDS, k).is_some(),
                };
                assert!(found, "{slot:?}");
            }
        }
    }

    #[test]
    fn checklist_answers_are_tri_state() {
        let mut v = Visit::new(VisitId::random(), UserId::random());
        let key = "findings.incidents.defaulted";
        set(VISIT_FIELDS, &mut v, key, Value::Flag(Some(false))).unwrap();
        assert_eq!(v.findings.incidents.defaulted, Some(false));
        set(VISIT_FIELDS, &mut v, key, Value::Flag(None)).unwrap();
        assert_eq!(v.findings.incidents.defaulted, None, "未答 is not 否");
        let fund = "findings.prepayment.fund_use";
        set(
            VISIT_FIELDS,
            &mut v,
            fund,
            Value::Pick("construction".into(), Some(true)),
        )
        .unwrap();
        assert_eq!(
            v.findings.prepayment.fund_use.get(FundUse::Construction),
            Some(true)
        );
        assert_eq!(v.findings.prepayment.fund_use.get(FundUse::Unknown), None);
    }

    #[test]
    fn conditional_fields_follow_the_answers() {
        let mut v = Visit::new(VisitId::random(), UserId::random());
        let reason = find(VISIT_FIELDS, "method_reason").unwrap();
        assert!(!reason.visible(&v));
        v.method = Some(Method::Phone);
        assert!(reason.visible(&v));
        let total = find(VISIT_FIELDS, "findings.prepayment.total_yuan").unwrap();
        assert!(total.visible(&v), "unanswered still asks for the figures");
        v.findings.prepayment.collected = Some(false);
        assert!(!total.visible(&v));
    }

    #[test]
    fn interview_fields_write_the_interview() {
        let mut i = ResidentInterview::new(InterviewId::random());
        set(
            INTERVIEW_FIELDS,
            &mut i,
            "label",
            Value::Text("3号房 王奶奶".into()),
        )
        .unwrap();
        set(
            INTERVIEW_FIELDS,
            &mut i,
            "prepaid_yuan",
            Value::Number(Some(60_000)),
        )
        .unwrap();
        set(
            INTERVIEW_FIELDS,
            &mut i,
            "respondent",
            Value::Code(Some("family".into())),
        )
        .unwrap();
        assert_eq!(i.label, "3号房 王奶奶");
        assert_eq!(i.prepaid_yuan, Some(60_000));
        assert_eq!(i.respondent, Some(Respondent::Family));
    }
}
