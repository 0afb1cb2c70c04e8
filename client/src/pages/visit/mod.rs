//! The visit form: five steps that follow the plan — 1 到达 (how, 四不两直,
//! arrival time, GPS), 2 排查情况 (the checklist), 3 询问老人, 4 照片, 5 小结与提交.
//! Every change is saved to the phone as it is made; the steps can be taken
//! in any order, and the tabs mark steps with something left to fix.
//!
//! Element ids:
//! - `#visit-form`, `#entry-state` (`data-state` = draft|submitted|returned|resubmitted|approved),
//!   `#returned-banner` (with the lead's comments), `#locked-banner` (approved: read-only);
//! - tabs `#step-tab-1` … `#step-tab-5` (`aria-current="step"` on the open one,
//!   `.has-issues` when something blocks submitting), the open step `#step-<n>`;
//! - `#prev-step`, `#next-step`;
//! - fields: visit `#v-<key>`, facility `#f-<key>` (see `components::field` for
//!   the suffixes of buttons); each step module lists its own.
//!
//! # Layout
//! - [`arrival`], [`checklist`], [`interviews`], [`photos`], [`summary`]: one step each.

use std::rc::Rc;

use mopai_shared::model::{EntryState, Review, Visit, entry_state};
use yew::prelude::*;

use crate::app::{AppContext, Route};
use crate::components::field::field_html;
use crate::components::top_bar::TopBar;
use crate::docs::FacilityEntry;
use crate::form::edit::Target;
use crate::form::field::find;
use crate::form::profile::FACILITY_FIELDS;
use crate::form::steps::{Issue, Step, issues, message_for};
use crate::form::visit::{Slot, StepSection, VISIT_FIELDS};
use crate::hooks::{use_app, use_visit_route};
use crate::pages::facility::visits::thread;

pub mod arrival;
pub mod checklist;
pub mod interviews;
pub mod photos;
pub mod summary;

#[derive(Properties, PartialEq)]
pub struct VisitPageProps {
    pub id: String,
    pub visit: String,
}

/// What every step gets.
#[derive(Properties, PartialEq, Clone)]
pub struct StepProps {
    pub entry: Rc<FacilityEntry>,
    pub visit: Visit,
    pub review: Option<Review>,
    pub issues: Rc<Vec<Issue>>,
    /// Approved entries are shown, not edited.
    pub locked: bool,
    /// Opens another step (the summary's issue list uses it).
    pub go: Callback<Step>,
}

#[function_component]
pub fn VisitPage(props: &VisitPageProps) -> Html {
    let ctx = use_app();
    let step = use_state(|| Step::Arrival);
    use_effect_with(*step, |_| {
        gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0)
    });
    let (entry, visit) = match use_visit_route(&props.id, &props.visit) {
        Ok(found) => found,
        Err(page) => return page,
    };
    let review = ctx
        .state
        .review(entry.id)
        .and_then(|r| r.review_of(visit.id))
        .cloned();
    let state = entry_state(&visit, review.as_ref());
    let found = Rc::new(issues(&entry.body, &visit, crate::clock::now().day()));
    let go = {
        let step = step.clone();
        Callback::from(move |s: Step| step.set(s))
    };
    let step_props = StepProps {
        entry: entry.clone(),
        visit: visit.clone(),
        review: review.clone(),
        issues: found.clone(),
        locked: state == EntryState::Approved,
        go: go.clone(),
    };
    let tab = |s: Step| {
        let blocks = found.iter().any(|i| i.step == s && i.blocks);
        let onclick = go.reform(move |_| s);
        html! {
            <button type="button" id={format!("step-tab-{}", s.number())}
                class={classes!("step-tab", blocks.then_some("has-issues"))}
                aria-current={(s == *step).then_some("step")} {onclick}>
                <span class="step-number">{ s.number() }</span>
                <span class="step-name">{ s.title_zh() }</span>
            </button>
        }
    };
    let body = match *step {
        Step::Arrival => html! { <arrival::Arrival ..step_props.clone() /> },
        Step::Checklist => html! { <checklist::Checklist ..step_props.clone() /> },
        Step::Interviews => html! { <interviews::Interviews ..step_props.clone() /> },
        Step::Photos => html! { <photos::Photos ..step_props.clone() /> },
        Step::Summary => html! { <summary::Summary ..step_props.clone() /> },
    };
    let nav = |target: Option<Step>, id: &'static str, text: &'static str| {
        target.map(|s| html! { <button type="button" {id} onclick={go.reform(move |_| s)}>{ text }</button> })
    };
    let comments = review
        .as_ref()
        .map(|r| r.comments.as_slice())
        .unwrap_or_default();
    html! {
        <main class="page" id="visit-form">
            <TopBar title={entry.body.profile.name.clone()} back={Route::facility(entry.id)} title_id="visit-title" />
            <p class="facility-sub">
                { "走访记录 · " }
                <span id="entry-state" class={format!("entry-state state-{}", state.code())} data-state={state.code()}>
                    { state.label_zh() }
                </span>
            </p>
            if state == EntryState::Returned {
                <section class="card warn-card" id="returned-banner">
                    <h2>{ "分管领导退回了这条记录" }</h2>
                    { thread(comments, &visit.replies) }
                    <p class="hint">{ "请按意见修改后，在“小结与提交”中重新提交。" }</p>
                </section>
            }
            if state == EntryState::Approved {
                <p class="hint" id="locked-banner">{ "已通过审核，只能查看。" }</p>
            }
            <nav class="steps">{ for Step::ALL.into_iter().map(tab) }</nav>
            <section class="step" id={format!("step-{}", step.number())}>
                <h2 id="step-title">{ format!("{}. {}", step.number(), step.title_zh()) }</h2>
                { body }
            </section>
            <div class="step-nav">
                { for nav(step.prev(), "prev-step", "‹ 上一步") }
                { for nav(step.next(), "next-step", "下一步 ›") }
            </div>
        </main>
    }
}

/// A step's sections: fields of the visit and of the facility, each saved
/// to its own target as it changes.
pub fn sections(sections: &'static [StepSection], p: &StepProps, ctx: &AppContext) -> Html {
    let facility = &p.entry.body;
    let slot = |slot: &Slot| {
        let (target, key) = match *slot {
            Slot::Facility(key) => (Target::Facility, key),
            Slot::Visit(key) => (Target::Visit(p.visit.id), key),
        };
        let onchange = ctx.setter(p.entry.id, target, key);
        let error = message_for(&p.issues, key);
        match target {
            Target::Facility => find(FACILITY_FIELDS, key)
                .map(|f| field_html(f, facility, "f", error, p.locked, onchange)),
            _ => find(VISIT_FIELDS, key)
                .map(|f| field_html(f, &p.visit, "v", error, p.locked, onchange)),
        }
    };
    html! {
        { for sections.iter().filter(|s| (s.show)(facility)).map(|s| html! {
            <fieldset class="step-section">
                <legend>{ s.title }</legend>
                { for s.slots.iter().filter_map(slot) }
            </fieldset>
        }) }
    }
}
