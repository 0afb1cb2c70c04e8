//! The live feed of red and orange leads and its unread count.
//!
//! The list comes from `GET /api/leads` (after every `ready`, and after
//! `lagged`) and grows with each `lead` event. One entry per facility, newest
//! first: a facility raised again (orange → red) moves to the top. A lead is
//! unread when its sequence number is above `read_seq`, the highest one the
//! user has seen; viewing the feed marks everything read. The page keeps
//! `read_seq` per user in `localStorage`, so a reload does not make old
//! leads unread again.

use mopai_shared::dashboard::Lead;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeadFeed {
    /// Newest (highest `seq`) first, one per facility.
    pub leads: Vec<Lead>,
    /// Everything up to this sequence number has been seen.
    pub read_seq: u64,
    /// `GET /api/leads` has answered at least once.
    pub loaded: bool,
}

impl LeadFeed {
    pub fn new(read_seq: u64) -> Self {
        Self {
            read_seq,
            ..Self::default()
        }
    }

    /// The list from `GET /api/leads` replaces what was there, keeping any
    /// event that arrived after the list was read.
    pub fn loaded(&mut self, list: Vec<Lead>) {
        let newer: Vec<Lead> = {
            let top = list.iter().map(|l| l.seq).max().unwrap_or(0);
            self.leads.iter().filter(|l| l.seq > top).cloned().collect()
        };
        self.leads.clear();
        for lead in list.into_iter().chain(newer) {
            self.insert(lead);
        }
        self.loaded = true;
    }

    /// A `lead` event.
    pub fn arrived(&mut self, lead: Lead) {
        self.insert(lead);
    }

    fn insert(&mut self, lead: Lead) {
        if let Some(old) = self.leads.iter().position(|l| l.facility == lead.facility) {
            if self.leads[old].seq > lead.seq {
                return;
            }
            self.leads.remove(old);
        }
        let at = self.leads.partition_point(|l| l.seq > lead.seq);
        self.leads.insert(at, lead);
    }

    pub fn is_unread(&self, lead: &Lead) -> bool {
        lead.seq > self.read_seq
    }

    pub fn unread(&self) -> usize {
        self.leads.iter().filter(|l| self.is_unread(l)).count()
    }

    /// Marks every lead read; returns the new `read_seq` to keep.
    pub fn mark_read(&mut self) -> u64 {
        let top = self.leads.iter().map(|l| l.seq).max().unwrap_or(0);
        self.read_seq = self.read_seq.max(top);
        self.read_seq
    }
}

/// What the feed shows for one lead's level change, e.g. "橙 → 红".
pub fn change_text(lead: &Lead) -> String {
    match lead.previous_level {
        Some(before) if before != lead.level => {
            format!("{} → {}", before.label_zh(), lead.level.label_zh())
        }
        _ => lead.level.label_zh().to_owned(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use mopai_shared::api::TownshipRef;
    use mopai_shared::ids::{FacilityId, TownshipId};
    use mopai_shared::model::RiskLevel;

    use super::*;

    pub(crate) fn lead(seq: u64, name: &str) -> Lead {
        Lead {
            facility: FacilityId::random(),
            township: TownshipRef {
                id: TownshipId::random(),
                name: "城关镇".into(),
            },
            name: name.into(),
            level: RiskLevel::Red,
            previous_level: None,
            main_problems: "R1 涉嫌非法集资、诈骗".into(),
            seq,
            last_visit_at: None,
            conflicts: Vec::new(),
            clock_ahead: Vec::new(),
        }
    }

    #[test]
    fn unread_counts_what_is_newer_than_read_seq() {
        let mut feed = LeadFeed::new(4);
        feed.loaded(vec![lead(5, "a"), lead(3, "b")]);
        assert_eq!(feed.unread(), 1);
        feed.arrived(lead(9, "c"));
        assert_eq!(feed.unread(), 2);
        assert_eq!(feed.leads[0].name, "c");
        assert_eq!(feed.mark_read(), 9);
        assert_eq!(feed.unread(), 0);
        // Marking read never goes backwards.
        feed.loaded(vec![lead(2, "d")]);
        assert_eq!(feed.mark_read(), 9);
    }

    #[test]
    fn one_entry_per_facility_newest_first() {
        let mut feed = LeadFeed::new(0);
        let mut first = lead(3, "a");
        first.level = RiskLevel::Orange;
        feed.arrived(first.clone());
        feed.arrived(lead(4, "b"));
        let mut raised = first.clone();
        raised.seq = 6;
        raised.level = RiskLevel::Red;
        raised.previous_level = Some(RiskLevel::Orange);
        feed.arrived(raised.clone());
        assert_eq!(feed.leads.len(), 2);
        assert_eq!(feed.leads[0], raised);
        assert_eq!(change_text(&feed.leads[0]), "橙 → 红");
        // A late, older copy does not replace it.
        feed.arrived(first);
        assert_eq!(feed.leads[0], raised);
    }

    #[test]
    fn reload_keeps_events_newer_than_the_list() {
        let mut feed = LeadFeed::new(0);
        feed.arrived(lead(10, "live"));
        feed.loaded(vec![lead(8, "old")]);
        assert!(feed.loaded);
        let names: Vec<_> = feed.leads.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["live", "old"]);
    }
}
