//! The login form. It needs the network once; afterwards the phone works offline.
//!
//! Element ids: `#login` (form), `#username`, `#password`, `#login-submit`,
//! `#login-error`.
//!
//! index.html shows a plain copy of this form (`#boot`) while the wasm loads;
//! on mount this one takes over what was typed there, the focus, and a tap on
//! 登录 made before the app could answer it ([`take_over_boot_form`]).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::AppContext;
use crate::state::Action;

#[function_component]
pub fn Login() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by App");
    let username = use_node_ref();
    let password = use_node_ref();
    let busy = use_state(|| false);
    let message = use_state(|| None::<String>);

    let submit = {
        let (username, password) = (username.clone(), password.clone());
        let (busy, message) = (busy.clone(), message.clone());
        let ctx = ctx.clone();
        Callback::from(move |()| {
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let (user, pass) = (value(&username), value(&password));
            if user.trim().is_empty() || pass.is_empty() {
                message.set(Some("请输入用户名和密码".into()));
                return;
            }
            let Some(store) = ctx.services.as_ref().map(|s| s.store.clone()) else {
                message.set(Some("本机存储尚未就绪，请稍候".into()));
                return;
            };
            let dispatcher = ctx.state.dispatcher();
            let (busy, message) = (busy.clone(), message.clone());
            busy.set(true);
            spawn_local(async move {
                match crate::session::login(&store, &user, &pass).await {
                    Ok(session) => dispatcher.dispatch(Action::LoggedIn(session)),
                    Err(e) => message.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let on_submit = {
        let submit = submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submit.emit(());
        })
    };
    // A tap on 登录 in index.html's form is answered once the store is open.
    let pending = use_state(|| false);
    {
        let (username, password, pending) = (username.clone(), password.clone(), pending.clone());
        use_effect_with((), move |_| {
            if take_over_boot_form(&username, &password) {
                pending.set(true);
            }
        });
    }
    {
        let ready = ctx.services.is_some();
        let pending = pending.clone();
        use_effect_with((*pending, ready), move |&(tapped, ready)| {
            if tapped && ready {
                pending.set(false);
                submit.emit(());
            }
        });
    }

    html! {
        <main class="page">
            <header class="top"><h1>{ "摸排" }</h1></header>
            <p class="hint">{ "养老服务领域诈骗风险隐患摸底排查。首次登录需要联网，之后无网络也可录入。" }</p>
            <form class="card" id="login" onsubmit={on_submit}>
                <label for="username">{ "用户名" }</label>
                <input id="username" ref={username} autocomplete="username" autocapitalize="off" />
                <label for="password">{ "密码" }</label>
                <input id="password" ref={password} type="password" autocomplete="current-password" />
                <button id="login-submit" type="submit" disabled={*busy}>
                    { if *busy { "正在登录…" } else { "登录" } }
                </button>
            </form>
            if let Some(text) = &*message {
                <p class="error" role="alert" id="login-error">{ text }</p>
            }
        </main>
    }
}

/// Moves what was typed into index.html's login form (`#boot`) into this
/// one, with the focus, and removes it. Returns whether 登录 was tapped there.
fn take_over_boot_form(username: &NodeRef, password: &NodeRef) -> bool {
    let document = gloo::utils::document();
    let Some(boot) = document.get_element_by_id("boot") else {
        return false;
    };
    let input = |id: &str| {
        document
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    };
    let focused = document.active_element().map(|e| e.id());
    for (from, to) in [("boot-username", username), ("boot-password", password)] {
        let (Some(from), Some(to)) = (input(from), to.cast::<HtmlInputElement>()) else {
            continue;
        };
        to.set_value(&from.value());
        if focused.as_deref() == Some(from.id().as_str()) {
            let _ = to.focus();
        }
    }
    let pending = boot.get_attribute("data-pending").is_some();
    boot.remove();
    pending
}
