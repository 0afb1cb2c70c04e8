//! One case per validation rule, each starting from a valid body and breaking
//! one thing; a final check proves every rule in `ALL_RULES` was exercised.
#![cfg(not(target_arch = "wasm32"))] // proptest fixtures; these run natively

mod common;

use std::collections::BTreeSet;

use common::*;
use mopai_shared::ids::*;
use mopai_shared::model::*;
use mopai_shared::validate::*;
use uuid::Uuid;

fn today() -> Day {
    day(2022, 1, 20)
}

fn facility_with(change: impl FnOnce(&mut Facility)) -> Vec<ValidationError> {
    let mut f = sample_facility();
    change(&mut f);
    validate_facility(&f, today())
}

fn visit_with(change: impl FnOnce(&mut Visit)) -> Vec<ValidationError> {
    facility_with(|f| change(&mut f.visits[0]))
}

fn prepay_with(change: impl FnOnce(&mut Prepayment)) -> Vec<ValidationError> {
    visit_with(|v| change(&mut v.findings.prepayment))
}

fn with_uscc(uscc: &str) -> Vec<ValidationError> {
    let uscc = uscc.to_owned();
    facility_with(move |f| f.profile.uscc = uscc)
}

fn sample_review() -> FacilityReview {
    let user = UserId::from_uuid(Uuid::from_u128(1));
    let at = ts("2022-01-17T10:00:00+08:00");
    FacilityReview {
        reviews: vec![Review {
            visit: sample_facility().visits[0].id,
            state: ReviewState::Returned,
            state_at: at,
            reviewer: user,
            comments: vec![Comment {
                id: CommentId::from_uuid(Uuid::from_u128(5)),
                author: user,
                at,
                text: "请补充".into(),
            }],
            computed_level: Some(RiskLevel::Yellow),
            confirmed_level: Some(RiskLevel::Yellow),
            level_reason: String::new(),
        }],
        signoff: None,
        reported_to_county_at: None,
        disposal: DisposalPlan {
            measures: vec![Measure {
                id: MeasureId::from_uuid(Uuid::from_u128(6)),
                kind: MeasureKind::WarningTalk,
                detail: String::new(),
                done_on: Some(day(2022, 1, 18)),
                refunded_yuan: None,
            }],
            responsible_unit: "开云镇人民政府".into(),
            responsible_person: "李明".into(),
            deadline: Some(day(2022, 3, 31)),
            progress: Vec::new(),
            resolved_on: None,
        },
    }
}

fn review_with(change: impl FnOnce(&mut FacilityReview)) -> Vec<ValidationError> {
    let mut r = sample_review();
    change(&mut r);
    validate_review(&r, today())
}

fn sample_check() -> OnlineCheck {
    OnlineCheck {
        id: CheckId::from_uuid(Uuid::from_u128(7)),
        source: CheckSource::CreditChina,
        subject: "福寿康养老院".into(),
        finding: Some(CheckFinding::BlacklistEnterprise),
        detail: String::new(),
        checked_on: day(2022, 1, 19),
        reference: "信用中国 2022-01-19 查询".into(),
        checked_by: UserId::from_uuid(Uuid::from_u128(1)),
    }
}

fn county_with(change: impl FnOnce(&mut OnlineCheck)) -> Vec<ValidationError> {
    let mut check = sample_check();
    change(&mut check);
    let record = CountyRecord {
        online_checks: vec![check],
        notes: Vec::new(),
    };
    validate_county_record(&record, today())
}

fn sample_settings() -> CountySettings {
    let mut s = CountySettings {
        county_name: "衡山县".into(),
        ..CountySettings::default()
    };
    for (n, name) in [(1, "开云镇"), (2, "白果镇")] {
        let id = TownshipId::from_uuid(Uuid::from_u128(n));
        s.townships.push(Township {
            id,
            name: name.into(),
            active: true,
        });
    }
    s
}

fn settings_with(change: impl FnOnce(&mut CountySettings)) -> Vec<ValidationError> {
    let mut s = sample_settings();
    change(&mut s);
    validate_settings(&s)
}

fn sample_log() -> TownshipLog {
    TownshipLog {
        leadership_group: vec![GroupMember {
            id: MemberId::from_uuid(Uuid::from_u128(8)),
            name: "王强".into(),
            position: "副镇长".into(),
            group_role: Some(GroupRole::Leader),
            phone: String::new(),
        }],
        work_plan: WorkPlan::default(),
        activities: vec![PublicityActivity {
            id: ActivityId::from_uuid(Uuid::from_u128(9)),
            date: day(2022, 1, 10),
            venue_type: VenueType::Park,
            venue: "人民公园".into(),
            participants: 80,
            note: String::new(),
        }],
    }
}

fn log_with(change: impl FnOnce(&mut TownshipLog)) -> Vec<ValidationError> {
    let mut log = sample_log();
    change(&mut log);
    validate_township_log(&log, today())
}

fn uscc_with_check(first17: &str) -> String {
    format!("{first17}{}", uscc_check_char(first17).unwrap())
}

#[test]
fn valid_samples_pass() {
    assert_eq!(validate_facility(&sample_facility(), today()), vec![]);
    assert_eq!(validate_review(&sample_review(), today()), vec![]);
    assert_eq!(county_with(|_| {}), vec![]);
    assert_eq!(validate_settings(&sample_settings()), vec![]);
    assert_eq!(validate_township_log(&sample_log(), today()), vec![]);
    let phone = visit_with(|v| v.interviews[0].notes = "家属电话13812345678".into());
    assert_eq!(phone, vec![], "a phone number is not an ID number");
}

#[test]
fn uscc_check_character_matches_known_codes() {
    // 91350100M000100Y43 is the example the brief names; the others are
    // published codes of well-known companies, as a cross-check.
    let known = [
        "91350100M000100Y43",
        "91110108551385082Q",
        "914403001922038216",
        "91330100799655058B",
    ];
    for code in known {
        assert_eq!(uscc_check_char(&code[..17]), code.chars().last(), "{code}");
        assert_eq!(validate_uscc(code, "uscc"), vec![], "{code}");
        assert_eq!(uscc_legal_form(code), Some(LegalForm::Enterprise));
    }
    assert_eq!(uscc_check_char("91350100M000100Y4"), Some('3'));
    let computed = [
        ("52430423MJ0000000", LegalForm::PrivateNonEnterprise),
        ("12430423MB1234567", LegalForm::PublicInstitution),
        ("92430423MA4L00000", LegalForm::IndividualBusiness),
    ];
    for (first17, form) in computed {
        let code = uscc_with_check(first17);
        assert_eq!(validate_uscc(&code, "uscc"), vec![], "{code}");
        assert_eq!(uscc_legal_form(&code), Some(form));
    }
    assert_eq!(uscc_check_char("too short"), None);
    assert_eq!(
        uscc_check_char("91350100M000100YI"),
        None,
        "I is not a code character"
    );
}

#[test]
fn every_rule_fires_where_expected() {
    let visit = sample_facility().visits[0].id;
    let interview = sample_facility().visits[0].interviews[0].id;
    let photo = sample_facility().visits[0].photos[0].id;
    let v = |rest: &str| format!("visits[{visit}].{rest}");
    let prepay = |rest: &str| v(&format!("findings.prepayment.{rest}"));
    let review = sample_review().reviews[0].visit;
    let check = sample_check().id;
    let activity = sample_log().activities[0].id;
    let member = sample_log().leadership_group[0].id;

    let cases: Vec<(Rule, String, Vec<ValidationError>)> = vec![
        (
            REQUIRED,
            "profile.name".into(),
            facility_with(|f| f.profile.name.clear()),
        ),
        (
            REQUIRED,
            format!("leadership_group[{member}].name"),
            log_with(|l| l.leadership_group[0].name.clear()),
        ),
        (
            CATEGORY_REQUIRED,
            "category".into(),
            facility_with(|f| f.category = None),
        ),
        (
            USCC_REQUIRED,
            "profile.uscc".into(),
            facility_with(|f| f.profile.uscc.clear()),
        ),
        (USCC_LENGTH, "profile.uscc".into(), with_uscc("5243042")),
        (
            USCC_CHARSET,
            "profile.uscc".into(),
            with_uscc("52430423mj0000000E"),
        ),
        (
            USCC_CHARSET,
            "profile.uscc".into(),
            with_uscc("52430423MJ000000OE"),
        ),
        (
            USCC_REGION,
            "profile.uscc".into(),
            with_uscc("52A30423MJ0000000E"),
        ),
        (
            USCC_CHECK_CHAR,
            "profile.uscc".into(),
            with_uscc("52430423MJ0000000F"),
        ),
        (
            USCC_CHECK_CHAR,
            "profile.uscc".into(),
            with_uscc("91350100M000100Y44"),
        ),
        (
            USCC_REGISTRATION_TYPE,
            "profile.uscc".into(),
            with_uscc(&uscc_with_check("51430423MJ0000000")),
        ),
        (
            USCC_LEGAL_FORM_MISMATCH,
            "profile.legal_form".into(),
            facility_with(|f| f.profile.legal_form = Some(LegalForm::Enterprise)),
        ),
        (
            FILING_REQUIRED,
            "profile.filing_receipt_no".into(),
            facility_with(|f| f.profile.filing_receipt_no.clear()),
        ),
        (
            FILING_UNEXPECTED,
            "profile.filing_authority".into(),
            facility_with(|f| {
                f.category = Some(Category::UnfiledInstitution);
                f.profile.filing_date = None;
                f.profile.filing_receipt_no.clear();
            }),
        ),
        (
            VENUE_NATURE_REQUIRED,
            "profile.venue.nature".into(),
            facility_with(|f| f.category = Some(Category::UnregisteredVenue)),
        ),
        (
            VENUE_RESIDENTS_REQUIRED,
            "profile.residents".into(),
            facility_with(|f| {
                f.category = Some(Category::UnregisteredVenue);
                f.profile.venue.nature = Some(VenueNature::Individual);
                f.profile.residents = None;
            }),
        ),
        (
            AMOUNT_NEGATIVE,
            prepay("total_yuan"),
            prepay_with(|p| {
                p.total_yuan = Some(-1);
                p.max_per_person_yuan = None;
            }),
        ),
        (
            AMOUNT_NEGATIVE,
            v(&format!("interviews[{interview}].prepaid_yuan")),
            visit_with(|v| v.interviews[0].prepaid_yuan = Some(-5)),
        ),
        (
            AMOUNT_TOO_LARGE,
            prepay("total_yuan"),
            prepay_with(|p| p.total_yuan = Some(MAX_YUAN + 1)),
        ),
        (
            COUNT_TOO_LARGE,
            "profile.beds".into(),
            facility_with(|f| f.profile.beds = Some(MAX_COUNT + 1)),
        ),
        (
            COUNT_TOO_LARGE,
            format!("activities[{activity}].participants"),
            log_with(|l| l.activities[0].participants = 200_000),
        ),
        (
            MONTHS_TOO_LARGE,
            prepay("longest_months"),
            prepay_with(|p| p.longest_months = Some(1_201)),
        ),
        (
            PREPAY_MAX_EXCEEDS_TOTAL,
            prepay("max_per_person_yuan"),
            prepay_with(|p| p.max_per_person_yuan = Some(700_000)),
        ),
        (
            PREPAY_NOT_COLLECTED,
            prepay("collected"),
            prepay_with(|p| p.collected = Some(false)),
        ),
        (
            PREPAY_PERSONS_REQUIRED,
            prepay("persons"),
            prepay_with(|p| p.persons = None),
        ),
        (
            INSPECTORS_REQUIRED,
            v("inspectors"),
            visit_with(|v| v.inspectors.clear()),
        ),
        (
            METHOD_REASON_REQUIRED,
            v("method_reason"),
            visit_with(|v| v.method = Some(Method::Phone)),
        ),
        (
            FRAUD_BASIS_REQUIRED,
            v("findings.suspected_fraud_basis"),
            visit_with(|v| v.findings.suspected_fraud = Some(true)),
        ),
        (
            OTHER_RISK_REASON_REQUIRED,
            v("findings.other_risk_reason"),
            visit_with(|v| v.findings.other_risk = Some(true)),
        ),
        (
            RESIDENT_ID_NUMBER,
            v(&format!("interviews[{interview}].label")),
            visit_with(|v| v.interviews[0].label = "王奶奶 43042319400101123X".into()),
        ),
        (
            RESIDENT_ID_NUMBER,
            v(&format!("interviews[{interview}].notes")),
            visit_with(|v| v.interviews[0].notes = "旧证430423400101123".into()),
        ),
        (
            PHOTO_SHA256,
            v(&format!("photos[{photo}].sha256")),
            visit_with(|v| v.photos[0].sha256 = "AB".repeat(32)),
        ),
        (
            PHOTO_MIME,
            v(&format!("photos[{photo}].mime")),
            visit_with(|v| v.photos[0].mime = "application/pdf".into()),
        ),
        (
            PHOTO_SIZE,
            v(&format!("photos[{photo}].size_bytes")),
            visit_with(|v| v.photos[0].size_bytes = 0),
        ),
        (
            PHOTO_SIZE,
            v(&format!("photos[{photo}].size_bytes")),
            visit_with(|v| v.photos[0].size_bytes = MAX_PHOTO_BYTES + 1),
        ),
        (
            LEVEL_OVERRIDE_REASON,
            format!("reviews[{review}].level_reason"),
            review_with(|r| r.reviews[0].confirmed_level = Some(RiskLevel::Orange)),
        ),
        (
            RETURN_COMMENT_REQUIRED,
            format!("reviews[{review}].comments"),
            review_with(|r| r.reviews[0].comments.clear()),
        ),
        (
            DISPOSAL_RESPONSIBLE_REQUIRED,
            "disposal.responsible_person".into(),
            review_with(|r| r.disposal.responsible_person.clear()),
        ),
        (
            DISPOSAL_DEADLINE_REQUIRED,
            "disposal.deadline".into(),
            review_with(|r| r.disposal.deadline = None),
        ),
        (
            CHECK_REFERENCE_REQUIRED,
            format!("online_checks[{check}].reference"),
            county_with(|c| c.reference.clear()),
        ),
        (
            DATE_OUT_OF_RANGE,
            "profile.filing_date".into(),
            facility_with(|f| f.profile.filing_date = Some(day(1900, 1, 1))),
        ),
        (
            DATE_OUT_OF_RANGE,
            "disposal.deadline".into(),
            review_with(|r| r.disposal.deadline = Some(day(2200, 1, 1))),
        ),
        (
            DATE_IN_FUTURE,
            v("arrived_at"),
            visit_with(|v| v.arrived_at = Some(ts("2022-02-01T09:00:00+08:00"))),
        ),
        (
            DATE_IN_FUTURE,
            format!("online_checks[{check}].checked_on"),
            county_with(|c| c.checked_on = day(2022, 1, 21)),
        ),
        (
            SCHEDULE_ORDER,
            "schedule.covert_check_ends".into(),
            settings_with(|s| s.schedule.covert_check_ends = day(2022, 1, 10)),
        ),
        (
            GPS_RANGE,
            v("gps"),
            visit_with(|v| v.gps.as_mut().unwrap().lat = 91.0),
        ),
        (
            GPS_RANGE,
            v("gps"),
            visit_with(|v| v.gps.as_mut().unwrap().lon = f64::NAN),
        ),
        (
            GPS_OUTSIDE_CHINA,
            v("gps"),
            visit_with(|v| {
                v.gps = Some(GpsFix {
                    lat: 0.0,
                    lon: 0.0,
                    accuracy_m: 5.0,
                    taken_at: None,
                })
            }),
        ),
        (
            GPS_ACCURACY,
            v("gps"),
            visit_with(|v| v.gps.as_mut().unwrap().accuracy_m = -1.0),
        ),
        (
            THRESHOLD_INVALID,
            "thresholds.priority_beds".into(),
            settings_with(|s| s.thresholds.priority_beds = 0),
        ),
        (
            THRESHOLD_INVALID,
            "thresholds.large_prepay_total_yuan".into(),
            settings_with(|s| s.thresholds.large_prepay_total_yuan = 0),
        ),
        (
            TOWNSHIP_NAME_DUPLICATE,
            format!("townships[{}].name", sample_settings().townships[1].id),
            settings_with(|s| s.townships[1].name = "开云镇".into()),
        ),
    ];

    let mut fired = BTreeSet::new();
    for (rule, field, errors) in &cases {
        assert!(
            errors
                .iter()
                .any(|e| e.code == rule.code && &e.field == field),
            "{} at {field}: got {errors:#?}",
            rule.code
        );
        let stray: Vec<_> = errors.iter().filter(|e| e.code != rule.code).collect();
        assert!(
            stray.is_empty(),
            "{}: unrelated errors {stray:#?}",
            rule.code
        );
        let error = errors.iter().find(|e| e.code == rule.code).unwrap();
        assert_eq!(error.message_zh, rule.message_zh);
        fired.insert(rule.code);
    }
    let all: BTreeSet<_> = ALL_RULES.iter().map(|r| r.code).collect();
    assert_eq!(fired, all, "every rule needs a case");
}
