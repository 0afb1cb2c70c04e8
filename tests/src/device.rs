//! A simulated phone: replicas in memory, the shared sync client, HTTP by
//! reqwest, and the login a phone keeps (its bearer token).

use std::cell::RefCell;
use std::collections::BTreeMap;

use automerge::ActorId;
use mopai_shared::api::{LoginResponse, Me};
use mopai_shared::doc::{self, DocBody, DocHeader, Scope, hydrate_doc, reconcile_body};
use mopai_shared::ids::{DocId, FacilityId, TownshipId};
use mopai_shared::model::Facility;
use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{Replica, SyncError, SyncOutcome, Transport, sync_replicas};
use uuid::Uuid;

#[derive(Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    url: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub token: Option<String>,
}

impl HttpTransport {
    pub fn new(sync_url: String) -> Self {
        Self {
            client: reqwest::Client::new(),
            url: sync_url,
            token: None,
        }
    }
}

impl Transport for HttpTransport {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let mut request = self
            .client
            .post(&self.url)
            .header("content-type", "application/octet-stream")
            .body(body);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .map_err(|e| TransportError::Offline(e.to_string()))?;
        let status = response.status();
        if status == 401 {
            return Err(TransportError::Unauthorized);
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| TransportError::Offline(e.to_string()))?;
        if !status.is_success() {
            let message = String::from_utf8_lossy(&bytes).into_owned();
            let code = serde_json::from_slice::<mopai_shared::api::ErrorBody>(&bytes)
                .map(|b| b.code)
                .unwrap_or_default();
            return Err(TransportError::Rejected {
                status: status.as_u16(),
                code,
                message,
            });
        }
        Ok(bytes.to_vec())
    }
}

pub struct Device {
    pub id: Uuid,
    pub checkpoint: u64,
    pub replicas: BTreeMap<String, Replica>,
    /// The actor this phone's edits are made by.
    pub actor: ActorId,
    pub transport: HttpTransport,
    /// Who logged in on this phone, once someone has.
    pub user: Option<Me>,
}

impl Device {
    pub fn new(sync_url: String) -> Self {
        Self {
            id: Uuid::new_v4(),
            checkpoint: 0,
            replicas: BTreeMap::new(),
            actor: ActorId::random(),
            transport: HttpTransport::new(sync_url),
            user: None,
        }
    }

    /// Logs in at `login_url` and keeps the token for syncing. Returns the
    /// HTTP status on failure.
    pub async fn login(
        &mut self,
        login_url: &str,
        username: &str,
        password: &str,
    ) -> Result<LoginResponse, u16> {
        let response = reqwest::Client::new()
            .post(login_url)
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .map_err(|_| 0u16)?;
        let status = response.status().as_u16();
        let body: LoginResponse = match status {
            200 => response.json().await.map_err(|_| status)?,
            _ => return Err(status),
        };
        self.transport.token = Some(body.token.clone());
        self.user = Some(body.user.clone());
        Ok(body)
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

    /// As [`Self::sync`], and the body of every request it sent, in order.
    pub async fn sync_recorded(&mut self) -> Result<(SyncOutcome, Vec<Vec<u8>>), SyncError> {
        let recorder = Recorder {
            inner: Some(self.transport.clone()),
            requests: RefCell::default(),
        };
        let outcome = sync_replicas(
            &recorder,
            self.id,
            self.checkpoint,
            &mut self.replicas,
            |_| {},
        )
        .await?;
        self.checkpoint = outcome.checkpoint;
        Ok((outcome, recorder.requests.into_inner()))
    }

    /// The body the phone would send next, recorded and not delivered.
    pub async fn pending_body(&mut self) -> Vec<u8> {
        let offline = Recorder {
            inner: None,
            requests: RefCell::default(),
        };
        let _ = sync_replicas(
            &offline,
            self.id,
            self.checkpoint,
            &mut self.replicas,
            |_| {},
        )
        .await;
        offline.requests.into_inner().remove(0)
    }

    /// Simulates closing and reopening the app: every replica goes through its saved bytes.
    pub fn reload_from_storage(&mut self) {
        for replica in self.replicas.values_mut() {
            *replica = Replica::restore(&replica.doc.save(), &replica.save_state())
                .expect("saved replica loads");
        }
    }

    /// Creates a document as the page does (shared genesis, then `body` by
    /// this device's actor) and returns its id.
    pub fn create<B: DocBody>(&mut self, id: DocId, scope: Scope, body: &B) -> String {
        let mut doc = doc::create::<B>(&DocHeader::new(id, scope), self.actor.clone())
            .expect("create document");
        reconcile_body(&mut doc, body).expect("write body");
        doc.commit();
        self.replicas.insert(id.to_string(), Replica::new(doc));
        id.to_string()
    }

    /// A new facility named `name` in `township`, as an inspector lists
    /// one; returns its id.
    pub fn create_facility(&mut self, township: TownshipId, name: &str) -> String {
        let mut facility = Facility::default();
        facility.profile.name = name.into();
        self.create(
            DocId::facility(FacilityId::random()),
            Scope::Township(township),
            &facility,
        )
    }

    /// Facilities the phone holds whole (a document announced by the server
    /// but not yet pulled, or the county settings, is not one to edit).
    pub fn editable_facilities(&self) -> Vec<String> {
        self.replicas
            .iter()
            .filter(|(id, r)| id.starts_with("facility:") && doc::read_header(&r.doc).is_ok())
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Edits a document this device holds, as this device's actor.
    pub fn edit<B: DocBody>(&mut self, id: &str, edit: impl FnOnce(&mut B)) {
        let replica = self
            .replicas
            .get_mut(id)
            .expect("device holds the document");
        replica.doc.set_actor(self.actor.clone());
        let mut body = hydrate_doc::<B, _>(&replica.doc)
            .expect("document reads")
            .body;
        edit(&mut body);
        reconcile_body(&mut replica.doc, &body).expect("write body");
        replica.doc.commit();
    }

    /// The body of a document this device holds.
    pub fn body<B: DocBody>(&self, id: &str) -> Option<B> {
        let replica = self.replicas.get(id)?;
        hydrate_doc::<B, _>(&replica.doc).ok().map(|d| d.body)
    }
}

/// A transport that keeps every request body; without an inner transport
/// it delivers nothing, as a phone offline.
struct Recorder {
    inner: Option<HttpTransport>,
    requests: RefCell<Vec<Vec<u8>>>,
}

impl Transport for Recorder {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        self.requests.borrow_mut().push(body.clone());
        match &self.inner {
            Some(t) => t.exchange(body).await,
            None => Err(TransportError::Offline("recording only".into())),
        }
    }
}
