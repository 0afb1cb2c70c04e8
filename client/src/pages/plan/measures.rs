//! The plan's measures: each with its kind and wording, ticked off when
//! done (the day is today), the money refunded for a refund measure, and a
//! form for one more measure.
//!
//! Element ids and classes: `#plan-measures` (h2 has `#measures-count`),
//! `#plan-prefilled`, `ul.plan-measures` > `li.measure[data-kind=<code>][data-done]`
//! holding `input.measure-done` (checkbox, id `measure-<n>-done`), `.measure-kind`,
//! `.detail`, `.done-on`, and for refunds `#measure-<n>-refunded`;
//! `#new-measure-kind` (select of kind codes), `#new-measure-detail`, `#add-measure`,
//! `#measure-error`.

use mopai_shared::ids::MeasureId;
use mopai_shared::model::{Measure, MeasureKind};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::{PartProps, PlanWriter};
use crate::components::field::TextBox;
use crate::form::value::parse_number;
use crate::review::plan::PlanEdit;

#[function_component]
pub fn Measures(props: &PartProps) -> Html {
    let error = use_state(|| None::<String>);
    let kind = use_state(|| MeasureKind::Other);
    let detail = use_state(String::new);
    let report = {
        let error = error.clone();
        move |result: Result<(), String>| error.set(result.err())
    };
    let measures = &props.plan.measures;
    let done = measures.iter().filter(|m| m.done_on.is_some()).count();
    let row = |(n, m): (usize, &Measure)| measure(n, m, props, &report);
    let on_add = {
        let (writer, kind, detail, report) = (
            props.writer.clone(),
            kind.clone(),
            detail.clone(),
            report.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(w) = &writer else { return };
            let measure = Measure {
                id: MeasureId::random(),
                kind: *kind,
                detail: (*detail).clone(),
                done_on: None,
                refunded_yuan: None,
            };
            let sent = w.send(PlanEdit::AddMeasure(measure));
            if sent.is_ok() {
                detail.set(String::new());
            }
            report(sent);
        })
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            let code = e.target_unchecked_into::<HtmlSelectElement>().value();
            kind.set(MeasureKind::from_code(&code).unwrap_or(MeasureKind::Other));
        })
    };
    html! {
        <section class="card" id="plan-measures">
            <h2>{ "处置措施" }<span class="hint" id="measures-count">{ format!("（已完成 {done}/{}）", measures.len()) }</span></h2>
            if props.prefilled {
                <p class="hint" id="plan-prefilled">{ "以下措施按风险等级和处置路径预填；修改方案任一项后即存入方案。" }</p>
            }
            <ul class="plan-measures">{ for measures.iter().enumerate().map(row) }</ul>
            if let Some(e) = &*error {
                <p class="error" role="alert" id="measure-error">{ e }</p>
            }
            if props.writer.is_some() {
                <h3>{ "增加措施" }</h3>
                <label class="select">
                    <span>{ "措施类别" }</span>
                    <select id="new-measure-kind" onchange={on_kind}>
                        { for MeasureKind::ALL.iter().map(|k| html! {
                            <option value={k.code()} selected={*k == *kind}>{ k.label_zh() }</option>
                        }) }
                    </select>
                </label>
                <TextBox id="new-measure-detail" value={(*detail).clone()} placeholder="措施内容"
                    oninput={Callback::from(move |v| detail.set(v))} />
                <button type="button" id="add-measure" onclick={on_add}>{ "增加" }</button>
            }
        </section>
    }
}

/// One measure; `report` shows a refused change under the list.
fn measure(
    n: usize,
    m: &Measure,
    props: &PartProps,
    report: &(impl Fn(Result<(), String>) + Clone + 'static),
) -> Html {
    let writer: Option<PlanWriter> = props.writer.clone();
    let id = m.id;
    let on_done = {
        let (writer, report, today, done) = (
            writer.clone(),
            report.clone(),
            props.today,
            m.done_on.is_some(),
        );
        Callback::from(move |_: Event| {
            if let Some(w) = &writer {
                let on = (!done).then_some(today);
                report(w.send(PlanEdit::Done { measure: id, on }));
            }
        })
    };
    let on_refunded = {
        let (writer, report) = (writer.clone(), report.clone());
        Callback::from(move |text: String| {
            if let Some(w) = &writer {
                let sent = parse_number(&text)
                    .map_err(str::to_owned)
                    .and_then(|yuan| w.send(PlanEdit::Refunded { measure: id, yuan }));
                report(sent);
            }
        })
    };
    let done_id = format!("measure-{n}-done");
    html! {
        <li class="measure" key={m.id.to_string()} data-kind={m.kind.code()} data-done={m.done_on.is_some().to_string()}>
            <label class="tick" for={done_id.clone()}>
                <input type="checkbox" class="measure-done" id={done_id} checked={m.done_on.is_some()}
                    disabled={writer.is_none()} onchange={on_done} />
                <span class="measure-kind">{ m.kind.label_zh() }</span>
            </label>
            <p class="detail">{ &m.detail }</p>
            if let Some(day) = m.done_on {
                <p class="hint done-on">{ format!("已于 {day} 完成") }</p>
            }
            if m.kind == MeasureKind::Refund {
                <label class="field-label" for={format!("measure-{n}-refunded")}>{ "已清退资金（元）" }</label>
                <TextBox id={format!("measure-{n}-refunded")} inputmode="numeric" disabled={writer.is_none()}
                    value={m.refunded_yuan.map(|y| y.to_string()).unwrap_or_default()} oninput={on_refunded} />
            }
        </li>
    }
}
