//! The lead settles fields two people set differently offline: each value
//! with who wrote it, and a button to keep it. The pick is written to the
//! facility document through the lead's writer and reaches every phone
//! with the next sync; the other values are kept in the document's history.
//!
//! Element classes (a page may hold several): `.resolve-conflicts` > `li.conflict[data-path=<path>]` with
//! `.conflict-field` and per value `.conflict-value` holding
//! `button.pick-value[data-text=<value as shown>]` (`.shown` on the value the
//! forms show now).

use std::rc::Rc;

use yew::prelude::*;

use super::lead_edit;
use crate::docs::{ConflictView, FacilityEntry};
use crate::hooks::use_app;
use crate::review::conflict::ConflictPick;
use crate::services::review::LeadEdit;

#[derive(Properties, PartialEq)]
pub struct ResolveProps {
    pub entry: Rc<FacilityEntry>,
}

#[function_component]
pub fn Resolve(props: &ResolveProps) -> Html {
    let ctx = use_app();
    let facility = props.entry.id;
    let conflict = |c: &ConflictView| {
        let values = c.values.iter().map(|v| {
            let pick = ConflictPick {
                path: c.path.clone(),
                author: v.author.clone(),
                text: v.text.clone(),
            };
            let onclick = {
                let ctx = ctx.clone();
                Callback::from(move |_| {
                    lead_edit(
                        &ctx,
                        LeadEdit::Resolve {
                            facility,
                            pick: pick.clone(),
                        },
                    )
                })
            };
            html! {
                <li class={classes!("conflict-value", v.shown.then_some("shown"))}>
                    <button type="button" class="pick-value" data-text={v.text.clone()} {onclick}>
                        { format!("采用“{}”", v.text) }
                    </button>
                    <span class="hint">
                        { format!("录入设备 {}{}", v.author, if v.shown { " · 当前显示" } else { "" }) }
                    </span>
                </li>
            }
        });
        html! {
            <li class="conflict" key={c.path.clone()} data-path={c.path.clone()}>
                <span class="conflict-field">{ &c.label }</span>
                <ul class="conflict-values">{ for values }</ul>
            </li>
        }
    };
    if props.entry.conflicts.is_empty() {
        return Html::default();
    }
    html! {
        <div class="resolve-conflicts">
            <p class="hint">{ "离线时两人填写了不同内容。选定一个值后，各手机同步后都显示该值。" }</p>
            <ul class="conflicts">{ for props.entry.conflicts.iter().map(conflict) }</ul>
        </div>
    }
}
