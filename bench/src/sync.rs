//! Simulated phones for the benchmarks: the tests' [`Device`] (shared
//! `doc::create`, `reconcile_body`, the shared sync client over HTTP), with
//! a transport that times every exchange and counts its body bytes.

use std::sync::Mutex;
use std::time::Instant;

use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{SyncOutcome, Transport, decode_request, sync_replicas};
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
}
