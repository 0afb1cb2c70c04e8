//! The page header: back link, title, and the online badge (`#online`):
//! 在线, 无网络 (the browser has no network) or 服务器无法连接 (a network,
//! but the last sync got no answer).

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::hooks::use_app;
use crate::state::Reach;

#[derive(Properties, PartialEq)]
pub struct TopBarProps {
    pub title: AttrValue,
    /// Where "返回" (`#back`) leads; no link on the home page.
    #[prop_or_default]
    pub back: Option<Route>,
    #[prop_or_default]
    pub title_id: Option<AttrValue>,
}

#[function_component]
pub fn TopBar(props: &TopBarProps) -> Html {
    let ctx = use_app();
    let state = &ctx.state;
    let reach = state.reach();
    let saving = if state.is_saving() {
        "正在保存…"
    } else {
        "已保存到本机"
    };
    html! {
        <header class="top">
            if let Some(back) = props.back.clone() {
                <Link<Route> to={back} classes="back"><span id="back">{ "‹ 返回" }</span></Link<Route>>
            }
            <h1 id={props.title_id.clone()}>{ props.title.clone() }</h1>
            <span class="save-state" id="save-state">{ saving }</span>
            <span class={classes!("net", (reach == Reach::Online).then_some("on"))} id="online">
                { match reach {
                    Reach::Online => "在线",
                    Reach::NoNetwork => "无网络",
                    Reach::ServerUnreachable => "服务器无法连接",
                } }
            </span>
        </header>
    }
}
