//! One sync session in the browser: load the replicas from IndexedDB, run the
//! shared protocol over `fetch`, save what changed, then the checkpoint.
//!
//! The inspector may keep typing while a session runs. The session therefore
//! never writes back the copy it loaded: under the writer's lock it merges
//! its replica into the document as stored now, so an edit saved meanwhile
//! survives (and counts as unsynced for the next session).

use std::collections::BTreeMap;

use automerge::AutoCommit;
use futures::lock::Mutex;
use gloo::net::http::Request;
use mopai_shared::api::ErrorBody;
use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{Progress, Replica, SyncError, SyncOutcome, Transport, sync_replicas};
use uuid::Uuid;

use crate::store::Store;

const SYNC_URL: &str = "/api/sync";
/// One exchange, request and answer; a slow township connection moves a
/// few hundred KB in this time.
const EXCHANGE_TIMEOUT_MS: u32 = 60_000;
const DEVICE_KEY: &str = "device_id";
const CHECKPOINT_KEY: &str = "checkpoint";

struct FetchTransport<'a> {
    token: &'a str,
}

impl Transport for FetchTransport<'_> {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let deadline = crate::browser::Deadline::after_ms(EXCHANGE_TIMEOUT_MS);
        let response = Request::post(SYNC_URL)
            .abort_signal(deadline.as_ref().map(|d| d.signal()).as_ref())
            .header("content-type", "application/octet-stream")
            .header("authorization", &format!("Bearer {}", self.token))
            .body(js_sys::Uint8Array::from(body.as_slice()))
            .map_err(|e| TransportError::Offline(e.to_string()))?
            .send()
            .await
            .map_err(|e| TransportError::Offline(e.to_string()))?;
        let status = response.status();
        if status == 401 {
            return Err(TransportError::Unauthorized);
        }
        if !response.ok() {
            let (code, message) = match response.json::<ErrorBody>().await {
                Ok(body) => (body.code, body.message),
                Err(_) => (String::new(), response.status_text()),
            };
            return Err(TransportError::Rejected {
                status,
                code,
                message,
            });
        }
        response
            .binary()
            .await
            .map_err(|e| TransportError::Offline(e.to_string()))
    }
}

/// This browser profile's id, created on first use.
pub async fn device_id(store: &Store) -> Result<Uuid, String> {
    let stored = store.meta(DEVICE_KEY).await.map_err(|e| e.to_string())?;
    if let Some(id) = stored.and_then(|id| id.parse().ok()) {
        return Ok(id);
    }
    let id = Uuid::new_v4();
    store
        .put_meta(DEVICE_KEY, &id.to_string())
        .await
        .map_err(|e| e.to_string())?;
    Ok(id)
}

/// Why a session stopped.
#[derive(Debug)]
pub enum SyncFailure {
    /// The server refused the token: log in again, then sync.
    Unauthorized,
    /// No answer from the server: worth retrying later.
    Offline,
    Other(String),
}

impl SyncFailure {
    /// The reason in words for the status line.
    pub fn words(&self) -> String {
        match self {
            SyncFailure::Unauthorized => "登录已过期，请重新登录后再同步；本机记录都还在".into(),
            SyncFailure::Offline => "无法连接服务器（网络不通、服务器未开启或响应超时）".into(),
            SyncFailure::Other(reason) => reason.clone(),
        }
    }
}

impl From<String> for SyncFailure {
    fn from(message: String) -> Self {
        SyncFailure::Other(message)
    }
}

/// Runs one session against the server and persists its results. `lock` is
/// the writer's: held only while results are written back.
pub async fn sync_now(
    store: &Store,
    lock: &Mutex<()>,
    token: &str,
    progress: impl FnMut(Progress),
) -> Result<SyncOutcome, SyncFailure> {
    let device = device_id(store).await?;
    let checkpoint = store
        .meta(CHECKPOINT_KEY)
        .await
        .map_err(|e| e.to_string())?
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut replicas = BTreeMap::new();
    for stored in store.all_docs().await.map_err(|e| e.to_string())? {
        let replica = Replica::restore(&stored.doc, stored.sync_state.as_deref().unwrap_or(&[]))
            .map_err(|e| format!("本机文档 {} 无法读取：{e}", stored.id))?;
        replicas.insert(stored.id, replica);
    }
    let transport = FetchTransport { token };
    let outcome = sync_replicas(&transport, device, checkpoint, &mut replicas, progress)
        .await
        .map_err(|e| match e {
            SyncError::Transport(TransportError::Unauthorized) => SyncFailure::Unauthorized,
            SyncError::Transport(TransportError::Offline(_)) => SyncFailure::Offline,
            other => SyncFailure::Other(other.to_string()),
        })?;
    let _writing = lock.lock().await;
    // Documents first, checkpoint last: a crash in between only repeats work.
    for id in &outcome.touched {
        if let Some(replica) = replicas.get_mut(id) {
            let merged = merge_with_stored(store, id, &mut replica.doc).await?;
            store.put_doc(id, &merged).await.map_err(String::from)?;
            store
                .put_sync_state(id, &replica.save_state())
                .await
                .map_err(String::from)?;
        }
    }
    store
        .put_meta(CHECKPOINT_KEY, &outcome.checkpoint.to_string())
        .await
        .map_err(|e| e.to_string())?;
    Ok(outcome)
}

/// The stored document with the session's changes merged in: edits saved
/// while the session ran are kept.
async fn merge_with_stored(
    store: &Store,
    id: &str,
    synced: &mut AutoCommit,
) -> Result<Vec<u8>, SyncFailure> {
    let Some(bytes) = store.doc(id).await.map_err(String::from)? else {
        return Ok(synced.save());
    };
    let mut stored =
        AutoCommit::load(&bytes).map_err(|e| format!("本机文档 {id} 无法读取：{e}"))?;
    stored
        .merge(synced)
        .map_err(|e| format!("文档 {id} 无法合并：{e}"))?;
    Ok(stored.save())
}
