//! Every body survives reconcile → save → load → hydrate unchanged, and
//! reconciling an unchanged body writes nothing.
#![cfg(not(target_arch = "wasm32"))] // proptest fixtures; these run natively

mod common;

use common::*;
use mopai_shared::doc::{DocBody, Document, hydrate_doc, open, reconcile_body};
use mopai_shared::ids::*;
use mopai_shared::model::*;
use proptest::prelude::*;
use uuid::Uuid;

fn round_trip<B: DocBody + std::fmt::Debug + PartialEq>(body: &B) -> Document<B> {
    let (header, mut doc) = new_doc::<B>(Uuid::from_u128(42), 1);
    reconcile_body(&mut doc, body).unwrap();
    let heads = doc.get_heads();
    reconcile_body(&mut doc, body).unwrap();
    assert_eq!(
        doc.get_heads(),
        heads,
        "an unchanged body must write nothing"
    );
    let loaded = open(&doc.save(), actor(2)).unwrap();
    let back = hydrate_doc::<B, _>(&loaded).unwrap();
    assert_eq!(back.header, header);
    back
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_facilities_round_trip(facility in facility()) {
        prop_assert_eq!(&round_trip(&facility).body, &facility);
        let json = serde_json::to_string(&facility).unwrap();
        prop_assert_eq!(serde_json::from_str::<Facility>(&json).unwrap(), facility);
    }
}

#[test]
fn other_bodies_round_trip() {
    let user = UserId::from_uuid(Uuid::from_u128(9));
    let at = ts("2022-01-17T10:00:00+08:00");
    let comment = Comment {
        id: CommentId::random(),
        author: user,
        at,
        text: "补充照片".into(),
    };
    let review = FacilityReview {
        reviews: vec![Review {
            visit: VisitId::random(),
            state: ReviewState::Returned,
            state_at: at,
            reviewer: user,
            comments: vec![comment.clone()],
            computed_level: Some(RiskLevel::Yellow),
            confirmed_level: Some(RiskLevel::Orange),
            level_reason: "群众多次举报".into(),
        }],
        signoff: Some(SignOff {
            by: user,
            at,
            note: String::new(),
        }),
        reported_to_county_at: Some(at),
        disposal: DisposalPlan {
            measures: vec![Measure {
                id: MeasureId::random(),
                kind: MeasureKind::Refund,
                detail: "督促退还预付费".into(),
                done_on: None,
                refunded_yuan: Some(120_000),
            }],
            responsible_unit: "开云镇人民政府".into(),
            responsible_person: "李明".into(),
            deadline: Some(day(2022, 3, 31)),
            progress: vec![ProgressEntry {
                id: ProgressId::random(),
                at,
                by: user,
                text: "已约谈".into(),
            }],
            resolved_on: None,
        },
    };
    assert_eq!(round_trip(&review).body, review);

    let county = CountyRecord {
        online_checks: vec![OnlineCheck {
            id: CheckId::random(),
            source: CheckSource::JudgmentDocuments,
            subject: "张某（法定代表人）".into(),
            finding: Some(CheckFinding::EconomicCrimeLawsuit),
            detail: String::new(),
            checked_on: day(2022, 1, 18),
            reference: "(2021)湘0423刑初12号".into(),
            checked_by: user,
        }],
        notes: vec![comment],
    };
    assert_eq!(round_trip(&county).body, county);

    let log = TownshipLog {
        leadership_group: vec![GroupMember {
            id: MemberId::random(),
            name: "王强".into(),
            position: "副镇长".into(),
            group_role: Some(GroupRole::Leader),
            phone: "13800000000".into(),
        }],
        work_plan: WorkPlan {
            title: "排查工作方案".into(),
            issued_on: Some(day(2022, 1, 5)),
            text: String::new(),
        },
        activities: vec![PublicityActivity {
            id: ActivityId::random(),
            date: day(2022, 1, 10),
            venue_type: VenueType::Square,
            venue: "城关文化广场".into(),
            participants: 150,
            note: String::new(),
        }],
    };
    assert_eq!(round_trip(&log).body, log);

    let mut settings = CountySettings {
        county_name: "衡山县".into(),
        ..CountySettings::default()
    };
    settings.townships.push(Township {
        id: township(),
        name: "开云镇".into(),
        active: true,
    });
    assert_eq!(round_trip(&settings).body, settings);
}

#[test]
fn settings_default_matches_domain() {
    let t = Thresholds::default();
    assert!(t.membership_fee_is_large);
    assert_eq!(t.large_prepay_months, 12);
    assert_eq!(t.large_prepay_per_person_yuan, 50_000);
    assert_eq!(t.large_prepay_total_yuan, 500_000);
    assert_eq!(t.priority_beds, 100);
    assert_eq!((t.frequent_changes, t.frequent_changes_years), (2, 3));
    assert!(t.unknown_use_is_yellow);
    let s = Schedule::default();
    assert_eq!(s.tables_due.to_string(), "2022-01-14T12:00:00+08:00");
    assert_eq!(s.self_inspection_ends, day(2022, 1, 15));
    assert_eq!(s.full_survey_ends, day(2022, 1, 20));
    assert_eq!(
        (s.covert_check_starts, s.covert_check_ends),
        (day(2022, 1, 15), day(2022, 1, 25))
    );
}

#[test]
fn codes_and_labels_are_stable() {
    assert_eq!(RiskLevel::Red.code(), "red");
    assert_eq!(RiskLevel::Red.label_zh(), "红");
    assert!(RiskLevel::Green < RiskLevel::Yellow && RiskLevel::Orange < RiskLevel::Red);
    assert_eq!(
        "unregistered_venue".parse::<Category>(),
        Ok(Category::UnregisteredVenue)
    );
    assert!("nope".parse::<Category>().is_err());
    assert_eq!(
        serde_json::to_string(&FundUse::DivertedToAffiliates).unwrap(),
        "\"diverted_to_affiliates\""
    );
    let choices = Choices::default()
        .with(Marketing::SalesMeetings, true)
        .with(Marketing::Other, false);
    assert_eq!(
        serde_json::to_string(&choices).unwrap(),
        r#"{"other":false,"sales_meetings":true}"#
    );
    assert_eq!(choices.get(Marketing::FreeGifts), None);
    assert_eq!(
        choices.ticked().collect::<Vec<_>>(),
        vec![Marketing::SalesMeetings]
    );
}

#[test]
fn priority_targets() {
    let t = Thresholds::default();
    let mut f = sample_facility();
    assert!(f.is_priority(&t), "民办");
    f.profile.ownership = Some(Ownership::Public);
    assert!(f.is_priority(&t), "120 beds");
    f.profile.beds = Some(99);
    assert!(!f.is_priority(&t));
    f.profile
        .other_industries
        .set(Industry::HealthProducts, Some(true));
    assert!(f.is_priority(&t), "several industries");
}

#[test]
fn entry_states() {
    let mut f = sample_facility();
    let visit = &mut f.visits[0];
    assert_eq!(entry_state(visit, None), EntryState::Draft);
    visit.submitted_at = Some(ts("2022-01-16T12:00:00+08:00"));
    assert_eq!(entry_state(visit, None), EntryState::Submitted);
    let mut review = Review {
        visit: visit.id,
        state: ReviewState::Returned,
        state_at: ts("2022-01-16T15:00:00+08:00"),
        reviewer: UserId::random(),
        comments: Vec::new(),
        computed_level: None,
        confirmed_level: None,
        level_reason: String::new(),
    };
    assert_eq!(entry_state(visit, Some(&review)), EntryState::Returned);
    visit.submitted_at = Some(ts("2022-01-17T09:00:00+08:00"));
    assert_eq!(entry_state(visit, Some(&review)), EntryState::Resubmitted);
    review.state = ReviewState::Approved;
    assert_eq!(entry_state(visit, Some(&review)), EntryState::Approved);
}
