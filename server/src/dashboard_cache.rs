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

use crate::storage::ReadTx;
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
    /// The county's dashboard at `now`, read in `tx`, which must not have
    /// read anything yet.
    pub fn county(&self, tx: &ReadTx<'_>, now: Timestamp) -> crate::storage::Result<Dashboard> {
        // Locked before the transaction's first statement, which is when
        // SQLite takes its snapshot: snapshots then follow the order of the
        // lock, and the cache never meets one older than itself. Concurrent
        // requests wait for one computation instead of each doing it.
        let mut slot = self.county.lock().unwrap_or_else(|p| p.into_inner());
        let seq = tx.current_seq()?;
        let day = now.day();
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
            // A request that waited across midnight: answer it, but keep
            // the new day's parts.
            Some(c) if day < c.day => {
                let parts = tx.township_parts(None, now)?;
                *slot = Some(c);
                return tx.dashboard_from(Area::County, None, &parts, now);
            }
            // Nothing yet, a new day, or a sequence that went back (a
            // restored database): read it all.
            _ => Cached {
                seq,
                day,
                parts: tx.township_parts(None, now)?,
            },
        };
        let dashboard = tx.dashboard_from(Area::County, None, &cached.parts, now);
        *slot = Some(cached);
        dashboard
    }
}
