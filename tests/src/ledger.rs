//! The acknowledgement ledger: for every sync request that got an answer,
//! the changes it carried and the heads the server answered with. The
//! server promises that all of them are stored before it answers; tests
//! check that promise against the database after crashes and faults.
//!
//! [`Recording`] wraps a transport and writes the ledger as requests are
//! answered; [`Ledger::missing`] lists what the server does not have.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use automerge::sync::Message;
use automerge::{AutoCommit, Change, ChangeHash};
use mopai_server::storage::Storage;
use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{Transport, decode_request, decode_response};

/// Acknowledged changes and heads, per document.
#[derive(Debug, Default, Clone)]
pub struct Ledger {
    pub changes: BTreeMap<String, BTreeSet<ChangeHash>>,
    /// Heads the server answered with: it had them when it answered.
    pub heads: BTreeMap<String, BTreeSet<ChangeHash>>,
    /// Requests that were answered with success.
    pub answered: usize,
}

impl Ledger {
    /// Records one request and its successful answer. A document the answer
    /// lists as refused was not acknowledged.
    pub fn acknowledge(&mut self, request: &[u8], response: &[u8]) {
        self.answered += 1;
        let request = decode_request(request).expect("an answered request decodes");
        let response = decode_response(response).expect("a success response decodes");
        let refused: BTreeSet<&str> = response.refused.iter().map(|r| r.doc.as_str()).collect();
        for m in request.docs {
            if refused.contains(m.doc.as_str()) {
                continue;
            }
            let carried = carried_changes(&m.message).expect("an answered message decodes");
            self.changes.entry(m.doc).or_default().extend(carried);
        }
        for m in response.docs {
            let heads = Message::decode(&m.message)
                .expect("the server's message decodes")
                .heads;
            self.heads.entry(m.doc).or_default().extend(heads);
        }
    }

    pub fn merge(&mut self, other: Ledger) {
        self.answered += other.answered;
        for (doc, hashes) in other.changes {
            self.changes.entry(doc).or_default().extend(hashes);
        }
        for (doc, hashes) in other.heads {
            self.heads.entry(doc).or_default().extend(hashes);
        }
    }

    /// Acknowledged changes in the ledger.
    pub fn change_count(&self) -> usize {
        self.changes.values().map(BTreeSet::len).sum()
    }

    /// Acknowledged changes and heads the database does not hold, as
    /// `doc: hash` lines; empty when nothing acknowledged was lost.
    pub fn missing(&self, storage: &Storage) -> Vec<String> {
        self.missing_in(storage, None)
    }

    /// [`Self::missing`], loading only the documents in `only` (those
    /// written since an earlier check); every other acknowledged document
    /// must still have its row.
    pub fn missing_in(&self, storage: &Storage, only: Option<&BTreeSet<String>>) -> Vec<String> {
        let mut lost = Vec::new();
        let docs: BTreeSet<&String> = self.changes.keys().chain(self.heads.keys()).collect();
        for doc in docs {
            let acknowledged = self.changes.get(doc).is_some_and(|h| !h.is_empty())
                || self.heads.get(doc).is_some_and(|h| !h.is_empty());
            if !acknowledged {
                // Answered, but nothing of it was ever stored to acknowledge.
                continue;
            }
            let id: mopai_shared::ids::DocId = doc
                .parse()
                .unwrap_or_else(|e| panic!("ledger id {doc}: {e}"));
            if let Some(only) = only
                && !only.contains(doc)
            {
                let row = storage.read(|tx| tx.doc_meta(id)).expect("read");
                if row.is_none() {
                    lost.push(format!("{doc}: the whole document"));
                }
                continue;
            }
            let mut stored = storage
                .read(|tx| tx.load_doc(id))
                .unwrap_or_else(|e| panic!("load {doc}: {e}"));
            let wanted = self
                .changes
                .get(doc)
                .into_iter()
                .chain(self.heads.get(doc))
                .flatten();
            for hash in wanted {
                let present = stored
                    .as_mut()
                    .is_some_and(|d| d.get_change_by_hash(hash).is_some());
                if !present {
                    lost.push(format!("{doc}: {hash}"));
                }
            }
        }
        lost
    }
}

/// The hashes of the changes one encoded Automerge sync message carries,
/// whether as single change chunks, concatenated ones, or a whole document.
pub fn carried_changes(message: &[u8]) -> Result<Vec<ChangeHash>, String> {
    let message = Message::decode(message).map_err(|e| e.to_string())?;
    let mut hashes = Vec::new();
    for chunk in message.changes.iter() {
        let mut rest = chunk;
        while !rest.is_empty() {
            let (one, after) = split_chunk(rest)?;
            match one[8] {
                // A document chunk: every change in it.
                0 => {
                    let mut doc = AutoCommit::load(one).map_err(|e| e.to_string())?;
                    hashes.extend(doc.get_changes(&[]).iter().map(|c| c.hash()));
                }
                _ => hashes.push(
                    Change::from_bytes(one.to_vec())
                        .map_err(|e| e.to_string())?
                        .hash(),
                ),
            }
            rest = after;
        }
    }
    Ok(hashes)
}

/// One Automerge storage chunk off the front of `bytes`: magic (4),
/// checksum (4), type (1), LEB128 length, then that many bytes.
fn split_chunk(bytes: &[u8]) -> Result<(&[u8], &[u8]), String> {
    if bytes.len() < 10 || bytes[..4] != [0x85, 0x6f, 0x4a, 0x83] {
        return Err("not an Automerge chunk".into());
    }
    let mut len: u64 = 0;
    let mut at = 9;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(at).ok_or("chunk length cut")?;
        at += 1;
        len |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
    }
    let end = at
        .checked_add(usize::try_from(len).map_err(|_| "chunk too long")?)
        .filter(|end| *end <= bytes.len())
        .ok_or("chunk cut")?;
    Ok(bytes.split_at(end))
}

/// A transport that writes every answered request into a ledger.
pub struct Recording<'a, T> {
    pub inner: &'a T,
    pub ledger: RefCell<Ledger>,
}

impl<'a, T: Transport> Recording<'a, T> {
    pub fn new(inner: &'a T) -> Self {
        Self {
            inner,
            ledger: RefCell::new(Ledger::default()),
        }
    }

    pub fn into_ledger(self) -> Ledger {
        self.ledger.into_inner()
    }
}

impl<T: Transport> Transport for Recording<'_, T> {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let response = self.inner.exchange(body.clone()).await?;
        self.ledger.borrow_mut().acknowledge(&body, &response);
        Ok(response)
    }
}

/// The server's write sequence and every document's sequence number and
/// heads: equal before and after a request exactly when it stored nothing.
pub type Fingerprint = (u64, Vec<(String, u64, Vec<u8>)>);

pub fn fingerprint(storage: &Storage) -> Fingerprint {
    storage
        .read(|tx| {
            let docs = tx
                .doc_heads(None)?
                .into_iter()
                .map(|d| (d.id, d.seq, d.heads))
                .collect();
            Ok::<_, mopai_server::error::AppError>((tx.current_seq()?, docs))
        })
        .expect("read the fingerprint")
}
