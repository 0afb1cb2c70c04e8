//! Simulated phones for the benchmarks: the tests' [`Device`] (shared
//! `doc::create`, `reconcile_body`, the shared sync client over HTTP), with
//! a transport that times every exchange and counts its body bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::Instant;

use automerge::sync::SyncDoc;
use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{
    DocMessage, PROTOCOL_VERSION, Replica, SyncOutcome, SyncRequest, Transport, decode_request,
    decode_response, encode, sync_replicas,
};
use mopai_tests::device::{Device, HttpTransport};

use crate::server::Account;

/// One HTTP exchange: milliseconds from sending the request until the whole
/// answer arrived (the server answers after its commit: the acknowledgement).
#[derive(Debug, Clone, Copy)]
pub struct Exchange {
    pub ms: f64,
    /// Documents whose message in the request carried Automerge changes:
    /// the answer to this request is the acknowledgement of those changes.
    pub docs_with_changes: usize,
    pub sent: usize,
    pub received: usize,
}

/// An [`HttpTransport`] that records every exchange.
pub struct Timed {
    inner: HttpTransport,
    pub log: Mutex<Vec<Exchange>>,
}

impl Timed {
    pub fn new(inner: HttpTransport) -> Self {
        Self {
            inner,
            log: Mutex::new(Vec::new()),
        }
    }

    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.log.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Transport for Timed {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let sent = body.len();
        let docs_with_changes = decode_request(&body).map_or(0, |r| {
            r.docs
                .iter()
                .filter(|m| {
                    automerge::sync::Message::decode(&m.message)
                        .is_ok_and(|m| !m.changes.is_empty())
                })
                .count()
        });
        let started = Instant::now();
        let reply = self.inner.exchange(body).await?;
        self.log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Exchange {
                ms: started.elapsed().as_secs_f64() * 1000.0,
                docs_with_changes,
                sent,
                received: reply.len(),
            });
        Ok(reply)
    }
}

/// A phone logged in as `account` (its session token), with a timed transport.
pub struct Phone {
    pub device: Device,
    pub account: Account,
    pub net: Timed,
}

impl Phone {
    pub fn new(sync_url: String, account: Account) -> Self {
        let mut device = Device::new(sync_url);
        device.transport.token = Some(account.token.clone());
        let net = Timed::new(device.transport.clone());
        Self {
            device,
            account,
            net,
        }
    }

    /// One sync session with the shared client.
    pub async fn sync(&mut self) -> Result<SyncOutcome, String> {
        let d = &mut self.device;
        let outcome = sync_replicas(&self.net, d.id, d.checkpoint, &mut d.replicas, |_| {})
            .await
            .map_err(|e| e.to_string())?;
        d.checkpoint = outcome.checkpoint;
        Ok(outcome)
    }

    /// One session of [`sync_capped`], for pulls the shared client refuses.
    pub async fn sync_capped(&mut self, cap: usize) -> Result<SyncOutcome, String> {
        let d = &mut self.device;
        let outcome = sync_capped(&self.net, d.id, d.checkpoint, &mut d.replicas, cap).await?;
        d.checkpoint = outcome.checkpoint;
        Ok(outcome)
    }
}

/// The shared client's loop (`mopai_shared::sync::sync_replicas`) with at
/// most `cap` documents per request.
///
/// The shared client puts every pending document into one request, and the
/// server refuses more than `MAX_DOCS_PER_REQUEST` (200): a fresh phone in a
/// township of more than 200 documents cannot sync. This variant exists only
/// so the benchmark can still report the bytes of such a pull; it is labelled
/// as such in BENCHMARKS.md. Remove it once the shared client batches.
pub async fn sync_capped<T: Transport>(
    transport: &T,
    device: uuid::Uuid,
    checkpoint: u64,
    replicas: &mut BTreeMap<String, Replica>,
    cap: usize,
) -> Result<SyncOutcome, String> {
    let mut outcome = SyncOutcome {
        checkpoint,
        ..SyncOutcome::default()
    };
    for replica in replicas.values_mut() {
        replica.begin_session();
    }
    let mut pending: BTreeSet<String> = replicas
        .iter_mut()
        .filter_map(|(id, r)| r.has_unsent_changes().then(|| id.clone()))
        .collect();
    let mut server_has_more = true;
    // Bounded: the shared client's 12 rounds, plus one round per `cap` documents.
    let max_rounds = 12 + 2 * (replicas.len() + 10_000) / cap.max(1);
    for round in 0..max_rounds {
        let mut docs = Vec::new();
        let mut deferred = BTreeSet::new();
        for id in std::mem::take(&mut pending) {
            if docs.len() >= cap {
                deferred.insert(id);
                continue;
            }
            let replica = replicas.entry(id.clone()).or_default();
            if let Some(m) = replica.doc.sync().generate_sync_message(&mut replica.state) {
                docs.push(DocMessage {
                    doc: id,
                    message: m.encode(),
                });
            }
        }
        if docs.is_empty() && deferred.is_empty() && !server_has_more {
            return Ok(outcome);
        }
        let body = encode(&SyncRequest {
            protocol: PROTOCOL_VERSION,
            device,
            checkpoint: outcome.checkpoint,
            docs,
        });
        outcome.bytes_sent += body.len();
        let reply = transport.exchange(body).await.map_err(|e| e.to_string())?;
        outcome.bytes_received += reply.len();
        outcome.rounds = round + 1;
        let response = decode_response(&reply).map_err(|e| e.to_string())?;
        pending = deferred;
        for DocMessage { doc, message } in response.docs {
            let replica = replicas.entry(doc.clone()).or_default();
            let before = replica.doc.get_heads();
            let message = automerge::sync::Message::decode(&message).map_err(|e| e.to_string())?;
            replica
                .doc
                .sync()
                .receive_sync_message(&mut replica.state, message)
                .map_err(|e| e.to_string())?;
            if replica.doc.get_heads() != before {
                outcome.updated.insert(doc.clone());
            }
            outcome.touched.insert(doc.clone());
            pending.insert(doc);
        }
        pending.extend(response.changed);
        outcome.checkpoint = response.checkpoint;
        server_has_more = response.more;
    }
    Err(format!("sync did not settle within {max_rounds} rounds"))
}
