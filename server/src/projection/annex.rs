//! Computes the [`AnnexRecord`] stored with each facility row (its type is
//! `storage::annex_record`) from the facility's three documents and its
//! assessment.
//!
//! Facts that visits answer are read through [`Facts::gather`], the same
//! resolution over visits the rules use, so a table never shows a prepayment
//! figure the level was not computed from. Names of inspectors are kept as
//! user ids and resolved when a table is written, so renaming an account
//! does not make a stored projection stale.

use std::collections::BTreeSet;

use crate::storage::annex_record::{
    AnnexRecord, FoundFacts, MeasureRecord, PlanRecord, ProfileFacts, ReviewFacts, VisitFacts,
};
use mopai_shared::doc::OpenConflict;
use mopai_shared::ids::{UserId, VisitId};
use mopai_shared::model::{
    CheckFinding, Coded, CountyRecord, EntryState, Facility, FacilityReview, Industry, Method,
    entry_state,
};
use mopai_shared::model::{Day, Thresholds};
use mopai_shared::risk::{Assessment, Facts, LevelView};

/// The documents and results one record is computed from.
pub struct Sources<'a> {
    pub facility: &'a Facility,
    pub review: Option<&'a FacilityReview>,
    pub county: Option<&'a CountyRecord>,
    pub thresholds: &'a Thresholds,
    pub assessment: &'a Assessment,
    pub view: &'a LevelView,
    /// Visits ordered by their receipt because the phone's clock ran ahead.
    pub clock_ahead: &'a [VisitId],
    pub conflicts: Vec<OpenConflict>,
}

pub fn record(s: &Sources<'_>) -> AnnexRecord {
    AnnexRecord {
        profile: profile(s.facility),
        findings: found(s),
        visits: visits(s.facility, s.review, s.clock_ahead),
        review: review(s),
        plan: s.review.map(plan).unwrap_or_default(),
        conflicts: s.conflicts.clone(),
    }
}

fn profile(facility: &Facility) -> ProfileFacts {
    let p = &facility.profile;
    let other_industries: Vec<Industry> = p.other_industries.ticked().collect();
    let multi_industry = if !other_industries.is_empty() {
        Some(true)
    } else {
        (!p.other_industries.is_unanswered()).then_some(false)
    };
    ProfileFacts {
        village: p.village.clone(),
        address: p.address.clone(),
        legal_form: p.legal_form,
        ownership: p.ownership,
        for_profit: p.for_profit,
        beds: p.beds,
        residents: p.residents,
        care_staff: p.care_staff,
        building_area_m2: p.building_area_m2,
        premises: p.premises,
        status: p.status,
        other_industries,
        multi_industry,
        operator: p.operator.clone(),
        legal_representative: p.legal_representative.clone(),
        actual_controller: p.actual_controller.clone(),
        investors: p.investors.clone(),
        affiliated_companies: p.affiliated_companies.clone(),
        contact_person: p.contact_person.clone(),
        contact_phone: p.contact_phone.clone(),
        filing_date: p.filing_date,
        filing_authority: p.filing_authority.clone(),
        filing_receipt_no: p.filing_receipt_no.clone(),
        venue_nature: p.venue.nature,
        houses_elderly: p.venue.houses_elderly,
        services: p.venue.services.clone(),
    }
}

fn found(s: &Sources<'_>) -> FoundFacts {
    let f = Facts::gather(s.facility, s.county, s.thresholds);
    FoundFacts {
        marketing: ticked(&f.marketing),
        fees: ticked(&f.fees),
        prepay_collected: f.prepay_collected.map(|a| a.value),
        large_prepayment: s.assessment.large_prepayment,
        prepay_total_yuan: f.prepay_total_yuan.map(|a| a.value),
        prepay_persons: f.prepay_persons.map(|a| a.value),
        fund_use: ticked(&f.fund_use),
        promised_returns: f.promised_returns.map(|a| a.value),
        economic_crime_lawsuit: check_answer(s.county, |c| c == CheckFinding::EconomicCrimeLawsuit),
        blacklisted: check_answer(s.county, CheckFinding::is_blacklist),
    }
}

fn ticked<T: Coded>(
    answers: &std::collections::BTreeMap<T, mopai_shared::risk::facts::Answer<'_, bool>>,
) -> Vec<T> {
    answers
        .iter()
        .filter(|(_, a)| a.value)
        .map(|(t, _)| *t)
        .collect()
}

/// Rules O1/O3 fire on any check with the finding; the tables say "否" only
/// once some check was completed without one.
fn check_answer(county: Option<&CountyRecord>, hit: impl Fn(CheckFinding) -> bool) -> Option<bool> {
    let mut done = county
        .into_iter()
        .flat_map(|c| &c.online_checks)
        .filter_map(|c| c.finding)
        .peekable();
    done.peek()?;
    Some(done.any(hit))
}

fn visits(
    facility: &Facility,
    review: Option<&FacilityReview>,
    clock_ahead: &[VisitId],
) -> VisitFacts {
    let states: Vec<EntryState> = facility
        .visits
        .iter()
        .map(|v| entry_state(v, review.and_then(|r| r.review_of(v.id))))
        .collect();
    let days: BTreeSet<Day> = facility
        .visits
        .iter()
        .filter_map(|v| v.arrived_at.map(|t| t.day()))
        .collect();
    let methods: BTreeSet<Method> = facility.visits.iter().filter_map(|v| v.method).collect();
    let inspectors: BTreeSet<UserId> = facility
        .visits
        .iter()
        .flat_map(|v| v.inspectors.iter().copied())
        .collect();
    VisitFacts {
        submitted: states.iter().filter(|s| **s != EntryState::Draft).count() as u32,
        approved: states.contains(&EntryState::Approved),
        methods: methods.into_iter().collect(),
        first_day: days.first().copied(),
        last_day: days.last().copied(),
        inspectors: inspectors.into_iter().collect(),
        clock_ahead: clock_ahead.to_vec(),
    }
}

fn review(s: &Sources<'_>) -> ReviewFacts {
    let a = s.assessment;
    let mut suggested: Vec<String> = Vec::new();
    let texts = a
        .measures
        .iter()
        .chain(a.disposal.iter().flat_map(|d| &d.measures))
        .map(|m| m.text_zh.clone());
    for text in texts {
        if !suggested.contains(&text) {
            suggested.push(text);
        }
    }
    ReviewFacts {
        reported_to_county_at: s.review.and_then(|r| r.reported_to_county_at),
        signed_off_at: s.review.and_then(|r| r.signoff.as_ref().map(|o| o.at)),
        level_reason: match &s.view.confirmed {
            Some(c) if s.view.overridden() => c.reason.clone(),
            _ => String::new(),
        },
        main_problems: a.main_problems_zh(),
        disposal_path: a.disposal.as_ref().map(|d| d.rule),
        suggested_measures: suggested,
    }
}

fn plan(review: &FacilityReview) -> PlanRecord {
    let d = &review.disposal;
    let latest = d.progress.iter().max_by_key(|p| (p.at, p.id));
    PlanRecord {
        measures: d
            .measures
            .iter()
            .map(|m| MeasureRecord {
                kind: m.kind,
                detail: m.detail.clone(),
                done_on: m.done_on,
                refunded_yuan: m.refunded_yuan,
            })
            .collect(),
        responsible_unit: d.responsible_unit.clone(),
        responsible_person: d.responsible_person.clone(),
        deadline: d.deadline,
        progress_entries: d.progress.len() as u32,
        latest_progress: latest.map(|p| p.text.clone()).unwrap_or_default(),
        resolved_on: d.resolved_on,
    }
}
