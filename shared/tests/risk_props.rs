//! Properties of classification over random facilities: more risk never
//! lowers the level, the level is the highest fired rule, green exactly when
//! nothing fires, a blank form clears nothing, and the order visits are
//! stored in does not matter.
#![cfg(not(target_arch = "wasm32"))]

mod risk_support;

use mopai_shared::ids::VisitId;
use mopai_shared::model::*;
use mopai_shared::risk::{Assessment, classify};
use proptest::prelude::*;
use proptest::sample::select;
use risk_support::{InterviewFacts, Scenario, ThresholdsPatch, VisitFacts, check, inspector};
use uuid::Uuid;

// ---- random facilities --------------------------------------------------------

fn opt<S: Strategy>(s: S) -> impl Strategy<Value = Option<S::Value>> {
    prop::option::of(s)
}

fn flag() -> impl Strategy<Value = Option<bool>> {
    opt(any::<bool>())
}

/// Red and orange facts are rare, so most facilities leave room to rise and
/// a rule that wrongly lowers the level has something to lower.
fn rare_flag() -> impl Strategy<Value = Option<bool>> {
    prop_oneof![8 => Just(None), 4 => Just(Some(false)), 1 => Just(Some(true))]
}

fn rare<T: Clone + std::fmt::Debug + 'static>(
    common: impl Strategy<Value = T> + 'static,
    rare: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = T> {
    prop_oneof![12 => common.boxed(), 1 => rare.boxed()]
}

/// Amounts clustered on the default thresholds.
fn yuan() -> impl Strategy<Value = Yuan> {
    prop_oneof![
        0i64..120_000,
        select(vec![49_999i64, 50_000, 499_999, 500_000]),
        0i64..1_500_000,
    ]
}

fn choices<T: Coded + std::fmt::Debug>() -> impl Strategy<Value = Choices<T>> {
    prop::collection::vec((select(T::ALL), any::<bool>()), 0..3)
        .prop_map(|answers| answers.into_iter().collect())
}

fn visit_facts() -> impl Strategy<Value = VisitFacts> {
    let events = (
        rare_flag(),
        rare_flag(),
        rare_flag(),
        rare_flag(),
        rare(opt(Just(0u32)), opt(1u32..4)),
        flag(),
    );
    let state = (
        opt(select(Solvency::ALL)),
        flag(),
        flag(),
        opt(0u32..3),
        opt(0u32..3),
        flag(),
    );
    let prepay = (
        flag(),
        opt(yuan()),
        opt(yuan()),
        opt(0u32..30),
        choices::<FundUse>(),
        choices::<FeeMethod>(),
        choices::<Marketing>(),
    );
    let interviews = prop::collection::vec((opt(yuan()), opt(0u32..30), flag()), 0..3);
    // Few distinct days, so equal and missing arrival times happen often.
    let at = prop_oneof![
        Just(None),
        Just(Some("none".to_owned())),
        (10u8..14).prop_map(|d| Some(format!("2022-01-{d}"))),
    ];
    (events, state, prepay, interviews, at).prop_map(
        |((fraud, defaulted, petition, publicity, complaints, promised), state, prepay, iv, at)| {
            let (solvency, stable, expansion, rep, addr, other) = state;
            let (collected, total, per, months, fund_use, fees, marketing) = prepay;
            VisitFacts {
                at,
                suspected_fraud: fraud,
                defaulted,
                group_petition: petition,
                negative_publicity: publicity,
                complaints,
                promised_returns: promised,
                solvency,
                operations_stable: stable,
                rapid_expansion: expansion,
                legal_rep_changes: rep,
                address_changes: addr,
                other_risk: other,
                collected,
                total_yuan: total,
                per_person_yuan: per,
                months,
                fund_use,
                fees,
                marketing,
                interviews: iv
                    .into_iter()
                    .map(|(y, m, p)| InterviewFacts {
                        prepaid_yuan: y,
                        prepaid_months: m,
                        promised_returns: p,
                    })
                    .collect(),
                ..VisitFacts::default()
            }
        },
    )
}

fn thresholds() -> impl Strategy<Value = ThresholdsPatch> {
    (
        any::<bool>(),
        0u32..30,
        select(vec![10_000i64, 50_000, 100_000]),
        select(vec![100_000i64, 500_000, 1_000_000]),
        0u32..4,
        any::<bool>(),
    )
        .prop_map(|(m, months, per, total, changes, y5)| ThresholdsPatch {
            membership_fee_is_large: Some(m),
            large_prepay_months: Some(months),
            large_prepay_per_person_yuan: Some(per),
            large_prepay_total_yuan: Some(total),
            frequent_changes: Some(changes),
            unknown_use_is_yellow: Some(y5),
        })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        opt(select(Category::ALL)),
        rare(
            opt(select(vec![ListingSource::Daily, ListingSource::Police])),
            opt(select(ListingSource::ALL)),
        ),
        opt(select(VenueNature::ALL)),
        flag(),
        opt(0u32..30),
        prop::collection::vec(
            rare(
                opt(Just(CheckFinding::Clear)),
                opt(select(CheckFinding::ALL)),
            ),
            0..3,
        ),
        thresholds(),
        prop::collection::vec(visit_facts(), 0..4),
    )
        .prop_map(
            |(category, source, nature, houses, residents, checks, settings, visits)| Scenario {
                name: "random".into(),
                category,
                source,
                nature,
                houses_elderly: houses,
                residents,
                checks,
                settings,
                visits,
                ..Scenario::default()
            },
        )
}

// ---- adding one risk fact -----------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Event {
    Fraud,
    Defaulted,
    Petition,
    Publicity,
    Promised,
}

#[derive(Debug, Clone, Copy)]
enum State {
    Expansion,
    OtherRisk,
    Insolvent,
    Unstable,
    Use(FundUse),
    Fee(FeeMethod),
}

#[derive(Debug, Clone, Copy)]
enum Figure {
    Months,
    PerPerson,
    Total,
    LegalRep,
    Address,
}

/// One more risk fact. State facts go on every visit (or on a new, latest
/// visit), since on an earlier visit alone they would rightly be
/// overridden by a later answer; figures rise above every figure recorded.
#[derive(Debug, Clone, Copy)]
enum Bump {
    Event(usize, Event),
    Complaints(usize, u32),
    State(State),
    LaterVisit(State),
    LaterEvent(Event),
    Raise(Figure, u32),
    Check(CheckFinding),
    PublicReport,
}

fn bump() -> impl Strategy<Value = Bump> {
    let event = select(vec![
        Event::Fraud,
        Event::Defaulted,
        Event::Petition,
        Event::Publicity,
        Event::Promised,
    ]);
    let state = select(vec![
        State::Expansion,
        State::OtherRisk,
        State::Insolvent,
        State::Unstable,
        State::Use(FundUse::DivertedToAffiliates),
        State::Use(FundUse::Construction),
        State::Use(FundUse::Unknown),
        State::Fee(FeeMethod::MembershipCard),
        State::Fee(FeeMethod::MultiYearPrepay),
    ]);
    let figure = select(vec![
        Figure::Months,
        Figure::PerPerson,
        Figure::Total,
        Figure::LegalRep,
        Figure::Address,
    ]);
    prop_oneof![
        (0usize..4, event.clone()).prop_map(|(i, e)| Bump::Event(i, e)),
        (0usize..4, 1u32..3).prop_map(|(i, n)| Bump::Complaints(i, n)),
        state.clone().prop_map(Bump::State),
        state.prop_map(Bump::LaterVisit),
        event.prop_map(Bump::LaterEvent),
        (figure, 1u32..400_000).prop_map(|(f, n)| Bump::Raise(f, n)),
        select(CheckFinding::ALL).prop_map(Bump::Check),
        Just(Bump::PublicReport),
    ]
}

struct World {
    facility: Facility,
    county: Option<CountyRecord>,
    settings: CountySettings,
}

impl World {
    fn of(s: &Scenario) -> Self {
        let (facility, county, settings) = s.build();
        Self {
            facility,
            county,
            settings,
        }
    }

    fn classify(&self) -> Assessment {
        classify(&self.facility, self.county.as_ref(), &self.settings)
    }

    /// A new visit after every other, answering nothing yet.
    fn later_visit(&mut self) -> &mut Visit {
        let n = self.facility.visits.len() as u128;
        let mut v = Visit::new(VisitId::from_uuid(Uuid::from_u128(0xF000 + n)), inspector());
        v.arrived_at = Some("2023-06-01T09:00:00+08:00".parse().unwrap());
        self.facility.visits.push(v);
        self.facility.visits.last_mut().unwrap()
    }

    fn visits(&mut self) -> &mut [Visit] {
        if self.facility.visits.is_empty() {
            self.later_visit();
        }
        &mut self.facility.visits
    }

    fn apply(&mut self, bump: Bump) {
        match bump {
            Bump::Event(i, e) => {
                let visits = self.visits();
                let n = visits.len();
                set_event(&mut visits[i % n], e);
            }
            Bump::Complaints(i, k) => {
                let visits = self.visits();
                let n = visits.len();
                let c = &mut visits[i % n].findings.incidents.complaints;
                *c = Some(c.unwrap_or(0) + k);
            }
            Bump::State(s) => self.visits().iter_mut().for_each(|v| set_state(v, s)),
            Bump::LaterVisit(s) => set_state(self.later_visit(), s),
            Bump::LaterEvent(e) => set_event(self.later_visit(), e),
            Bump::Raise(figure, k) => {
                let visits = self.visits();
                let top = visits.iter().map(|v| answer(v, figure)).max().unwrap_or(0);
                visits
                    .iter_mut()
                    .for_each(|v| set_figure(v, figure, top + i64::from(k)));
            }
            Bump::Check(finding) => {
                let county = self.county.get_or_insert_with(CountyRecord::default);
                let n = county.online_checks.len() + 50;
                county.online_checks.push(check(n, Some(finding)));
            }
            Bump::PublicReport => self.facility.source = Some(ListingSource::PublicReport),
        }
    }
}

fn set_event(v: &mut Visit, e: Event) {
    let f = &mut v.findings;
    let slot = match e {
        Event::Fraud => &mut f.suspected_fraud,
        Event::Defaulted => &mut f.incidents.defaulted,
        Event::Petition => &mut f.incidents.group_petition,
        Event::Publicity => &mut f.incidents.negative_publicity,
        Event::Promised => &mut f.promised_returns,
    };
    *slot = Some(true);
}

fn set_state(v: &mut Visit, s: State) {
    let f = &mut v.findings;
    match s {
        State::Expansion => f.rapid_expansion = Some(true),
        State::OtherRisk => f.other_risk = Some(true),
        State::Insolvent => f.solvency = Some(Solvency::Insolvent),
        State::Unstable => f.operations_stable = Some(false),
        State::Use(u) => f.prepayment.fund_use.set(u, Some(true)),
        State::Fee(m) => f.fees.set(m, Some(true)),
    }
}

/// What one visit says for a figure, residents' accounts included.
fn answer(v: &Visit, figure: Figure) -> i64 {
    let f = &v.findings;
    let said =
        |pick: fn(&ResidentInterview) -> Option<i64>| v.interviews.iter().filter_map(pick).max();
    let value = match figure {
        Figure::Months => f
            .prepayment
            .longest_months
            .map(i64::from)
            .max(said(|i| i.prepaid_months.map(i64::from))),
        Figure::PerPerson => f
            .prepayment
            .max_per_person_yuan
            .max(said(|i| i.prepaid_yuan)),
        Figure::Total => f.prepayment.total_yuan,
        Figure::LegalRep => f.legal_rep_changes_3y.map(i64::from),
        Figure::Address => f.address_changes_3y.map(i64::from),
    };
    value.unwrap_or(0)
}

fn set_figure(v: &mut Visit, figure: Figure, to: i64) {
    let f = &mut v.findings;
    let count = u32::try_from(to).unwrap();
    match figure {
        Figure::Months => f.prepayment.longest_months = Some(count),
        Figure::PerPerson => f.prepayment.max_per_person_yuan = Some(to),
        Figure::Total => f.prepayment.total_yuan = Some(to),
        Figure::LegalRep => f.legal_rep_changes_3y = Some(count),
        Figure::Address => f.address_changes_3y = Some(count),
    }
}

// ---- properties ---------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn adding_a_risk_fact_never_lowers_the_level(s in scenario(), bumps in prop::collection::vec(bump(), 1..4)) {
        let mut world = World::of(&s);
        let mut level = world.classify().level;
        for b in bumps {
            world.apply(b);
            let after = world.classify().level;
            prop_assert!(after >= level, "{b:?} lowered {level} to {after}");
            level = after;
        }
    }

    #[test]
    fn level_is_the_highest_fired_rule_and_green_exactly_when_none_fires(s in scenario()) {
        let a = World::of(&s).classify();
        let highest = a.fired.iter().map(|r| r.level).max();
        prop_assert_eq!(a.level, highest.unwrap_or(RiskLevel::Green));
        prop_assert_eq!(a.level == RiskLevel::Green, a.fired.is_empty());
        for r in &a.fired {
            prop_assert_eq!(Some(r.level), r.rule.rule().level);
            prop_assert!(!r.facts.is_empty(), "{} fired on no facts", r.rule);
        }
    }

    #[test]
    fn flags_follow_level_category_and_r1(s in scenario()) {
        let w = World::of(&s);
        let a = w.classify();
        let venue = w.facility.category == Some(Category::UnregisteredVenue);
        prop_assert_eq!(a.must_report_to_county, a.level >= RiskLevel::Yellow || venue);
        prop_assert_eq!(a.refer_to_police, a.fired_ids().any(|r| r.code() == "R1"));
        prop_assert!(!a.refer_to_police || a.level == RiskLevel::Red);
        prop_assert!(a.disposal.is_none() || venue);
    }

    #[test]
    fn a_blank_form_clears_nothing(s in scenario(), day in 1u8..28, anytime in any::<bool>()) {
        let mut w = World::of(&s);
        let before = w.classify();
        let had_visits = !w.facility.visits.is_empty();
        let mut blank = Visit::new(VisitId::from_uuid(Uuid::from_u128(0xB1A)), inspector());
        // Before, between or after the others, or with no time at all.
        blank.arrived_at = anytime
            .then(|| format!("2022-01-{day:02}T09:00:00+08:00").parse().unwrap());
        w.facility.visits.push(blank);
        let after = w.classify();
        if had_visits {
            prop_assert_eq!(after, before);
        } else {
            prop_assert_eq!(after.level, before.level);
            prop_assert_eq!(after.fired, before.fired);
            prop_assert_eq!(after.disposal, before.disposal);
        }
    }

    #[test]
    fn stored_visit_order_does_not_matter(s in scenario(), seed in any::<u64>()) {
        let mut w = World::of(&s);
        let before = w.classify();
        let n = w.facility.visits.len();
        if n > 1 {
            w.facility.visits.rotate_left((seed as usize) % n);
            w.facility.visits.swap(0, n - 1);
        }
        prop_assert_eq!(w.classify(), before);
    }
}
