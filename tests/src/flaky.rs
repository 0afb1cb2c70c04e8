//! A weak connection and a phone's storage, for pulls cut short.
//!
//! [`Flaky`] wraps a transport and drops answers: each connection carries
//! a budget of answer bytes (drawn per connection by a closure, fixed or
//! seeded random); the answer that would exceed it is lost after the server
//! has handled the request, and the next exchange opens a new connection.
//! It keeps what the cuts cost (answers lost, bytes that arrived before
//! each cut) and how often each document's content was fetched.
//!
//! [`SavedPhone`] is the phone's IndexedDB: documents and sync states saved
//! per round by [`RoundSink`], then the checkpoint; a new attempt starts
//! from it alone, as after a reload.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};

use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{Replica, RoundSink, Transport, decode_response};

/// A transport whose connection drops answers once it has carried its budget.
pub struct Flaky<T, B> {
    inner: T,
    next_budget: RefCell<B>,
    /// Answer bytes the current connection still carries.
    left: Cell<usize>,
    pub stats: RefCell<CutStats>,
}

/// What the cuts cost.
#[derive(Debug, Clone, Default)]
pub struct CutStats {
    /// Answers lost to a drop.
    pub cuts: usize,
    /// Bytes of the lost answers that arrived before each cut: downloaded
    /// and thrown away.
    pub bytes_cut: usize,
    /// Answer bytes delivered whole.
    pub bytes_delivered: usize,
    /// The largest answer delivered: one round's worth.
    pub largest_answer: usize,
    /// Per document, the answers (delivered or cut) that carried its changes.
    pub content_fetches: BTreeMap<String, usize>,
    /// Bytes of document content in answers that carried it again.
    pub bytes_refetched: usize,
}

impl<T: Transport, B: FnMut() -> usize> Flaky<T, B> {
    pub fn new(inner: T, mut next_budget: B) -> Self {
        let first = next_budget();
        Self {
            inner,
            next_budget: RefCell::new(next_budget),
            left: Cell::new(first),
            stats: RefCell::default(),
        }
    }

    fn count_content(&self, answer: &[u8]) {
        let Ok(response) = decode_response(answer) else {
            return;
        };
        let mut stats = self.stats.borrow_mut();
        for m in response.docs {
            let carries = automerge::sync::Message::decode(&m.message)
                .is_ok_and(|decoded| !decoded.changes.is_empty());
            if carries {
                let fetches = stats.content_fetches.entry(m.doc).or_default();
                *fetches += 1;
                if *fetches > 1 {
                    stats.bytes_refetched += m.message.len();
                }
            }
        }
    }
}

impl<T: Transport, B: FnMut() -> usize> Transport for Flaky<T, B> {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let answer = self.inner.exchange(body).await?;
        self.count_content(&answer);
        let left = self.left.get();
        if answer.len() > left {
            let mut stats = self.stats.borrow_mut();
            stats.cuts += 1;
            stats.bytes_cut += left;
            self.left.set((self.next_budget.borrow_mut())());
            return Err(TransportError::Offline("connection dropped".into()));
        }
        self.left.set(left - answer.len());
        let mut stats = self.stats.borrow_mut();
        stats.bytes_delivered += answer.len();
        stats.largest_answer = stats.largest_answer.max(answer.len());
        drop(stats);
        Ok(answer)
    }
}

/// The phone's durable copy: what survives a dropped session.
#[derive(Debug, Default)]
pub struct SavedPhone {
    /// Document id → (Automerge bytes, sync state bytes).
    pub docs: BTreeMap<String, (Vec<u8>, Vec<u8>)>,
    pub checkpoint: u64,
    /// Every checkpoint saved, with the documents saved by then.
    pub history: Vec<(u64, BTreeSet<String>)>,
    /// Document writes, over all rounds.
    pub writes: usize,
}

impl SavedPhone {
    /// The replicas a new session starts from, as after a reload.
    pub fn replicas(&self) -> BTreeMap<String, Replica> {
        self.docs
            .iter()
            .map(|(id, (doc, state))| {
                let replica = Replica::restore(doc, state).expect("saved replica loads");
                (id.clone(), replica)
            })
            .collect()
    }
}

impl RoundSink for SavedPhone {
    async fn save_round(
        &mut self,
        replicas: &mut BTreeMap<String, Replica>,
        docs: &BTreeSet<String>,
        checkpoint: u64,
    ) -> Result<(), String> {
        for id in docs {
            self.writes += 1;
            let replica = replicas.get_mut(id).ok_or("round names no replica")?;
            self.docs
                .insert(id.clone(), (replica.doc.save(), replica.save_state()));
        }
        self.checkpoint = checkpoint;
        let saved = self.docs.keys().cloned().collect();
        self.history.push((checkpoint, saved));
        Ok(())
    }
}
