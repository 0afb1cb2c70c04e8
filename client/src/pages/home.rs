//! The township facility list: who is logged in, the sync bar, search and
//! filters, and every facility on this phone — priority targets (重点排查)
//! first, each with its category, level badge and visit state.
//!
//! Element ids and classes:
//! - `#who` (user line), `#logout`; the sync bar's ids (see `components::sync_bar`);
//!   for township leads the review links (see `pages::review::LeadNav`);
//!   for county staff, the admin and township leads `#nav-dashboard` (see `pages::dashboard`);
//! - `#error` (with `#dismiss-error`);
//! - `#search` (text), `#filter-category`, `#filter-level`, `#filter-visited` (selects;
//!   option values are the codes: category codes, `red|orange|yellow|green`,
//!   `yes|no`; empty is all);
//! - `#new-facility` (link to `/facility/new`), `#list-count`;
//! - `#facility-list` > `li.facility-row[data-id=<uuid>]`, holding `a.open-facility`,
//!   `.name`, `.village`, `.category`, `.level[data-level]`, `.visited`, and when they
//!   apply `.priority` (重点), `.returned` (已退回), `.unsynced` (未同步),
//!   `.conflict` (有冲突).

use mopai_shared::api::Me;
use mopai_shared::model::{Category, RiskLevel};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::field::TextBox;
use crate::components::level::LevelBadge;
use crate::components::sync_bar::SyncBar;
use crate::components::top_bar::TopBar;
use crate::hooks::use_app;
use crate::list::{Filter, Row, Visited};
use crate::state::Action;

#[function_component]
pub fn Home() -> Html {
    let ctx = use_app();
    let state = &ctx.state;
    let filter = state.filter.clone();
    let set_filter = {
        let dispatcher = state.dispatcher();
        let filter = filter.clone();
        move |change: fn(&mut Filter, String)| {
            let (dispatcher, filter) = (dispatcher.clone(), filter.clone());
            Callback::from(move |value: String| {
                let mut next = filter.clone();
                change(&mut next, value);
                dispatcher.dispatch(Action::FilterChanged(next));
            })
        }
    };
    let on_search = set_filter(|f, v| f.query = v);
    let on_category = set_filter(|f, v| f.category = Category::from_code(&v));
    let on_level = set_filter(|f, v| f.level = RiskLevel::from_code(&v));
    let on_visited = set_filter(|f, v| f.visited = (!v.is_empty()).then(|| v == "yes"));
    let on_logout = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            let unsynced = ctx.state.unsynced_count();
            if unsynced > 0 {
                let question = format!(
                    "还有 {unsynced} 条记录未同步。退出后记录仍保留在本机，重新登录后可继续同步。确定退出？"
                );
                if !gloo::dialogs::confirm(&question) {
                    return;
                }
            }
            if let Some(services) = ctx.services.clone() {
                let dispatcher = ctx.state.dispatcher();
                spawn_local(async move {
                    match crate::session::clear(&services.store).await {
                        Ok(()) => dispatcher.dispatch(Action::LoggedOut),
                        Err(e) => dispatcher.dispatch(Action::Failed(e)),
                    }
                });
            }
        })
    };
    let on_dismiss = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Action::DismissError))
    };
    let rows = state.rows();
    let total = state.library.facilities.len();
    html! {
        <main class="page">
            <TopBar title="摸排" />
            if let Some(session) = &state.session {
                <p class="hint who" id="who">
                    { user_line(&session.user) }
                    <button class="link" id="logout" onclick={on_logout}>{ "退出登录" }</button>
                </p>
            }
            <SyncBar />
            <crate::pages::review::LeadNav />
            <crate::pages::dashboard::DashboardLink />
            if let Some(error) = &state.error {
                <p class="error" role="alert" id="error">
                    { error }
                    <button class="link" id="dismiss-error" onclick={on_dismiss}>{ "知道了" }</button>
                </p>
            }
            <section class="filters card">
                <TextBox id="search" value={filter.query.clone()} placeholder="搜索名称、村（社区）、地址"
                    oninput={on_search} />
                <div class="filter-row">
                    { select("filter-category", "类别", category_options(), filter.category.map(|c| c.code()), on_category) }
                    { select("filter-level", "等级", level_options(), filter.level.map(|l| l.code()), on_level) }
                    { select("filter-visited", "走访", vec![("yes", "已排查"), ("no", "未排查")],
                        filter.visited.map(|v| if v { "yes" } else { "no" }), on_visited) }
                </div>
            </section>
            <Link<Route> to={Route::NewFacility} classes="button primary">
                <span id="new-facility">{ "＋ 新发现的机构或场所" }</span>
            </Link<Route>>
            <p class="hint" id="list-count">
                { if rows.len() == total { format!("共 {total} 家") } else { format!("筛选出 {} 家，共 {total} 家", rows.len()) } }
            </p>
            if !state.loaded {
                <p class="hint">{ "正在读取本机记录…" }</p>
            } else if total == 0 {
                <p class="hint" id="empty-list">{ "本机还没有机构记录：联网同步可取得本乡镇名单，也可新建。" }</p>
            }
            <ul class="facility-list" id="facility-list">
                { for rows.iter().map(row) }
            </ul>
        </main>
    }
}

fn row(r: &Row) -> Html {
    let category = r.category.map_or("类别未定", short_category);
    html! {
        <li class="facility-row" key={r.id.to_string()} data-id={r.id.to_string()}>
            <Link<Route> to={Route::facility(r.id)} classes="open-facility">
                <div class="row-main">
                    <span class="name">{ &r.name }</span>
                    <LevelBadge level={r.level} />
                </div>
                <div class="row-tags">
                    if r.priority { <span class="tag priority">{ "重点" }</span> }
                    <span class="category">{ category }</span>
                    if !r.village.is_empty() { <span class="village">{ &r.village }</span> }
                    <span class={classes!("visited", (r.visited == Visited::No).then_some("not"))}>{ r.visited.label_zh() }</span>
                    if r.returned { <span class="tag returned">{ "已退回" }</span> }
                    if r.unsynced { <span class="tag unsynced">{ "未同步" }</span> }
                    if r.conflicts > 0 { <span class="tag conflict">{ "有冲突" }</span> }
                </div>
            </Link<Route>>
        </li>
    }
}

/// The list's short names for the three categories.
pub fn short_category(c: Category) -> &'static str {
    match c {
        Category::FiledInstitution => "已备案机构",
        Category::UnfiledInstitution => "未备案机构",
        Category::UnregisteredVenue => "未登记场所",
    }
}

fn category_options() -> Vec<(&'static str, &'static str)> {
    Category::ALL
        .iter()
        .map(|c| (c.code(), short_category(*c)))
        .collect()
}

fn level_options() -> Vec<(&'static str, &'static str)> {
    RiskLevel::ALL
        .iter()
        .rev()
        .map(|l| (l.code(), l.label_zh()))
        .collect()
}

/// A labelled `<select>` with an "all" option first.
fn select(
    id: &'static str,
    label: &'static str,
    options: Vec<(&'static str, &'static str)>,
    current: Option<&'static str>,
    onchange: Callback<String>,
) -> Html {
    let onchange =
        onchange.reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    html! {
        <label class="select">
            <span>{ label }</span>
            <select {id} {onchange}>
                <option value="" selected={current.is_none()}>{ "全部" }</option>
                { for options.into_iter().map(|(code, text)| html! {
                    <option value={code} selected={current == Some(code)}>{ text }</option>
                }) }
            </select>
        </label>
    }
}

fn user_line(user: &Me) -> String {
    let place = user.township.as_ref().map_or("全县", |t| t.name.as_str());
    format!(
        "{} · {} · {} ",
        user.display_name,
        user.role.label_zh(),
        place
    )
}
