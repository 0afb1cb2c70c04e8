//! The duplicate index: facilities by USCC and by township + name.

use std::collections::HashMap;

use mopai_shared::doc::{DocKind, Scope};
use mopai_shared::ids::TownshipId;
use mopai_shared::model::Facility;

use super::Candidate;
use crate::admin::AdminResult;
use crate::admin::docs;
use crate::storage::ReadTx;
use crate::storage::scope::RecordedScope;

/// Facilities seen so far, each with a label `T` (a row number, or the
/// stored facility's name).
#[derive(Debug)]
pub struct Known<T> {
    by_uscc: HashMap<String, T>,
    by_name: HashMap<(TownshipId, String), Vec<(String, T)>>,
}

impl<T> Default for Known<T> {
    fn default() -> Self {
        Self {
            by_uscc: HashMap::new(),
            by_name: HashMap::new(),
        }
    }
}

/// Names compare without spaces and bracket width: lists type them freely.
fn name_key(name: &str) -> String {
    super::table::normalize_name(name)
}

/// Phones may have typed a USCC in lower case or with spaces.
fn uscc_key(uscc: &str) -> String {
    uscc.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

impl<T> Known<T> {
    pub fn add(&mut self, c: &Candidate, label: T)
    where
        T: Clone,
    {
        let p = &c.facility.profile;
        let uscc = uscc_key(&p.uscc);
        if !uscc.is_empty() {
            self.by_uscc.insert(uscc.clone(), label.clone());
        }
        self.by_name
            .entry((c.township, name_key(&p.name)))
            .or_default()
            .push((uscc, label));
    }

    /// The first match for `c`, and why it matches.
    pub fn find(&self, c: &Candidate) -> Option<(&T, &'static str)> {
        let p = &c.facility.profile;
        let uscc = uscc_key(&p.uscc);
        if let Some(label) = self.by_uscc.get(&uscc).filter(|_| !uscc.is_empty()) {
            return Some((label, "统一社会信用代码相同"));
        }
        self.by_name
            .get(&(c.township, name_key(&p.name)))?
            .iter()
            .find(|(other, _)| other.is_empty() || uscc.is_empty() || *other == uscc)
            .map(|(_, label)| (label, "同一乡镇内名称相同"))
    }
}

/// Every stored facility, labelled “name”. A document that cannot be read
/// as a facility cannot be compared and is left out (and logged).
pub fn stored_facilities(tx: &ReadTx<'_>) -> AdminResult<Known<String>> {
    let mut known = Known::default();
    for (doc_id, scope) in tx.docs_of_kind(DocKind::Facility)? {
        let RecordedScope::Scope(Scope::Township(township)) = scope else {
            continue;
        };
        match docs::read::<Facility>(tx, doc_id) {
            Ok(Some(doc)) => {
                let label = format!("“{}”", doc.body.profile.name);
                let candidate = Candidate {
                    township,
                    facility: doc.body,
                };
                known.add(&candidate, label);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(doc = %doc_id, error = %e, "stored facility skipped in duplicate check")
            }
        }
    }
    Ok(known)
}
