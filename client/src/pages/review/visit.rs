//! One entry under review (`/review/:facility/:visit`): everything the
//! inspector recorded, shown with the visit form's own steps, read-only;
//! the facility profile; the provisional level with the rules that fired;
//! fields to settle; the review thread; and the lead's decision.
//!
//! On a phone the sections stack, the decision last; on a desktop the
//! decision and the level stay beside the record.
//!
//! Element ids:
//! - `#review-visit`, `#review-title` (facility name), `#review-state`
//!   (`data-state` = submitted|returned|resubmitted|approved), `#review-submitted-at`,
//!   `#open-facility` (link to the facility page), `#open-plan` (its 一院一策 plan), `#jump-decision` (phones: scrolls
//!   down to the decision), `#facility-signoff`;
//! - `#review-conflicts` (see [`super::resolve`]), `#review-thread` (`.lead-comment`, `.reply`);
//! - the record, each a `<details>`: `#rv-arrival`, `#rv-checklist`, `#rv-interviews`,
//!   `#rv-photos`, `#rv-proposal`, `#rv-profile`; inside them the visit form's ids
//!   (`#v-…`, `#f-…`, `#i<n>-…`, `#p<n>-…`), all disabled;
//! - `#level-panel` (see `components::level`) and `#decision` (see [`super::decision`]).

use std::rc::Rc;

use mopai_shared::model::entry_state;
use yew::prelude::*;
use yew_router::prelude::*;

use super::decision::Decision;
use super::lead_only;
use super::resolve::Resolve;
use crate::app::Route;
use crate::clock::short;
use crate::components::level::LevelPanel;
use crate::components::sync_bar::SyncBar;
use crate::components::top_bar::TopBar;
use crate::form::steps::issues;
use crate::form::visit::PROPOSAL_SECTIONS;
use crate::hooks::{use_app, use_visit_route};
use crate::pages::facility::profile::Profile;
use crate::pages::facility::visits::thread;
use crate::pages::visit::{StepProps, arrival, checklist, interviews, photos, sections};
use crate::review::edit::offered_level;

#[derive(Properties, PartialEq)]
pub struct ReviewVisitProps {
    pub facility: String,
    pub visit: String,
}

/// On a phone the decision comes after the whole record; this takes the
/// lead there once they have read enough.
fn jump_to_decision(_: MouseEvent) {
    if let Some(el) = gloo::utils::document().get_element_by_id("decision") {
        el.scroll_into_view();
    }
}

#[function_component]
pub fn ReviewVisit(props: &ReviewVisitProps) -> Html {
    let ctx = use_app();
    let found = use_visit_route(&props.facility, &props.visit);
    if let Some(refused) = lead_only(&ctx) {
        return refused;
    }
    let (entry, visit) = match found {
        Ok(found) => found,
        Err(page) => return page,
    };
    let state = &ctx.state;
    let facility_review = state.review(entry.id).cloned();
    let review = facility_review
        .as_ref()
        .and_then(|r| r.review_of(visit.id))
        .cloned();
    let entry_state = entry_state(&visit, review.as_ref());
    let (assessment, view) = state.assessment(entry.id).expect("the entry is loaded");
    let township = entry.township.or(state
        .session
        .as_ref()
        .and_then(|s| s.user.township.as_ref().map(|t| t.id)));
    let step = StepProps {
        entry: entry.clone(),
        visit: visit.clone(),
        review: review.clone(),
        issues: Rc::new(issues(&entry.body, &visit, crate::clock::now().day())),
        locked: true,
        go: Callback::noop(),
    };
    let part = |id: &'static str, title: &'static str, open: bool, body: Html| {
        html! {
            <details class="card recorded" {id} {open}>
                <summary>{ title }</summary>
                { body }
            </details>
        }
    };
    let comments = review
        .as_ref()
        .map(|r| r.comments.as_slice())
        .unwrap_or_default();
    let signoff = facility_review.as_ref().and_then(|r| r.signoff.clone());
    html! {
        <main class="page wide" id="review-visit">
            <TopBar title={entry.body.profile.name.clone()} back={Route::Review} title_id="review-title" />
            <p class="facility-sub">
                <span id="review-state" class={format!("entry-state state-{}", entry_state.code())}
                    data-state={entry_state.code()}>{ entry_state.label_zh() }</span>
                <span id="review-submitted-at">
                    { visit.submitted_at.map_or(String::new(), |t| format!("提交于 {}", short(&t))) }
                </span>
                <Link<Route> to={Route::facility(entry.id)}><span id="open-facility">{ "机构页面" }</span></Link<Route>>
                <Link<Route> to={Route::FacilityPlan { id: entry.id.to_string() }}><span id="open-plan">{ "一院一策" }</span></Link<Route>>
            </p>
            <button type="button" class="jump-decision" id="jump-decision" onclick={jump_to_decision}>
                { "写审核意见 ↓" }
            </button>
            <SyncBar />
            if let Some(error) = &state.error {
                <p class="error" role="alert" id="review-error">{ error }</p>
            }
            if let Some(s) = signoff {
                <p class="hint" id="facility-signoff">{ format!("已签字：{} · {}", s.note, short(&s.at)) }</p>
            }
            if !entry.conflicts.is_empty() {
                <section class="card warn-card" id="review-conflicts">
                    <h2>{ format!("{} 处填写不一致", entry.conflicts.len()) }</h2>
                    <Resolve entry={entry.clone()} />
                </section>
            }
            <div class="review-columns">
                <div class="queue-column">
                    if !comments.is_empty() || !visit.replies.is_empty() {
                        <section class="card" id="review-thread">
                            <h2>{ "审核往来" }</h2>
                            { thread(comments, &visit.replies) }
                        </section>
                    }
                    { part("rv-arrival", "1. 到达", true, html! { <arrival::Arrival ..step.clone() /> }) }
                    { part("rv-checklist", "2. 排查情况", true, html! { <checklist::Checklist ..step.clone() /> }) }
                    { part("rv-interviews", "3. 询问老人", true, html! { <interviews::Interviews ..step.clone() /> }) }
                    { part("rv-photos", "4. 照片", true, html! { <photos::Photos ..step.clone() /> }) }
                    { part("rv-proposal", "5. 排查员意见", true, sections(PROPOSAL_SECTIONS, &step, &ctx)) }
                    { part("rv-profile", "机构档案", false, html! { <Profile entry={entry.clone()} /> }) }
                </div>
                <aside class="side-column">
                    if let Some(township) = township {
                        <Decision key={visit.id.to_string()} facility={entry.id} {township} visit={visit.id} state={entry_state}
                            computed={assessment.level} proposed={offered_level(review.as_ref(), &view)}
                            review={review.clone()} />
                    }
                    <LevelPanel {assessment} {view} />
                </aside>
            </div>
        </main>
    }
}
