//! The facility's visits, newest first, each with its entry state (草稿 /
//! 已提交 / 已退回 / 已重新提交 / 已通过) and the review thread: the lead's
//! comments (from the review document, once synced) and the inspector's
//! replies. A returned visit says so and opens for correction.
//!
//! Element ids: `#visits` > `li.visit-row[data-id=<uuid>][data-state=<code>]`
//! with `.visit-date`, `.visit-method`, `.entry-state`, `.lead-comment`,
//! `.reply`, and `a.open-visit`; `#new-visit` (button, starts a visit and opens it).

use std::rc::Rc;

use mopai_shared::ids::VisitId;
use mopai_shared::model::{Comment, EntryState, FacilityReview, Visit, entry_state};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::clock::short;
use crate::docs::FacilityEntry;
use crate::form::edit::Edit;
use crate::hooks::use_app;

#[derive(Properties, PartialEq)]
pub struct VisitsProps {
    pub entry: Rc<FacilityEntry>,
    pub review: Option<FacilityReview>,
}

#[function_component]
pub fn Visits(props: &VisitsProps) -> Html {
    let ctx = use_app();
    let navigator = use_navigator();
    let facility = props.entry.id;
    let on_new = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            let Some(user) = ctx.state.session.as_ref().map(|s| s.user.id) else {
                return;
            };
            let visit = VisitId::random();
            ctx.edit(
                facility,
                Edit::AddVisit {
                    id: visit,
                    by: user,
                },
            );
            if let Some(n) = &navigator {
                n.push(&visit_route(facility.to_string(), visit));
            }
        })
    };
    let mut visits: Vec<&Visit> = props.entry.body.visits.iter().collect();
    visits.sort_by_key(|v| std::cmp::Reverse(v.arrived_at));
    let item = |v: &&Visit| {
        let review = props.review.as_ref().and_then(|r| r.review_of(v.id));
        let state = entry_state(v, review);
        let date = v
            .arrived_at
            .map_or("未记录到达时间".to_owned(), |t| short(&t));
        let how = [
            v.phase.map(|p| p.label_zh()),
            v.method.map(|m| m.label_zh()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        let comments = review.map(|r| r.comments.as_slice()).unwrap_or_default();
        let open = if state == EntryState::Approved {
            "查看"
        } else if state == EntryState::Returned {
            "修改后重新提交"
        } else {
            "打开"
        };
        html! {
            <li class={classes!("visit-row", format!("state-{}", state.code()))} key={v.id.to_string()}
                data-id={v.id.to_string()} data-state={state.code()}>
                <div class="row-main">
                    <span class="visit-date">{ date }</span>
                    <span class={classes!("entry-state", format!("state-{}", state.code()))}>{ state.label_zh() }</span>
                </div>
                <div class="visit-method hint">{ how }</div>
                { thread(comments, &v.replies) }
                <Link<Route> to={visit_route(facility.to_string(), v.id)} classes="open-visit button">{ open }</Link<Route>>
            </li>
        }
    };
    html! {
        <section class="card" id="visits">
            <h2>{ format!("走访记录（{}）", visits.len()) }</h2>
            <ul class="visit-list">{ for visits.iter().map(item) }</ul>
            <button id="new-visit" class="primary" onclick={on_new}>{ "＋ 新建走访" }</button>
        </section>
    }
}

pub fn visit_route(facility: String, visit: VisitId) -> Route {
    Route::Visit {
        id: facility,
        visit: visit.to_string(),
    }
}

/// The lead's comments and the inspector's replies, oldest first.
pub fn thread(comments: &[Comment], replies: &[Comment]) -> Html {
    let mut all: Vec<(&Comment, bool)> = comments
        .iter()
        .map(|c| (c, true))
        .chain(replies.iter().map(|r| (r, false)))
        .collect();
    all.sort_by_key(|(c, _)| c.at);
    html! {
        <ul class="thread">
            { for all.into_iter().map(|(c, lead)| html! {
                <li class={if lead { "lead-comment" } else { "reply" }}>
                    <span class="hint">{ format!("{} · {}：", short(&c.at), if lead { "分管领导" } else { "排查员回复" }) }</span>
                    { &c.text }
                </li>
            }) }
        </ul>
    }
}
