//! The rules table: every rule of plan §一.三 (DOMAIN §4) as data — id,
//! level, the plan's wording, and a predicate over [`Facts`] that returns the
//! facts it fired on.
//!
//! R*/O*/Y* give a level. U1/U2 choose the disposal path of an unregistered
//! venue and give no level: the plan reports such venues to the county
//! beside the 红橙黄 lists, not on them.
//!
//! **\[decision\]** where the plan's words leave a gap:
//! - O4: "资可抵债运营比较平稳" is what keeps misused money from red, not a
//!   condition for orange. Misused large prepayment is orange whatever else
//!   is known, unless 资不抵债 makes it R2. Otherwise learning that operations
//!   are unstable would lower the level.
//! - O4 "资金使用不规范" is money 转入关联公司/挪用. 日常运营 is what prepaid
//!   fees are for; 用于设施建设 is Y1's own case.
//! - O2 counts a listing that came from 群众举报: that is a report.
//! - Y3 adds changes of legal representative and of address together, each
//!   counted over the 3 years the form asks about.
//! - Y5 is DOMAIN's: a large prepayment whose use or solvency is 不明 or
//!   unanswered is yellow until answered, when `unknown_use_is_yellow`.

use serde::{Deserialize, Serialize};

use super::facts::{Answer, Fact, Facts, Source};
use crate::model::RiskLevel::{self, Orange, Red, Yellow};
use crate::model::{CheckFinding, FundUse, ListingSource, OnlineCheck, Solvency};

/// The plan section every clause comes from.
pub const SECTION: &str = "一.三";

crate::model::coded::coded_enum! {
    /// A rule, by DOMAIN's id. The label is the short name the 红橙黄 list
    /// shows under 主要问题(触发规则).
    pub enum RuleId {
        R1 => "R1", "涉嫌非法集资、诈骗";
        R2 => "R2", "收取大额预付费且资不抵债";
        R3 => "R3", "已“爆雷”";
        R4 => "R4", "引起不良影响或重大舆情";
        O1 => "O1", "主要负责人因经济犯罪被提起诉讼";
        O2 => "O2", "被投诉举报";
        O3 => "O3", "纳入黑名单";
        O4 => "O4", "大额预付费资金使用不规范";
        Y1 => "Y1", "大额预付费主要用于弥补设施建设资金不足";
        Y2 => "Y2", "分支机构服务网点扩张过快";
        Y3 => "Y3", "频繁变更法定代表人、登记注册地";
        Y4 => "Y4", "经营服务有其他潜在风险隐患";
        Y5 => "Y5", "大额预付费资金去向或资产负债情况不明";
        U1 => "U1", "未登记场所：督促依法办理登记";
        U2 => "U2", "未登记场所：责令退还资金并移交处置";
    }
}

impl RuleId {
    pub fn rule(self) -> &'static Rule {
        RULES
            .iter()
            .find(|r| r.id == self)
            .expect("every RuleId has a row in RULES")
    }
}

/// Where in the plan a rule comes from, and its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    pub section: String,
    pub text_zh: String,
}

pub struct Rule {
    pub id: RuleId,
    /// `None` for U1/U2, which choose a disposal path instead.
    pub level: Option<RiskLevel>,
    /// The plan's words (Y5: the county's, since the plan has none).
    pub clause_zh: &'static str,
    /// The facts it fires on; `None` when it does not fire.
    pub when: fn(&Facts) -> Option<Vec<Fact>>,
}

impl Rule {
    pub fn clause(&self) -> Clause {
        Clause {
            section: SECTION.to_owned(),
            text_zh: self.clause_zh.to_owned(),
        }
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

/// Every rule, highest level first; `fired` keeps this order.
pub static RULES: &[Rule] = &[
    Rule {
        id: RuleId::R1,
        level: Some(Red),
        clause_zh: "对摸排中发现养老服务机构可能存在涉嫌非法集资、诈骗等犯罪行为的，纳入红色名单",
        when: |f| {
            yes(&f.suspected_fraud, |a| {
                let basis = &a.visit.findings.suspected_fraud_basis;
                if basis.is_empty() {
                    "涉嫌非法集资、诈骗（未写明依据）".to_owned()
                } else {
                    format!("涉嫌非法集资、诈骗，依据：{basis}")
                }
            })
        },
    },
    Rule {
        id: RuleId::R2,
        level: Some(Red),
        clause_zh: "对摸排中发现养老服务机构……前期已经收取大额预付费且资不抵债……的，纳入红色名单",
        when: |f| {
            let insolvent = f.solvency.filter(|a| a.value == Solvency::Insolvent)?;
            with_large(f, [insolvent.fact("资不抵债")])
        },
    },
    Rule {
        id: RuleId::R3,
        level: Some(Red),
        clause_zh: "对摸排中发现养老服务机构……已经“爆雷”……的，纳入红色名单",
        when: |f| yes(&f.defaulted, |_| "已“爆雷”/停止兑付".to_owned()),
    },
    Rule {
        id: RuleId::R4,
        level: Some(Red),
        clause_zh: "对摸排中发现养老服务机构……引起不良影响或者重大舆情的，纳入红色名单",
        when: |f| {
            let facts: Vec<Fact> = [
                (f.group_petition, "发生群访或集体上访"),
                (f.negative_publicity, "出现负面或重大舆情"),
            ]
            .into_iter()
            .filter_map(|(a, text)| a.filter(|a| a.value).map(|a| a.fact(text)))
            .collect();
            non_empty(facts)
        },
    },
    Rule {
        id: RuleId::O1,
        level: Some(Orange),
        clause_zh: "发现养老服务机构主要负责人因为经济犯罪被提起诉讼……的，纳入橙色名单",
        when: |f| checks(f, |c| c == CheckFinding::EconomicCrimeLawsuit),
    },
    Rule {
        id: RuleId::O2,
        level: Some(Orange),
        clause_zh: "发现养老服务机构……被投诉举报……的，纳入橙色名单",
        when: |f| {
            let complaints = f
                .complaints
                .filter(|a| a.value > 0)
                .map(|a| a.fact(format!("收到投诉举报{}件", a.value)));
            let reported = (f.listing == Some(ListingSource::PublicReport))
                .then(|| Fact::new("摸排线索来自群众举报", Some(Source::Listing)));
            non_empty(complaints.into_iter().chain(reported).collect())
        },
    },
    Rule {
        id: RuleId::O3,
        level: Some(Orange),
        clause_zh: "发现养老服务机构……纳入黑名单的，纳入橙色名单",
        when: |f| checks(f, CheckFinding::is_blacklist),
    },
    Rule {
        id: RuleId::O4,
        level: Some(Orange),
        clause_zh: "养老服务机构前期已经收取大额预付费资金使用不规范，但资可抵债运营比较平稳的，纳入橙色名单",
        when: |f| {
            let diverted = Facts::ticked(&f.fund_use, FundUse::DivertedToAffiliates)?;
            if f.solvency.is_some_and(|a| a.value == Solvency::Insolvent) {
                return None; // R2's case.
            }
            let context = [
                f.solvency.map(|a| a.fact(a.value.label_zh())),
                f.operations_stable.map(|a| {
                    a.fact(if a.value {
                        "经营稳定"
                    } else {
                        "经营不稳定"
                    })
                }),
            ];
            let cited = std::iter::once(diverted.fact("预付费资金转入关联公司/挪用"));
            with_large(f, cited.chain(context.into_iter().flatten()))
        },
    },
    Rule {
        id: RuleId::Y1,
        level: Some(Yellow),
        clause_zh: "发现养老服务机构前期已经收取大额预付费，但资金主要用于弥补设施建设资金不足的，纳入黄色名单",
        when: |f| {
            let construction = Facts::ticked(&f.fund_use, FundUse::Construction)?;
            with_large(f, [construction.fact("预付费资金用于设施建设")])
        },
    },
    Rule {
        id: RuleId::Y2,
        level: Some(Yellow),
        clause_zh: "发现养老服务机构……近年分支机构服务网点扩张过快……经营服务有潜在风险隐患的，纳入黄色名单",
        when: |f| {
            yes(&f.rapid_expansion, |_| {
                "近年分支机构服务网点扩张过快".to_owned()
            })
        },
    },
    Rule {
        id: RuleId::Y3,
        level: Some(Yellow),
        clause_zh: "发现养老服务机构……频繁变更法定代表人、登记注册地等情况，经营服务有潜在风险隐患的，纳入黄色名单",
        when: |f| {
            let counted = [
                (f.legal_rep_changes, "近3年变更法定代表人"),
                (f.address_changes, "近3年变更登记注册地"),
            ];
            let facts: Vec<Fact> = counted
                .iter()
                .filter_map(|(a, text)| a.map(|a| a.fact(format!("{text}{}次", a.value))))
                .collect();
            let total: u32 = counted.iter().filter_map(|(a, _)| a.map(|a| a.value)).sum();
            let min = f.thresholds.frequent_changes;
            if facts.is_empty() || total < min {
                return None;
            }
            let sum = Fact::new(format!("合计{total}次，达到{min}次"), None);
            Some(facts.into_iter().chain([sum]).collect())
        },
    },
    Rule {
        id: RuleId::Y4,
        level: Some(Yellow),
        clause_zh: "发现养老服务机构……经营服务有潜在风险隐患的，纳入黄色名单",
        when: |f| {
            yes(&f.other_risk, |a| {
                let reason = &a.visit.findings.other_risk_reason;
                if reason.is_empty() {
                    "排查人认定有其他经营风险（未写明理由）".to_owned()
                } else {
                    format!("排查人认定有其他经营风险：{reason}")
                }
            })
        },
    },
    Rule {
        id: RuleId::Y5,
        level: Some(Yellow),
        clause_zh: "（本县细化规定）收取大额预付费但资金去向或资产负债情况不明的，暂纳入黄色名单，待核实",
        when: |f| {
            if !f.thresholds.unknown_use_is_yellow {
                return None;
            }
            let unknown = [
                f.fund_use_unknown().then(|| {
                    unknown_fact(
                        Facts::ticked(&f.fund_use, FundUse::Unknown),
                        "预付费资金去向",
                    )
                }),
                f.solvency_unknown()
                    .then(|| unknown_fact(f.solvency, "资产负债情况")),
            ];
            let unknown: Vec<Fact> = unknown.into_iter().flatten().collect();
            with_large(f, non_empty(unknown)?)
        },
    },
    Rule {
        id: RuleId::U1,
        level: None,
        clause_zh: "各乡镇对未经登记但从事养老服务经营活动的服务场所，要做好分类处置。对已经收住老年人，运营比较平稳，且没有收取大额预付费的，应当督促其尽快依法办理登记，并加强后续跟踪检查，确保风险整体可控",
        when: |f| {
            let mut facts = venue_housing_elderly(f)?;
            let stable = f.operations_stable.filter(|a| a.value)?;
            if f.large_prepayment.verdict() != Some(false) {
                return None;
            }
            facts.push(stable.fact("经营比较平稳"));
            facts.push(Fact::new("未收取大额预付费", None));
            Some(facts)
        },
    },
    Rule {
        id: RuleId::U2,
        level: None,
        clause_zh: "各乡镇对未经登记但从事养老服务经营活动的服务场所，要做好分类处置。……对已经收住老年人，且收取大额预付费的，应当责令退还资金，并根据场所性质，属民非性质的由社会组织登记管理部门处置，属企业性质的移交市场监管部门，依法予以查处、取缔",
        when: |f| {
            let facts = venue_housing_elderly(f)?;
            with_large(f, facts)
        },
    },
];

/// A yes/no fact that fires when "yes".
fn yes(answer: &Option<Answer<bool>>, text: impl Fn(&Answer<bool>) -> String) -> Option<Vec<Fact>> {
    answer.filter(|a| a.value).map(|a| vec![a.fact(text(&a))])
}

fn non_empty(facts: Vec<Fact>) -> Option<Vec<Fact>> {
    (!facts.is_empty()).then_some(facts)
}

/// Fires only with a large prepayment, citing what made it large first.
fn with_large(f: &Facts, more: impl IntoIterator<Item = Fact>) -> Option<Vec<Fact>> {
    let large = &f.large_prepayment;
    large
        .is_large()
        .then(|| large.because.iter().cloned().chain(more).collect())
}

/// Online checks with a matching finding.
fn checks(f: &Facts, matches: fn(CheckFinding) -> bool) -> Option<Vec<Fact>> {
    let hits = f.online_checks.iter().filter_map(|c: &&OnlineCheck| {
        let finding = c.finding.filter(|&x| matches(x))?;
        Some(Fact::from_check(c, finding.label_zh()))
    });
    non_empty(hits.collect())
}

/// 不明 as answered, or never answered.
fn unknown_fact<T>(answer: Option<Answer<T>>, what: &str) -> Fact {
    match answer {
        Some(a) => a.fact(format!("{what}不明")),
        None => Fact::new(format!("{what}未填写"), None),
    }
}

/// The facts that make an unregistered venue one the plan's U rules are
/// about: it houses elderly people.
fn venue_housing_elderly(f: &Facts) -> Option<Vec<Fact>> {
    if !f.is_venue() || f.houses_elderly() != Some(true) {
        return None;
    }
    let count = f.residents.map_or(String::new(), |n| format!("{n}人"));
    Some(vec![Fact::new(
        format!("未经登记从事养老服务经营活动，收住老人{count}"),
        Some(Source::Profile),
    )])
}
