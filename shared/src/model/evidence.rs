//! What a visit gathers besides the checklist: resident interviews
//! (询问入住老年人或其代理人) and references to evidence photos.
//!
//! Residents are named by a label only ("3号房 王奶奶"): no ID-card numbers
//! are stored, and validation rejects a label that looks like one. Photo
//! bytes never enter a document; a [`PhotoRef`] names them by SHA-256 and the
//! bytes travel separately.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::coded::coded_enum;
use super::values::Yuan;
use super::when::Timestamp;
use crate::ids::{InterviewId, PhotoId};

coded_enum! {
    pub enum Respondent {
        Resident => "resident", "本人";
        Agent => "agent", "代理人";
        Family => "family", "家属";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct ResidentInterview {
    #[key]
    pub id: InterviewId,
    pub respondent: Option<Respondent>,
    /// A label the inspector can recognise again; never an ID number.
    pub label: String,
    pub prepaid: Option<bool>,
    pub prepaid_yuan: Option<Yuan>,
    pub prepaid_months: Option<u32>,
    pub told_risks: Option<bool>,
    pub promised_returns: Option<bool>,
    pub notes: String,
}

impl ResidentInterview {
    pub fn new(id: InterviewId) -> Self {
        Self {
            id,
            respondent: None,
            label: String::new(),
            prepaid: None,
            prepaid_yuan: None,
            prepaid_months: None,
            told_risks: None,
            promised_returns: None,
            notes: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct PhotoRef {
    #[key]
    pub id: PhotoId,
    /// Lowercase hex SHA-256 of the bytes; the blob store's key.
    pub sha256: String,
    pub size_bytes: u64,
    pub mime: String,
    pub caption: String,
    pub taken_at: Option<Timestamp>,
}
