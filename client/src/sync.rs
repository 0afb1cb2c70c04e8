//! One sync session in the browser: load the replicas from IndexedDB, run the
//! shared protocol over `fetch`, save what changed, then the checkpoint.

use std::collections::BTreeMap;

use gloo::net::http::Request;
use mopai_shared::api::ErrorBody;
use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{Progress, Replica, SyncError, SyncOutcome, Transport, sync_replicas};
use uuid::Uuid;

use crate::store::Store;

const SYNC_URL: &str = "/api/sync";
const DEVICE_KEY: &str = "device_id";
const CHECKPOINT_KEY: &str = "checkpoint";

struct FetchTransport<'a> {
    token: &'a str,
}

impl Transport for FetchTransport<'_> {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let response = Request::post(SYNC_URL)
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
            let message = match response.json::<ErrorBody>().await {
                Ok(body) => body.message,
                Err(_) => response.status_text(),
            };
            return Err(TransportError::Rejected { status, message });
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
    Other(String),
}

impl From<String> for SyncFailure {
    fn from(message: String) -> Self {
        SyncFailure::Other(message)
    }
}

/// Runs one session against the server and persists its results.
pub async fn sync_now(
    store: &Store,
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
            other => SyncFailure::Other(other.to_string()),
        })?;
    // Documents first, checkpoint last: a crash in between only repeats work.
    for id in &outcome.touched {
        if let Some(replica) = replicas.get_mut(id) {
            store
                .put_doc(id, &replica.doc.save())
                .await
                .map_err(|e| e.to_string())?;
            store
                .put_sync_state(id, &replica.save_state())
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    store
        .put_meta(CHECKPOINT_KEY, &outcome.checkpoint.to_string())
        .await
        .map_err(|e| e.to_string())?;
    Ok(outcome)
}
