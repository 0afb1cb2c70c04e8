//! The client half of a sync session, generic over how bytes reach the server.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use uuid::Uuid;

use super::wire::{self, DocMessage, PROTOCOL_VERSION, SyncRequest, WireError};
use super::{MAX_DOCS_PER_REQUEST, MAX_ROUNDS, Refusal, Replica};

/// The error code a server answers when the checkpoint sent is beyond its
/// own sequence (its database was restored, or the phone's record is
/// wrong): the session starts again from 0, once.
pub const CHECKPOINT_AHEAD: &str = "checkpoint_ahead";

/// Sends one encoded [`SyncRequest`] and returns the encoded response body.
///
/// The browser implements this with `fetch`, native tests with an HTTP
/// client; the protocol logic above it is the same code.
pub trait Transport {
    fn exchange(&self, body: Vec<u8>) -> impl Future<Output = Result<Vec<u8>, TransportError>>;
}

/// A failed exchange, as the transport saw it.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum TransportError {
    #[error("无法连接服务器：{0}")]
    Offline(String),
    #[error("登录已过期，请重新登录后再同步")]
    Unauthorized,
    #[error("服务器拒绝了同步（{status}）：{message}")]
    Rejected {
        status: u16,
        /// The `code` of the JSON error body; empty when there was none.
        code: String,
        message: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Wire(#[from] WireError),
    #[error("文档 {doc} 的同步数据无法应用：{reason}")]
    BadMessage { doc: String, reason: String },
    #[error("同步在 {0} 轮后仍未完成，已停止；稍后会自动重试")]
    TooManyRounds(usize),
}

/// What the caller shows while a session runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub round: usize,
    /// Documents still being exchanged after this round.
    pub pending: usize,
}

/// The result of a finished session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncOutcome {
    /// Persist this only now: every document it covers has been pulled.
    pub checkpoint: u64,
    pub rounds: usize,
    pub bytes_sent: usize,
    pub bytes_received: usize,
    /// Documents whose local replica changed (new or merged) in this session.
    pub updated: BTreeSet<String>,
    /// Documents whose sync state changed and must be persisted.
    pub touched: BTreeSet<String>,
    /// Documents the server refused in this session, with its reason. They
    /// stay on the device as they are, and were not sent again in this
    /// session; a document absent here was accepted (or had nothing to send).
    pub refused: BTreeMap<String, Refusal>,
}

/// Runs exchanges until neither side has anything left to send.
///
/// `replicas` holds every document on the device; documents the server
/// announces that the device lacks are added to it. Nothing is persisted here:
/// the caller saves the touched replicas and then the returned checkpoint, in
/// that order, so a crash between the two only repeats work.
pub async fn sync_replicas<T: Transport>(
    transport: &T,
    device: Uuid,
    checkpoint: u64,
    replicas: &mut BTreeMap<String, Replica>,
    mut progress: impl FnMut(Progress),
) -> Result<SyncOutcome, SyncError> {
    let mut outcome = SyncOutcome {
        checkpoint,
        ..SyncOutcome::default()
    };
    let mut pending = begin(replicas, &outcome.refused);
    let mut server_has_more = true;

    let mut round = 0;
    // Each document needs a few exchanges and a request carries at most
    // `MAX_DOCS_PER_REQUEST` of them, so the bound grows with the documents
    // known. A server can raise it only by announcing more documents, each
    // of which the phone then holds, so the rounds stay bounded by what the
    // phone can hold.
    while round < round_limit(replicas.len()) {
        let (docs, deferred) = outgoing_messages(replicas, std::mem::take(&mut pending));
        if docs.is_empty() && deferred.is_empty() && !server_has_more {
            return Ok(outcome);
        }
        outcome.touched.extend(docs.iter().map(|m| m.doc.clone()));
        let body = wire::encode(&SyncRequest {
            protocol: PROTOCOL_VERSION,
            device,
            checkpoint: outcome.checkpoint,
            docs,
        });
        outcome.bytes_sent += body.len();
        let reply = match transport.exchange(body).await {
            Err(TransportError::Rejected { code, .. })
                if code == CHECKPOINT_AHEAD && outcome.checkpoint != 0 =>
            {
                outcome.checkpoint = 0;
                round += 1;
                pending = begin(replicas, &outcome.refused);
                server_has_more = true;
                continue;
            }
            other => other?,
        };
        outcome.bytes_received += reply.len();
        round += 1;
        outcome.rounds = round;
        let response = wire::decode_response(&reply)?;

        pending = deferred;
        for refusal in response.refused {
            outcome.refused.insert(refusal.doc.clone(), refusal);
        }
        let mut answered = BTreeSet::new();
        for DocMessage { doc, message } in response.docs {
            let replica = replicas.entry(doc.clone()).or_default();
            let before = replica.doc.get_heads();
            replica
                .receive(&message)
                .map_err(|e| SyncError::BadMessage {
                    doc: doc.clone(),
                    reason: e.0,
                })?;
            if replica.doc.get_heads() != before {
                outcome.updated.insert(doc.clone());
            }
            outcome.touched.insert(doc.clone());
            answered.insert(doc.clone());
            pending.insert(doc);
        }
        for doc in response.changed {
            // Written since our checkpoint. The server's answer for a
            // document in this same response is as new as the list (one
            // transaction); any other document may have been written after
            // we last exchanged it in this session, while our sync state
            // still says "in sync" and would send nothing, and the
            // checkpoint would then move past the write for good. Start
            // its state afresh, so a later round asks.
            if !answered.contains(&doc)
                && let Some(replica) = replicas.get_mut(&doc)
            {
                replica.begin_session();
            }
            pending.insert(doc);
        }
        // A refused document is not sent again in this session: the server
        // would only refuse the same changes again.
        pending.retain(|doc| !outcome.refused.contains_key(doc));
        outcome.checkpoint = response.checkpoint;
        server_has_more = response.more;
        progress(Progress {
            round,
            pending: pending.len(),
        });
    }
    Err(SyncError::TooManyRounds(round))
}

/// Starts every replica's session afresh and returns the documents with
/// changes to send, but for those already refused.
fn begin(
    replicas: &mut BTreeMap<String, Replica>,
    refused: &BTreeMap<String, Refusal>,
) -> BTreeSet<String> {
    replicas
        .iter_mut()
        .filter_map(|(id, r)| {
            r.begin_session();
            (r.has_unsent_changes() && !refused.contains_key(id)).then(|| id.clone())
        })
        .collect()
}

/// Rounds one session may take when the device knows `documents`.
pub fn round_limit(documents: usize) -> usize {
    MAX_ROUNDS + 3 * documents.div_ceil(MAX_DOCS_PER_REQUEST)
}

/// The messages for the next request, at most [`MAX_DOCS_PER_REQUEST`], and
/// the pending documents left for a later round. A document is asked for its
/// message only when it goes out: generating one records it as sent.
fn outgoing_messages(
    replicas: &mut BTreeMap<String, Replica>,
    pending: BTreeSet<String>,
) -> (Vec<DocMessage>, BTreeSet<String>) {
    let mut docs = Vec::new();
    let mut deferred = BTreeSet::new();
    for id in pending {
        if docs.len() == MAX_DOCS_PER_REQUEST {
            deferred.insert(id);
            continue;
        }
        let replica = replicas.entry(id.clone()).or_default();
        if let Some(message) = replica.generate() {
            docs.push(DocMessage { doc: id, message });
        }
    }
    (docs, deferred)
}
