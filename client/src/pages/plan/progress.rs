//! The plan's progress (进展): entries newest first, each with when and by
//! whom, and a box for the next one (time and author are recorded).
//!
//! Element ids and classes: `#plan-progress`, `#progress-list` >
//! `li.progress-entry` (`.at`, `.by`, `.text`), `#progress-empty`,
//! `#progress-text`, `#add-progress`, `#progress-error`.

use mopai_shared::ids::ProgressId;
use mopai_shared::model::ProgressEntry;
use yew::prelude::*;

use super::PartProps;
use crate::clock::short;
use crate::components::field::TextBox;
use crate::review::plan::PlanEdit;

#[function_component]
pub fn Progress(props: &PartProps) -> Html {
    let text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let me = props.writer.as_ref().and_then(|w| w.user());
    let on_add = {
        let (writer, text, error) = (props.writer.clone(), text.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(w) = &writer else { return };
            let Some(by) = w.user().map(|u| u.id) else {
                return;
            };
            let entry = ProgressEntry {
                id: ProgressId::random(),
                at: crate::clock::now(),
                by,
                text: (*text).clone(),
            };
            match w.send(PlanEdit::Progress(entry)) {
                Ok(()) => {
                    text.set(String::new());
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let mut entries: Vec<&ProgressEntry> = props.plan.progress.iter().collect();
    entries.sort_by_key(|e| std::cmp::Reverse((e.at, e.id)));
    // Entries carry user ids only; the phone knows its own user's name.
    let author = |e: &ProgressEntry| match &me {
        Some(u) if u.id == e.by => u.display_name.clone(),
        _ => "分管领导".to_owned(),
    };
    html! {
        <section class="card" id="plan-progress">
            <h2>{ "处置进展" }</h2>
            if entries.is_empty() {
                <p class="hint" id="progress-empty">{ "尚无进展记录。" }</p>
            }
            <ul class="thread" id="progress-list">
                { for entries.into_iter().map(|e| html! {
                    <li class="progress-entry" key={e.id.to_string()}>
                        <span class="hint"><span class="at">{ short(&e.at) }</span>{ " · " }<span class="by">{ author(e) }</span></span>
                        <p class="text">{ &e.text }</p>
                    </li>
                }) }
            </ul>
            if props.writer.is_some() {
                <label class="field-label" for="progress-text">{ "新进展" }</label>
                <TextBox id="progress-text" value={(*text).clone()} multiline=true
                    placeholder="例如：已约谈负责人，责令限期退还预付费"
                    oninput={Callback::from({ let text = text.clone(); move |v| text.set(v) })} />
                if let Some(e) = &*error {
                    <p class="field-error" role="alert" id="progress-error">{ e }</p>
                }
                <button type="button" class="primary" id="add-progress" disabled={text.trim().is_empty()}
                    onclick={on_add}>{ "记录进展" }</button>
            }
        </section>
    }
}
