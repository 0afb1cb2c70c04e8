//! The lead's signature on the township's tables (分管领导签字): how many
//! facilities are fully approved and unsigned, the signer's name (the
//! lead's own, editable as it should appear on paper) and the date, and one
//! button that signs them all. Each signature is kept on its facility's
//! review document (see [`crate::review::signoff`]).
//!
//! Element ids: `#signoff`, `#signoff-summary` (text: "待签字 N 家 · 已签字 N 家 ·
//! 审核中 N 家"), `#signoff-name`, `#signoff-name-error`, `#signoff-date`,
//! `#sign-off` (button), `#signoff-last` (who signed last, and when).

use mopai_shared::model::SignOff;
use yew::prelude::*;

use super::review_edit;
use crate::clock::short;
use crate::components::field::TextBox;
use crate::hooks::use_app;
use crate::review::edit::{ReviewEdit, ReviewError};
use crate::review::signoff::summary;

#[function_component]
pub fn SignOffPanel() -> Html {
    let ctx = use_app();
    let own_name = ctx
        .state
        .session
        .as_ref()
        .map(|s| s.user.display_name.clone())
        .unwrap_or_default();
    let name = use_state(|| own_name);
    let error = use_state(|| None::<ReviewError>);
    let s = summary(&ctx.state.library);
    let today = crate::clock::now();
    let on_sign = {
        let (ctx, name, error, ready) = (ctx.clone(), name.clone(), error.clone(), s.ready.clone());
        Callback::from(move |_| {
            let Some(user) = ctx.state.session.as_ref().map(|s| s.user.clone()) else {
                return;
            };
            if name.trim().is_empty() {
                error.set(Some(ReviewError::SignerRequired));
                return;
            }
            error.set(None);
            let signoff = SignOff {
                by: user.id,
                at: crate::clock::now(),
                note: name.trim().to_owned(),
            };
            for &facility in &ready {
                let township = ctx
                    .state
                    .facility(facility)
                    .and_then(|e| e.township)
                    .or(user.township.as_ref().map(|t| t.id));
                if let Some(township) = township {
                    let edit = ReviewEdit::SignOff(signoff.clone());
                    review_edit(&ctx, facility, township, edit);
                }
            }
        })
    };
    html! {
        <section class="card" id="signoff">
            <h2>{ "分管领导签字" }</h2>
            <p id="signoff-summary">
                { format!("待签字 {} 家 · 已签字 {} 家 · 审核中 {} 家", s.ready.len(), s.signed, s.open) }
            </p>
            <p class="hint">{ "走访记录全部通过审核的机构可签字，签字随报表报送。签字后如有新提交，需重新签字。" }</p>
            <label class="field-label" for="signoff-name">{ "签字人" }</label>
            <TextBox id="signoff-name" value={(*name).clone()} oninput={Callback::from(move |v| name.set(v))} />
            if let Some(e) = &*error {
                <p class="field-error" id="signoff-name-error" role="alert">{ e.to_string() }</p>
            }
            <p class="hint">{ "签字日期：" }<span id="signoff-date">{ today.day().to_string() }</span></p>
            <button type="button" class="primary" id="sign-off" disabled={s.ready.is_empty()} onclick={on_sign}>
                { format!("签字确认（{} 家）", s.ready.len()) }
            </button>
            if let Some(last) = &s.last {
                <p class="hint" id="signoff-last">{ format!("最近签字：{} · {}", last.note, short(&last.at)) }</p>
            }
        </section>
    }
}
