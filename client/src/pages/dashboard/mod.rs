//! `/dashboard`: the county dashboard, for county staff and the admin (the
//! county, or one township) and for a township lead (own township). Online
//! only: offline or on an error the page says so and offers a retry.
//!
//! Element ids and classes (stable, for tests):
//! - `#dashboard` (the page), `#dashboard-offline`, `#dashboard-denied`,
//!   `#dashboard-loading`, `#dashboard-error` with `#dashboard-retry`;
//! - `#township-filter` (county roles; option values are township ids, empty
//!   is the county);
//! - lead feed: `#unread-count` (button; the number of unread leads, marks
//!   them read), `#lead-feed-status` (`data-status` = `off|connecting|live|retrying|failed`),
//!   `#mark-read`, `#lead-feed` > `li.lead[data-facility][data-level]`
//!   (`.unread` until read; tapping one marks all read; `a.open-checks` and
//!   `a.open-plan` lead to the facility's online checks and plan), `#lead-feed-empty`;
//! - `#township-table` > `tbody tr[data-township=<id>]` with `td.listed`,
//!   `td.visited`, `td.reviewed`, `td.coverage`, `td.overdue`; an overdue
//!   row has class `overdue`; `tfoot tr.total`;
//! - `#schedule` > `li[data-phase]`;
//! - `#level-totals` (`td[data-level]`, `td.total`), `#category-levels` >
//!   `tr[data-category]` (`total` for the total row);
//! - charts: `svg#chart-townships` > `g.bar[data-township]` > `rect[data-level]`;
//!   `svg#chart-progress` (`path.line`, `path.area`, `circle.point`);
//! - exports: `#exports`, `#export-<n>-xlsx`, `#export-<n>-csv` (n = 1..5),
//!   `#export-zip`; `#download-status` with `data-bytes` (the saved blob's
//!   size) and `data-name` after a download, `#download-error` on failure;
//! - on the home page, [`DashboardLink`]: `#nav-dashboard`.

use std::rc::Rc;

use mopai_shared::dashboard::{Dashboard, Lead};
use mopai_shared::roles::Role;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::level::LevelBadge;
use crate::components::top_bar::TopBar;
use crate::dashboard::export::{ExportLink, size_text, table_links, zip_link};
use crate::dashboard::feed::{LeadFeed, change_text};
use crate::dashboard::view::{
    LEVELS, TownshipRow, category_rows, level_count, phase_rows, total_row, township_rows,
};
use crate::hooks::use_app;
use crate::hooks::use_dashboard::{DashboardData, use_dashboard};
use crate::hooks::use_lead_feed::{FeedStatus, use_lead_feed};

pub mod api;
pub mod charts;
pub mod problems;

use charts::{ProgressChart, TownshipChart};

fn allowed(role: Role) -> bool {
    matches!(role, Role::CountyStaff | Role::Admin | Role::TownshipLead)
}

/// The home page's link, for the roles that may see the dashboard.
#[function_component]
pub fn DashboardLink() -> Html {
    let ctx = use_app();
    let Some(session) = &ctx.state.session else {
        return Html::default();
    };
    if !allowed(session.user.role) {
        return Html::default();
    }
    let label = if session.user.role == Role::TownshipLead {
        "乡镇看板与报表"
    } else {
        "县级看板与报表"
    };
    html! {
        <Link<Route> to={Route::Dashboard} classes="button">
            <span id="nav-dashboard">{ label }</span>
        </Link<Route>>
    }
}

/// A download in flight or done.
#[derive(Debug, Clone, PartialEq)]
enum DownloadState {
    Idle,
    Busy(String),
    Saved {
        id: String,
        name: String,
        bytes: u64,
    },
    Failed(String),
}

#[function_component]
pub fn DashboardPage() -> Html {
    let ctx = use_app();
    let state = &ctx.state;
    let session = state.session.clone();
    let role = session.as_ref().map(|s| s.user.role);
    let may_see = role.is_some_and(allowed);
    let online = state.online;
    let token = session
        .as_ref()
        .filter(|_| may_see)
        .map(|s| s.token.clone());
    let feed_session = session
        .as_ref()
        .filter(|_| may_see)
        .map(|s| (s.user.id.to_string(), s.token.clone()));
    let township = use_state(|| None::<String>);
    let feed = use_lead_feed(feed_session, online);
    let newest = feed.model.feed.leads.first().map_or(0, |l: &Lead| l.seq);
    let dashboard = use_dashboard(token.clone(), (*township).clone(), online, newest);
    let download = use_state(|| DownloadState::Idle);

    let title = if role == Some(Role::TownshipLead) {
        "乡镇看板"
    } else {
        "县级看板"
    };
    if !may_see {
        return html! {
            <main class="page dashboard" id="dashboard">
                <TopBar title={title} back={Route::Home} />
                <p class="warn" id="dashboard-denied">
                    { "看板仅供县民政局养老服务股、管理员和乡镇分管领导查看。" }
                </p>
            </main>
        };
    }
    if !online {
        return html! {
            <main class="page dashboard" id="dashboard">
                <TopBar title={title} back={Route::Home} />
                <p class="warn" id="dashboard-offline">
                    { "看板和报表需要联网查看：当前离线。恢复网络后会自动刷新；走访记录仍可在本机填写。" }
                </p>
            </main>
        };
    }

    let on_township = {
        let township = township.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            township.set((!v.is_empty()).then_some(v));
        })
    };
    let on_retry = {
        let reload = dashboard.reload.clone();
        Callback::from(move |_| reload.emit(()))
    };
    let on_download = {
        let download = download.clone();
        let token = token.clone();
        Callback::from(move |link: ExportLink| {
            let Some(token) = token.clone() else { return };
            if matches!(*download, DownloadState::Busy(_)) {
                return;
            }
            download.set(DownloadState::Busy(link.label.clone()));
            let download = download.clone();
            spawn_local(async move {
                download.set(match api::download(&link, &token).await {
                    Ok(saved) => DownloadState::Saved {
                        id: link.id.clone(),
                        name: saved.name,
                        bytes: saved.bytes,
                    },
                    Err(e) => DownloadState::Failed(e.message),
                });
            });
        })
    };

    let shown = match &dashboard.data {
        DashboardData::Loaded(d) => Some(d.clone()),
        _ => dashboard.last.clone(),
    };
    let county_role = matches!(role, Some(Role::CountyStaff | Role::Admin));
    html! {
        <main class="page dashboard" id="dashboard">
            <TopBar title={title} back={Route::Home} />
            if county_role {
                { township_filter(shown.as_deref(), (*township).as_deref(), on_township) }
            }
            { match &dashboard.data {
                DashboardData::Loading => html! {
                    <p class="hint" id="dashboard-loading">{ "正在读取看板数据…" }</p>
                },
                DashboardData::Failed(message) => html! {
                    <p class="error" role="alert" id="dashboard-error">
                        { format!("看板数据读取失败：{message}") }
                        <button class="link" id="dashboard-retry" onclick={on_retry}>{ "重试" }</button>
                    </p>
                },
                DashboardData::Loaded(_) => Html::default(),
            } }
            <LeadFeedView feed={feed.model.feed.clone()} status={feed.model.status.clone()}
                mark_read={feed.mark_read.clone()} />
            if county_role {
                <problems::ProblemDocs token={token.clone()} online={online} />
            }
            if let Some(d) = shown.clone() {
                { progress_section(&d) }
                <section class="card">
                    <h2>{ "各乡镇风险分布" }</h2>
                    <TownshipChart data={d.clone()} />
                </section>
                <section class="card">
                    <h2>{ "排查进度（累计走访）" }</h2>
                    <ProgressChart data={d.clone()} />
                </section>
                { levels_section(&d) }
            }
            { exports_section((*township).as_deref(), &download, on_download) }
        </main>
    }
}

fn township_filter(
    d: Option<&Dashboard>,
    current: Option<&str>,
    onchange: Callback<Event>,
) -> Html {
    // The county-wide answer lists every township; a one-township answer
    // lists only that one, so the choice stays available.
    let townships: Vec<(String, String)> = d
        .map(|d| {
            d.townships
                .iter()
                .filter_map(|t| t.township.as_ref())
                .map(|t| (t.id.to_string(), t.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    html! {
        <label class="select">
            <span>{ "范围" }</span>
            <select id="township-filter" {onchange}>
                <option value="" selected={current.is_none()}>{ "全县" }</option>
                { for townships.into_iter().map(|(id, name)| html! {
                    <option value={id.clone()} selected={current == Some(id.as_str())}>{ name }</option>
                }) }
            </select>
        </label>
    }
}

#[derive(Properties, PartialEq)]
struct LeadFeedProps {
    feed: LeadFeed,
    status: FeedStatus,
    mark_read: Callback<()>,
}

#[function_component]
fn LeadFeedView(props: &LeadFeedProps) -> Html {
    let unread = props.feed.unread();
    let mark = props.mark_read.reform(|_: MouseEvent| ());
    let (code, text) = match &props.status {
        FeedStatus::Off => ("off", "实时推送未连接".to_owned()),
        FeedStatus::Connecting => ("connecting", "正在连接实时推送…".to_owned()),
        FeedStatus::Live => ("live", "实时推送已连接：红、橙结果随同步到达".to_owned()),
        FeedStatus::Retrying(why) => ("retrying", format!("{why}，稍后自动重连")),
        FeedStatus::Failed(why) => ("failed", format!("实时推送不可用：{why}")),
    };
    html! {
        <section class="card lead-feed-card" id="lead-feed-section">
            <div class="feed-head">
                <h2>{ "红橙线索" }</h2>
                <button class={classes!("badge", (unread > 0).then_some("has-unread"))} id="unread-count"
                    aria-label={format!("未读 {unread} 条")} onclick={mark.clone()}>{ unread }</button>
            </div>
            <p class={classes!("hint", "feed-status", code)} id="lead-feed-status" data-status={code}>{ text }</p>
            if props.feed.loaded && props.feed.leads.is_empty() {
                <p class="hint" id="lead-feed-empty">{ "暂无红色、橙色风险机构" }</p>
            }
            <ul class="lead-feed" id="lead-feed" onclick={mark.clone()}>
                { for props.feed.leads.iter().map(|lead| html! {
                    <li class={classes!("lead", props.feed.is_unread(lead).then_some("unread"))}
                        key={lead.facility.to_string()}
                        data-facility={lead.facility.to_string()} data-level={lead.level.code()}>
                        <div class="row-main">
                            <span class="name">{ &lead.name }</span>
                            <LevelBadge level={lead.level} />
                        </div>
                        <div class="row-tags">
                            <span class="township">{ &lead.township.name }</span>
                            if lead.previous_level.is_some() {
                                <span class="change">{ change_text(lead) }</span>
                            }
                            if let Some(at) = &lead.last_visit_at {
                                <span class="when">{ at.get(..16).unwrap_or(at).replace('T', " ") }</span>
                            }
                        </div>
                        { for lead.conflicts.iter().map(|c| html! {
                            <p class="conflict">{ format!("未决冲突 {}", c.text()) }</p>
                        }) }
                        if !lead.clock_ahead.is_empty() {
                            <p class="warn clock-ahead">{ format!(
                                "{} 次走访的手机时间晚于服务器接收时间，已按接收时间判定，请核对走访日期",
                                lead.clock_ahead.len()) }</p>
                        }
                        if !lead.main_problems.is_empty() {
                            <p class="problems">{ &lead.main_problems }</p>
                        }
                        <p class="lead-links">
                            <Link<Route> to={Route::FacilityChecks { id: lead.facility.to_string() }} classes="open-checks">
                                { "网上核查" }
                            </Link<Route>>
                            <Link<Route> to={Route::FacilityPlan { id: lead.facility.to_string() }} classes="open-plan">
                                { "一院一策" }
                            </Link<Route>>
                        </p>
                    </li>
                }) }
            </ul>
            if unread > 0 {
                <button class="link" id="mark-read" onclick={mark}>{ "全部标为已读" }</button>
            }
        </section>
    }
}

fn township_row(r: &TownshipRow, total: bool) -> Html {
    let class = classes!(r.overdue().then_some("overdue"), total.then_some("total"));
    html! {
        <tr class={class} data-township={(!total).then(|| r.key.clone())} key={r.key.clone()}>
            <th scope="row">{ &r.name }</th>
            <td class="listed">{ r.listed }</td>
            <td class="visited">{ r.visited }</td>
            <td class="reviewed">{ r.reviewed }</td>
            <td class="coverage">{ &r.coverage }</td>
            <td class="overdue">{ r.overdue_text() }</td>
        </tr>
    }
}

fn progress_section(d: &Rc<Dashboard>) -> Html {
    let rows = township_rows(d);
    let total = total_row(d);
    html! {
        <section class="card">
            <h2>{ "排查进度" }<span class="hint">{ format!("（{}）", d.today) }</span></h2>
            <div class="table-scroll">
                <table class="data" id="township-table">
                    <thead>
                        <tr>
                            <th scope="col">{ "乡镇" }</th>
                            <th scope="col">{ "应排查" }</th>
                            <th scope="col">{ "已排查" }</th>
                            <th scope="col">{ "已审核" }</th>
                            <th scope="col">{ "覆盖率" }</th>
                            <th scope="col">{ "逾期" }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows.iter().map(|r| township_row(r, false)) }</tbody>
                    <tfoot>{ township_row(&total, true) }</tfoot>
                </table>
            </div>
            <ul class="schedule" id="schedule">
                { for phase_rows(d).into_iter().zip(&d.schedule).map(|(p, s)| html! {
                    <li data-phase={s.phase.code()} class={classes!(p.status)}>
                        <strong>{ p.name }</strong>{ " " }{ p.range }
                        { format!(" · {} · 走访 {} 家次", p.status, p.visits) }
                    </li>
                }) }
            </ul>
        </section>
    }
}

fn levels_section(d: &Rc<Dashboard>) -> Html {
    let totals = d.total.levels;
    html! {
        <section class="card">
            <h2>{ "风险等级统计" }</h2>
            <table class="data levels" id="level-totals">
                <thead>
                    <tr>
                        { for LEVELS.iter().map(|l| html! { <th scope="col" class={format!("lv-text-{}", l.code())}>{ l.label_zh() }</th> }) }
                        <th scope="col">{ "合计" }</th>
                    </tr>
                </thead>
                <tbody>
                    <tr>
                        { for LEVELS.iter().map(|l| html! { <td data-level={l.code()}>{ level_count(&totals, *l) }</td> }) }
                        <td class="total">{ totals.total }</td>
                    </tr>
                </tbody>
            </table>
            <h3>{ "按类别" }</h3>
            <div class="table-scroll">
                <table class="data" id="category-levels">
                    <thead>
                        <tr>
                            <th scope="col">{ "类别" }</th>
                            { for LEVELS.iter().map(|l| html! { <th scope="col" class={format!("lv-text-{}", l.code())}>{ l.label_zh() }</th> }) }
                            <th scope="col">{ "合计" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for category_rows(d).iter().map(|c| html! {
                            <tr data-category={c.code} class={classes!(c.total.then_some("total"))}>
                                <th scope="row">{ c.label }</th>
                                { for LEVELS.iter().map(|l| html! { <td data-level={l.code()}>{ level_count(&c.levels, *l) }</td> }) }
                                <td class="total">{ c.levels.total }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn exports_section(
    township: Option<&str>,
    download: &UseStateHandle<DownloadState>,
    on_download: Callback<ExportLink>,
) -> Html {
    let busy = matches!(**download, DownloadState::Busy(_));
    let button = |link: ExportLink, class: &'static str| {
        let onclick = on_download.reform({
            let link = link.clone();
            move |_: MouseEvent| link.clone()
        });
        html! {
            <button class={classes!("export", class)} id={link.id.clone()} disabled={busy} {onclick}>
                { link.label.clone() }
            </button>
        }
    };
    html! {
        <section class="card" id="exports">
            <h2>{ "附件报表下载" }</h2>
            <p class="hint">{ if township.is_some() { "范围：所选乡镇" } else { "范围：账号可见的全部乡镇" } }</p>
            { button(zip_link(township), "primary") }
            <ul class="export-list">
                { for table_links(township).into_iter().map(|(n, title, xlsx, csv)| html! {
                    <li>
                        <span class="title">{ format!("附件{n} {title}") }</span>
                        <span class="buttons">{ button(xlsx, "") }{ button(csv, "") }</span>
                    </li>
                }) }
            </ul>
            { match &**download {
                DownloadState::Idle => Html::default(),
                DownloadState::Busy(label) => html! {
                    <p class="hint" id="download-busy">{ format!("正在生成并下载：{label}…") }</p>
                },
                DownloadState::Saved { id, name, bytes } => html! {
                    <p class="hint" id="download-status" data-bytes={bytes.to_string()}
                        data-name={name.clone()} data-export={id.clone()}>
                        { format!("已下载：{name}（{}）", size_text(*bytes as usize)) }
                    </p>
                },
                DownloadState::Failed(message) => html! {
                    <p class="error" role="alert" id="download-error">{ format!("下载失败：{message}") }</p>
                },
            } }
        </section>
    }
}
