//! Where the phone stands with the server: last sync, unsynced entries,
//! a progress bar while syncing, errors in words, the photo upload queue,
//! and warnings about storage (persistence refused, nearly full).
//!
//! Element ids: `#sync-status` (text: "上次同步 3月5日 14:02 · 未同步 N 条",
//! the time kept across reloads; or "正在同步…已接收 N / M 份" while a pull
//! runs; or "同步失败：…"), `#sync-progress` (while running), `#sync`
//! (button), `#uploads-pending`, `#persist`, `#storage-warning`,
//! `#relogin` (when the session expired), `#refused` (what the server refused
//! in the last sync, each with its reason), `#unreadable`.

use yew::prelude::*;

use crate::hooks::use_app;
use crate::state::{Action, AppState, Persistence, SyncStatus};

#[function_component]
pub fn SyncBar() -> Html {
    let ctx = use_app();
    let state = &ctx.state;
    let on_sync = {
        let services = ctx.services.clone();
        Callback::from(move |_| {
            if let Some(s) = &services {
                s.sync_now();
            }
        })
    };
    let on_relogin = {
        let dispatcher = state.dispatcher();
        let services = ctx.services.clone();
        Callback::from(move |_| {
            // The token is dead; the entries stay. Log in again to sync them.
            if let Some(s) = services.clone() {
                let dispatcher = dispatcher.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = crate::session::clear(&s.store).await;
                    dispatcher.dispatch(Action::LoggedOut);
                });
            }
        })
    };
    html! {
        <section class="sync-bar">
            <div id="sync-status" class="sync-status" role="status">{ status_text(state) }</div>
            if let SyncStatus::Running(run) = &state.sync {
                if run.listed > 0 {
                    <progress id="sync-progress" max={run.listed.to_string()}
                        value={run.received.to_string()}></progress>
                } else {
                    <progress id="sync-progress"></progress>
                }
            }
            if !state.uploads_pending.is_empty() {
                <div class="hint" id="uploads-pending">
                    { format!("{} 张照片待上传（同步后自动上传）", state.uploads_pending.len()) }
                </div>
            }
            if state.session_expired {
                <button id="relogin" class="primary" onclick={on_relogin}>{ "重新登录" }</button>
            } else {
                <button id="sync" class="primary" onclick={on_sync}
                    disabled={state.is_syncing() || ctx.services.is_none() || !state.online}>
                    { if state.online { "立即同步" } else { "离线：联网后自动同步" } }
                </button>
            }
            <p class={classes!("persist", persistence_warns(state.persistence).then_some("warn"))} id="persist">
                { persistence_text(state.persistence) }
            </p>
            if let Some(usage) = state.storage.filter(|s| s.nearly_full()) {
                <p class="warn" id="storage-warning">
                    { format!("手机存储空间已用 {}%：请尽快同步并上传照片，然后清理手机空间。", usage.percent()) }
                </p>
            }
            if !state.refused.is_empty() {
                <div class="error" id="refused">
                    <p>{ format!("服务器未接收 {} 份记录，记录仍保存在本机；请按提示修改后再同步：", state.refused.len()) }</p>
                    <ul>
                        { for state.refused.values().map(|r| html! { <li>{ &r.message }</li> }) }
                    </ul>
                </div>
            }
            if !state.library.unreadable.is_empty() {
                <p class="error" id="unreadable">
                    { format!("有 {} 份本机记录无法读取，请联系管理员：{}", state.library.unreadable.len(),
                        state.library.unreadable.join("；")) }
                </p>
            }
        </section>
    }
}

fn status_text(state: &AppState) -> String {
    let unsynced = state.unsynced_count();
    let last = state
        .last_synced
        .as_ref()
        .map_or("尚未同步".to_owned(), |t| format!("上次同步 {t}"));
    match &state.sync {
        SyncStatus::Idle => format!("{last} · 未同步 {unsynced} 条"),
        SyncStatus::Running(run) if run.listed > 0 => format!(
            "正在同步…已接收 {} / {} 份（第 {} 轮）",
            run.received, run.listed, run.round
        ),
        SyncStatus::Running(run) => {
            format!(
                "正在同步…（第 {} 轮，还有 {} 份记录在交换）",
                run.round, run.pending
            )
        }
        SyncStatus::Failed { reason, retry_in_s } => {
            let retry = retry_in_s.map_or(String::new(), |s| format!("，约 {s} 秒后自动重试"));
            format!("同步失败：{reason}{retry}（{last} · 未同步 {unsynced} 条）")
        }
    }
}

/// Which case the phone is in (iOS evicts storage unless persisted).
fn persistence_text(p: Persistence) -> &'static str {
    match p {
        Persistence::Unknown => "正在申请持久存储…",
        Persistence::Granted => "已开启持久存储：浏览器不会自动清除本机记录。",
        Persistence::Refused => {
            "浏览器未允许持久存储，空间紧张时可能清除本机记录：请将本页“添加到主屏幕”，并尽快同步。"
        }
        Persistence::Unsupported => "此浏览器不支持持久存储：请尽快同步。",
    }
}

fn persistence_warns(p: Persistence) -> bool {
    matches!(p, Persistence::Refused | Persistence::Unsupported)
}
