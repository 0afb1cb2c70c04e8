//! The facility and visit a `/facility/:id/visit/:visit` route names.

use std::rc::Rc;

use mopai_shared::ids::VisitId;
use mopai_shared::model::Visit;
use yew::prelude::*;

use super::use_facility_route;
use crate::app::not_found;
use crate::docs::FacilityEntry;

/// The entry and its visit, or the page to show instead (still loading, or
/// not on this phone).
#[hook]
pub fn use_visit_route(facility: &str, visit: &str) -> Result<(Rc<FacilityEntry>, Visit), Html> {
    let entry = use_facility_route(facility).or_page()?;
    let id = visit.parse::<VisitId>().ok();
    let visit = entry.body.visits.iter().find(|v| Some(v.id) == id).cloned();
    visit.map(|v| (entry, v)).ok_or_else(not_found)
}
