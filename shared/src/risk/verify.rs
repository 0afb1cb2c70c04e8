//! What is still to verify: key questions no visit answered, figures the
//! large-prepayment test lacks, open online checks, what an unregistered
//! venue's path waits on, and signs the rules leave to human judgement
//! (承诺回报 → is it R1?). None of this changes the level; Y5 is the one
//! rule that turns an unknown into yellow.

use super::facts::Facts;
use super::rules::RuleId;
use crate::model::{FeeMethod, Marketing};

/// The checklist questions every visit should answer, by how an unanswered
/// one reads.
fn unanswered_questions(f: &Facts) -> impl Iterator<Item = &'static str> {
    [
        (f.suspected_fraud.is_some(), "是否涉嫌非法集资、诈骗"),
        (f.defaulted.is_some(), "是否已“爆雷”/停止兑付"),
        (f.group_petition.is_some(), "是否发生群访或集体上访"),
        (f.negative_publicity.is_some(), "是否有负面或重大舆情"),
        (f.complaints.is_some(), "投诉举报件数"),
        (f.promised_returns.is_some(), "是否承诺投资回报/“炒床位”"),
        (f.solvency.is_some(), "资产负债情况（资可抵债/资不抵债）"),
        (f.operations_stable.is_some(), "经营是否稳定"),
        (f.rapid_expansion.is_some(), "分支机构是否扩张过快"),
        (f.legal_rep_changes.is_some(), "近3年变更法定代表人次数"),
        (f.address_changes.is_some(), "近3年变更登记注册地次数"),
    ]
    .into_iter()
    .filter(|(answered, _)| !answered)
    .map(|(_, question)| question)
}

pub(super) fn to_verify(f: &Facts, fired: &[RuleId]) -> Vec<String> {
    let mut out = Vec::new();
    if f.category.is_none() {
        out.push("摸排对象类别未确定（已备案/未备案/未登记场所）".to_owned());
    }
    if f.visit_count == 0 {
        out.push("尚未上门排查".to_owned());
    } else {
        out.extend(unanswered_questions(f).map(|q| format!("未回答：{q}")));
    }

    let large = &f.large_prepayment;
    match large.verdict() {
        None => out.push(format!(
            "是否收取大额预付费未查清，须补充：{}",
            large.missing.join("、")
        )),
        Some(true) if f.fund_use_unknown() => out.push("大额预付费资金去向不明，须核实".to_owned()),
        _ => {}
    }
    if large.is_large() && f.solvency_unknown() {
        out.push("收取大额预付费，资产负债情况不明，须核实资可抵债或资不抵债".to_owned());
    }

    if f.online_checks.is_empty() {
        out.push(
            "尚未进行互联网大数据核查（信用中国黑名单、中国裁判文书网诉讼、企业信用信息公示系统关联公司）"
                .to_owned(),
        );
    }
    out.extend(
        f.online_checks
            .iter()
            .filter(|c| c.finding.is_none())
            .map(|c| format!("互联网核查尚无结果：{} {}", c.source.label_zh(), c.subject)),
    );

    if f.is_venue() {
        venue_items(f, fired, &mut out);
    }

    if !fired.contains(&RuleId::R1) {
        let signs: Vec<&str> = [
            f.promised_returns
                .filter(|a| a.value)
                .map(|_| "承诺投资回报"),
            Facts::ticked(&f.fees, FeeMethod::BedBuyout).map(|_| "床位买断/“炒床位”"),
            Facts::ticked(&f.marketing, Marketing::HighRebates).map(|_| "高额返利宣传"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !signs.is_empty() {
            out.push(format!(
                "发现{}，须研判是否涉嫌非法集资（红色 R1）",
                signs.join("、")
            ));
        }
    }
    out
}

/// What an unregistered venue's disposal path still waits on.
fn venue_items(f: &Facts, fired: &[RuleId], out: &mut Vec<String>) {
    if f.venue.nature.is_none() {
        out.push("场所性质（民非性质/企业性质/个人）未填写，无法确定移交部门".to_owned());
    }
    if fired.contains(&RuleId::U1) || fired.contains(&RuleId::U2) {
        return;
    }
    match f.houses_elderly() {
        None => out.push("场所是否收住老人未查清".to_owned()),
        Some(false) => {}
        Some(true) => match f.operations_stable.map(|a| a.value) {
            None => out.push("场所经营是否平稳未查清，决定能否按督促登记处置".to_owned()),
            Some(false) => out.push(
                "场所收住老人、经营不平稳，方案未规定处置路径，须乡镇综合研判（一院一策）"
                    .to_owned(),
            ),
            // Stable but the prepayment verdict is open: already listed.
            Some(true) => {}
        },
    }
}
