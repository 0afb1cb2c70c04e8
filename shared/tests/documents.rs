//! Document lifecycle: the migration path from an unversioned (v0) document
//! to the current schema, and the header checks the server relies on.
#![cfg(not(target_arch = "wasm32"))] // proptest fixtures; these run natively

mod common;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ROOT, ReadDoc};
use common::*;
use mopai_shared::doc::{
    DocError, DocHeader, HeaderError, MigrateError, Migration, SCHEMA_VERSION, Scope, conflicts,
    hydrate_doc, migrate, open, read_header, reconcile_body, township_unchanged,
};
use mopai_shared::ids::{DocId, FacilityId, TownshipId};
use mopai_shared::model::*;
use uuid::Uuid;

fn map(doc: &AutoCommit, path: &[&str]) -> ObjId {
    path.iter()
        .fold(ROOT, |obj, key| doc.get(&obj, *key).unwrap().unwrap().1)
}

/// A document as an older build wrote it: no schema version in the header,
/// and without fields the model gained since.
fn v0_document() -> Vec<u8> {
    let (_, mut doc) = new_doc::<Facility>(Uuid::from_u128(11), 1);
    reconcile_body(&mut doc, &sample_facility()).unwrap();
    let header = map(&doc, &["header"]);
    doc.delete(&header, "schema_version").unwrap();
    let body = map(&doc, &["body"]);
    doc.delete(&body, "source").unwrap();
    let profile = map(&doc, &["body", "profile"]);
    doc.delete(&profile, "care_staff").unwrap();
    doc.delete(&profile, "venue").unwrap();
    doc.save()
}

#[test]
fn version_0_documents_migrate_to_current() {
    let bytes = v0_document();
    let mut raw = AutoCommit::load(&bytes).unwrap();
    assert_eq!(read_header(&raw).unwrap().schema_version, 0);
    assert!(matches!(
        hydrate_doc::<Facility, _>(&raw),
        Err(DocError::WrongVersion { found: 0 })
    ));

    assert_eq!(
        migrate(&mut raw).unwrap(),
        Migration {
            from: 0,
            to: SCHEMA_VERSION
        }
    );
    let migrated = hydrate_doc::<Facility, _>(&raw).unwrap();
    assert_eq!(migrated.header.schema_version, SCHEMA_VERSION);
    let mut expected = sample_facility();
    expected.source = None;
    assert_eq!(migrated.body, expected, "values kept, absent fields empty");

    let heads = raw.get_heads();
    assert_eq!(
        migrate(&mut raw).unwrap(),
        Migration {
            from: SCHEMA_VERSION,
            to: SCHEMA_VERSION
        }
    );
    assert_eq!(raw.get_heads(), heads, "a current document is left alone");
}

#[test]
fn two_phones_migrating_offline_do_not_conflict() {
    let bytes = v0_document();
    let mut a = open(&bytes, actor(0xA)).unwrap();
    let mut b = open(&bytes, actor(0xB)).unwrap();
    a.merge(&mut b).unwrap();
    assert!(conflicts(&a).is_empty());
    assert_eq!(read_header(&a).unwrap().schema_version, SCHEMA_VERSION);
    hydrate_doc::<Facility, _>(&a).unwrap();
}

#[test]
fn newer_documents_are_refused() {
    let (_, mut doc) = new_doc::<Facility>(Uuid::from_u128(12), 1);
    let header = map(&doc, &["header"]);
    doc.put(&header, "schema_version", u64::from(SCHEMA_VERSION + 1))
        .unwrap();
    assert!(matches!(
        migrate(&mut doc),
        Err(MigrateError::TooNew { .. })
    ));
    assert!(open(&doc.save(), actor(2)).is_err());
}

#[test]
fn wrong_kind_is_refused() {
    let (_, doc) = new_doc::<Facility>(Uuid::from_u128(13), 1);
    assert!(matches!(
        hydrate_doc::<FacilityReview, _>(&doc),
        Err(DocError::WrongKind { .. })
    ));
}

#[test]
fn township_must_not_change() {
    let (_, before) = new_doc::<Facility>(Uuid::from_u128(14), 1);
    assert_eq!(
        read_header(&before).unwrap().township,
        Scope::Township(township())
    );

    let mut edited = open(&before.clone().save(), actor(2)).unwrap();
    reconcile_body(&mut edited, &sample_facility()).unwrap();
    assert_eq!(township_unchanged(&before, &edited), Ok(()));

    let other = TownshipId::from_uuid(Uuid::from_u128(0xbad));
    let mut moved = edited.fork();
    let header_obj = map(&moved, &["header"]);
    moved
        .put(&header_obj, "township", other.to_string())
        .unwrap();
    assert!(matches!(
        township_unchanged(&before, &moved),
        Err(HeaderError::Changed {
            field: "township",
            ..
        })
    ));

    // Two concurrent townships are a conflict, whichever value shows.
    let third = TownshipId::from_uuid(Uuid::from_u128(0xbee));
    let mut twin = edited.fork().with_actor(actor(3));
    twin.put(&header_obj, "township", third.to_string())
        .unwrap();
    twin.merge(&mut moved).unwrap();
    assert_eq!(
        township_unchanged(&before, &twin),
        Err(HeaderError::Conflicting { field: "township" })
    );
}

#[test]
fn the_same_document_created_under_two_townships_is_a_conflict() {
    let id = DocId::facility(FacilityId::from_uuid(Uuid::from_u128(15)));
    let other = Scope::Township(TownshipId::from_uuid(Uuid::from_u128(0xbad)));
    let mut a = mopai_shared::doc::create::<Facility>(
        &DocHeader::new(id, Scope::Township(township())),
        actor(1),
    )
    .unwrap();
    let mut b =
        mopai_shared::doc::create::<Facility>(&DocHeader::new(id, other), actor(2)).unwrap();
    a.merge(&mut b).unwrap();
    assert_eq!(
        read_header(&a),
        Err(HeaderError::Conflicting { field: "header" })
    );
}
