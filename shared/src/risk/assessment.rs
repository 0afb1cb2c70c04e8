//! [`classify`] and the [`Assessment`] it returns: what the server stores as
//! JSON and the phone shows.

use serde::{Deserialize, Serialize};

use super::RULE_SET_VERSION;
use super::disposal::{self, DisposalPath};
use super::facts::{Fact, Facts};
use super::measures::{self, SuggestedMeasure};
use super::rules::{Clause, RULES, RuleId};
use super::verify;
use crate::model::{Category, CountyRecord, CountySettings, Facility, RiskLevel, Thresholds};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// [`RULE_SET_VERSION`] of the code that produced this.
    pub rule_set_version: String,
    /// The highest level among `fired`; green when nothing fired.
    pub level: RiskLevel,
    /// Level rules that fired, in table order (R, O, Y).
    pub fired: Vec<FiredRule>,
    /// What the plan prescribes for `level`.
    pub measures: Vec<SuggestedMeasure>,
    /// Unregistered venues only: U1 or U2, when one applies.
    pub disposal: Option<DisposalPath>,
    pub to_verify: Vec<String>,
    /// 报送县民政局养老股备案: any red, orange or yellow, and every
    /// unregistered venue.
    pub must_report_to_county: bool,
    /// 移交公安机关: red with a suspected crime (R1).
    pub refer_to_police: bool,
    /// 是否收取大额预付费, for the annex tables; `None` not yet known.
    pub large_prepayment: Option<bool>,
    /// The thresholds this was computed under, so a stored result can be
    /// explained after the settings change.
    pub thresholds: Thresholds,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredRule {
    pub rule: RuleId,
    pub level: RiskLevel,
    pub clause: Clause,
    pub facts: Vec<Fact>,
}

impl Assessment {
    pub fn fired_ids(&self) -> impl Iterator<Item = RuleId> + '_ {
        self.fired.iter().map(|r| r.rule)
    }

    /// 主要问题(触发规则) as the 红橙黄 list shows it: "R1 涉嫌…；O2 被投诉举报".
    pub fn main_problems_zh(&self) -> String {
        let rules = self
            .fired_ids()
            .chain(self.disposal.as_ref().map(|d| d.rule));
        rules
            .map(|r| format!("{} {}", r.code(), r.label_zh()))
            .collect::<Vec<_>>()
            .join("；")
    }
}

/// Classifies a facility from all its visits, its listing and profile, and
/// the county's online checks (`None` while there is no county document).
/// The phone calls this for the provisional level, the server for the
/// authoritative one; neither takes a level from the other.
pub fn classify(
    facility: &Facility,
    county: Option<&CountyRecord>,
    settings: &CountySettings,
) -> Assessment {
    let facts = Facts::gather(facility, county, &settings.thresholds);
    let mut fired = Vec::new();
    let mut disposal = None;
    for rule in RULES {
        let Some(cited) = (rule.when)(&facts) else {
            continue;
        };
        match rule.level {
            Some(level) => fired.push(FiredRule {
                rule: rule.id,
                level,
                clause: rule.clause(),
                facts: cited,
            }),
            // U1 and U2 exclude each other: one needs a large prepayment,
            // the other its absence.
            None => disposal = Some(disposal::path(rule.id, cited, &facts)),
        }
    }
    let level = fired
        .iter()
        .map(|r| r.level)
        .max()
        .unwrap_or(RiskLevel::Green);
    let ids: Vec<RuleId> = fired
        .iter()
        .map(|r| r.rule)
        .chain(disposal.as_ref().map(|d: &DisposalPath| d.rule))
        .collect();

    Assessment {
        rule_set_version: RULE_SET_VERSION.to_owned(),
        level,
        measures: measures::for_level(level),
        to_verify: verify::to_verify(&facts, &ids),
        must_report_to_county: level >= RiskLevel::Yellow
            || facility.category == Some(Category::UnregisteredVenue),
        refer_to_police: ids.contains(&RuleId::R1),
        large_prepayment: facts.large_prepayment.verdict(),
        thresholds: settings.thresholds.clone(),
        fired,
        disposal,
    }
}
