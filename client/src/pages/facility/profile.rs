//! The facility's profile, editable in place: every change is saved to the
//! phone at once. Sections follow `form::profile::PROFILE_SECTIONS`; the
//! less used ones start folded. Validation messages (USCC check character,
//! filing details, …) show under their fields but never block saving.
//!
//! Element ids: `#profile`, one `details.profile-section` per section, field
//! controls `#f-<key>` (e.g. `#f-profile-name`, `#f-profile-uscc`,
//! `#f-category-filed_institution`, `#f-profile-beds`), messages
//! `#f-<key>-error`, and `#uscc-form` (the registration type the USCC encodes).

use std::rc::Rc;

use mopai_shared::validate::{uscc_legal_form, validate_facility, validate_uscc};
use yew::prelude::*;

use crate::components::field::field_html;
use crate::docs::FacilityEntry;
use crate::form::edit::Target;
use crate::form::field::find;
use crate::form::profile::{FACILITY_FIELDS, PROFILE_SECTIONS};
use crate::hooks::use_app;

#[derive(Properties, PartialEq)]
pub struct ProfileProps {
    pub entry: Rc<FacilityEntry>,
}

#[function_component]
pub fn Profile(props: &ProfileProps) -> Html {
    let ctx = use_app();
    let facility = &props.entry.body;
    let id = props.entry.id;
    let errors = validate_facility(facility, crate::clock::now().day());
    let error_for = |key: &str| {
        errors
            .iter()
            .find(|e| e.field == key)
            .map(|e| e.message_zh.as_str())
    };
    let uscc = &facility.profile.uscc;
    let uscc_form = uscc_legal_form(uscc).filter(|_| validate_uscc(uscc, "").is_empty());
    let sections = PROFILE_SECTIONS.iter().filter(|s| (s.show)(facility)).map(|s| {
        let fields = s.keys.iter().filter_map(|k| find(FACILITY_FIELDS, k)).map(|field| {
            let onchange = ctx.setter(id, Target::Facility, field.key);
            field_html(field, facility, "f", error_for(field.key), false, onchange)
        });
        let show_uscc = s.keys.contains(&"profile.uscc");
        html! {
            <details class="profile-section" open={s.open}>
                <summary>{ s.title }</summary>
                { for fields }
                if let (true, Some(form)) = (show_uscc, uscc_form) {
                    <p class="hint" id="uscc-form">{ format!("代码所示登记类型：{}", form.label_zh()) }</p>
                }
            </details>
        }
    });
    html! {
        <section class="card" id="profile">
            <h2>{ "机构档案" }</h2>
            { for sections }
        </section>
    }
}
