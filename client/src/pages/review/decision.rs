//! The lead's decision on one entry: the level (the computed one beside the
//! lead's choice, with the reason a different choice needs), approve,
//! confirm the level only, or return with a comment for the inspector.
//!
//! Element ids: `#decision`, `#decide-computed` (badge), `#decide-level-<code>`
//! (buttons, `aria-pressed`; `red|orange|yellow|green`), `#level-reason`,
//! `#level-reason-error`, `#approve`, `#confirm-level`, `#return-comment`,
//! `#return`, `#decision-error`, `#decision-done`.

use mopai_shared::ids::{CommentId, FacilityId, TownshipId, VisitId};
use mopai_shared::model::{Comment, EntryState, Review, RiskLevel};
use yew::prelude::*;

use super::review_edit;
use crate::components::field::{FieldInput, TextBox};
use crate::components::level::LevelBadge;
use crate::form::field::{Control, FieldView, options};
use crate::form::value::Value;
use crate::hooks::use_app;
use crate::review::edit::{LevelDecision, ReviewEdit, allowed, check};

#[derive(Properties, PartialEq)]
pub struct DecisionProps {
    pub facility: FacilityId,
    pub township: TownshipId,
    pub visit: VisitId,
    pub state: EntryState,
    /// What the rules give the facility now.
    pub computed: RiskLevel,
    /// The level to offer first: the lead's earlier choice, else the computed one.
    pub proposed: RiskLevel,
    /// The lead's review of this visit so far.
    pub review: Option<Review>,
}

/// Which button was pressed.
#[derive(Clone, Copy)]
enum Decide {
    Approve,
    Confirm,
    Return,
}

#[function_component]
pub fn Decision(p: &DecisionProps) -> Html {
    let ctx = use_app();
    let chosen = use_state(|| None::<RiskLevel>);
    let reason = use_state(|| {
        p.review
            .as_ref()
            .map(|r| r.level_reason.clone())
            .unwrap_or_default()
    });
    let comment = use_state(String::new);
    let outcome = use_state(|| None::<Result<&'static str, String>>);
    let level = chosen.unwrap_or(p.proposed);
    let decision = LevelDecision {
        computed: p.computed,
        confirmed: level,
        reason: (*reason).clone(),
    };
    let decide = |which: Decide| {
        let (ctx, comment, outcome) = (ctx.clone(), comment.clone(), outcome.clone());
        let (decision, state) = (decision.clone(), p.state);
        let (facility, township, visit) = (p.facility, p.township, p.visit);
        Callback::from(move |_: MouseEvent| {
            let Some(by) = ctx.state.session.as_ref().map(|s| s.user.id) else {
                return;
            };
            let at = crate::clock::now();
            let level = decision.clone();
            let (edit, done) = match which {
                Decide::Approve => (
                    ReviewEdit::Approve {
                        visit,
                        by,
                        at,
                        level,
                    },
                    "已通过，等级已确认",
                ),
                Decide::Confirm => (
                    ReviewEdit::Confirm {
                        visit,
                        by,
                        at,
                        level,
                    },
                    "等级已确认",
                ),
                Decide::Return => {
                    let text = comment.trim().to_owned();
                    let comment = Comment {
                        id: CommentId::random(),
                        author: by,
                        at,
                        text,
                    };
                    (
                        ReviewEdit::Return {
                            visit,
                            by,
                            at,
                            comment,
                        },
                        "已退回，意见随同步送达排查员",
                    )
                }
            };
            if let Err(e) = check(&edit, state) {
                outcome.set(Some(Err(e.to_string())));
                return;
            }
            review_edit(&ctx, facility, township, edit);
            if matches!(which, Decide::Return) {
                comment.set(String::new());
            }
            outcome.set(Some(Ok(done)));
        })
    };
    let can = allowed(p.state);
    let on_level = {
        let chosen = chosen.clone();
        Callback::from(move |v: Value| {
            if let Value::Code(code) = v {
                chosen.set(code.as_deref().and_then(RiskLevel::from_code));
            }
        })
    };
    let level_view = FieldView {
        key: "decide-level",
        label: "确认等级",
        hint: "默认为按规则计算的等级；改定需写明理由",
        control: Control::One {
            value: Some(level.code()),
            options: options::<RiskLevel>(),
        },
    };
    let reason_view = FieldView {
        key: "level-reason",
        label: "改定理由（与计算等级不同时必填）",
        hint: "",
        control: Control::Text {
            value: (*reason).clone(),
            long: true,
        },
    };
    let reason_error = decision
        .check()
        .err()
        .map(|e| AttrValue::from(e.to_string()));
    let on_reason = {
        let reason = reason.clone();
        Callback::from(move |v: Value| {
            if let Value::Text(text) = v {
                reason.set(text);
            }
        })
    };
    html! {
        <section class="card decision" id="decision">
            <h2>{ "审核意见" }</h2>
            <p class="level-line">
                { "按规则计算：" }<LevelBadge level={Some(p.computed)} id="decide-computed" />
            </p>
            <FieldInput id="decide-level" view={level_view} disabled={!can.confirm} onchange={on_level} />
            <FieldInput id="level-reason" view={reason_view} error={reason_error} disabled={!can.confirm}
                onchange={on_reason} />
            if can.approve {
                <button type="button" class="primary" id="approve" onclick={decide(Decide::Approve)}>
                    { format!("通过（确认为{}）", level.label_zh()) }
                </button>
            }
            if can.confirm {
                <button type="button" id="confirm-level" onclick={decide(Decide::Confirm)}>{ "只确认等级" }</button>
            }
            if can.send_back {
                <label class="field-label" for="return-comment">{ "退回意见" }</label>
                <TextBox id="return-comment" value={(*comment).clone()} multiline=true
                    placeholder="写明需要补充或更正的内容" oninput={Callback::from({
                        let comment = comment.clone();
                        move |v| comment.set(v)
                    })} />
                <button type="button" class="danger-button" id="return" disabled={comment.trim().is_empty()}
                    onclick={decide(Decide::Return)}>{ "退回修改" }</button>
            }
            { match &*outcome {
                Some(Ok(done)) => html! { <p class="hint" id="decision-done" role="status">{ done }</p> },
                Some(Err(why)) => html! { <p class="error" id="decision-error" role="alert">{ why }</p> },
                None => Html::default(),
            } }
        </section>
    }
}
