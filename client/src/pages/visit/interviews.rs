//! Step 3, 询问老人: interviews with residents or their agents, as many as
//! needed. A resident is named by a label the inspector recognises ("3号房
//! 王奶奶"), never by ID number: a label that looks like one is flagged at
//! once and blocks submitting.
//!
//! Element ids: `#add-interview`; per interview n (1-based) `.interview-card#interview-<n>`
//! (`data-id`) with `#i<n>-respondent-<code>`, `#i<n>-label`, `#i<n>-label-error`,
//! `#i<n>-prepaid-yes|no|none`, `#i<n>-prepaid_yuan`, `#i<n>-prepaid_months`,
//! `#i<n>-told_risks-…`, `#i<n>-promised_returns-…`, `#i<n>-notes`, `#i<n>-remove`.

use mopai_shared::ids::InterviewId;
use yew::prelude::*;

use super::StepProps;
use crate::components::field::field_html;
use crate::form::edit::{Edit, Target};
use crate::form::steps::message_for;
use crate::form::visit::INTERVIEW_FIELDS;
use crate::hooks::use_app;

#[function_component]
pub fn Interviews(p: &StepProps) -> Html {
    let ctx = use_app();
    let (facility, visit) = (p.entry.id, p.visit.id);
    let on_add = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            ctx.edit(facility, Edit::AddInterview(visit, InterviewId::random()))
        })
    };
    let card = |(n, interview): (usize, &mopai_shared::model::ResidentInterview)| {
        let n = n + 1;
        let prefix = format!("i{n}");
        let item = interview.id;
        let fields = INTERVIEW_FIELDS.iter().map(|field| {
            let key = field.key;
            let onchange = ctx.setter(facility, Target::Interview(visit, item), key);
            let error = message_for(&p.issues, &format!("interviews[{item}].{key}"));
            field_html(field, interview, &prefix, error, p.locked, onchange)
        });
        let on_remove = {
            let ctx = ctx.clone();
            Callback::from(move |_| {
                if gloo::dialogs::confirm(&format!("删除第 {n} 条询问记录？")) {
                    ctx.edit(facility, Edit::RemoveInterview(visit, item));
                }
            })
        };
        html! {
            <div class="card interview-card" id={format!("interview-{n}")} key={item.to_string()} data-id={item.to_string()}>
                <h3>{ format!("询问记录 {n}") }</h3>
                { for fields }
                if !p.locked {
                    <button type="button" class="link danger" id={format!("{prefix}-remove")} onclick={on_remove}>
                        { "删除这条询问记录" }
                    </button>
                }
            </div>
        }
    };
    html! {
        <>
            <p class="hint">{ "询问入住老年人或其代理人。只记称呼，不记身份证号。" }</p>
            { for p.visit.interviews.iter().enumerate().map(card) }
            if !p.locked {
                <button type="button" class="primary" id="add-interview" onclick={on_add}>{ "＋ 添加询问记录" }</button>
            }
        </>
    }
}
