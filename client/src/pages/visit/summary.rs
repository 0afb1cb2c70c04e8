//! Step 5, 小结与提交: the provisional level the phone computes for the
//! facility (rules, facts, measures), the inspector's own proposed level,
//! what is still missing (with a way to each step), the review thread, and
//! submit — or resubmit a returned entry with a reply to the lead. Submitting
//! sets `submitted_at`; the entry reaches the lead with the next sync.
//!
//! Element ids: `#level-panel` (see `components::level`), `#v-proposed_level-<code>`,
//! `#v-proposal_note`, `#issues` > `li.issue[data-step=<n>]` (`.blocks` when it blocks
//! submitting; `button.go-step`, or `a.go-profile` for a field only the facility's
//! profile asks), `#lead-comments`, `#reply` (returned only),
//! `#submit`, `#submit-blocked`, `#submit-result`, `#remove-draft`.

use mopai_shared::ids::CommentId;
use mopai_shared::model::{Comment, EntryState, entry_state};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{StepProps, sections};
use crate::app::Route;
use crate::components::field::TextBox;
use crate::components::level::LevelPanel;
use crate::form::edit::Edit;
use crate::form::steps::{Issue, can_submit, listed};
use crate::form::visit::PROPOSAL_SECTIONS;
use crate::hooks::use_app;
use crate::pages::facility::visits::thread;

#[function_component]
pub fn Summary(p: &StepProps) -> Html {
    let ctx = use_app();
    let navigator = use_navigator();
    let reply = use_state(String::new);
    let submitted = use_state(|| false);
    let (facility, visit) = (p.entry.id, p.visit.id);
    let state = entry_state(&p.visit, p.review.as_ref());
    let on_submit = {
        let (ctx, reply, submitted) = (ctx.clone(), reply.clone(), submitted.clone());
        Callback::from(move |_| {
            let Some(user) = ctx.state.session.as_ref().map(|s| s.user.id) else {
                return;
            };
            let at = crate::clock::now();
            let text = reply.trim().to_owned();
            let reply_comment = (!text.is_empty()).then(|| Comment {
                id: CommentId::random(),
                author: user,
                at,
                text,
            });
            ctx.edit(
                facility,
                Edit::Submit {
                    visit,
                    at,
                    reply: reply_comment,
                },
            );
            reply.set(String::new());
            submitted.set(true);
        })
    };
    let on_remove = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            if gloo::dialogs::confirm("删除这条尚未提交的走访记录？") {
                ctx.edit(facility, Edit::RemoveVisit(visit));
                if let Some(n) = &navigator {
                    n.replace(&Route::facility(facility));
                }
            }
        })
    };
    let assessment = ctx.state.assessment(facility);
    let blocked = !can_submit(&p.issues);
    let issue = |(i, text): (&Issue, String)| {
        let step = i.step;
        let go = if i.on_profile {
            html! {
                <Link<Route> to={Route::facility(facility)} classes="link go-profile">
                    { "去机构档案" }
                </Link<Route>>
            }
        } else {
            html! {
                <button type="button" class="link go-step" onclick={p.go.reform(move |_| step)}>
                    { format!("去第 {} 步", step.number()) }
                </button>
            }
        };
        html! {
            <li class={classes!("issue", i.blocks.then_some("blocks"))} data-step={step.number().to_string()}>
                { text }
                { go }
            </li>
        }
    };
    let comments = p
        .review
        .as_ref()
        .map(|r| r.comments.as_slice())
        .unwrap_or_default();
    let can_send = matches!(state, EntryState::Draft | EntryState::Returned) && !p.locked;
    html! {
        <>
            if let Some((assessment, view)) = assessment {
                <LevelPanel {assessment} {view} />
            }
            { sections(PROPOSAL_SECTIONS, p, &ctx) }
            if !p.issues.is_empty() {
                <section class="card" id="issues-card">
                    <h3>{ "待补充或核对" }</h3>
                    <ul id="issues">{ for listed(&p.issues).into_iter().map(issue) }</ul>
                </section>
            }
            if !comments.is_empty() || !p.visit.replies.is_empty() {
                <section class="card" id="lead-comments">
                    <h3>{ "审核意见" }</h3>
                    { thread(comments, &p.visit.replies) }
                </section>
            }
            if can_send {
                if state == EntryState::Returned {
                    <label class="field-label" for="reply">{ "回复分管领导（可选）" }</label>
                    <TextBox id="reply" value={(*reply).clone()} multiline=true
                        oninput={Callback::from(move |s| reply.set(s))} />
                }
                if blocked {
                    <p class="field-error" id="submit-blocked">{ "还有必填或有误的内容，请先补充（见上方列表）。" }</p>
                }
                <button type="button" class="primary" id="submit" disabled={blocked} onclick={on_submit}>
                    { if state == EntryState::Returned { "重新提交" } else { "提交" } }
                </button>
            } else if !p.locked {
                <p class="hint" id="submit-result">
                    { if *submitted { "已提交：联网后自动同步给分管领导。" } else { "已提交，等待分管领导审核；仍可修改，修改会随同步送达。" } }
                </p>
            }
            if state == EntryState::Draft && !p.locked {
                <button type="button" class="link danger" id="remove-draft" onclick={on_remove}>{ "删除这条草稿" }</button>
            }
        </>
    }
}
