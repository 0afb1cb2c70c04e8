//! Settling a field two people set differently offline: the lead taps one
//! of the values the page shows, and that value is written over all of them
//! with [`resolve_conflict`], as a new change that every phone merges.
//!
//! The page names the value as it showed it ([`ConflictPick`]: path, author,
//! text). The writer finds it again in the document *as stored now*: a sync
//! in between may have settled or changed the conflict, and then the pick is
//! refused rather than applied to something the lead did not see.

use automerge::AutoCommit;
use mopai_shared::doc::{FieldPath, conflicts, resolve_conflict};
use mopai_shared::ids::FacilityId;

use crate::docs::facility_entry;

/// One value of one conflict, as the page showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictPick {
    /// The conflict's path, e.g. `body.profile.beds`.
    pub path: String,
    /// The first 8 hex digits of the value's author.
    pub author: String,
    /// The value as shown.
    pub text: String,
}

/// Writes the picked value over every concurrent value of its field.
pub fn resolve(
    doc: &mut AutoCommit,
    facility: FacilityId,
    pick: &ConflictPick,
) -> Result<(), String> {
    let gone = || format!("“{}”的冲突已变化，请刷新后重新选择", pick.text);
    let views = facility_entry(facility, doc, false)?.conflicts;
    let raw = conflicts(doc);
    // `facility_entry` lists the conflicts of `conflicts` in the same order.
    let (view, found) = views
        .iter()
        .zip(&raw)
        .find(|(v, _)| v.path == pick.path)
        .ok_or_else(gone)?;
    let i = view
        .values
        .iter()
        .position(|v| v.author == pick.author && v.text == pick.text)
        .ok_or_else(gone)?;
    let path: FieldPath = pick.path.parse().map_err(|e| format!("{e}"))?;
    resolve_conflict(doc, &path, &found.values[i].value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facility::new_facility;
    use automerge::ActorId;
    use mopai_shared::doc::{hydrate_doc, reconcile_body};
    use mopai_shared::ids::TownshipId;
    use mopai_shared::model::Facility;

    fn set_beds(doc: &mut AutoCommit, beds: u32) {
        let mut body = hydrate_doc::<Facility, _>(doc).unwrap().body;
        body.profile.beds = Some(beds);
        reconcile_body(doc, &body).unwrap();
    }

    #[test]
    fn the_picked_value_wins_on_every_copy() {
        let (id, mut a) = new_facility("甲", TownshipId::random(), ActorId::random()).unwrap();
        let facility = id.facility_id().unwrap();
        let mut b = a.fork().with_actor(ActorId::random());
        set_beds(&mut a, 80);
        set_beds(&mut b, 120);
        a.merge(&mut b).unwrap();
        let mut lead = a.fork().with_actor(ActorId::random());
        let entry = facility_entry(facility, &lead, false).unwrap();
        let conflict = &entry.conflicts[0];
        let value = conflict.values.iter().find(|v| v.text == "120").unwrap();
        let pick = ConflictPick {
            path: conflict.path.clone(),
            author: value.author.clone(),
            text: value.text.clone(),
        };
        resolve(&mut lead, facility, &pick).unwrap();
        // The inspectors' copies merge the lead's change.
        for copy in [&mut a, &mut b] {
            copy.merge(&mut lead).unwrap();
            let entry = facility_entry(facility, copy, false).unwrap();
            assert!(entry.conflicts.is_empty(), "{:?}", entry.conflicts);
            assert_eq!(entry.body.profile.beds, Some(120));
        }
        // Picking again, now that nothing conflicts, is refused in words.
        let again = resolve(&mut lead, facility, &pick).unwrap_err();
        assert!(again.contains("已变化"), "{again}");
    }
}
