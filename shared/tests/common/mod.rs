//! Fixtures and proptest strategies shared by the integration tests.
#![allow(dead_code)]

use std::fmt::Debug;

use automerge::{ActorId, AutoCommit};
use mopai_shared::doc::{DocBody, DocHeader, Scope, create};
use mopai_shared::ids::*;
use mopai_shared::model::*;
use proptest::prelude::*;
use proptest::sample::select;
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

pub fn actor(n: u8) -> ActorId {
    ActorId::from([n; 16])
}

pub fn township() -> TownshipId {
    TownshipId::from_uuid(Uuid::from_u128(0x7a))
}

/// A new document of `B`'s kind for `entity`, edited by actor `n`.
pub fn new_doc<B: DocBody>(entity: Uuid, n: u8) -> (DocHeader, AutoCommit) {
    let header = DocHeader::new(DocId::new(B::KIND, entity), Scope::Township(township()));
    let doc = create::<B>(&header, actor(n)).unwrap();
    (header, doc)
}

pub fn day(y: i32, m: u8, d: u8) -> Day {
    Day::ymd(y, m, d).unwrap()
}

pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A plausible, fully valid filed institution with one submitted visit.
pub fn sample_facility() -> Facility {
    let inspector = UserId::from_uuid(Uuid::from_u128(1));
    let mut visit = Visit::new(VisitId::from_uuid(Uuid::from_u128(2)), inspector);
    visit.phase = Some(Phase::FullSurvey);
    visit.method = Some(Method::OnSite);
    visit.arrived_at = Some(ts("2022-01-16T09:30:00+08:00"));
    visit.gps = Some(GpsFix {
        lat: 27.23,
        lon: 112.86,
        accuracy_m: 12.0,
        taken_at: None,
    });
    visit.findings.fees = Choices::default().with(FeeMethod::Monthly, true);
    visit.findings.prepayment.collected = Some(true);
    visit.findings.prepayment.total_yuan = Some(600_000);
    visit.findings.prepayment.persons = Some(20);
    visit.findings.prepayment.max_per_person_yuan = Some(60_000);
    visit.interviews.push(ResidentInterview {
        label: "3号房 王奶奶".into(),
        prepaid: Some(true),
        prepaid_yuan: Some(30_000),
        ..ResidentInterview::new(InterviewId::from_uuid(Uuid::from_u128(3)))
    });
    visit.photos.push(PhotoRef {
        id: PhotoId::from_uuid(Uuid::from_u128(4)),
        sha256: "ab".repeat(32),
        size_bytes: 204_800,
        mime: "image/jpeg".into(),
        caption: "收费公示栏".into(),
        taken_at: None,
    });
    Facility {
        category: Some(Category::FiledInstitution),
        source: Some(ListingSource::Daily),
        profile: Profile {
            name: "福寿康养老院".into(),
            village: "城关社区".into(),
            address: "开云镇解放路1号".into(),
            uscc: "52430423MJ0000000E".into(),
            legal_form: Some(LegalForm::PrivateNonEnterprise),
            ownership: Some(Ownership::Private),
            filing_date: Some(day(2020, 6, 1)),
            filing_authority: "衡山县民政局".into(),
            filing_receipt_no: "衡民备〔2020〕12号".into(),
            beds: Some(120),
            residents: Some(80),
            ..Profile::default()
        },
        visits: vec![visit],
    }
}

// ---- strategies -------------------------------------------------------------

pub fn id<T: Debug>(make: fn(Uuid) -> T) -> impl Strategy<Value = T> {
    any::<u128>().prop_map(move |n| make(Uuid::from_u128(n)))
}

pub fn text() -> impl Strategy<Value = String> {
    "\\PC{0,6}"
}

pub fn code<T: Coded + Debug>() -> impl Strategy<Value = T> {
    select(T::ALL)
}

pub fn choices<T: Coded + Debug>() -> impl Strategy<Value = Choices<T>> {
    prop::collection::vec((code::<T>(), any::<bool>()), 0..4)
        .prop_map(|answers| answers.into_iter().collect())
}

pub fn day_strategy() -> impl Strategy<Value = Day> {
    (1990i32..2040, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| day(y, m, d))
}

pub fn timestamp() -> impl Strategy<Value = Timestamp> {
    (
        946_684_800i64..4_102_444_800,
        0u32..1_000_000_000,
        -12i8..=14,
    )
        .prop_map(|(s, ns, h)| {
            let t = OffsetDateTime::from_unix_timestamp(s).unwrap();
            let t = t.replace_nanosecond(ns).unwrap();
            Timestamp(t.to_offset(UtcOffset::from_hms(h, 0, 0).unwrap()))
        })
}

fn gps() -> impl Strategy<Value = GpsFix> {
    (
        -90.0..90.0f64,
        -180.0..180.0f64,
        0.0..5_000.0f64,
        prop::option::of(timestamp()),
    )
        .prop_map(|(lat, lon, accuracy_m, taken_at)| GpsFix {
            lat,
            lon,
            accuracy_m,
            taken_at,
        })
}

fn opt<S: Strategy>(s: S) -> impl Strategy<Value = Option<S::Value>> {
    prop::option::of(s)
}

fn profile() -> impl Strategy<Value = Profile> {
    let names = (
        text(),
        text(),
        text(),
        opt(gps()),
        text(),
        opt(code()),
        opt(code()),
    );
    let filing = (
        opt(any::<bool>()),
        opt(day_strategy()),
        text(),
        text(),
        text(),
        text(),
        text(),
    );
    let people = (
        text(),
        prop::collection::vec(text(), 0..3),
        text(),
        prop::collection::vec(text(), 0..3),
    );
    let sizes = (
        opt(any::<u32>()),
        opt(any::<u32>()),
        opt(any::<u32>()),
        opt(any::<u32>()),
        opt(code()),
    );
    let rest = (
        choices(),
        text(),
        opt(any::<u32>()),
        opt(code()),
        opt(code()),
        opt(any::<bool>()),
        text(),
    );
    (names, filing, people, sizes, rest).prop_map(|(n, f, p, s, r)| Profile {
        name: n.0,
        village: n.1,
        address: n.2,
        gps: n.3,
        uscc: n.4,
        legal_form: n.5,
        ownership: n.6,
        for_profit: f.0,
        filing_date: f.1,
        filing_authority: f.2,
        filing_receipt_no: f.3,
        legal_representative: f.4,
        contact_person: f.5,
        contact_phone: f.6,
        actual_controller: p.0,
        investors: p.1,
        operator: p.2,
        affiliated_companies: p.3,
        beds: s.0,
        residents: s.1,
        care_staff: s.2,
        building_area_m2: s.3,
        premises: s.4,
        other_industries: r.0,
        other_industries_note: r.1,
        branches: r.2,
        status: r.3,
        venue: VenueInfo {
            nature: r.4,
            houses_elderly: r.5,
            services: r.6,
        },
    })
}

fn findings() -> impl Strategy<Value = Findings> {
    let money = (
        opt(any::<i64>()),
        opt(any::<u32>()),
        opt(any::<i64>()),
        opt(any::<u32>()),
    );
    let prepayment = (opt(any::<bool>()), money, choices(), opt(any::<bool>())).prop_map(
        |(collected, m, fund_use, told)| Prepayment {
            collected,
            total_yuan: m.0,
            persons: m.1,
            max_per_person_yuan: m.2,
            longest_months: m.3,
            fund_use,
            residents_told_risks: told,
        },
    );
    let incidents = (
        opt(any::<bool>()),
        opt(any::<bool>()),
        opt(any::<bool>()),
        opt(any::<u32>()),
    )
        .prop_map(|(d, g, n, c)| Incidents {
            defaulted: d,
            group_petition: g,
            negative_publicity: n,
            complaints: c,
        });
    let sales = (
        choices(),
        text(),
        choices(),
        prepayment,
        opt(any::<bool>()),
        opt(any::<bool>()),
        text(),
    );
    let state = (
        opt(any::<u32>()),
        opt(any::<u32>()),
        opt(code()),
        opt(any::<bool>()),
        incidents,
    );
    let judgement = (opt(any::<bool>()), text(), opt(any::<bool>()), text());
    (sales, state, judgement).prop_map(|(s, st, j)| Findings {
        marketing: s.0,
        marketing_note: s.1,
        fees: s.2,
        prepayment: s.3,
        promised_returns: s.4,
        rapid_expansion: s.5,
        expansion_note: s.6,
        legal_rep_changes_3y: st.0,
        address_changes_3y: st.1,
        solvency: st.2,
        operations_stable: st.3,
        incidents: st.4,
        suspected_fraud: j.0,
        suspected_fraud_basis: j.1,
        other_risk: j.2,
        other_risk_reason: j.3,
    })
}

fn interview() -> impl Strategy<Value = ResidentInterview> {
    let answers = (
        opt(any::<bool>()),
        opt(any::<i64>()),
        opt(any::<u32>()),
        opt(any::<bool>()),
        opt(any::<bool>()),
    );
    (
        id(InterviewId::from_uuid),
        opt(code()),
        text(),
        answers,
        text(),
    )
        .prop_map(|(id, respondent, label, a, notes)| ResidentInterview {
            id,
            respondent,
            label,
            prepaid: a.0,
            prepaid_yuan: a.1,
            prepaid_months: a.2,
            told_risks: a.3,
            promised_returns: a.4,
            notes,
        })
}

fn photo() -> impl Strategy<Value = PhotoRef> {
    (
        id(PhotoId::from_uuid),
        "[0-9a-f]{64}",
        any::<u64>(),
        text(),
        text(),
        opt(timestamp()),
    )
        .prop_map(
            |(id, sha256, size_bytes, mime, caption, taken_at)| PhotoRef {
                id,
                sha256,
                size_bytes,
                mime,
                caption,
                taken_at,
            },
        )
}

fn comment() -> impl Strategy<Value = Comment> {
    (
        id(CommentId::from_uuid),
        id(UserId::from_uuid),
        timestamp(),
        text(),
    )
        .prop_map(|(id, author, at, text)| Comment {
            id,
            author,
            at,
            text,
        })
}

fn attestation() -> impl Strategy<Value = Attestation> {
    any::<[bool; 6]>().prop_map(|t| Attestation {
        no_notice: t[0],
        no_greeting: t[1],
        no_briefing: t[2],
        no_escort: t[3],
        straight_to_grassroots: t[4],
        straight_to_scene: t[5],
    })
}

fn visit() -> impl Strategy<Value = Visit> {
    let how = (
        id(VisitId::from_uuid),
        id(UserId::from_uuid),
        opt(code()),
        opt(code()),
        text(),
        attestation(),
    );
    let where_ = (
        opt(timestamp()),
        opt(gps()),
        prop::collection::vec(id(UserId::from_uuid), 0..3),
    );
    let what = (
        findings(),
        prop::collection::vec(interview(), 0..3),
        prop::collection::vec(photo(), 0..3),
    );
    let outcome = (
        opt(code()),
        text(),
        opt(timestamp()),
        prop::collection::vec(comment(), 0..2),
    );
    (how, where_, what, outcome).prop_map(|(h, w, x, o)| Visit {
        id: h.0,
        created_by: h.1,
        phase: h.2,
        method: h.3,
        method_reason: h.4,
        attestation: h.5,
        arrived_at: w.0,
        gps: w.1,
        inspectors: w.2,
        findings: x.0,
        interviews: x.1,
        photos: x.2,
        proposed_level: o.0,
        proposal_note: o.1,
        submitted_at: o.2,
        replies: o.3,
    })
}

pub fn facility() -> impl Strategy<Value = Facility> {
    (
        opt(code()),
        opt(code()),
        profile(),
        prop::collection::vec(visit(), 0..3),
    )
        .prop_map(|(category, source, profile, visits)| Facility {
            category,
            source,
            profile,
            visits,
        })
}
