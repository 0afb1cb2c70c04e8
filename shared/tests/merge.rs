//! Concurrent edits: nothing is lost, same-field disagreements are listed with
//! both values and authors, saving a form does not settle them silently, and
//! `resolve_conflict` leaves one value.
#![cfg(not(target_arch = "wasm32"))] // proptest fixtures; these run natively

mod common;

use automerge::{AutoCommit, ReadDoc, ScalarValue, hydrate};
use common::*;
use mopai_shared::doc::{
    FieldPath, conflicts, create, hydrate_doc, open, read_header, reconcile_body, resolve_conflict,
};
use mopai_shared::ids::*;
use mopai_shared::model::*;
use uuid::Uuid;

fn facility(doc: &AutoCommit) -> Facility {
    hydrate_doc::<Facility, _>(doc).unwrap().body
}

fn edit(doc: &mut AutoCommit, change: impl FnOnce(&mut Facility)) {
    let mut f = facility(doc);
    change(&mut f);
    reconcile_body(doc, &f).unwrap();
}

/// The shared starting point, then two devices with their own actors.
fn two_devices() -> (AutoCommit, AutoCommit) {
    let (_, mut base) = new_doc::<Facility>(Uuid::from_u128(7), 1);
    reconcile_body(&mut base, &sample_facility()).unwrap();
    let bytes = base.save();
    (
        open(&bytes, actor(0xA)).unwrap(),
        open(&bytes, actor(0xB)).unwrap(),
    )
}

#[test]
fn concurrent_edits_merge_and_same_field_edits_conflict() {
    let (mut a, mut b) = two_devices();
    let interview = InterviewId::from_uuid(Uuid::from_u128(99));
    edit(&mut a, |f| {
        f.profile.name = "福寿康养老院（新址）".into();
        f.profile.beds = Some(150);
        f.visits[0]
            .findings
            .marketing
            .set(Marketing::SalesMeetings, Some(true));
        f.visits[0].findings.solvency = Some(Solvency::Insolvent);
    });
    edit(&mut b, |f| {
        f.profile.address = "开云镇解放路2号".into();
        f.profile.beds = Some(90);
        f.visits[0]
            .findings
            .marketing
            .set(Marketing::FreeGifts, Some(true));
        f.visits[0].findings.solvency = Some(Solvency::Solvent);
        f.visits[0]
            .interviews
            .push(ResidentInterview::new(interview));
    });
    a.merge(&mut b).unwrap();

    let merged = facility(&a);
    assert_eq!(merged.profile.name, "福寿康养老院（新址）");
    assert_eq!(merged.profile.address, "开云镇解放路2号");
    let ticked: Vec<_> = merged.visits[0].findings.marketing.ticked().collect();
    assert_eq!(ticked, vec![Marketing::SalesMeetings, Marketing::FreeGifts]);
    assert_eq!(merged.visits[0].interviews.len(), 2);
    assert_eq!(merged.visits[0].interviews[1].id, interview);

    let found = conflicts(&a);
    let paths: Vec<String> = found.iter().map(|c| c.path.to_string()).collect();
    let visit = sample_facility().visits[0].id;
    assert_eq!(
        paths,
        vec![
            "body.profile.beds".to_string(),
            format!("body.visits[{visit}].findings.solvency")
        ]
    );
    let beds = &found[0];
    let mut seen: Vec<(u64, _)> = beds
        .values
        .iter()
        .map(|v| match &v.value {
            hydrate::Value::Scalar(ScalarValue::Uint(n)) => (*n, v.actor.clone()),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    seen.sort();
    assert_eq!(seen, vec![(90, actor(0xB)), (150, actor(0xA))]);
    assert_eq!(beds.values.iter().filter(|v| v.shown).count(), 1);
}

#[test]
fn saving_a_form_after_a_merge_keeps_the_conflict() {
    let (mut a, mut b) = two_devices();
    edit(&mut a, |f| f.profile.beds = Some(150));
    edit(&mut b, |f| f.profile.beds = Some(90));
    a.merge(&mut b).unwrap();
    let mut plain = a.fork();

    // The phone saves an unrelated edit: the form holds the shown value.
    edit(&mut a, |f| f.profile.contact_phone = "0734-5812345".into());
    assert_eq!(conflicts(&a).len(), 1);

    // Plain autosurgeon would have settled it for the lead without asking.
    let mut f = facility(&plain);
    f.profile.contact_phone = "0734-5812345".into();
    autosurgeon::reconcile_prop(&mut plain, automerge::ROOT, "body", &f).unwrap();
    assert!(conflicts(&plain).is_empty());

    // A real edit of the conflicted field does settle it.
    edit(&mut a, |f| f.profile.beds = Some(100));
    assert!(conflicts(&a).is_empty());
}

#[test]
fn resolving_leaves_one_value_everywhere() {
    let (mut a, mut b) = two_devices();
    edit(&mut a, |f| f.profile.beds = Some(150));
    edit(&mut b, |f| f.profile.beds = Some(90));
    a.merge(&mut b).unwrap();

    let mut lead = a.fork().with_actor(actor(0xC));
    let conflict = conflicts(&lead).remove(0);
    let chosen = conflict
        .values
        .iter()
        .find(|v| v.actor == actor(0xB))
        .unwrap();
    resolve_conflict(&mut lead, &conflict.path, &chosen.value).unwrap();
    assert!(conflicts(&lead).is_empty());
    assert_eq!(facility(&lead).profile.beds, Some(90));

    let profile = match lead.get(automerge::ROOT, "body").unwrap() {
        Some((_, body)) => lead.get(&body, "profile").unwrap().unwrap().1,
        None => unreachable!(),
    };
    assert_eq!(lead.get_all(&profile, "beds").unwrap().len(), 1);

    // The resolution reaches both phones.
    a.merge(&mut lead).unwrap();
    b.merge(&mut lead).unwrap();
    assert_eq!(facility(&a).profile.beds, Some(90));
    assert!(conflicts(&b).is_empty());
}

#[test]
fn concurrently_created_objects_are_a_conflict_of_whole_values() {
    let (mut a, mut b) = two_devices();
    let fix = |lat| GpsFix {
        lat,
        lon: 112.8,
        accuracy_m: 10.0,
        taken_at: None,
    };
    edit(&mut a, |f| f.profile.gps = Some(fix(27.1)));
    edit(&mut b, |f| f.profile.gps = Some(fix(27.2)));
    a.merge(&mut b).unwrap();
    let found = conflicts(&a);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path.to_string(), "body.profile.gps");
    assert!(
        found[0]
            .values
            .iter()
            .all(|v| matches!(v.value, hydrate::Value::Map(_)))
    );
    let chosen = found[0]
        .values
        .iter()
        .find(|v| v.actor == actor(0xB))
        .unwrap()
        .value
        .clone();
    resolve_conflict(&mut a, &found[0].path, &chosen).unwrap();
    assert!(conflicts(&a).is_empty());
    assert_eq!(facility(&a).profile.gps, Some(fix(27.2)));
}

#[test]
fn two_devices_creating_the_same_document_share_its_root() {
    let id = DocId::review(FacilityId::from_uuid(Uuid::from_u128(5)));
    let header =
        mopai_shared::doc::DocHeader::new(id, mopai_shared::doc::Scope::Township(township()));
    let mut a = create::<FacilityReview>(&header, actor(0xA)).unwrap();
    let mut b = create::<FacilityReview>(&header, actor(0xB)).unwrap();
    let mut review = FacilityReview::default();
    review.disposal.responsible_unit = "开云镇人民政府".into();
    reconcile_body(&mut a, &review).unwrap();
    let mut review = FacilityReview::default();
    review.disposal.responsible_person = "李明".into();
    reconcile_body(&mut b, &review).unwrap();
    a.merge(&mut b).unwrap();
    assert!(conflicts(&a).is_empty());
    let merged = hydrate_doc::<FacilityReview, _>(&a).unwrap().body;
    assert_eq!(merged.disposal.responsible_unit, "开云镇人民政府");
    assert_eq!(merged.disposal.responsible_person, "李明");
    assert_eq!(read_header(&a).unwrap(), header);
}

#[test]
fn field_paths_parse_back() {
    for s in [
        "body.profile.beds",
        "body.visits[0b3c].findings.solvency",
        "body.profile.investors[#2]",
    ] {
        assert_eq!(s.parse::<FieldPath>().unwrap().to_string(), s);
    }
    for bad in ["body..x", "body[unclosed", "[#x]", "a.[b]"] {
        assert!(bad.parse::<FieldPath>().is_err(), "{bad}");
    }
}
