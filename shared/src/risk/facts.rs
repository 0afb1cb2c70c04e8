//! Gathering: one resolved value per fact, read from every visit of a
//! facility, its listing and profile, and the county's online checks; and
//! [`Fact`], the cited evidence a rule hands back.
//!
//! How visits combine is the policy stated in the [`risk`](super) module
//! doc; this file is its mechanics: `latest` for state, `first_yes` and
//! `highest` for events, `choices` for multi-selects option by option.

use std::collections::BTreeMap;
use std::fmt::Display;

use serde::{Deserialize, Serialize};

use super::prepay::{self, LargePrepay};
use crate::ids::{CheckId, VisitId};
use crate::model::{
    Category, Choices, Coded, CountyRecord, Facility, FeeMethod, FundUse, ListingSource, Marketing,
    OnlineCheck, Solvency, Thresholds, VenueInfo, Visit, Yuan,
};

/// Where a cited fact was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    Visit {
        visit: VisitId,
    },
    OnlineCheck {
        check: CheckId,
    },
    /// The listing source (e.g. 群众举报).
    Listing,
    Profile,
}

/// One piece of evidence a rule cites, worded for the page and the tables.
/// `source` is `None` for what no single record says: an unanswered
/// question, or a sum over several records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    pub text_zh: String,
    pub source: Option<Source>,
}

impl Fact {
    pub fn new(text_zh: impl Into<String>, source: Option<Source>) -> Self {
        Self {
            text_zh: text_zh.into(),
            source,
        }
    }

    pub(crate) fn from_check(check: &OnlineCheck, finding_zh: &str) -> Self {
        let reference = if check.reference.is_empty() {
            String::new()
        } else {
            format!("，{}", check.reference)
        };
        Self::new(
            format!(
                "{}：{}{}（{}核查{}）",
                check.source.label_zh(),
                check.subject,
                finding_zh,
                check.checked_on,
                reference
            ),
            Some(Source::OnlineCheck { check: check.id }),
        )
    }
}

/// One answer and the visit that gave it.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a, T> {
    pub value: T,
    pub visit: &'a Visit,
}

impl<T> Answer<'_, T> {
    /// Cites this answer: the text, then which visit recorded it.
    pub fn fact(&self, text: impl Display) -> Fact {
        let seen = match self.visit.arrived_at {
            Some(at) => format!("{}走访", at.day()),
            // No arrival time yet (a draft): the id is all that names it.
            None => format!("走访记录{}", &self.visit.id.to_string()[..8]),
        };
        Fact::new(
            format!("{text}（{seen}）"),
            Some(Source::Visit {
                visit: self.visit.id,
            }),
        )
    }
}

/// Everything the rules read, resolved over all visits.
#[derive(Debug)]
pub struct Facts<'a> {
    pub thresholds: &'a Thresholds,
    pub category: Option<Category>,
    pub listing: Option<ListingSource>,
    pub venue: &'a VenueInfo,
    pub residents: Option<u32>,
    pub visit_count: usize,
    pub online_checks: Vec<&'a OnlineCheck>,

    // Events: once recorded, they stay.
    pub suspected_fraud: Option<Answer<'a, bool>>,
    pub defaulted: Option<Answer<'a, bool>>,
    pub group_petition: Option<Answer<'a, bool>>,
    pub negative_publicity: Option<Answer<'a, bool>>,
    pub complaints: Option<Answer<'a, u32>>,
    /// From the checklist or any resident interview of the visit.
    pub promised_returns: Option<Answer<'a, bool>>,

    // State: the latest answer holds.
    pub solvency: Option<Answer<'a, Solvency>>,
    pub operations_stable: Option<Answer<'a, bool>>,
    pub rapid_expansion: Option<Answer<'a, bool>>,
    pub other_risk: Option<Answer<'a, bool>>,
    pub legal_rep_changes: Option<Answer<'a, u32>>,
    pub address_changes: Option<Answer<'a, u32>>,
    pub marketing: BTreeMap<Marketing, Answer<'a, bool>>,
    pub fees: BTreeMap<FeeMethod, Answer<'a, bool>>,

    // Prepayment, state. A visit that says "not collected" answers every
    // amount left blank with 0; figures residents gave count as answers too.
    pub prepay_collected: Option<Answer<'a, bool>>,
    pub prepay_total_yuan: Option<Answer<'a, Yuan>>,
    pub prepay_persons: Option<Answer<'a, u32>>,
    pub prepay_max_per_person_yuan: Option<Answer<'a, Yuan>>,
    pub prepay_longest_months: Option<Answer<'a, u32>>,
    pub fund_use: BTreeMap<FundUse, Answer<'a, bool>>,

    /// 大额预付费, decided from the above and the thresholds.
    pub large_prepayment: LargePrepay,
}

impl<'a> Facts<'a> {
    pub fn gather(
        facility: &'a Facility,
        county: Option<&'a CountyRecord>,
        thresholds: &'a Thresholds,
    ) -> Self {
        let visits = ordered(&facility.visits);
        let v = visits.as_slice();
        let mut facts = Facts {
            thresholds,
            category: facility.category,
            listing: facility.source,
            venue: &facility.profile.venue,
            residents: facility.profile.residents,
            visit_count: visits.len(),
            online_checks: county.map_or_else(Vec::new, |c| c.online_checks.iter().collect()),

            suspected_fraud: first_yes(v, |v| v.findings.suspected_fraud),
            defaulted: first_yes(v, |v| v.findings.incidents.defaulted),
            group_petition: first_yes(v, |v| v.findings.incidents.group_petition),
            negative_publicity: first_yes(v, |v| v.findings.incidents.negative_publicity),
            complaints: highest(v, |v| v.findings.incidents.complaints),
            promised_returns: first_yes(v, promised_returns),

            solvency: latest(v, |v| v.findings.solvency),
            operations_stable: latest(v, |v| v.findings.operations_stable),
            rapid_expansion: latest(v, |v| v.findings.rapid_expansion),
            other_risk: latest(v, |v| v.findings.other_risk),
            legal_rep_changes: latest(v, |v| v.findings.legal_rep_changes_3y),
            address_changes: latest(v, |v| v.findings.address_changes_3y),
            marketing: choices(v, |v| &v.findings.marketing),
            fees: choices(v, |v| &v.findings.fees),

            prepay_collected: latest(v, |v| v.findings.prepayment.collected),
            prepay_total_yuan: latest(v, |v| {
                or_none_collected(v, v.findings.prepayment.total_yuan)
            }),
            prepay_persons: latest(v, |v| or_none_collected(v, v.findings.prepayment.persons)),
            prepay_max_per_person_yuan: latest(v, |v| {
                let said = v.interviews.iter().filter_map(|i| i.prepaid_yuan).max();
                or_none_collected(v, v.findings.prepayment.max_per_person_yuan.max(said))
            }),
            prepay_longest_months: latest(v, |v| {
                let said = v.interviews.iter().filter_map(|i| i.prepaid_months).max();
                or_none_collected(v, v.findings.prepayment.longest_months.max(said))
            }),
            fund_use: choices(v, |v| &v.findings.prepayment.fund_use),

            large_prepayment: LargePrepay::default(),
        };
        facts.large_prepayment = prepay::decide(&facts);
        facts
    }

    /// The answer for one option of a multi-select, when it is "yes".
    pub fn ticked<T: Coded>(
        map: &BTreeMap<T, Answer<'a, bool>>,
        option: T,
    ) -> Option<Answer<'a, bool>> {
        map.get(&option).copied().filter(|a| a.value)
    }

    pub fn is_venue(&self) -> bool {
        self.category == Some(Category::UnregisteredVenue)
    }

    /// 收住老人: said so, or residents were counted. `None` when neither is
    /// recorded.
    pub fn houses_elderly(&self) -> Option<bool> {
        let counted = self.residents.map(|n| n > 0);
        match (self.venue.houses_elderly, counted) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (said, counted) => said.or(counted),
        }
    }

    /// 资金去向不明: 不明 ticked, or no use ticked at all.
    pub fn fund_use_unknown(&self) -> bool {
        Self::ticked(&self.fund_use, FundUse::Unknown).is_some()
            || !self.fund_use.values().any(|a| a.value)
    }

    /// 资产负债情况不明: 不明, or never answered.
    pub fn solvency_unknown(&self) -> bool {
        self.solvency.is_none_or(|a| a.value == Solvency::Unknown)
    }
}

/// Visits in the order later answers override earlier ones: by arrival
/// time, then by id so that equal or missing times still give one order on
/// every device. A visit with no arrival time sorts first.
fn ordered(visits: &[Visit]) -> Vec<&Visit> {
    let mut v: Vec<&Visit> = visits.iter().collect();
    v.sort_by_key(|v| (v.arrived_at, v.id));
    v
}

/// State: the latest visit that answered.
fn latest<'a, T>(
    visits: &[&'a Visit],
    ask: impl Fn(&'a Visit) -> Option<T>,
) -> Option<Answer<'a, T>> {
    visits
        .iter()
        .rev()
        .find_map(|&visit| ask(visit).map(|value| Answer { value, visit }))
}

/// An event: the first visit that recorded it; failing that, the latest
/// "no", so that an answered "no" is still told apart from unanswered.
fn first_yes<'a>(
    visits: &[&'a Visit],
    ask: impl Fn(&'a Visit) -> Option<bool>,
) -> Option<Answer<'a, bool>> {
    visits
        .iter()
        .find(|&&v| ask(v) == Some(true))
        .map(|&visit| Answer { value: true, visit })
        .or_else(|| latest(visits, ask))
}

/// A count of events: the highest any visit recorded (the earliest on a tie).
fn highest<'a>(
    visits: &[&'a Visit],
    ask: impl Fn(&'a Visit) -> Option<u32>,
) -> Option<Answer<'a, u32>> {
    visits
        .iter()
        .filter_map(|&visit| ask(visit).map(|value| Answer { value, visit }))
        .reduce(|best, a| if a.value > best.value { a } else { best })
}

/// A multi-select, option by option, each as state.
fn choices<'a, T: Coded>(
    visits: &[&'a Visit],
    ask: impl Fn(&'a Visit) -> &'a Choices<T>,
) -> BTreeMap<T, Answer<'a, bool>> {
    T::ALL
        .iter()
        .filter_map(|&option| latest(visits, |v| ask(v).get(option)).map(|a| (option, a)))
        .collect()
}

/// An amount left blank on a form that says no prepayment was collected is
/// 0; an amount written down wins over the "no" (validation flags the clash).
fn or_none_collected<T: Default>(visit: &Visit, amount: Option<T>) -> Option<T> {
    amount.or_else(|| (visit.findings.prepayment.collected == Some(false)).then(T::default))
}

/// 承诺投资回报 as one visit saw it: the checklist, or any resident who said
/// so.
fn promised_returns(visit: &Visit) -> Option<bool> {
    let interviewed = visit.interviews.iter().filter_map(|i| i.promised_returns);
    let checklist = visit.findings.promised_returns;
    checklist
        .into_iter()
        .chain(interviewed)
        .reduce(|a, b| a || b)
}
