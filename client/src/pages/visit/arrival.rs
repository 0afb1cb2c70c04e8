//! Step 1, 到达: phase, method (and why not on site), the six 四不两直 ticks,
//! the arrival time and a GPS fix. The step works without a fix: indoors or
//! with location refused, the inspector carries on and may try again later.
//!
//! Element ids: `#v-phase-<code>`, `#v-method-<code>`, `#v-method_reason`,
//! `#v-attestation-no_notice` … `#v-attestation-straight_to_scene` (checkboxes),
//! `#v-arrived_at` (datetime-local), `#arrived-now`, `#v-arrived_at-error`,
//! `#gps-fix` (button), `#gps-status` (`data-fixed` when the visit has a fix).

use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{StepProps, sections};
use crate::clock::{js_offset, local_input, now, parse_local, short};
use crate::form::edit::Edit;
use crate::form::steps::message_for;
use crate::form::visit::ARRIVAL_SECTIONS;
use crate::hooks::use_app;

#[derive(Clone, PartialEq)]
enum Locating {
    Idle,
    Busy,
    Failed(String),
}

#[function_component]
pub fn Arrival(p: &StepProps) -> Html {
    let ctx = use_app();
    let locating = use_state(|| Locating::Idle);
    let (facility, visit) = (p.entry.id, p.visit.id);
    let set_arrival = {
        let ctx = ctx.clone();
        move |at| ctx.edit(facility, Edit::ArrivedAt(visit, at))
    };
    let on_time = {
        let set_arrival = set_arrival.clone();
        Callback::from(move |e: Event| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            set_arrival(parse_local(&text, js_offset()));
        })
    };
    let on_now = Callback::from(move |_| set_arrival(Some(now())));
    let on_locate = {
        let (ctx, locating) = (ctx.clone(), locating.clone());
        Callback::from(move |_| {
            let (ctx, locating) = (ctx.clone(), locating.clone());
            locating.set(Locating::Busy);
            spawn_local(async move {
                match crate::browser::geo::locate().await {
                    Ok(fix) => {
                        ctx.edit(facility, Edit::Gps(visit, fix));
                        locating.set(Locating::Idle);
                    }
                    Err(why) => locating.set(Locating::Failed(why)),
                }
            });
        })
    };
    let arrived = p
        .visit
        .arrived_at
        .map(|t| local_input(&t))
        .unwrap_or_default();
    let fix = p.visit.gps.as_ref().map(|g| {
        let when = g.taken_at.map(|t| short(&t)).unwrap_or_default();
        format!(
            "已定位：纬度 {:.5}，经度 {:.5}，精度约 {:.0} 米（{when}）",
            g.lat, g.lon, g.accuracy_m
        )
    });
    let status = match &*locating {
        Locating::Busy => "正在定位…（可先填写其他内容）".to_owned(),
        Locating::Failed(why) => format!("{why}。没有定位也可以继续填写。"),
        Locating::Idle => fix.clone().unwrap_or_else(|| "尚未定位。".to_owned()),
    };
    let gps_error = message_for(&p.issues, "gps");
    html! {
        <>
            { sections(ARRIVAL_SECTIONS, p, &ctx) }
            <fieldset class="step-section">
                <legend>{ "到达时间与位置" }</legend>
                <div class="field">
                    <label class="field-label" for="v-arrived_at">{ "到达（排查）时间" }</label>
                    <input type="datetime-local" id="v-arrived_at" value={arrived}
                        disabled={p.locked} onchange={on_time} />
                    <button type="button" id="arrived-now" disabled={p.locked} onclick={on_now}>
                        { "记为现在" }
                    </button>
                    if let Some(e) = message_for(&p.issues, "arrived_at") {
                        <p class="field-error" id="v-arrived_at-error">{ e }</p>
                    }
                </div>
                <div class="field">
                    <button type="button" id="gps-fix" disabled={p.locked || *locating == Locating::Busy}
                        onclick={on_locate}>
                        { if fix.is_some() { "重新定位" } else { "获取定位" } }
                    </button>
                    <p class="hint" id="gps-status" data-fixed={fix.is_some().then_some("true")}>{ status }</p>
                    if let Some(e) = gps_error { <p class="field-error" id="v-gps-error">{ e }</p> }
                </div>
            </fieldset>
        </>
    }
}
