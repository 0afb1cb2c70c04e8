//! A compact, readable description of a facility's risk facts, as the
//! golden file and the table-driven tests write it, and what turns it into
//! the real model for `classify`.
//!
//! Visit fields are named as on the form; anything left out is unanswered
//! (`None`), which is the point of most scenarios. Unknown keys are errors,
//! so a typo cannot silently leave a fact out.
#![allow(dead_code)]

use mopai_shared::ids::{CheckId, InterviewId, UserId, VisitId};
use mopai_shared::model::*;
use mopai_shared::risk::{Assessment, Routing, RuleId, classify};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub note: String,
    /// Absent: a filed institution; `null`: not yet known.
    #[serde(default = "filed")]
    pub category: Option<Category>,
    pub source: Option<ListingSource>,
    pub nature: Option<VenueNature>,
    pub houses_elderly: Option<bool>,
    pub residents: Option<u32>,
    /// One finding per online check; `null` is a check still open.
    #[serde(default)]
    pub checks: Vec<Option<CheckFinding>>,
    /// Changes to the default thresholds.
    #[serde(default)]
    pub settings: ThresholdsPatch,
    #[serde(default)]
    pub visits: Vec<VisitFacts>,
    #[serde(default)]
    pub expect: Expect,
}

fn filed() -> Option<Category> {
    Some(Category::FiledInstitution)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsPatch {
    pub membership_fee_is_large: Option<bool>,
    pub large_prepay_months: Option<u32>,
    pub large_prepay_per_person_yuan: Option<Yuan>,
    pub large_prepay_total_yuan: Option<Yuan>,
    pub frequent_changes: Option<u32>,
    pub unknown_use_is_yellow: Option<bool>,
}

/// One visit's answers. `at`: absent gives the visit a day by its position
/// (2022-01-10 + index), so visits listed later are later; `"none"` leaves
/// the arrival time unrecorded; otherwise a day or an RFC 3339 timestamp.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitFacts {
    pub at: Option<String>,
    /// Visit id number (a UUID from this integer); default: position + 1.
    pub id: Option<u128>,
    pub suspected_fraud: Option<bool>,
    #[serde(default)]
    pub fraud_basis: String,
    pub defaulted: Option<bool>,
    pub group_petition: Option<bool>,
    pub negative_publicity: Option<bool>,
    pub complaints: Option<u32>,
    pub promised_returns: Option<bool>,
    pub solvency: Option<Solvency>,
    pub operations_stable: Option<bool>,
    pub rapid_expansion: Option<bool>,
    pub legal_rep_changes: Option<u32>,
    pub address_changes: Option<u32>,
    pub other_risk: Option<bool>,
    #[serde(default)]
    pub other_risk_reason: String,
    pub collected: Option<bool>,
    pub total_yuan: Option<Yuan>,
    pub persons: Option<u32>,
    pub per_person_yuan: Option<Yuan>,
    pub months: Option<u32>,
    #[serde(default)]
    pub fees: Choices<FeeMethod>,
    #[serde(default)]
    pub fund_use: Choices<FundUse>,
    #[serde(default)]
    pub marketing: Choices<Marketing>,
    #[serde(default)]
    pub interviews: Vec<InterviewFacts>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterviewFacts {
    pub prepaid_yuan: Option<Yuan>,
    pub prepaid_months: Option<u32>,
    pub promised_returns: Option<bool>,
}

/// What a scenario must produce. Fields left out are not checked, except
/// `fired`, which is always compared in full.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub level: Option<RiskLevel>,
    #[serde(default)]
    pub fired: Vec<RuleId>,
    /// `"none"` or a U rule.
    pub disposal: Option<String>,
    pub routing: Option<Routing>,
    pub report: Option<bool>,
    pub police: Option<bool>,
    /// `"yes"`, `"no"` or `"unknown"`.
    pub large: Option<String>,
    /// Substrings, each of which some to-verify item must contain.
    #[serde(default)]
    pub to_verify: Vec<String>,
}

pub fn inspector() -> UserId {
    UserId::from_uuid(Uuid::from_u128(0xA))
}

pub fn arrival(at: Option<&str>, index: usize) -> Option<Timestamp> {
    match at {
        Some("none") => None,
        Some(s) if s.len() == 10 => Some(format!("{s}T09:00:00+08:00").parse().unwrap()),
        Some(s) => Some(s.parse().unwrap()),
        None => Some(
            format!("2022-01-{:02}T09:00:00+08:00", 10 + index)
                .parse()
                .unwrap(),
        ),
    }
}

impl VisitFacts {
    pub fn to_visit(&self, index: usize) -> Visit {
        let id = self.id.unwrap_or(index as u128 + 1);
        let mut v = Visit::new(VisitId::from_uuid(Uuid::from_u128(id)), inspector());
        v.phase = Some(Phase::FullSurvey);
        v.method = Some(Method::OnSite);
        v.arrived_at = arrival(self.at.as_deref(), index);
        let f = &mut v.findings;
        f.suspected_fraud = self.suspected_fraud;
        f.suspected_fraud_basis = self.fraud_basis.clone();
        f.incidents = Incidents {
            defaulted: self.defaulted,
            group_petition: self.group_petition,
            negative_publicity: self.negative_publicity,
            complaints: self.complaints,
        };
        f.promised_returns = self.promised_returns;
        f.solvency = self.solvency;
        f.operations_stable = self.operations_stable;
        f.rapid_expansion = self.rapid_expansion;
        f.legal_rep_changes_3y = self.legal_rep_changes;
        f.address_changes_3y = self.address_changes;
        f.other_risk = self.other_risk;
        f.other_risk_reason = self.other_risk_reason.clone();
        f.fees = self.fees.clone();
        f.marketing = self.marketing.clone();
        f.prepayment = Prepayment {
            collected: self.collected,
            total_yuan: self.total_yuan,
            persons: self.persons,
            max_per_person_yuan: self.per_person_yuan,
            longest_months: self.months,
            fund_use: self.fund_use.clone(),
            residents_told_risks: None,
        };
        v.interviews = self
            .interviews
            .iter()
            .enumerate()
            .map(|(n, i)| ResidentInterview {
                label: format!("{}号老人", n + 1),
                prepaid: i.prepaid_yuan.map(|_| true),
                prepaid_yuan: i.prepaid_yuan,
                prepaid_months: i.prepaid_months,
                promised_returns: i.promised_returns,
                ..ResidentInterview::new(InterviewId::from_uuid(Uuid::from_u128(
                    (id << 8) + n as u128,
                )))
            })
            .collect();
        v
    }
}

pub fn check(n: usize, finding: Option<CheckFinding>) -> OnlineCheck {
    OnlineCheck {
        id: CheckId::from_uuid(Uuid::from_u128(0xC00 + n as u128)),
        source: match finding {
            Some(CheckFinding::EconomicCrimeLawsuit) => CheckSource::JudgmentDocuments,
            Some(f) if f.is_blacklist() => CheckSource::CreditChina,
            _ => CheckSource::EnterpriseCredit,
        },
        subject: "法定代表人张某".into(),
        finding,
        detail: String::new(),
        checked_on: Day::ymd(2022, 1, 18).unwrap(),
        reference: format!("（2021）湘0423刑初{n}号"),
        checked_by: inspector(),
    }
}

impl ThresholdsPatch {
    pub fn apply(&self, t: &mut Thresholds) {
        macro_rules! patch {
            ($($field:ident),*) => {$(if let Some(v) = self.$field { t.$field = v; })*};
        }
        patch!(
            membership_fee_is_large,
            large_prepay_months,
            large_prepay_per_person_yuan,
            large_prepay_total_yuan,
            frequent_changes,
            unknown_use_is_yellow
        );
    }
}

impl Scenario {
    pub fn build(&self) -> (Facility, Option<CountyRecord>, CountySettings) {
        let facility = Facility {
            category: self.category,
            source: self.source,
            profile: Profile {
                name: self.name.clone(),
                residents: self.residents,
                venue: VenueInfo {
                    nature: self.nature,
                    houses_elderly: self.houses_elderly,
                    services: String::new(),
                },
                ..Profile::default()
            },
            visits: self
                .visits
                .iter()
                .enumerate()
                .map(|(i, v)| v.to_visit(i))
                .collect(),
        };
        let county = (!self.checks.is_empty()).then(|| CountyRecord {
            online_checks: self
                .checks
                .iter()
                .enumerate()
                .map(|(n, f)| check(n, *f))
                .collect(),
            notes: Vec::new(),
        });
        let mut settings = CountySettings::default();
        self.settings.apply(&mut settings.thresholds);
        (facility, county, settings)
    }

    pub fn classify(&self) -> Assessment {
        let (facility, county, settings) = self.build();
        classify(&facility, county.as_ref(), &settings)
    }

    /// Everything that differs from `expect`, one line each.
    pub fn mismatches(&self, got: &Assessment) -> Vec<String> {
        let e = &self.expect;
        let mut out = Vec::new();
        let mut differ = |what: &str, want: String, got: String| {
            if want != got {
                out.push(format!("{what}: expected {want}, got {got}"));
            }
        };
        let fired: Vec<RuleId> = got.fired_ids().collect();
        differ("fired", format!("{:?}", e.fired), format!("{fired:?}"));
        if let Some(level) = e.level {
            differ("level", level.to_string(), got.level.to_string());
        }
        if let Some(d) = &e.disposal {
            let got_d = got
                .disposal
                .as_ref()
                .map_or("none".into(), |d| d.rule.to_string());
            differ("disposal", d.clone(), got_d);
        }
        if let Some(r) = e.routing {
            let got_r = got.disposal.as_ref().and_then(|d| d.routing);
            differ("routing", format!("{:?}", Some(r)), format!("{got_r:?}"));
        }
        if let Some(b) = e.report {
            differ(
                "report",
                b.to_string(),
                got.must_report_to_county.to_string(),
            );
        }
        if let Some(b) = e.police {
            differ("police", b.to_string(), got.refer_to_police.to_string());
        }
        if let Some(l) = &e.large {
            let got_l = match got.large_prepayment {
                Some(true) => "yes",
                Some(false) => "no",
                None => "unknown",
            };
            differ("large", l.clone(), got_l.into());
        }
        for want in &e.to_verify {
            if !got
                .to_verify
                .iter()
                .any(|item| item.contains(want.as_str()))
            {
                out.push(format!(
                    "to_verify: no item contains {want:?} in {:?}",
                    got.to_verify
                ));
            }
        }
        out
    }
}

/// A scenario from a JSON value, as the table-driven tests write it inline.
pub fn scenario(value: serde_json::Value) -> Scenario {
    serde_json::from_value(value).expect("a valid scenario")
}
