//! Publicity activities (宣传活动): the list, newest first, with the totals
//! annex table 4 reports, and a form for a new one. The form keeps a draft
//! on the page and adds the activity only once it has a date, a venue type
//! and a head count.
//!
//! Element ids: see the page module ([`super`]).

use mopai_shared::ids::ActivityId;
use mopai_shared::model::PublicityActivity;
use yew::prelude::*;

use super::{LogProps, log_edit};
use crate::components::field::field_html;
use crate::form::field::set;
use crate::form::value::Value;
use crate::hooks::use_app;
use crate::review::log::{
    ACTIVITY_FIELDS, ActivityDraft, LogEdit, Missing, activities_newest_first, totals,
};

#[function_component]
pub fn Activities(p: &LogProps) -> Html {
    let ctx = use_app();
    let draft = use_state(ActivityDraft::default);
    let missing = use_state(Vec::<Missing>::new);
    let township = p.township;
    let fields = ACTIVITY_FIELDS.iter().map(|field| {
        let key = field.key;
        let onchange = {
            let draft = draft.clone();
            Callback::from(move |value: Value| {
                let mut next = (*draft).clone();
                // The tables only hand back values of the field's own kind.
                if set(ACTIVITY_FIELDS, &mut next, key, value).is_ok() {
                    draft.set(next);
                }
            })
        };
        let error = missing.iter().find(|m| m.key == key).map(|m| m.message);
        field_html(field, &*draft, "new-activity", error, false, onchange)
    });
    let on_add = {
        let (ctx, draft, missing) = (ctx.clone(), draft.clone(), missing.clone());
        Callback::from(move |_| match draft.finish(ActivityId::random()) {
            Ok(activity) => {
                log_edit(&ctx, township, LogEdit::AddActivity(activity));
                draft.set(ActivityDraft::default());
                missing.set(Vec::new());
            }
            Err(why) => missing.set(why),
        })
    };
    let row = |a: &PublicityActivity| {
        let id = a.id;
        let on_remove = {
            let ctx = ctx.clone();
            Callback::from(move |_| {
                if gloo::dialogs::confirm("删除这次宣传活动记录？") {
                    log_edit(&ctx, township, LogEdit::RemoveActivity(id));
                }
            })
        };
        let venue = [a.venue_type.label_zh(), a.venue.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        html! {
            <li class="activity" key={id.to_string()} data-id={id.to_string()}>
                <div class="row-main">
                    <span class="activity-date">{ a.date.to_string() }</span>
                    <span class="activity-participants">{ format!("{} 人", a.participants) }</span>
                </div>
                <div class="activity-venue hint">{ venue }</div>
                if !a.note.is_empty() { <p class="notes">{ &a.note }</p> }
                <button type="button" class="link danger remove-activity" onclick={on_remove}>{ "删除" }</button>
            </li>
        }
    };
    let (count, people) = totals(&p.log);
    html! {
        <section class="card" id="activities">
            <h2>{ "宣传活动" }</h2>
            <p id="activity-totals">{ format!("共 {count} 场，参加 {people} 人次") }</p>
            <ul class="activity-list" id="activity-list">
                { for activities_newest_first(&p.log).into_iter().map(row) }
            </ul>
            <fieldset class="step-section">
                <legend>{ "新增一场活动" }</legend>
                { for fields }
                <button type="button" class="primary" id="add-activity" onclick={on_add}>{ "＋ 添加活动" }</button>
            </fieldset>
        </section>
    }
}
