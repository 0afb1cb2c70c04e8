//! A document held by a device, together with what the device knows the
//! server already has of it.

use automerge::sync::{Have, State, SyncDoc};
use automerge::{AutoCommit, AutomergeError, ChangeHash};

/// One document on the device and its sync state with the server.
///
/// Both halves are persisted together (IndexedDB on the phone): the document
/// bytes are the outbox, and the state says what has been acknowledged.
#[derive(Debug)]
pub struct Replica {
    pub doc: AutoCommit,
    pub state: State,
}

impl Default for Replica {
    fn default() -> Self {
        Self::new(AutoCommit::new())
    }
}

impl Replica {
    pub fn new(doc: AutoCommit) -> Self {
        Self {
            doc,
            state: State::new(),
        }
    }

    /// Rebuilds a replica from its saved document and `State::encode()` bytes.
    ///
    /// The saved state keeps only the heads both sides shared at the end of
    /// the last sync. The server committed those before acknowledging them, so
    /// we may assume it still has them and send our newer changes in the
    /// first message instead of spending a round trip on discovery. Should the
    /// assumption ever be wrong, the server's `need` list recovers.
    pub fn restore(doc_bytes: &[u8], state_bytes: &[u8]) -> Result<Self, AutomergeError> {
        Ok(Self {
            doc: AutoCommit::load(doc_bytes)?,
            state: resumed_state(state_bytes),
        })
    }

    /// Forgets what the last session assumed about the server, keeping only
    /// what it acknowledged: as if the replica had just been restored.
    ///
    /// Needed at the start of every session: in-memory state still believes
    /// the server has exactly the heads it had at the end of the last one, so
    /// it would neither pull newer server changes nor resend changes a
    /// refused request never stored.
    pub fn begin_session(&mut self) {
        self.state = resumed_state(&self.state.encode());
    }

    /// True when the document has changes the server has not acknowledged.
    pub fn has_unsent_changes(&mut self) -> bool {
        !same_heads(&self.doc.get_heads(), &self.state.shared_heads)
    }

    /// False for a document announced by the server and not received yet.
    pub fn has_content(&mut self) -> bool {
        !self.doc.get_heads().is_empty()
    }

    pub fn save_state(&self) -> Vec<u8> {
        self.state.encode()
    }

    pub(crate) fn generate(&mut self) -> Option<Vec<u8>> {
        self.doc
            .sync()
            .generate_sync_message(&mut self.state)
            .map(|m| m.encode())
    }

    pub(crate) fn receive(&mut self, message: &[u8]) -> Result<(), ReceiveError> {
        let message =
            automerge::sync::Message::decode(message).map_err(|e| ReceiveError(e.to_string()))?;
        self.doc
            .sync()
            .receive_sync_message(&mut self.state, message)
            .map_err(|e| ReceiveError(e.to_string()))
    }
}

fn resumed_state(state_bytes: &[u8]) -> State {
    let mut state = State::decode(state_bytes).unwrap_or_default();
    if !state.shared_heads.is_empty() {
        state.their_heads = Some(state.shared_heads.clone());
        state.their_need = Some(Vec::new());
        state.their_have = Some(vec![Have {
            last_sync: state.shared_heads.clone(),
            bloom: Default::default(),
        }]);
    }
    state
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReceiveError(pub String);

/// Heads are a set; Automerge returns them sorted, but states decoded from
/// older saves need not be.
pub fn same_heads(a: &[ChangeHash], b: &[ChangeHash]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}
