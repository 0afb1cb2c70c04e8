//! One form field, rendered from a [`FieldView`]: a text box, a number, 是/否/未答
//! buttons, a tick, a date, or chips for one or several options. The field
//! hands back a [`Value`]; the page turns it into an edit.
//!
//! Element ids, from the `id` prop (see [`crate::form::element_id`]):
//! - text, number, date, tick: `{id}` is the `<input>`/`<textarea>`;
//! - 是/否/未答: `{id}-yes`, `{id}-no`, `{id}-none` (buttons, `aria-pressed`);
//! - one or several options: `{id}-{code}` (buttons, `aria-pressed`);
//! - the validation or typing message: `{id}-error`.

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use web_sys::Element;
use yew::prelude::*;

use crate::form::field::{Control, Field, FieldView, Opt};
use crate::form::value::{Value, parse_date, parse_lines, parse_number, wan_yuan};

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    pub id: AttrValue,
    pub view: FieldView,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
    pub onchange: Callback<Value>,
}

#[function_component]
pub fn FieldInput(props: &FieldProps) -> Html {
    let typing_error = use_state(|| None::<&'static str>);
    let id = props.id.clone();
    let emit = props.onchange.clone();
    let view = &props.view;
    let disabled = props.disabled;
    let control = match &view.control {
        Control::Text { value, long } => {
            let oninput = emit.reform(Value::Text);
            html! { <TextBox id={id.clone()} value={value.clone()} multiline={*long} {disabled} {oninput} /> }
        }
        Control::Lines(value) => {
            let oninput = emit.reform(|s: String| Value::Lines(parse_lines(&s)));
            html! { <TextBox id={id.clone()} value={value.clone()} {disabled} {oninput} /> }
        }
        Control::Number { value, money } => {
            let oninput = {
                let typing_error = typing_error.clone();
                Callback::from(move |s: String| match parse_number(&s) {
                    Ok(n) => {
                        typing_error.set(None);
                        emit.emit(Value::Number(n));
                    }
                    Err(why) => typing_error.set(Some(why)),
                })
            };
            let onblur = {
                let typing_error = typing_error.clone();
                Callback::from(move |()| typing_error.set(None))
            };
            let text = value.map(|v| v.to_string()).unwrap_or_default();
            html! {
                <>
                    <TextBox id={id.clone()} value={text} inputmode="numeric" {disabled} {oninput} {onblur} />
                    if let (true, Some(v)) = (*money, value) {
                        if *v >= 10_000 { <p class="hint">{ format!("合 {}", wan_yuan(*v)) }</p> }
                    }
                </>
            }
        }
        Control::Flag(answer) => flag(&id, *answer, disabled, &emit),
        Control::Tick(ticked) => {
            let onchange = emit.reform(|e: Event| Value::Tick(checked(&e)));
            return html! {
                <label class="tick" for={id.clone()}>
                    <input type="checkbox" id={id.clone()} checked={*ticked} {disabled} {onchange} />
                    <span>{ view.label }</span>
                </label>
            };
        }
        Control::Date(day) => {
            let onchange = emit.reform(|e: Event| Value::Date(parse_date(&value_of(&e))));
            let value = day.map(|d| d.to_string()).unwrap_or_default();
            html! { <input type="date" id={id.clone()} {value} {disabled} {onchange} /> }
        }
        Control::One { value, options } => chips(&id, options, disabled, |code| {
            let selected = *value == Some(code);
            let next = (!selected).then(|| code.to_owned());
            (selected, emit.reform(move |_| Value::Code(next.clone())))
        }),
        Control::Many(answers) => {
            let options: Vec<Opt> = answers.iter().map(|(o, _)| *o).collect();
            chips(&id, &options, disabled, |code| {
                let on = answers.iter().any(|(o, a)| o.0 == code && *a == Some(true));
                let code = code.to_owned();
                (
                    on,
                    emit.reform(move |_| Value::Pick(code.clone(), Some(!on))),
                )
            })
        }
    };
    let message = typing_error
        .map(AttrValue::from)
        .or_else(|| props.error.clone());
    html! {
        <div class={classes!("field", message.is_some().then_some("invalid"))} data-key={view.key}>
            <label class="field-label" for={id.clone()}>{ view.label }</label>
            { control }
            if !view.hint.is_empty() { <p class="hint">{ view.hint }</p> }
            if let Some(message) = message {
                <p class="field-error" id={format!("{id}-error")} role="alert">{ message }</p>
            }
        </div>
    }
}

/// 是 / 否 / 未答 as three buttons.
fn flag(id: &str, answer: Option<bool>, disabled: bool, emit: &Callback<Value>) -> Html {
    let button = |suffix: &str, text: &str, value: Option<bool>| {
        let onclick = emit.reform(move |_| Value::Flag(value));
        html! {
            <button type="button" id={format!("{id}-{suffix}")} class={classes!("seg-option", value.is_none().then_some("seg-none"))}
                aria-pressed={(answer == value).to_string()} {disabled} {onclick}>{ text }</button>
        }
    };
    html! {
        <div class="seg" role="group">
            { button("yes", "是", Some(true)) }
            { button("no", "否", Some(false)) }
            { button("none", "未答", None) }
        </div>
    }
}

/// Option chips; `state` says whether a chip is on and what tapping it does.
fn chips(
    id: &str,
    options: &[Opt],
    disabled: bool,
    state: impl Fn(&'static str) -> (bool, Callback<MouseEvent>),
) -> Html {
    html! {
        <div class="chips" role="group">
            { for options.iter().map(|&(code, label)| {
                let (on, onclick) = state(code);
                html! {
                    <button type="button" id={format!("{id}-{code}")} class="chip"
                        aria-pressed={on.to_string()} {disabled} {onclick}>{ label }</button>
                }
            }) }
        </div>
    }
}

/// One field of `root` with its id and message; `None` when hidden.
pub fn field_html<S>(
    field: &'static Field<S>,
    root: &S,
    id_prefix: &str,
    error: Option<&str>,
    disabled: bool,
    onchange: Callback<Value>,
) -> Html {
    if !field.visible(root) {
        return Html::default();
    }
    html! {
        <FieldInput key={field.key} id={crate::form::element_id(id_prefix, field.key)}
            view={field.view(root)} error={error.map(|e| AttrValue::from(e.to_owned()))}
            {disabled} {onchange} />
    }
}

fn value_of(e: &Event) -> String {
    e.target()
        .and_then(|t| Reflect::get(&t, &JsValue::from_str("value")).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

fn checked(e: &Event) -> bool {
    e.target()
        .and_then(|t| Reflect::get(&t, &JsValue::from_str("checked")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

#[derive(Properties, PartialEq)]
pub struct TextBoxProps {
    pub id: AttrValue,
    /// The model's value. Shown whenever the box is not being typed in.
    pub value: AttrValue,
    #[prop_or_default]
    pub multiline: bool,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
    pub oninput: Callback<String>,
    #[prop_or_default]
    pub onblur: Callback<()>,
}

/// A text input that follows the model without fighting the user: while it
/// has focus, what the user typed stays (so "甲、" is not cut back to "甲"
/// between keystrokes); on blur, or when the model changes from elsewhere (a
/// sync), it shows the model's value.
#[function_component]
pub fn TextBox(props: &TextBoxProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.value.clone(), move |value| {
            if let Some(el) = node.cast::<Element>() {
                let focused = gloo::utils::document().active_element().as_ref() == Some(&el);
                if !focused {
                    show(&el, value);
                }
            }
        });
    }
    let oninput = props.oninput.reform(|e: InputEvent| value_of(&e));
    let onblur = {
        let (node, value, done) = (node.clone(), props.value.clone(), props.onblur.clone());
        Callback::from(move |_: FocusEvent| {
            if let Some(el) = node.cast::<Element>() {
                show(&el, &value);
            }
            done.emit(());
        })
    };
    let (id, disabled) = (props.id.clone(), props.disabled);
    if props.multiline {
        html! { <textarea ref={node} {id} rows="3" {disabled} {oninput} {onblur}
        placeholder={props.placeholder.clone()} /> }
    } else {
        html! { <input ref={node} {id} type="text" autocomplete="off" {disabled} {oninput} {onblur}
        inputmode={props.inputmode.clone()} placeholder={props.placeholder.clone()} /> }
    }
}

fn show(el: &Element, value: &str) {
    let current = Reflect::get(el, &JsValue::from_str("value"))
        .ok()
        .and_then(|v| v.as_string());
    if current.as_deref() != Some(value) {
        let _ = Reflect::set(el, &JsValue::from_str("value"), &JsValue::from_str(value));
    }
}
