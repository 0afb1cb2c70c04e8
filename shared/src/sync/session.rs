//! The client half of a sync session, generic over how bytes reach the
//! server and where each round is saved ([`RoundSink`]).

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use super::resume::{AtEnd, PullWindow, RoundSink, SafeCheckpoint};
use super::wire::{self, DocMessage, PROTOCOL_VERSION, SyncRequest};
use super::{MAX_DOCS_PER_REQUEST, MAX_ROUNDS, Refusal, Replica};

pub use super::transport::{SyncError, Transport, TransportError};

/// The error code a server answers when the checkpoint sent is beyond its
/// own sequence (its database was restored, or the phone's record is
/// wrong): the session starts again from 0, once.
pub const CHECKPOINT_AHEAD: &str = "checkpoint_ahead";

/// What the caller shows while a session runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub round: usize,
    /// Documents still being exchanged after this round.
    pub pending: usize,
    /// Documents the server listed as changed in this session so far.
    pub listed: usize,
    /// Of those, the ones that have arrived whole.
    pub received: usize,
}

/// The result of a finished session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncOutcome {
    /// Every document it covers has been pulled. With [`AtEnd`], persist it
    /// only now; a [`RoundSink`] has already been given it.
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

/// Where a session starts: the device, its saved checkpoint, and how many
/// documents it lacks one request may ask for.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    pub device: Uuid,
    pub checkpoint: u64,
    pub window: PullWindow,
}

/// Runs exchanges until neither side has anything left to send, persisting
/// nothing: the caller saves the touched replicas and then the returned
/// checkpoint, in that order, so a crash between the two only repeats work.
/// Pulls with no [`PullWindow`] beyond the request's 200 documents.
pub async fn sync_replicas<T: Transport>(
    transport: &T,
    device: Uuid,
    checkpoint: u64,
    replicas: &mut BTreeMap<String, Replica>,
    progress: impl FnMut(Progress),
) -> Result<SyncOutcome, SyncError> {
    let start = Start {
        device,
        checkpoint,
        window: PullWindow::unlimited(),
    };
    sync_rounds(transport, start, replicas, &mut AtEnd, progress).await
}

/// Runs exchanges until neither side has anything left to send, giving
/// `sink` each round's received documents and the checkpoint safe once
/// they are saved.
///
/// `replicas` holds every document on the device; documents the server
/// announces that the device lacks are added to it.
pub async fn sync_rounds<T: Transport, S: RoundSink>(
    transport: &T,
    start: Start,
    replicas: &mut BTreeMap<String, Replica>,
    sink: &mut S,
    mut progress: impl FnMut(Progress),
) -> Result<SyncOutcome, SyncError> {
    let mut outcome = SyncOutcome {
        checkpoint: start.checkpoint,
        ..SyncOutcome::default()
    };
    let mut safe = SafeCheckpoint::new(start.checkpoint);
    // The checkpoint the sink holds; `None` once it is known to be wrong.
    let mut saved = Some(start.checkpoint);
    let mut listed = BTreeSet::new();
    let mut pending = begin(replicas, &outcome.refused);
    let mut server_has_more = true;

    let mut round = 0;
    // Each document needs a few exchanges and a request carries at most
    // `MAX_DOCS_PER_REQUEST` of them (and `window` documents the device
    // lacks), so the bound grows with the documents known. A server can
    // raise it only by announcing more documents, each of which the phone
    // then holds, so the rounds stay bounded by what the phone can hold.
    while round < round_limit(replicas.len(), start.window) {
        let (docs, deferred) =
            outgoing_messages(replicas, std::mem::take(&mut pending), start.window);
        if docs.is_empty() && deferred.is_empty() && !server_has_more {
            let nothing = BTreeSet::new();
            if Some(safe.settle(&nothing)) != saved {
                persist(sink, replicas, &nothing, safe.get()).await?;
            }
            return Ok(outcome);
        }
        outcome.touched.extend(docs.iter().map(|m| m.doc.clone()));
        let body = wire::encode(&SyncRequest {
            protocol: PROTOCOL_VERSION,
            device: start.device,
            checkpoint: outcome.checkpoint,
            docs,
        });
        outcome.bytes_sent += body.len();
        let reply = match transport.exchange(body).await {
            Err(TransportError::Rejected { code, .. })
                if code == CHECKPOINT_AHEAD && outcome.checkpoint != 0 =>
            {
                outcome.checkpoint = 0;
                safe = SafeCheckpoint::new(0);
                saved = None;
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
        // Answered documents whose bytes or acknowledged heads changed: the
        // ones this round must save.
        let mut to_save = BTreeSet::new();
        for DocMessage { doc, message } in response.docs {
            let replica = replicas.entry(doc.clone()).or_default();
            let before = replica.doc.get_heads();
            let acknowledged = replica.state.shared_heads.clone();
            replica
                .receive(&message)
                .map_err(|e| SyncError::BadMessage {
                    doc: doc.clone(),
                    reason: e.0,
                })?;
            let heads = replica.doc.get_heads();
            if heads != before {
                outcome.updated.insert(doc.clone());
            }
            if !heads.is_empty() && (heads != before || replica.state.shared_heads != acknowledged)
            {
                to_save.insert(doc.clone());
            }
            outcome.touched.insert(doc.clone());
            answered.insert(doc.clone());
            pending.insert(doc);
        }
        safe.listed(response.checkpoint, &response.changed);
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
            listed.insert(doc.clone());
            pending.insert(doc);
        }
        // A refused document is not sent again in this session: the server
        // would only refuse the same changes again.
        pending.retain(|doc| !outcome.refused.contains_key(doc));
        outcome.checkpoint = response.checkpoint;
        server_has_more = response.more;

        let checkpoint = safe.settle(&pending);
        if !to_save.is_empty() || Some(checkpoint) != saved {
            persist(sink, replicas, &to_save, checkpoint).await?;
            saved = Some(checkpoint);
        }
        progress(Progress {
            round,
            pending: pending.len(),
            listed: listed.len(),
            received: listed.iter().filter(|d| !pending.contains(*d)).count(),
        });
    }
    Err(SyncError::TooManyRounds(round))
}

async fn persist<S: RoundSink>(
    sink: &mut S,
    replicas: &mut BTreeMap<String, Replica>,
    docs: &BTreeSet<String>,
    checkpoint: u64,
) -> Result<(), SyncError> {
    sink.save_round(replicas, docs, checkpoint)
        .await
        .map_err(SyncError::Persist)
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

/// Rounds one session may take when the device knows `documents` and asks
/// for at most `window` missing ones per request: a window under the
/// request's 200 adds the rounds it splits the pull into.
pub fn round_limit(documents: usize, window: PullWindow) -> usize {
    let requests = documents.div_ceil(MAX_DOCS_PER_REQUEST);
    let windows = documents.div_ceil(window.docs().max(1));
    MAX_ROUNDS + 3 * requests + windows.saturating_sub(requests)
}

/// The messages for the next request, at most [`MAX_DOCS_PER_REQUEST`] and
/// at most `window` for documents the device has nothing of, and the pending
/// documents left for a later round. A document is asked for its message
/// only when it goes out: generating one records it as sent.
fn outgoing_messages(
    replicas: &mut BTreeMap<String, Replica>,
    pending: BTreeSet<String>,
    window: PullWindow,
) -> (Vec<DocMessage>, BTreeSet<String>) {
    let mut docs = Vec::new();
    let mut deferred = BTreeSet::new();
    let mut missing = 0;
    for id in pending {
        let lacks = replicas.get_mut(&id).is_none_or(|r| !r.has_content());
        if docs.len() == MAX_DOCS_PER_REQUEST || (lacks && missing == window.docs()) {
            deferred.insert(id);
            continue;
        }
        let replica = replicas.entry(id.clone()).or_default();
        if let Some(message) = replica.generate() {
            missing += usize::from(lacks);
            docs.push(DocMessage { doc: id, message });
        }
    }
    (docs, deferred)
}
