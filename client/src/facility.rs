//! Facility documents as the phone creates them, through the shared
//! document schema, so the server accepts exactly what the phone wrote.

use automerge::{ActorId, AutoCommit};
use mopai_shared::doc::{DocHeader, Scope, create, reconcile_body};
use mopai_shared::ids::{DocId, FacilityId, TownshipId};
use mopai_shared::model::{Facility, ListingSource};

/// A facility found on the spot: a new document in the inspector's township.
/// Errors are in words; they mean a bug, not bad input.
pub fn new_facility(
    name: &str,
    township: TownshipId,
    actor: ActorId,
) -> Result<(DocId, AutoCommit), String> {
    let id = DocId::facility(FacilityId::random());
    let header = DocHeader::new(id, Scope::Township(township));
    let mut doc = create::<Facility>(&header, actor).map_err(|e| e.to_string())?;
    let mut body = Facility {
        source: Some(ListingSource::Daily),
        ..Facility::default()
    };
    body.profile.name = name.to_string();
    reconcile_body(&mut doc, &body).map_err(|e| e.to_string())?;
    Ok((id, doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mopai_shared::doc::{DocKind, hydrate_doc};

    #[test]
    fn a_new_facility_keeps_its_name_and_township_across_save_and_load() {
        let township = TownshipId::random();
        let (id, mut doc) = new_facility("夕阳红养老院", township, ActorId::random()).unwrap();
        let loaded = AutoCommit::load(&doc.save()).unwrap();
        let body = hydrate_doc::<Facility, _>(&loaded).unwrap().body;
        assert_eq!(body.profile.name, "夕阳红养老院");
        assert_eq!(id.kind, DocKind::Facility);
        let header = mopai_shared::doc::read_header(&loaded).unwrap();
        assert_eq!(header.township, Scope::Township(township));
    }
}
