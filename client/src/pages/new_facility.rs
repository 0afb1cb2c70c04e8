//! A facility or venue found on the spot (plan §二.二: new leads are
//! verified on site): name, category, village and address, created offline
//! in the inspector's township; then straight to its page.
//!
//! Element ids: `#new-facility-form`, `#new-name`, `#new-category` (select of
//! category codes), `#new-village`, `#new-address`, `#create` (submit),
//! `#new-error`.

use mopai_shared::model::Category;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::top_bar::TopBar;
use crate::form::edit::{Edit, Target};
use crate::form::value::Value;
use crate::hooks::use_app;

#[function_component]
pub fn NewFacility() -> Html {
    let ctx = use_app();
    let navigator = use_navigator();
    let (name, category, village, address) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );
    let message = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let on_submit = {
        let refs = (
            name.clone(),
            category.clone(),
            village.clone(),
            address.clone(),
        );
        let (message, busy) = (message.clone(), busy.clone());
        let services = ctx.services.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value().trim().to_owned())
                    .unwrap_or_default()
            };
            let name = text(&refs.0);
            if name.is_empty() {
                message.set(Some("请填写机构（场所）名称".into()));
                return;
            }
            let Some(services) = services.clone() else {
                message.set(Some("本机存储尚未就绪，请稍候".into()));
                return;
            };
            let code = refs
                .1
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            let set = |key, value| Edit::Set {
                target: Target::Facility,
                key,
                value,
            };
            let setup = vec![
                set(
                    "category",
                    Value::Code(Category::from_code(&code).map(|c| c.code().to_owned())),
                ),
                set("profile.village", Value::Text(text(&refs.2))),
                set("profile.address", Value::Text(text(&refs.3))),
            ];
            busy.set(true);
            message.set(None);
            let (navigator, message, busy) = (navigator.clone(), message.clone(), busy.clone());
            let done = Callback::from(move |created: Result<_, String>| match created {
                Ok(id) => {
                    if let Some(n) = &navigator {
                        n.replace(&Route::facility(id));
                    }
                }
                Err(why) => {
                    message.set(Some(why));
                    busy.set(false);
                }
            });
            services.create_facility(name, setup, done);
        })
    };
    html! {
        <main class="page">
            <TopBar title="新建机构或场所" back={Route::Home} />
            <form class="card" id="new-facility-form" onsubmit={on_submit}>
                <label for="new-name">{ "名称" }</label>
                <input id="new-name" ref={name} placeholder="机构或场所名称" maxlength="100" autocomplete="off" />
                <label for="new-category">{ "摸排对象类别" }</label>
                <select id="new-category" ref={category}>
                    <option value="">{ "暂不确定" }</option>
                    { for Category::ALL.iter().map(|c| html! { <option value={c.code()}>{ c.label_zh() }</option> }) }
                </select>
                <label for="new-village">{ "村（社区）" }</label>
                <input id="new-village" ref={village} autocomplete="off" />
                <label for="new-address">{ "地址" }</label>
                <input id="new-address" ref={address} autocomplete="off" />
                <button id="create" type="submit" disabled={*busy || ctx.services.is_none()}>
                    { "新建记录（离线可用）" }
                </button>
            </form>
            if let Some(error) = &*message {
                <p class="error" role="alert" id="new-error">{ error }</p>
            }
        </main>
    }
}
