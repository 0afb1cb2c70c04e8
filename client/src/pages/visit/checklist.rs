//! Step 2, 排查情况: the checklist of DOMAIN §3 — operator and marketing,
//! fees and prepayment (figures, where the money is, were residents told),
//! promised returns, expansion and changes, solvency, incidents, suspected
//! fraud with its basis, other risk, and for unregistered venues their own
//! questions. Every answer is 是 / 否 / 未答: unanswered is not "no".
//!
//! Element ids: visit fields `#v-findings-…` (e.g. `#v-findings-suspected_fraud-yes`,
//! `#v-findings-prepayment-total_yuan`, `#v-findings-prepayment-fund_use-construction`,
//! `#v-findings-solvency-insolvent`); facility fields asked here `#f-profile-operator`,
//! `#f-profile-affiliated_companies`, `#f-category-<code>` (only while unset) and for
//! venues `#f-profile-venue-houses_elderly-yes`, `#f-profile-residents`,
//! `#f-profile-venue-nature-<code>`, `#f-profile-venue-services`.

use yew::prelude::*;

use super::{StepProps, sections};
use crate::form::visit::CHECKLIST_SECTIONS;
use crate::hooks::use_app;

#[function_component]
pub fn Checklist(p: &StepProps) -> Html {
    let ctx = use_app();
    html! {
        <>
            <p class="hint">{ "据实填写；不清楚的保留“未答”，不要选“否”。" }</p>
            { sections(CHECKLIST_SECTIONS, p, &ctx) }
        </>
    }
}
