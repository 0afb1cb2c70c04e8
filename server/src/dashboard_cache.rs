//! The county dashboard without re-reading the county on every request.
//!
//! County staff keep the dashboard open while hundreds of phones sync, and
//! at national scale reading every facility takes seconds. The county's
//! dashboard is the sum of per-township parts
//! ([`crate::storage::dashboard_parts`]), so this keeps the parts with the
//! sequence number they were read at, and on the next request recomputes
//! only the townships whose facilities were written since. Parts count
//! overdue plans for one day, so a new day starts afresh. The answer is
//! always exactly what a fresh computation would give at that moment.

use std::sync::Mutex;

use mopai_shared::dashboard::Dashboard;
use mopai_shared::model::{Day, Timestamp};

use crate::storage::WriteTx;
use crate::storage::dashboard_parts::Parts;
use crate::storage::rollups::Area;

#[derive(Debug, Default)]
pub struct DashboardCache {
    county: Mutex<Option<Cached>>,
}

#[derive(Debug)]
struct Cached {
    /// The write sequence the parts were read at.
    seq: u64,
    day: Day,
    parts: Parts,
}

impl DashboardCache {
    /// The county's dashboard at `now`, read in `tx`.
    pub fn county(&self, tx: &WriteTx<'_>, now: Timestamp) -> rusqlite::Result<Dashboard> {
        let seq = tx.current_seq()?;
        let day = now.day();
        // Held while computing, so concurrent requests wait for one
        // computation instead of each doing it.
        let mut slot = self.county.lock().unwrap_or_else(|p| p.into_inner());
        let cached = match slot.take() {
            Some(c) if c.day == day && c.seq == seq => c,
            Some(mut c) if c.day == day && c.seq < seq => {
                let written = tx.townships_written_since(c.seq)?;
                let mut fresh = tx.township_parts(Some(&written), now)?;
                for township in written {
                    match fresh.remove(&township) {
                        Some(part) => c.parts.insert(township, part),
                        None => c.parts.remove(&township),
                    };
                }
                c.seq = seq;
                c
            }
            // A new day, nothing yet, or a transaction older than the cache
            // (it must not see the cache's later writes): read it all.
            other => {
                let parts = tx.township_parts(None, now)?;
                let fresh = Cached { seq, day, parts };
                if other.as_ref().is_some_and(|c| c.seq > seq) {
                    let dashboard = tx.dashboard_from(Area::County, None, &fresh.parts, now);
                    *slot = other;
                    return dashboard;
                }
                fresh
            }
        };
        let dashboard = tx.dashboard_from(Area::County, None, &cached.parts, now);
        *slot = Some(cached);
        dashboard
    }
}
