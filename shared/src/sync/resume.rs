//! Pulls that survive a dropped connection: where a session saves each
//! round, the checkpoint it may save then, and how many missing documents
//! one round asks for.
//!
//! A session saves what each round received before the next round goes
//! out, through a [`RoundSink`]. The checkpoint saved with it must never
//! cover a document that is not saved yet, or a drop would lose that
//! document for good: the next session would start past its write. A
//! listed document has arrived only once its sync messages have converged
//! (it left the session's pending set), so [`SafeCheckpoint`] keeps every
//! listing until all of its documents have, and advances to a listing's
//! checkpoint only when it and every earlier listing are complete.
//!
//! [`PullWindow`] bounds the documents the phone lacks that one request asks
//! for, so one answer stays well under what a bad connection carries, and
//! halves after a drop: the next attempt re-fetches the lost round in
//! smaller answers.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::future::Future;

use super::{MAX_DOCS_PER_REQUEST, Replica};

/// Where a session saves each round before the next goes out, so a dropped
/// connection loses at most the round in flight.
///
/// `docs` are the replicas whose bytes or acknowledged heads the round
/// changed (each with content); save them, *then* `checkpoint`, which
/// covers only documents saved by now or before. A failed save ends the
/// session.
pub trait RoundSink {
    fn save_round(
        &mut self,
        replicas: &mut BTreeMap<String, Replica>,
        docs: &BTreeSet<String>,
        checkpoint: u64,
    ) -> impl Future<Output = Result<(), String>>;
}

/// Saves nothing while the session runs: the caller persists
/// [`SyncOutcome::touched`] and then [`SyncOutcome::checkpoint`] at the end.
///
/// [`SyncOutcome::touched`]: super::SyncOutcome::touched
/// [`SyncOutcome::checkpoint`]: super::SyncOutcome::checkpoint
#[derive(Debug, Clone, Copy, Default)]
pub struct AtEnd;

impl RoundSink for AtEnd {
    async fn save_round(
        &mut self,
        _: &mut BTreeMap<String, Replica>,
        _: &BTreeSet<String>,
        _: u64,
    ) -> Result<(), String> {
        Ok(())
    }
}

/// The highest checkpoint every document of whose listings has arrived.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SafeCheckpoint {
    safe: u64,
    /// Listings not yet complete, oldest first: the response's checkpoint
    /// and its documents still being exchanged.
    waiting: VecDeque<(u64, BTreeSet<String>)>,
}

impl SafeCheckpoint {
    /// Starts from the checkpoint the device has saved.
    pub fn new(saved: u64) -> Self {
        Self {
            safe: saved,
            waiting: VecDeque::new(),
        }
    }

    /// A response listed `docs` as written up to `checkpoint`.
    pub fn listed(&mut self, checkpoint: u64, docs: &[String]) {
        self.waiting
            .push_back((checkpoint, docs.iter().cloned().collect()));
    }

    /// Every document not in `pending` has arrived (or was refused, and is
    /// kept and re-sent by the device as it is). Returns the safe checkpoint.
    pub fn settle(&mut self, pending: &BTreeSet<String>) -> u64 {
        for (_, docs) in &mut self.waiting {
            docs.retain(|d| pending.contains(d));
        }
        while let Some((checkpoint, docs)) = self.waiting.front() {
            if !docs.is_empty() {
                break;
            }
            self.safe = self.safe.max(*checkpoint);
            self.waiting.pop_front();
        }
        self.safe
    }

    pub fn get(&self) -> u64 {
        self.safe
    }
}

/// How many documents the phone lacks one request may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullWindow(usize);

impl PullWindow {
    /// About 130 KB of answer with facilities of five visits (~4 KB each):
    /// a few such rounds fit in what a weak township connection carries
    /// between drops.
    pub const START: usize = 32;
    pub const MIN: usize = 4;

    pub fn docs(self) -> usize {
        self.0
    }

    /// The connection dropped an answer: ask for half as much per round.
    pub fn after_drop(&mut self) {
        self.0 = (self.0 / 2).max(Self::MIN);
    }

    /// A session finished: start the next one at the usual size again.
    pub fn after_success(&mut self) {
        self.0 = Self::START;
    }

    /// No limit beyond the request's own: every message may ask.
    pub fn unlimited() -> Self {
        Self(MAX_DOCS_PER_REQUEST)
    }
}

impl Default for PullWindow {
    fn default() -> Self {
        Self(Self::START)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        ids(names).into_iter().collect()
    }

    #[test]
    fn a_listing_counts_only_once_all_of_it_and_earlier_ones_arrived() {
        let mut safe = SafeCheckpoint::new(5);
        safe.listed(10, &ids(&["a", "b"]));
        safe.listed(20, &ids(&["c"]));
        assert_eq!(safe.settle(&set(&["a", "b", "c"])), 5);
        assert_eq!(safe.settle(&set(&["a"])), 5, "c is in, a still pending");
        safe.listed(30, &[]);
        assert_eq!(safe.settle(&set(&[])), 30);
        assert_eq!(safe.get(), 30);
    }

    #[test]
    fn a_document_listed_again_holds_the_later_listing_back() {
        let mut safe = SafeCheckpoint::new(0);
        safe.listed(10, &ids(&["a"]));
        assert_eq!(safe.settle(&set(&[])), 10);
        safe.listed(20, &ids(&["a"]));
        assert_eq!(safe.settle(&set(&["a"])), 10);
    }

    #[test]
    fn the_window_halves_on_drops_down_to_its_floor() {
        let mut w = PullWindow::default();
        for expected in [16, 8, 4, 4] {
            w.after_drop();
            assert_eq!(w.docs(), expected);
        }
        w.after_success();
        assert_eq!(w.docs(), PullWindow::START);
    }
}
