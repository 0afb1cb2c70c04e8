//! County staff add one online check: source, subject, finding (or still
//! open), detail, date and reference. The shared validation runs on 保存;
//! its messages show under the fields, in Chinese, and nothing is saved
//! until they are put right.
//!
//! Element ids (each field's `<id>-error` holds its message): `#check-form`,
//! `#check-source-<code>` (chips), `#check-subject`, `#check-finding-<code>`
//! (chips; `open` is 核查中), `#check-detail`, `#check-date`, `#check-reference`,
//! `#add-check`, `#check-errors` (summary), `#check-done`.

use mopai_shared::ids::{CheckId, FacilityId, TownshipId};
use mopai_shared::model::{CheckFinding, CheckSource, Coded};
use yew::prelude::*;

use crate::components::field::FieldInput;
use crate::county::{CheckDraft, CountyEdit, FieldError};
use crate::form::field::{Control, FieldView, Opt, options};
use crate::form::value::Value;
use crate::hooks::use_app;
use crate::pages::review::lead_edit;
use crate::services::review::LeadEdit;

/// The finding chip that stands for "no result yet".
const OPEN: Opt = ("open", "核查中（尚无结论）");

#[derive(Properties, PartialEq)]
pub struct CheckFormProps {
    pub facility: FacilityId,
    /// The township the county document lives in (the facility's).
    pub township: Option<TownshipId>,
}

/// How a [`Value`] changes the draft.
type Change = fn(&mut CheckDraft, Value);

fn code<T: Coded>(v: Value) -> Option<T> {
    match v {
        Value::Code(Some(code)) => T::from_code(&code),
        _ => None,
    }
}

#[function_component]
pub fn CheckForm(props: &CheckFormProps) -> Html {
    let ctx = use_app();
    let today = crate::clock::now().day();
    let draft = use_state(|| CheckDraft {
        checked_on: Some(today),
        ..CheckDraft::default()
    });
    let errors = use_state(Vec::<FieldError>::new);
    let saved = use_state(|| false);
    let change = |apply: Change| {
        let (draft, saved) = (draft.clone(), saved.clone());
        Callback::from(move |v: Value| {
            let mut next = (*draft).clone();
            apply(&mut next, v);
            draft.set(next);
            saved.set(false);
        })
    };
    let error = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| AttrValue::from(e.message.clone()))
    };
    let on_add = {
        let (ctx, draft, errors, saved) =
            (ctx.clone(), draft.clone(), errors.clone(), saved.clone());
        let (facility, township) = (props.facility, props.township);
        Callback::from(move |_: MouseEvent| {
            let Some(by) = ctx.state.session.as_ref().map(|s| s.user.id) else {
                return;
            };
            let Some(township) = township else {
                errors.set(vec![FieldError {
                    field: "township".into(),
                    message: "这家机构尚未归属乡镇，无法保存核查结果".into(),
                }]);
                return;
            };
            match draft.build(CheckId::random(), by, today) {
                Ok(check) => {
                    let edit = CountyEdit::AddCheck(check);
                    lead_edit(
                        &ctx,
                        LeadEdit::County {
                            facility,
                            township,
                            edit,
                        },
                    );
                    draft.set(CheckDraft {
                        checked_on: Some(today),
                        ..CheckDraft::default()
                    });
                    errors.set(Vec::new());
                    saved.set(true);
                }
                Err(found) => {
                    errors.set(found);
                    saved.set(false);
                }
            }
        })
    };
    let d = &*draft;
    let mut findings = vec![OPEN];
    findings.extend(options::<CheckFinding>());
    let finding_code = d.finding.map(|f| f.map_or(OPEN.0, |f| f.code()));
    let view = |key, label, hint, control| FieldView {
        key,
        label,
        hint,
        control,
    };
    let text = |value: &str, long| Control::Text {
        value: value.to_owned(),
        long,
    };
    html! {
        <section class="card" id="check-form">
            <h2>{ "录入网上核查" }</h2>
            <FieldInput id="check-source" error={error("source")} onchange={change(|d, v| d.source = code::<CheckSource>(v))}
                view={view("source", "核查来源", "", Control::One { value: d.source.map(|s| s.code()), options: options::<CheckSource>() })} />
            <FieldInput id="check-subject" error={error("subject")} onchange={change(|d, v| if let Value::Text(t) = v { d.subject = t })}
                view={view("subject", "核查对象", "运营主体、投资人、法定代表人或关联公司", text(&d.subject, false))} />
            <FieldInput id="check-finding" error={error("finding")}
                onchange={change(|d, v| d.finding = match v {
                    Value::Code(Some(c)) if c == OPEN.0 => Some(None),
                    v => code::<CheckFinding>(v).map(Some),
                })}
                view={view("finding", "核查结果", "列入黑名单的，风险等级至少为橙色（O3）", Control::One { value: finding_code, options: findings })} />
            <FieldInput id="check-detail" error={error("detail")} onchange={change(|d, v| if let Value::Text(t) = v { d.detail = t })}
                view={view("detail", "情况说明", "", text(&d.detail, true))} />
            <FieldInput id="check-date" error={error("checked_on")} onchange={change(|d, v| if let Value::Date(day) = v { d.checked_on = day })}
                view={view("checked_on", "核查日期", "", Control::Date(d.checked_on))} />
            <FieldInput id="check-reference" error={error("reference")} onchange={change(|d, v| if let Value::Text(t) = v { d.reference = t })}
                view={view("reference", "出处", "案号、名单名称或网址，便于复核", text(&d.reference, false))} />
            if !errors.is_empty() {
                <div class="error" role="alert" id="check-errors">
                    <p>{ "尚未保存，请先更正：" }</p>
                    <ul>{ for errors.iter().map(|e| html! { <li>{ &e.message }</li> }) }</ul>
                </div>
            }
            if *saved {
                <p class="hint" id="check-done" role="status">{ "已保存到本机，联网后自动同步到县局服务器。" }</p>
            }
            <button type="button" class="primary" id="add-check" onclick={on_add}>{ "保存核查结果" }</button>
        </section>
    }
}
