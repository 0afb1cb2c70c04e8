//! Facility documents as the phone creates and lists them, through the shared
//! document schema, so the server accepts exactly what the phone wrote.

use automerge::{ActorId, AutoCommit};
use mopai_shared::doc::{DocError, DocHeader, DocKind, Scope, create, hydrate_doc, reconcile_body};
use mopai_shared::ids::{DocId, FacilityId, TownshipId};
use mopai_shared::model::{Facility, ListingSource};

/// A facility found on the spot: a new document in the inspector's township.
pub fn new_facility(
    name: &str,
    township: TownshipId,
    actor: ActorId,
) -> Result<(DocId, AutoCommit), DocError> {
    let id = DocId::facility(FacilityId::random());
    let mut doc = create::<Facility>(&DocHeader::new(id, Scope::Township(township)), actor)?;
    let mut body = Facility {
        source: Some(ListingSource::Daily),
        ..Facility::default()
    };
    body.profile.name = name.to_string();
    reconcile_body(&mut doc, &body)?;
    Ok((id, doc))
}

/// The facility's name, if `id` names a facility document that reads.
pub fn facility_name(id: &str, doc: &AutoCommit) -> Option<String> {
    let id: DocId = id.parse().ok()?;
    if id.kind != DocKind::Facility {
        return None;
    }
    hydrate_doc::<Facility, _>(doc)
        .ok()
        .map(|d| d.body.profile.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_facility_keeps_its_name_and_township_across_save_and_load() {
        let township = TownshipId::random();
        let (id, mut doc) = new_facility("夕阳红养老院", township, ActorId::random()).unwrap();
        let loaded = AutoCommit::load(&doc.save()).unwrap();
        assert_eq!(
            facility_name(&id.to_string(), &loaded).as_deref(),
            Some("夕阳红养老院")
        );
        let header = mopai_shared::doc::read_header(&loaded).unwrap();
        assert_eq!(header.township, Scope::Township(township));
    }

    #[test]
    fn other_kinds_are_not_listed_as_facilities() {
        let (id, doc) = new_facility("甲", TownshipId::random(), ActorId::random()).unwrap();
        let review = format!("review:{}", id.uuid);
        assert_eq!(facility_name(&review, &doc), None);
    }
}
