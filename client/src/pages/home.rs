//! The home screen: status, the sync bar, a quick "new facility" form and the
//! list of facilities on this phone.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::{AppContext, load_summaries};
use crate::hooks::{use_online, use_persistence};
use crate::state::{Action, AppState, DocSummary, Persistence, Session, SyncStatus};
use crate::sync::SyncFailure;
use mopai_shared::api::Me;
use crate::store::Store;

#[function_component]
pub fn Home() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by App");
    let online = use_online();
    let persistence = use_persistence();
    let name_ref = use_node_ref();

    let on_create = {
        let ctx = ctx.clone();
        let name_ref = name_ref.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input: HtmlInputElement = name_ref.cast().expect("name input is mounted");
            let name = input.value().trim().to_string();
            let dispatcher = ctx.state.dispatcher();
            if name.is_empty() {
                dispatcher.dispatch(Action::Failed("请填写机构名称".into()));
                return;
            }
            let Some(store) = ctx.store.clone() else {
                dispatcher.dispatch(Action::Failed("本机存储尚未就绪，请稍候".into()));
                return;
            };
            let Some(session) = ctx.state.session.clone() else {
                return;
            };
            spawn_local(async move {
                match create_facility(&store, &session, &name).await {
                    Ok(summary) => {
                        input.set_value("");
                        dispatcher.dispatch(Action::DocSaved(summary));
                    }
                    Err(e) => dispatcher.dispatch(Action::Failed(e)),
                }
            });
        })
    };

    let on_sync = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            if let (Some(store), Some(session)) = (ctx.store.clone(), ctx.state.session.clone()) {
                start_sync(store, session.token, ctx.state.dispatcher());
            }
        })
    };

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
            if let Some(store) = ctx.store.clone() {
                let dispatcher = ctx.state.dispatcher();
                spawn_local(async move {
                    match crate::session::clear(&store).await {
                        Ok(()) => dispatcher.dispatch(Action::LoggedOut),
                        Err(e) => dispatcher.dispatch(Action::Failed(e)),
                    }
                });
            }
        })
    };

    let state = &ctx.state;
    html! {
        <main class="page">
            <header class="top">
                <h1>{ "摸排" }</h1>
                <span class={classes!("net", online.then_some("on"))} id="online">
                    { if online { "在线" } else { "离线" } }
                </span>
            </header>
            if let Some(session) = &state.session {
                <p class="hint" id="who">
                    { user_line(&session.user) }
                    <button class="link" id="logout" onclick={on_logout}>{ "退出登录" }</button>
                </p>
            }
            <p class="hint" id="persist">{ persistence_text(persistence) }</p>
            <section class="sync-bar">
                <div id="sync-status" class="sync-status">{ sync_text(state.unsynced_count(), state.last_synced.as_deref(), &state.sync) }</div>
                if let SyncStatus::Running { round, .. } = state.sync {
                    <progress max="4" value={round.min(4).to_string()}></progress>
                }
                <button id="sync" class="primary" onclick={on_sync}
                    disabled={state.is_syncing() || ctx.store.is_none()}>{ "立即同步" }</button>
            </section>
            <form class="card" onsubmit={on_create}>
                <label for="new-name">{ "新发现的机构或场所" }</label>
                <input id="new-name" ref={name_ref} placeholder="机构名称" maxlength="100" autocomplete="off" />
                <button id="create" type="submit" disabled={ctx.store.is_none()}>{ "新建记录（离线可用）" }</button>
            </form>
            if let Some(error) = &state.error {
                <p class="error" role="alert">{ error }</p>
            }
            <ul class="doc-list" id="docs">
                { for state.docs.iter().map(doc_item) }
            </ul>
        </main>
    }
}

fn doc_item(doc: &DocSummary) -> Html {
    html! {
        <li class="doc-item" key={doc.id.clone()} data-id={doc.id.clone()}>
            <span class="name">{ &doc.name }</span>
            if doc.unsynced { <span class="badge">{ "未同步" }</span> }
        </li>
    }
}

async fn create_facility(store: &Store, session: &Session, name: &str) -> Result<DocSummary, String> {
    let township = session
        .user
        .township
        .as_ref()
        .ok_or("只有乡镇排查员和分管领导可以新建机构记录")?;
    let actor = crate::session::actor_for(store, &session.user).await?;
    let (id, mut doc) = crate::facility::new_facility(name, township.id, actor)
        .map_err(|e| format!("无法创建记录：{e}"))?;
    let id = id.to_string();
    store
        .put_doc(&id, &doc.save())
        .await
        .map_err(|e| e.to_string())?;
    Ok(DocSummary {
        id,
        name: name.to_string(),
        unsynced: true,
    })
}

fn start_sync(store: Rc<Store>, token: String, dispatcher: UseReducerDispatcher<AppState>) {
    dispatcher.dispatch(Action::SyncStarted);
    spawn_local(async move {
        let progress = {
            let dispatcher = dispatcher.clone();
            move |p: mopai_shared::sync::Progress| {
                dispatcher.dispatch(Action::SyncProgress {
                    round: p.round,
                    pending: p.pending,
                })
            }
        };
        match crate::sync::sync_now(&store, &token, progress).await {
            Ok(_) => {
                match load_summaries(&store).await {
                    Ok(docs) => dispatcher.dispatch(Action::DocsLoaded(docs)),
                    Err(e) => dispatcher.dispatch(Action::Failed(e)),
                }
                dispatcher.dispatch(Action::SyncFinished { at: now_hh_mm() });
            }
            Err(SyncFailure::Unauthorized) => dispatcher.dispatch(Action::SessionExpired),
            Err(SyncFailure::Other(e)) => dispatcher.dispatch(Action::SyncFailed(e)),
        }
    });
}

fn user_line(user: &Me) -> String {
    let place = user.township.as_ref().map_or("全县", |t| t.name.as_str());
    format!("{} · {} · {} ", user.display_name, user.role.label_zh(), place)
}

fn now_hh_mm() -> String {
    let d = js_sys::Date::new_0();
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

fn persistence_text(p: Persistence) -> &'static str {
    match p {
        Persistence::Unknown => "正在申请持久存储…",
        Persistence::Granted => "已开启持久存储：浏览器不会自动清除本机记录。",
        Persistence::Refused => "浏览器未允许持久存储：请将本页添加到主屏幕，并尽快同步。",
        Persistence::Unsupported => "此浏览器不支持持久存储：请尽快同步。",
    }
}

fn sync_text(unsynced: usize, last: Option<&str>, status: &SyncStatus) -> String {
    let last = last.map_or("尚未同步".to_string(), |t| format!("上次同步 {t}"));
    match status {
        SyncStatus::Idle => format!("{last} · 未同步 {unsynced} 条"),
        SyncStatus::Running { round, pending } => {
            format!("正在同步：第 {round} 轮，剩余 {pending} 个文档")
        }
        SyncStatus::Failed { reason } => {
            format!("同步失败：{reason}（{last} · 未同步 {unsynced} 条）")
        }
    }
}
