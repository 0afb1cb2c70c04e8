//! The login form. It needs the network once; afterwards the phone works offline.
//!
//! Element ids: `#login` (form), `#username`, `#password`, `#login-submit`,
//! `#login-error`.

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

    let on_submit = {
        let (username, password) = (username.clone(), password.clone());
        let (busy, message) = (busy.clone(), message.clone());
        let ctx = ctx.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
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
