//! The live feed of new red and orange leads (plan §二.二: 第一时间报告): a
//! tokio broadcast channel in [`AppState`](crate::AppState).
//!
//! Whoever commits a write that re-projected facilities publishes what
//! [`projection::refresh`](crate::projection::refresh) returned, after the
//! commit. Each `GET /api/events` stream subscribes and passes on the leads
//! its user may read. Nothing is stored here: a client that was away reads
//! `GET /api/leads` and keeps its own unread count.

use mopai_shared::dashboard::Lead;
use tokio::sync::broadcast;

/// Leads a slow subscriber may fall behind by before it is told to reload.
const CAPACITY: usize = 256;

#[derive(Debug)]
pub struct LeadFeed {
    sender: broadcast::Sender<Lead>,
}

impl Default for LeadFeed {
    fn default() -> Self {
        Self {
            sender: broadcast::Sender::new(CAPACITY),
        }
    }
}

impl LeadFeed {
    /// Call only after the transaction that produced `leads` committed.
    pub fn publish(&self, leads: impl IntoIterator<Item = Lead>) {
        for lead in leads {
            tracing::info!(facility = %lead.facility, level = %lead.level, "new lead");
            // No subscriber is not an error: nobody has the dashboard open.
            let _ = self.sender.send(lead);
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Lead> {
        self.sender.subscribe()
    }
}
