//! One sync session in the browser: load the replicas from IndexedDB, run the
//! shared protocol over `fetch` ([`crate::api`]), and save each round as it
//! arrives (documents, then the safe checkpoint), so a dropped connection
//! costs at most the round in flight. Also the time of the last sync, kept
//! in the meta store so the bar still says it after a reload.
//!
//! The inspector may keep typing while a session runs. The session therefore
//! never writes back the copy it loaded: under the writer's lock it merges
//! its replica into the document as stored now, so an edit saved meanwhile
//! survives (and counts as unsynced for the next session).

use std::collections::{BTreeMap, BTreeSet};

use automerge::AutoCommit;
use futures::lock::Mutex;
use gloo::net::http::Method;
use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{
    Progress, PullWindow, Replica, RoundSink, Start, SyncError, SyncOutcome, Transport, sync_rounds,
};
use uuid::Uuid;

use crate::api::Call;
use crate::store::Store;

const SYNC_URL: &str = "/api/sync";
/// One exchange, request and answer; a slow township connection moves a
/// few hundred KB in this time.
const EXCHANGE_TIMEOUT_MS: u32 = 60_000;
const DEVICE_KEY: &str = "device_id";
const CHECKPOINT_KEY: &str = "checkpoint";
const LAST_SYNCED_KEY: &str = "last_synced";

struct FetchTransport<'a> {
    token: &'a str,
}

impl Transport for FetchTransport<'_> {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let call = Call::new(
            Method::POST,
            SYNC_URL,
            Some(self.token),
            EXCHANGE_TIMEOUT_MS,
        );
        let sent = call.send_bytes("application/octet-stream", &body).await;
        let answer = sent.map_err(|e| match e.status {
            None => TransportError::Offline(e.message),
            Some(401) => TransportError::Unauthorized,
            Some(status) => TransportError::Rejected {
                status,
                code: e.code,
                message: e.message,
            },
        })?;
        answer
            .bytes()
            .await
            .map_err(|e| TransportError::Offline(e.message))
    }
}

/// Saves each round to IndexedDB under the writer's lock: the documents
/// (merged with edits saved meanwhile), then the safe checkpoint.
struct IndexedDbRounds<'a> {
    store: &'a Store,
    lock: &'a Mutex<()>,
}

impl RoundSink for IndexedDbRounds<'_> {
    async fn save_round(
        &mut self,
        replicas: &mut BTreeMap<String, Replica>,
        docs: &BTreeSet<String>,
        checkpoint: u64,
    ) -> Result<(), String> {
        let _writing = self.lock.lock().await;
        for id in docs {
            if let Some(replica) = replicas.get_mut(id) {
                let merged = merge_with_stored(self.store, id, &mut replica.doc).await?;
                self.store.put_doc(id, &merged).await?;
                self.store.put_sync_state(id, &replica.save_state()).await?;
            }
        }
        self.store
            .put_meta(CHECKPOINT_KEY, &checkpoint.to_string())
            .await?;
        Ok(())
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

/// Runs one session against the server, saving each round as it arrives.
/// `lock` is the writer's: held only while a round is written.
pub async fn sync_now(
    store: &Store,
    lock: &Mutex<()>,
    token: &str,
    window: PullWindow,
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
    let start = Start {
        device,
        checkpoint,
        window,
    };
    let mut rounds = IndexedDbRounds { store, lock };
    sync_rounds(&transport, start, &mut replicas, &mut rounds, progress)
        .await
        .map_err(|e| match e {
            SyncError::Transport(TransportError::Unauthorized) => SyncFailure::Unauthorized,
            SyncError::Transport(TransportError::Offline(_)) => SyncFailure::Offline,
            other => SyncFailure::Other(other.to_string()),
        })
}

/// When the last session finished, as the bar shows it ("3月5日 14:02"),
/// kept across reloads.
pub async fn last_synced(store: &Store) -> Option<String> {
    store.meta(LAST_SYNCED_KEY).await.ok().flatten()
}

pub async fn set_last_synced(store: &Store, at: &str) -> Result<(), String> {
    store
        .put_meta(LAST_SYNCED_KEY, at)
        .await
        .map_err(|e| e.to_string())
}

/// The stored document with the session's changes merged in: edits saved
/// while the session ran are kept.
async fn merge_with_stored(
    store: &Store,
    id: &str,
    synced: &mut AutoCommit,
) -> Result<Vec<u8>, String> {
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
