//! A simulated phone: replicas in memory, the shared sync client, HTTP by reqwest.

use std::collections::BTreeMap;

use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{Replica, SyncError, SyncOutcome, Transport, sync_replicas};
use uuid::Uuid;

pub struct HttpTransport {
    client: reqwest::Client,
    url: String,
}

impl HttpTransport {
    pub fn new(sync_url: String) -> Self {
        Self {
            client: reqwest::Client::new(),
            url: sync_url,
        }
    }
}

impl Transport for HttpTransport {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let response = self
            .client
            .post(&self.url)
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
            .await
            .map_err(|e| TransportError::Offline(e.to_string()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| TransportError::Offline(e.to_string()))?;
        if !status.is_success() {
            return Err(TransportError::Rejected {
                status: status.as_u16(),
                message: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
        Ok(bytes.to_vec())
    }
}

pub struct Device {
    pub id: Uuid,
    pub checkpoint: u64,
    pub replicas: BTreeMap<String, Replica>,
    transport: HttpTransport,
}

impl Device {
    pub fn new(sync_url: String) -> Self {
        Self {
            id: Uuid::new_v4(),
            checkpoint: 0,
            replicas: BTreeMap::new(),
            transport: HttpTransport::new(sync_url),
        }
    }

    pub async fn sync(&mut self) -> Result<SyncOutcome, SyncError> {
        let outcome = sync_replicas(
            &self.transport,
            self.id,
            self.checkpoint,
            &mut self.replicas,
            |_| {},
        )
        .await?;
        self.checkpoint = outcome.checkpoint;
        Ok(outcome)
    }

    /// Simulates closing and reopening the app: every replica goes through its saved bytes.
    pub fn reload_from_storage(&mut self) {
        for replica in self.replicas.values_mut() {
            *replica = Replica::restore(&replica.doc.save(), &replica.save_state())
                .expect("saved replica loads");
        }
    }
}
