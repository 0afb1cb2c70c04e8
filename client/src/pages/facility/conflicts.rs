//! Fields two people recorded differently offline: both values, who wrote
//! each (by actor id) and which one the forms show now. Read-only here: the
//! township lead picks the value on the review page.
//!
//! Element ids: `#conflicts` > `li.conflict[data-path]` with `.conflict-field`
//! and `.conflict-value` (one per value; `.shown` on the one the forms show).

use std::rc::Rc;

use yew::prelude::*;

use crate::docs::FacilityEntry;

#[derive(Properties, PartialEq)]
pub struct ConflictsProps {
    pub entry: Rc<FacilityEntry>,
}

#[function_component]
pub fn Conflicts(props: &ConflictsProps) -> Html {
    let conflicts = &props.entry.conflicts;
    if conflicts.is_empty() {
        return Html::default();
    }
    html! {
        <section class="card warn-card" id="conflicts">
            <h2>{ format!("{} 处填写不一致", conflicts.len()) }</h2>
            <p class="hint">{ "两位排查员离线时填写了不同内容，两个值都已保留，由分管领导审核时选定。" }</p>
            <ul>
                { for conflicts.iter().map(|c| html! {
                    <li class="conflict" data-path={c.path.clone()}>
                        <span class="conflict-field">{ &c.label }</span>
                        <ul>
                            { for c.values.iter().map(|v| html! {
                                <li class={classes!("conflict-value", v.shown.then_some("shown"))}>
                                    <strong>{ &v.text }</strong>
                                    <span class="hint">
                                        { format!(" · 录入设备 {}{}", v.author, if v.shown { " · 当前显示" } else { "" }) }
                                    </span>
                                </li>
                            }) }
                        </ul>
                    </li>
                }) }
            </ul>
        </section>
    }
}
