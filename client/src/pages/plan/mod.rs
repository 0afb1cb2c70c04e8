//! `/facility/:id/plan`: the facility's 一院一策 plan. The township lead
//! edits it; everybody else who can see the facility (county staff,
//! inspectors) reads it. An empty plan shows the measures its level and
//! disposal path prescribe; the lead's first change stores them.
//!
//! Element ids and classes:
//! - `#plan-page`, `#plan-title`, `#plan-level` (badge), `#plan-status`
//!   (`data-status` = overdue|not_started|in_progress|resolved; class `plan-<status>`),
//!   `#plan-overdue` (warning), `#plan-readonly`, `#plan-error`,
//!   `#plan-not-needed`, `#plan-open-facility`;
//! - `#plan-measures` (see [`measures`]);
//! - `#plan-responsible`: `#plan-unit`, `#plan-person`, `#plan-deadline`
//!   (date), each with `#<id>-error`;
//! - `#resolve` / `#reopen`, `#plan-resolved`;
//! - `#plan-progress` (see [`progress`]).
//!
//! # Layout
//! - [`measures`]: the measures, ticked off when done, refunds, adding one.
//! - [`progress`]: progress entries and adding one.

use std::rc::Rc;

use mopai_shared::ids::{FacilityId, TownshipId};
use mopai_shared::model::{Day, DisposalPlan, FacilityReview, Measure};
use mopai_shared::risk::plan::{needs_plan, prefill};
use mopai_shared::validate::validate_review;
use yew::prelude::*;
use yew_router::prelude::*;

use super::review::review_edit;
use crate::app::{AppContext, Route};
use crate::components::field::FieldInput;
use crate::components::level::LevelBadge;
use crate::components::sync_bar::SyncBar;
use crate::components::top_bar::TopBar;
use crate::docs::FacilityEntry;
use crate::form::field::{Control, FieldView};
use crate::form::value::Value;
use crate::hooks::{use_app, use_facility_route};
use crate::review::edit::ReviewEdit;
use crate::review::is_lead;
use crate::review::plan::{PlanEdit, check};
use crate::review::plans::PlanStatus;

pub mod measures;
pub mod progress;

#[derive(Properties, PartialEq)]
pub struct PlanPageProps {
    pub id: String,
}

#[function_component]
pub fn PlanPage(props: &PlanPageProps) -> Html {
    match use_facility_route(&props.id).or_page() {
        Ok(entry) => html! { <PlanEditor {entry} /> },
        Err(page) => page,
    }
}

/// Saves the lead's plan edits. While the stored plan has no measures, the
/// measures on screen go first, so what the lead saw is what is stored.
#[derive(Clone, PartialEq)]
pub struct PlanWriter {
    ctx: AppContext,
    facility: FacilityId,
    township: TownshipId,
    prefill: Option<Rc<Vec<Measure>>>,
}

impl PlanWriter {
    /// Queues `edit`, or says in Chinese why it cannot be saved.
    pub fn send(&self, edit: PlanEdit) -> Result<(), String> {
        check(&edit).map_err(|e| e.to_string())?;
        let first = self
            .prefill
            .as_ref()
            .map(|m| PlanEdit::Prefill((**m).clone()));
        for edit in first.into_iter().chain([edit]) {
            let (facility, township) = (self.facility, self.township);
            review_edit(&self.ctx, facility, township, ReviewEdit::Plan(edit));
        }
        Ok(())
    }

    pub fn user(&self) -> Option<mopai_shared::api::Me> {
        self.ctx.state.session.as_ref().map(|s| s.user.clone())
    }
}

/// What the plan's parts get: the plan as shown, who may change it, today.
#[derive(Properties, Clone, PartialEq)]
pub struct PartProps {
    pub plan: DisposalPlan,
    /// `None` when this user only reads the plan.
    pub writer: Option<PlanWriter>,
    pub today: Day,
    /// The measures shown are the pre-filled ones, not stored yet.
    pub prefilled: bool,
    /// The shared validation's messages about the plan, by field
    /// (`responsible_unit`, `deadline`, …).
    pub errors: Rc<Vec<(String, String)>>,
}

impl PartProps {
    pub fn error(&self, field: &str) -> Option<AttrValue> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| AttrValue::from(m.clone()))
    }
}

/// The plan's messages from the shared review validation, keyed by the
/// field under `disposal.` (the reviews have their own page).
fn plan_errors(review: &FacilityReview, plan: &DisposalPlan, today: Day) -> Vec<(String, String)> {
    let review = FacilityReview {
        disposal: plan.clone(),
        ..review.clone()
    };
    validate_review(&review, today)
        .into_iter()
        .filter_map(|e| Some((e.field.strip_prefix("disposal.")?.to_owned(), e.message_zh)))
        .collect()
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    entry: Rc<FacilityEntry>,
}

#[function_component]
fn PlanEditor(props: &EditorProps) -> Html {
    let ctx = use_app();
    let entry = &props.entry;
    let state = &ctx.state;
    let (assessment, view) = state.assessment(entry.id).expect("the entry is loaded");
    let level = view.effective();
    let path = assessment.disposal.clone();
    // Fresh ids once per level and path, so a tick on a pre-filled measure
    // names the measure the prefill then stores.
    let prefilled = use_memo((level, path), |(level, path)| {
        prefill(*level, path.as_ref())
    });
    let review = state.review(entry.id).cloned().unwrap_or_default();
    let stored = &review.disposal;
    let mut plan = stored.clone();
    let is_prefilled = stored.measures.is_empty() && !prefilled.is_empty();
    if is_prefilled {
        plan.measures = (*prefilled).clone();
    }
    let user = state.session.as_ref().map(|s| &s.user);
    let township = entry
        .township
        .or(user.and_then(|u| u.township.as_ref().map(|t| t.id)));
    let writer = match (user.is_some_and(is_lead), township) {
        (true, Some(township)) => Some(PlanWriter {
            ctx: ctx.clone(),
            facility: entry.id,
            township,
            prefill: is_prefilled.then(|| Rc::new((*prefilled).clone())),
        }),
        _ => None,
    };
    let today = crate::clock::now().day();
    let status = PlanStatus::of(Some(stored), today);
    let title = format!("一院一策：{}", entry.body.profile.name);
    let part = PartProps {
        // Nothing is stored before the first change: no reproach yet.
        errors: Rc::new(match is_prefilled {
            true => Vec::new(),
            false => plan_errors(&review, &plan, today),
        }),
        plan,
        writer: writer.clone(),
        today,
        prefilled: is_prefilled,
    };
    html! {
        <main class="page" id="plan-page">
            <TopBar title={title} back={Route::facility(entry.id)} title_id="plan-title" />
            <p class="facility-sub">
                <LevelBadge level={Some(level)} id="plan-level" />
                <span id="plan-status" data-status={status.code()}
                    class={classes!("tag", "plan-status", format!("plan-{}", status.code()))}>
                    { status.label_zh() }
                </span>
                <Link<Route> to={Route::facility(entry.id)}><span id="plan-open-facility">{ "机构页面" }</span></Link<Route>>
            </p>
            <SyncBar />
            if let Some(error) = &state.error {
                <p class="error" role="alert" id="plan-error">{ error }</p>
            }
            if status == PlanStatus::Overdue {
                <p class="error" role="alert" id="plan-overdue">
                    { format!("已超过化解时限（{}），尚未化解，请抓紧处置并记录进展。",
                        stored.deadline.map(|d| d.to_string()).unwrap_or_default()) }
                </p>
            }
            if !needs_plan(&assessment, level) {
                <p class="hint" id="plan-not-needed">{ "该机构目前为绿色等级，按规定无需制定一院一策；如情况变化可随时补充。" }</p>
            }
            if writer.is_none() {
                <p class="hint" id="plan-readonly">{ "一院一策由乡镇分管领导制定和更新，此处只读。" }</p>
            }
            <measures::Measures ..part.clone() />
            <Responsible ..part.clone() />
            <progress::Progress ..part />
        </main>
    }
}

/// 责任单位, 责任人, 化解时限, and marking the plan resolved.
#[function_component]
fn Responsible(props: &PartProps) -> Html {
    let writer = props.writer.clone();
    let disabled = writer.is_none();
    let send = move |to: fn(Value) -> Option<PlanEdit>| {
        let writer = writer.clone();
        Callback::from(move |v: Value| {
            if let (Some(w), Some(edit)) = (&writer, to(v)) {
                // These edits cannot fail the check; a failure shows in the state's error.
                let _ = w.send(edit);
            }
        })
    };
    let text = |key: &'static str, label: &'static str, value: &str| FieldView {
        key,
        label,
        hint: "",
        control: Control::Text {
            value: value.to_owned(),
            long: false,
        },
    };
    let p = &props.plan;
    let deadline = FieldView {
        key: "plan-deadline",
        label: "化解时限",
        hint: "过了时限仍未化解的，方案标为逾期",
        control: Control::Date(p.deadline),
    };
    let resolve = |day: Option<Day>| {
        let writer = props.writer.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(w) = &writer {
                let _ = w.send(PlanEdit::Resolved(day));
            }
        })
    };
    html! {
        <section class="card" id="plan-responsible">
            <h2>{ "责任与时限" }</h2>
            <FieldInput id="plan-unit" view={text("plan-unit", "责任单位", &p.responsible_unit)} {disabled}
                error={props.error("responsible_unit")} onchange={send(|v| match v {
                    Value::Text(t) => Some(PlanEdit::Unit(t)),
                    _ => None,
                })} />
            <FieldInput id="plan-person" view={text("plan-person", "责任人", &p.responsible_person)} {disabled}
                error={props.error("responsible_person")} onchange={send(|v| match v {
                    Value::Text(t) => Some(PlanEdit::Person(t)),
                    _ => None,
                })} />
            <FieldInput id="plan-deadline" view={deadline} {disabled} error={props.error("deadline")}
                onchange={send(|v| match v {
                    Value::Date(d) => Some(PlanEdit::Deadline(d)),
                    _ => None,
                })} />
            if let Some(day) = p.resolved_on {
                <p class="hint" id="plan-resolved">{ format!("已于 {day} 化解") }</p>
                if !disabled {
                    <button type="button" id="reopen" onclick={resolve(None)}>{ "撤销已化解" }</button>
                }
            } else if !disabled {
                <button type="button" class="primary" id="resolve" onclick={resolve(Some(props.today))}>
                    { format!("标记为已化解（{}）", props.today) }
                </button>
            }
        </section>
    }
}
