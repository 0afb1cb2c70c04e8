//! The township work log (`/township-log`, 乡镇工作台账): the leadership
//! group, the work plan and the publicity activities, which annex table 4
//! counts (宣传活动场次). Only the lead writes it; every change is saved to
//! the phone at once and synced like the rest.
//!
//! Element ids:
//! - `#township-log`, `#log-error`;
//! - work plan `#plan`: `#plan-title`, `#plan-issued_on`, `#plan-text`;
//! - leadership group (see [`members`]): `#members`, `#add-member`, per member n
//!   (1-based) `.member-card#member-<n>` with `#m<n>-name`, `#m<n>-position`,
//!   `#m<n>-group_role-<code>` (`leader|deputy_leader|member`), `#m<n>-phone`, `#m<n>-remove`;
//! - publicity activities (see [`activities`]): `#activities`, `#activity-totals`,
//!   `#activity-list` > `li.activity[data-id]` (`.activity-date`, `.activity-venue`,
//!   `.activity-participants`, `button.remove-activity`), the new one's
//!   `#new-activity-date`, `#new-activity-venue_type-<code>`
//!   (`community|institution|park|square|other`), `#new-activity-venue`,
//!   `#new-activity-participants`, `#new-activity-note`, `#add-activity`,
//!   `#new-activity-<key>-error`.
//!
//! # Layout
//! - [`members`]: the leadership group.
//! - [`activities`]: the list and the new-activity form.

use std::rc::Rc;

use mopai_shared::ids::TownshipId;
use mopai_shared::model::TownshipLog;
use yew::prelude::*;

use crate::app::{AppContext, Route};
use crate::components::field::field_html;
use crate::components::sync_bar::SyncBar;
use crate::components::top_bar::TopBar;
use crate::form::value::Value;
use crate::hooks::use_app;
use crate::pages::review::{lead_edit, lead_only};
use crate::review::log::{LogEdit, LogTarget, PLAN_FIELDS};
use crate::services::review::LeadEdit;

pub mod activities;
pub mod members;

/// What each section of the page gets.
#[derive(Properties, PartialEq, Clone)]
pub struct LogProps {
    pub log: Rc<TownshipLog>,
    pub township: TownshipId,
}

/// Saves one change to the township log.
pub fn log_edit(ctx: &AppContext, township: TownshipId, edit: LogEdit) {
    lead_edit(ctx, LeadEdit::Log { township, edit });
}

/// The `onchange` of one log field.
pub fn log_setter(
    ctx: &AppContext,
    township: TownshipId,
    target: LogTarget,
    key: &'static str,
) -> Callback<Value> {
    let ctx = ctx.clone();
    Callback::from(move |value| log_edit(&ctx, township, LogEdit::Set { target, key, value }))
}

#[function_component]
pub fn TownshipLogPage() -> Html {
    let ctx = use_app();
    if let Some(refused) = lead_only(&ctx) {
        return refused;
    }
    let state = &ctx.state;
    let Some(township) = state.session.as_ref().and_then(|s| s.user.township.clone()) else {
        return lead_only(&ctx).unwrap_or_default();
    };
    let log = state.library.township_log.clone().unwrap_or_default();
    let plan = PLAN_FIELDS.iter().map(|field| {
        let onchange = log_setter(&ctx, township.id, LogTarget::Plan, field.key);
        field_html(field, &log.work_plan, "plan", None, false, onchange)
    });
    let props = LogProps {
        log: log.clone(),
        township: township.id,
    };
    html! {
        <main class="page wide" id="township-log">
            <TopBar title={format!("{} 工作台账", township.name)} back={Route::Home} />
            <SyncBar />
            if let Some(error) = &state.error {
                <p class="error" role="alert" id="log-error">{ error }</p>
            }
            <div class="review-columns">
                <div class="queue-column">
                    <section class="card" id="plan">
                        <h2>{ "工作方案" }</h2>
                        { for plan }
                    </section>
                    <members::Members ..props.clone() />
                </div>
                <aside class="side-column">
                    <activities::Activities ..props />
                </aside>
            </div>
        </main>
    }
}
