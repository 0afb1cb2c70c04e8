//! The township lead's review queue (`/review`): counts of new, returned and
//! approved entries (each a filter), search and level filters, one row per
//! submitted visit, the facilities with fields to settle, and the sign-off.
//!
//! Element ids and classes:
//! - `#review-page`, `#lead-only` (shown instead to anyone but a lead);
//! - `#count-new`, `#count-returned`, `#count-approved` (buttons, `aria-pressed`
//!   when that bucket filters the list), `#review-search`, `#review-filter-level`
//!   (select: `red|orange|yellow|green`, empty is all);
//! - `#review-queue` > `li.review-row[data-facility=<uuid>][data-visit=<uuid>][data-state=<code>]`
//!   holding `a.open-review`, `.name`, `.village`, `.entry-state`, `.submitted-at`,
//!   `.level[data-level]` and, when there are some, `.tag.conflict`, and
//!   `.tag.plan-overdue` when the facility's 一院一策 plan is overdue;
//!   `#review-empty` when nothing matches;
//! - `#conflict-queue` > `.conflict-facility[data-facility=<uuid>]`, each holding the
//!   picker of [`resolve`] (`.resolve-conflicts` inside);
//! - `#plan-list` (facilities needing a plan) > `li.plan-row[data-facility][data-status]`
//!   (`.overdue` when overdue; `a.open-plan`, `.plan-status`, `.deadline`, `.done`),
//!   `#plans-overdue`;
//! - `#signoff` (see [`signoff`]); `#review-error`;
//! - on the home page, [`LeadNav`]: `#lead-nav`, `#nav-review` (with the number waiting),
//!   `#nav-township-log`.
//!
//! # Layout
//! - [`visit`]: one entry, `/review/:facility/:visit`, and the decisions on it.
//! - [`decision`]: the level, approve, return and confirm controls.
//! - [`resolve`]: picking one value of a conflicting field.
//! - [`signoff`]: the lead's signature on the township's tables.

use std::rc::Rc;

use mopai_shared::ids::{FacilityId, TownshipId};
use mopai_shared::model::RiskLevel;
use web_sys::HtmlSelectElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::{AppContext, Route};
use crate::clock::short;
use crate::components::field::TextBox;
use crate::components::level::LevelBadge;
use crate::components::sync_bar::SyncBar;
use crate::components::top_bar::TopBar;
use crate::hooks::use_app;
use crate::review::action::ReviewAction;
use crate::review::edit::ReviewEdit;
use crate::review::is_lead;
use crate::review::plans::{self, PlanRow, PlanStatus};
use crate::review::queue::{Bucket, QueueFilter, QueueRow};
use crate::services::review::LeadEdit;
use crate::state::Action;

pub mod decision;
pub mod resolve;
pub mod signoff;
pub mod visit;

/// Queues what the lead did, or says why it cannot be saved yet.
pub fn lead_edit(ctx: &AppContext, edit: LeadEdit) {
    match &ctx.services {
        Some(s) => s.lead_edit(edit),
        None => ctx
            .state
            .dispatch(Action::Failed("本机存储尚未就绪，请稍候".into())),
    }
}

/// Queues a change to one facility's review document.
pub fn review_edit(ctx: &AppContext, facility: FacilityId, township: TownshipId, edit: ReviewEdit) {
    let edit = LeadEdit::Review {
        facility,
        township,
        edit,
    };
    lead_edit(ctx, edit);
}

/// The lead's pages for a lead; a refusal for anyone else (the server
/// refuses their writes anyway).
pub fn lead_only(ctx: &AppContext) -> Option<Html> {
    let lead = ctx.state.session.as_ref().is_some_and(|s| is_lead(&s.user));
    (!lead).then(|| {
        html! {
            <main class="page" id="lead-only">
                <TopBar title="审核" back={Route::Home} />
                <p class="hint">{ "只有乡镇分管领导可以审核和签字。" }</p>
            </main>
        }
    })
}

#[function_component]
pub fn ReviewQueue() -> Html {
    let ctx = use_app();
    if let Some(refused) = lead_only(&ctx) {
        return refused;
    }
    let state = &ctx.state;
    let filter = state.review_filter.clone();
    let on_search = on_filter(&ctx, |f, query: String| f.query = query);
    let on_level = on_filter(&ctx, |f, code: String| {
        f.level = RiskLevel::from_code(&code)
    })
    .reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    let (rows, counts) = state.review_queue();
    let count = |bucket: Bucket| {
        let pressed = filter.bucket == Some(bucket);
        // Tapping a count shows that bucket only; tapping it again shows all.
        let onclick = on_filter(&ctx, move |f, _: MouseEvent| {
            f.bucket = (f.bucket != Some(bucket)).then_some(bucket)
        });
        html! {
            <button type="button" id={format!("count-{}", bucket.code())}
                class={classes!("count", format!("count-{}", bucket.code()))}
                aria-pressed={pressed.to_string()} {onclick}>
                <strong>{ counts.of(bucket) }</strong>
                <span>{ bucket.label_zh() }</span>
            </button>
        }
    };
    let plans = plans::rows(&state.library, crate::clock::now().day());
    let overdue: Vec<FacilityId> = plans
        .iter()
        .filter(|p| p.status == PlanStatus::Overdue)
        .map(|p| p.facility)
        .collect();
    let shown: Vec<&QueueRow> = rows.iter().filter(|r| filter.matches(r)).collect();
    let conflicted: Vec<_> = state
        .library
        .facilities
        .values()
        .filter(|e| !e.conflicts.is_empty())
        .cloned()
        .collect();
    html! {
        <main class="page wide" id="review-page">
            <TopBar title="审核" back={Route::Home} />
            <SyncBar />
            if let Some(error) = &state.error {
                <p class="error" role="alert" id="review-error">{ error }</p>
            }
            <nav class="counts" aria-label="按状态筛选">
                { for Bucket::ALL.into_iter().map(count) }
            </nav>
            <section class="filters card">
                <TextBox id="review-search" value={filter.query.clone()} placeholder="搜索机构名称、村（社区）"
                    oninput={on_search} />
                <label class="select">
                    <span>{ "等级" }</span>
                    <select id="review-filter-level" onchange={on_level}>
                        <option value="" selected={filter.level.is_none()}>{ "全部" }</option>
                        { for RiskLevel::ALL.iter().rev().map(|l| html! {
                            <option value={l.code()} selected={filter.level == Some(*l)}>{ l.label_zh() }</option>
                        }) }
                    </select>
                </label>
            </section>
            <div class="review-columns">
                <section class="queue-column">
                    if shown.is_empty() {
                        <p class="hint" id="review-empty">
                            { if rows.is_empty() { "还没有已提交的走访记录：联网同步后可见排查员提交的记录。" } else { "没有符合筛选条件的记录。" } }
                        </p>
                    }
                    <ul class="facility-list review-queue" id="review-queue">
                        { for shown.into_iter().map(|r| queue_row(r, overdue.contains(&r.facility))) }
                    </ul>
                </section>
                <aside class="side-column">
                    if !conflicted.is_empty() {
                        <section class="card warn-card" id="conflict-queue">
                            <h2>{ format!("{} 家机构有填写不一致", conflicted.len()) }</h2>
                            { for conflicted.into_iter().map(|entry| html! {
                                <div class="conflict-facility" key={entry.id.to_string()} data-facility={entry.id.to_string()}>
                                    <h3>{ &entry.body.profile.name }</h3>
                                    <resolve::Resolve {entry} />
                                </div>
                            }) }
                        </section>
                    }
                    <PlanList rows={Rc::new(plans)} />
                    <signoff::SignOffPanel />
                </aside>
            </div>
        </main>
    }
}

/// A callback that changes the queue filter with what the control hands back.
fn on_filter<T: 'static>(
    ctx: &AppContext,
    change: impl Fn(&mut QueueFilter, T) + 'static,
) -> Callback<T> {
    let (dispatcher, filter) = (ctx.state.dispatcher(), ctx.state.review_filter.clone());
    Callback::from(move |value: T| {
        let mut next = filter.clone();
        change(&mut next, value);
        dispatcher.dispatch(Action::Review(ReviewAction::FilterChanged(next)));
    })
}

/// The facilities that need a 一院一策 plan, overdue ones first and marked.
#[derive(Properties, PartialEq)]
struct PlanListProps {
    rows: Rc<Vec<PlanRow>>,
}

#[function_component]
fn PlanList(props: &PlanListProps) -> Html {
    if props.rows.is_empty() {
        return Html::default();
    }
    let overdue = props
        .rows
        .iter()
        .filter(|p| p.status == PlanStatus::Overdue)
        .count();
    html! {
        <section class={classes!("card", (overdue > 0).then_some("warn-card"))} id="plan-list">
            <h2>{ "一院一策" }</h2>
            if overdue > 0 {
                <p class="error" id="plans-overdue">{ format!("{overdue} 家已超过化解时限") }</p>
            }
            <ul class="facility-list">
                { for props.rows.iter().map(|p| html! {
                    <li class={classes!("facility-row", "plan-row", (p.status == PlanStatus::Overdue).then_some("overdue"))}
                        key={p.facility.to_string()} data-facility={p.facility.to_string()} data-status={p.status.code()}>
                        <Link<Route> to={Route::FacilityPlan { id: p.facility.to_string() }} classes="open-facility open-plan">
                            <div class="row-main">
                                <span class="name">{ &p.name }</span>
                                <LevelBadge level={Some(p.level)} />
                            </div>
                            <div class="row-tags">
                                <span class={classes!("tag", "plan-status", format!("plan-{}", p.status.code()))}>{ p.status.label_zh() }</span>
                                if let Some(d) = p.deadline { <span class="deadline">{ format!("时限 {d}") }</span> }
                                <span class="done">{ format!("措施 {}/{}", p.done, p.measures) }</span>
                            </div>
                        </Link<Route>>
                    </li>
                }) }
            </ul>
        </section>
    }
}

fn queue_row(r: &QueueRow, plan_overdue: bool) -> Html {
    let to = Route::ReviewVisit {
        facility: r.facility.to_string(),
        visit: r.visit.to_string(),
    };
    let when = r
        .submitted_at
        .map_or(String::new(), |t| format!("提交 {}", short(&t)));
    html! {
        <li class="facility-row review-row" key={r.visit.to_string()} data-facility={r.facility.to_string()}
            data-visit={r.visit.to_string()} data-state={r.state.code()}>
            <Link<Route> {to} classes="open-facility open-review">
                <div class="row-main">
                    <span class="name">{ &r.name }</span>
                    <LevelBadge level={Some(r.effective)} />
                </div>
                <div class="row-tags">
                    <span class={classes!("entry-state", format!("state-{}", r.state.code()))}>{ r.state.label_zh() }</span>
                    if !r.village.is_empty() { <span class="village">{ &r.village }</span> }
                    <span class="submitted-at">{ when }</span>
                    if r.conflicts > 0 { <span class="tag conflict">{ format!("{} 处不一致", r.conflicts) }</span> }
                    if plan_overdue { <span class="tag plan-overdue">{ "一院一策逾期" }</span> }
                </div>
            </Link<Route>>
        </li>
    }
}

/// The lead's way in from the home page; nothing for other roles.
#[function_component]
pub fn LeadNav() -> Html {
    let ctx = use_app();
    if lead_only(&ctx).is_some() {
        return Html::default();
    }
    let waiting = ctx.state.review_queue().1.new;
    html! {
        <nav class="lead-nav" id="lead-nav">
            <Link<Route> to={Route::Review} classes="button primary">
                <span id="nav-review">{ format!("审核（待审 {waiting}）") }</span>
            </Link<Route>>
            <Link<Route> to={Route::TownshipLog} classes="button">
                <span id="nav-township-log">{ "乡镇工作台账" }</span>
            </Link<Route>>
        </nav>
    }
}
