//! One facility: its level with the rules that fired, field conflicts,
//! visits (with the lead's comments), the editable profile, all interviews
//! and photos, and the county's online checks.
//!
//! Element ids: `#facility-name` (h1), `#facility-level` (badge, `data-level`),
//! `#facility-category`, `#open-plan` (the 一院一策 page, when the facility needs
//! one; `.plan-link.overdue` when overdue); then each section's ids:
//! - `#conflicts` (`conflicts`), `#level-panel` (`components::level`),
//! - `#visits`, `#new-visit` (`visits`), `#profile` (`profile`),
//! - `#interviews`, `#photos`, `#online-checks` (`evidence`).
//!
//! # Layout
//! - [`profile`]: the editable profile, by sections, with validation messages.
//! - [`visits`]: visits with their entry state and the review thread; new visit.
//! - [`evidence`]: interviews and photos of all visits, online checks.
//! - [`conflicts`]: fields two people recorded differently, both values shown.

use mopai_shared::risk::plan::needs_plan;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::level::{LevelBadge, LevelPanel};
use crate::components::top_bar::TopBar;
use crate::hooks::{use_app, use_facility_route};
use crate::list;

pub mod conflicts;
pub mod evidence;
pub mod profile;
pub mod visits;

/// Shown over a green result no visit has backed yet.
const UNVISITED: &str = "尚未走访：以下仅按现有信息初判，走访后再看。";

#[derive(Properties, PartialEq)]
pub struct FacilityPageProps {
    pub id: String,
}

#[function_component]
pub fn FacilityPage(props: &FacilityPageProps) -> Html {
    let ctx = use_app();
    let entry = match use_facility_route(&props.id).or_page() {
        Ok(entry) => entry,
        Err(page) => return page,
    };
    let state = &ctx.state;
    let review = state.review(entry.id).cloned();
    let row = list::row(
        &entry,
        review.as_ref(),
        state.county(entry.id),
        state.settings(),
    );
    let category = entry.body.category.map_or("类别未定", |c| c.label_zh());
    let (assessment, view) = state.assessment(entry.id).expect("the entry is loaded");
    let overdue = review
        .as_ref()
        .is_some_and(|r| r.disposal.overdue(crate::clock::now().day()));
    let title = if entry.body.profile.name.is_empty() {
        "（未命名）".to_owned()
    } else {
        entry.body.profile.name.clone()
    };
    html! {
        <main class="page">
            <TopBar title={title} back={Route::Home} title_id="facility-name" />
            <p class="facility-sub">
                <LevelBadge level={row.level} id="facility-level" />
                <span id="facility-category">{ category }</span>
                if row.priority { <span class="tag priority">{ "重点排查" }</span> }
                if entry.unsynced { <span class="tag unsynced">{ "未同步" }</span> }
            </p>
            { for state.refusals_of(entry.id).into_iter().map(|r| html! {
                <p class="error refused-entry" id="refused-entry">
                    { format!("服务器未接收此记录（仍保存在本机）：{}", r.message) }
                </p>
            }) }
            if needs_plan(&assessment, view.effective()) || review.as_ref().is_some_and(|r| r.disposal != Default::default()) {
                <p class={classes!("plan-link", overdue.then_some("overdue"))}>
                    <Link<Route> to={Route::FacilityPlan { id: entry.id.to_string() }}>
                        <span id="open-plan">{ if overdue { "一院一策（已逾期）" } else { "一院一策处置方案" } }</span>
                    </Link<Route>>
                </p>
            }
            if let Some(error) = &state.error {
                <p class="error" role="alert" id="error">{ error }</p>
            }
            <conflicts::Conflicts entry={entry.clone()} />
            <visits::Visits entry={entry.clone()} review={review} />
            <LevelPanel {assessment} {view} note={row.level.is_none().then_some(UNVISITED)} />
            <profile::Profile entry={entry.clone()} />
            <evidence::Interviews entry={entry.clone()} />
            <evidence::Photos entry={entry.clone()} />
            <evidence::OnlineChecks facility={entry.id} county={state.county(entry.id).cloned()} />
        </main>
    }
}
