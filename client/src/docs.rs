//! The documents on this phone, read from their stored bytes into typed
//! values: facility entries (with their unsynced flag and conflicts), the
//! lead's reviews, the county's records, the township log and the county
//! settings.
//!
//! Pure: the IndexedDB layer hands over bytes, so loading is tested natively.
//! A document that cannot be read is reported by id, never silently dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use automerge::{AutoCommit, ScalarValue, hydrate};
use mopai_shared::doc::{DocError, DocKind, FieldConflict, conflicts, hydrate_doc, read_header};
use mopai_shared::ids::{DocId, FacilityId, TownshipId};
use mopai_shared::model::{CountyRecord, CountySettings, Facility, FacilityReview, TownshipLog};
use mopai_shared::sync::Replica;

use crate::form::field::Opt;
use crate::form::labels::describe;

/// A stored document with its sync state, if it was ever synced.
pub struct StoredDoc {
    pub id: String,
    pub doc: Vec<u8>,
    pub sync_state: Option<Vec<u8>>,
}

/// One facility as the pages use it.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityEntry {
    pub id: FacilityId,
    pub township: Option<TownshipId>,
    pub body: Facility,
    /// Has changes the server has not acknowledged.
    pub unsynced: bool,
    pub conflicts: Vec<ConflictView>,
}

/// A field two people set differently offline, as the facility page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictView {
    /// The conflict path, e.g. `body.profile.beds`.
    pub path: String,
    /// What the field is called on the forms.
    pub label: String,
    pub values: Vec<ConflictValueView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictValueView {
    pub text: String,
    /// The first 8 hex digits of the author's actor id.
    pub author: String,
    /// The value the forms show until the lead picks one.
    pub shown: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Library {
    pub facilities: BTreeMap<FacilityId, Rc<FacilityEntry>>,
    pub reviews: Rc<BTreeMap<FacilityId, FacilityReview>>,
    pub county: Rc<BTreeMap<FacilityId, CountyRecord>>,
    /// `CountySettings::default()` until the settings document has synced.
    pub settings: Rc<CountySettings>,
    pub has_settings: bool,
    /// The township's work log (the lead's), once created or synced.
    pub township_log: Option<Rc<TownshipLog>>,
    /// Reviews, county records and the township log with changes the
    /// server has not acknowledged; facilities keep their own flag.
    pub unsynced_docs: BTreeSet<DocId>,
    /// `"{id}: {reason}"` for each document that could not be read.
    pub unreadable: Vec<String>,
}

/// Reads every stored document.
pub fn load(stored: impl IntoIterator<Item = StoredDoc>) -> Library {
    let mut lib = Library::default();
    let (mut reviews, mut county) = (BTreeMap::new(), BTreeMap::new());
    for s in stored {
        if let Err(reason) = load_one(&s, &mut lib, &mut reviews, &mut county) {
            lib.unreadable.push(format!("{}：{reason}", s.id));
        }
    }
    lib.reviews = Rc::new(reviews);
    lib.county = Rc::new(county);
    lib
}

fn load_one(
    s: &StoredDoc,
    lib: &mut Library,
    reviews: &mut BTreeMap<FacilityId, FacilityReview>,
    county: &mut BTreeMap<FacilityId, CountyRecord>,
) -> Result<(), String> {
    let id: DocId = s.id.parse().map_err(|e| format!("{e}"))?;
    let mut replica = Replica::restore(&s.doc, s.sync_state.as_deref().unwrap_or(&[]))
        .map_err(|e| e.to_string())?;
    let unsynced = replica.has_unsent_changes();
    let doc = &replica.doc;
    let text = |e: DocError| e.to_string();
    if unsynced
        && matches!(
            id.kind,
            DocKind::Review | DocKind::County | DocKind::TownshipLog
        )
    {
        lib.unsynced_docs.insert(id);
    }
    match (id.kind, id.facility_id()) {
        (DocKind::Facility, Some(f)) => {
            let entry = facility_entry(f, doc, unsynced)?;
            lib.facilities.insert(f, Rc::new(entry));
        }
        (DocKind::Review, Some(f)) => {
            reviews.insert(f, hydrate_doc::<FacilityReview, _>(doc).map_err(text)?.body);
        }
        (DocKind::County, Some(f)) => {
            county.insert(f, hydrate_doc::<CountyRecord, _>(doc).map_err(text)?.body);
        }
        (DocKind::Settings, _) => {
            lib.settings = Rc::new(hydrate_doc::<CountySettings, _>(doc).map_err(text)?.body);
            lib.has_settings = true;
        }
        // A township user reads one township, so at most one log is here.
        (DocKind::TownshipLog, _) => {
            let log = hydrate_doc::<TownshipLog, _>(doc).map_err(text)?.body;
            lib.township_log = Some(Rc::new(log));
        }
        _ => {}
    }
    Ok(())
}

/// One facility document as an entry.
pub fn facility_entry(
    id: FacilityId,
    doc: &AutoCommit,
    unsynced: bool,
) -> Result<FacilityEntry, String> {
    let header = read_header(doc).map_err(|e| e.to_string())?;
    let body = hydrate_doc::<Facility, _>(doc)
        .map_err(|e| e.to_string())?
        .body;
    Ok(FacilityEntry {
        id,
        township: header.township.township(),
        body,
        unsynced,
        conflicts: conflicts(doc).iter().map(conflict_view).collect(),
    })
}

fn conflict_view(c: &FieldConflict) -> ConflictView {
    let (label, coded) = describe(&c.path.0);
    ConflictView {
        path: c.path.to_string(),
        label,
        values: c
            .values
            .iter()
            .map(|v| ConflictValueView {
                text: value_text(&v.value, coded.as_deref()),
                author: v.actor.to_hex_string().chars().take(8).collect(),
                shown: v.shown,
            })
            .collect(),
    }
}

fn value_text(value: &hydrate::Value, coded: Option<&[Opt]>) -> String {
    match value {
        hydrate::Value::Scalar(s) => match s {
            ScalarValue::Str(s) => coded
                .and_then(|opts| opts.iter().find(|o| o.0 == s.as_str()))
                .map_or_else(|| s.to_string(), |o| o.1.to_owned()),
            ScalarValue::Boolean(true) => "是".into(),
            ScalarValue::Boolean(false) => "否".into(),
            ScalarValue::Int(n) => n.to_string(),
            ScalarValue::Uint(n) => n.to_string(),
            ScalarValue::F64(n) => n.to_string(),
            ScalarValue::Null => "（未填）".into(),
            other => other.to_string(),
        },
        _ => "（一组数据）".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facility::new_facility;
    use automerge::ActorId;
    use mopai_shared::doc::{DocHeader, Scope, create, reconcile_body};
    use mopai_shared::ids::CountyId;
    use mopai_shared::model::Ownership;

    fn stored(id: DocId, doc: &mut AutoCommit) -> StoredDoc {
        StoredDoc {
            id: id.to_string(),
            doc: doc.save(),
            sync_state: None,
        }
    }

    #[test]
    fn every_kind_is_read_and_bad_bytes_are_reported() {
        let township = TownshipId::random();
        let (id, mut facility) = new_facility("夕阳红", township, ActorId::random()).unwrap();
        let fid = id.facility_id().unwrap();
        let review_id = DocId::review(fid);
        let mut review = create::<FacilityReview>(
            &DocHeader::new(review_id, Scope::Township(township)),
            ActorId::random(),
        )
        .unwrap();
        let settings_id = DocId::settings(CountyId::random());
        let mut settings = create::<CountySettings>(
            &DocHeader::new(settings_id, Scope::County),
            ActorId::random(),
        )
        .unwrap();
        let mut body = CountySettings::default();
        body.thresholds.priority_beds = 50;
        reconcile_body(&mut settings, &body).unwrap();
        let lib = load([
            stored(id, &mut facility),
            stored(review_id, &mut review),
            stored(settings_id, &mut settings),
            StoredDoc {
                id: DocId::county(fid).to_string(),
                doc: vec![1, 2, 3],
                sync_state: None,
            },
        ]);
        let entry = &lib.facilities[&fid];
        assert_eq!(entry.body.profile.name, "夕阳红");
        assert_eq!(entry.township, Some(township));
        assert!(entry.unsynced, "never synced");
        assert!(lib.reviews.contains_key(&fid));
        assert_eq!(lib.settings.thresholds.priority_beds, 50);
        assert!(lib.has_settings);
        assert_eq!(lib.unreadable.len(), 1);
        assert!(lib.unreadable[0].starts_with("county:"));
    }

    #[test]
    fn concurrent_edits_show_both_values_with_labels() {
        let (id, mut a) = new_facility("甲", TownshipId::random(), ActorId::random()).unwrap();
        let mut b = a.fork().with_actor(ActorId::random());
        let edit = |doc: &mut AutoCommit, beds, ownership| {
            let mut body = hydrate_doc::<Facility, _>(doc).unwrap().body;
            body.profile.beds = Some(beds);
            body.profile.ownership = Some(ownership);
            reconcile_body(doc, &body).unwrap();
        };
        edit(&mut a, 80, Ownership::Private);
        edit(&mut b, 120, Ownership::PublicBuiltPrivatelyRun);
        a.merge(&mut b).unwrap();
        let entry = facility_entry(id.facility_id().unwrap(), &a, true).unwrap();
        let beds = entry
            .conflicts
            .iter()
            .find(|c| c.path == "body.profile.beds")
            .expect("beds conflict");
        assert_eq!(beds.label, "床位数");
        let mut texts: Vec<_> = beds.values.iter().map(|v| v.text.as_str()).collect();
        texts.sort();
        assert_eq!(texts, vec!["120", "80"]);
        assert_eq!(beds.values.iter().filter(|v| v.shown).count(), 1);
        let ownership = entry
            .conflicts
            .iter()
            .find(|c| c.path == "body.profile.ownership")
            .expect("ownership conflict");
        let mut texts: Vec<_> = ownership.values.iter().map(|v| v.text.as_str()).collect();
        texts.sort();
        assert_eq!(texts, vec!["公建民营", "民办"]);
    }

    #[test]
    fn visit_paths_are_named_by_their_form_labels() {
        let segs: Vec<mopai_shared::doc::PathSeg> = "body.visits[x].findings.solvency"
            .parse::<mopai_shared::doc::FieldPath>()
            .unwrap()
            .0;
        assert_eq!(describe(&segs).0, "走访记录·资产负债情况");
        let segs = "body.visits[x].interviews[y].label"
            .parse::<mopai_shared::doc::FieldPath>()
            .unwrap()
            .0;
        assert_eq!(describe(&segs).0, "询问记录·称呼");
        let segs = "body.profile.other_industries.tourism"
            .parse::<mopai_shared::doc::FieldPath>()
            .unwrap()
            .0;
        assert_eq!(describe(&segs).0, "涉足其他产业·旅游");
    }
}
