//! The facility a `/facility/:id…` route names.

use std::rc::Rc;

use mopai_shared::ids::FacilityId;
use yew::prelude::*;

use super::use_app;
use crate::app::not_found;
use crate::docs::FacilityEntry;

/// What a `/facility/:id` route names, as far as the phone knows it.
pub enum FacilityRoute {
    /// Documents are still being read from IndexedDB.
    Loading,
    /// The id is malformed or no such facility is on this phone.
    Missing,
    Found(Rc<FacilityEntry>),
}

impl FacilityRoute {
    /// The entry, or the page to show instead of it.
    pub fn or_page(self) -> Result<Rc<FacilityEntry>, Html> {
        match self {
            FacilityRoute::Loading => Err(loading()),
            FacilityRoute::Missing => Err(not_found()),
            FacilityRoute::Found(entry) => Ok(entry),
        }
    }
}

fn loading() -> Html {
    html! { <main class="page"><p>{ "正在读取本机记录…" }</p></main> }
}

/// Resolves the route's facility id against the loaded documents.
#[hook]
pub fn use_facility_route(id: &str) -> FacilityRoute {
    let ctx = use_app();
    let state = &ctx.state;
    let Ok(id) = id.parse::<FacilityId>() else {
        return FacilityRoute::Missing;
    };
    match (state.facility(id), state.loaded) {
        (Some(entry), _) => FacilityRoute::Found(entry.clone()),
        (None, false) => FacilityRoute::Loading,
        (None, true) => FacilityRoute::Missing,
    }
}
