//! One visit (上门排查, DOMAIN §3): how it was done, the 四不两直 attestation,
//! the findings, interviews, photos and the inspector's proposed level.
//!
//! A visit lives in its facility's document, so everything an inspector
//! writes goes to one document the inspector may write.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::coded::coded_enum;
use super::evidence::{PhotoRef, ResidentInterview};
use super::findings::Findings;
use super::values::{Comment, GpsFix, RiskLevel};
use super::when::Timestamp;
use crate::ids::{UserId, VisitId};

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Visit {
    #[key]
    pub id: VisitId,
    pub created_by: UserId,
    pub phase: Option<Phase>,
    pub method: Option<Method>,
    /// Why the visit was not on site (required for any other method).
    pub method_reason: String,
    pub attestation: Attestation,
    pub arrived_at: Option<Timestamp>,
    pub gps: Option<GpsFix>,
    /// Inspectors present, usually two.
    pub inspectors: Vec<UserId>,
    pub findings: Findings,
    pub interviews: Vec<ResidentInterview>,
    pub photos: Vec<PhotoRef>,
    pub proposed_level: Option<RiskLevel>,
    pub proposal_note: String,
    /// Set by the inspector on submit and again on resubmit; `None` is a draft.
    pub submitted_at: Option<Timestamp>,
    /// The inspector's answers to the lead's review comments.
    pub replies: Vec<Comment>,
}

impl Visit {
    /// An empty draft, as the form starts it.
    pub fn new(id: VisitId, created_by: UserId) -> Self {
        Self {
            id,
            created_by,
            phase: None,
            method: None,
            method_reason: String::new(),
            attestation: Attestation::default(),
            arrived_at: None,
            gps: None,
            inspectors: vec![created_by],
            findings: Findings::default(),
            interviews: Vec::new(),
            photos: Vec::new(),
            proposed_level: None,
            proposal_note: String::new(),
            submitted_at: None,
            replies: Vec::new(),
        }
    }
}

coded_enum! {
    pub enum Phase {
        SelfInspection => "self_inspection", "自查自改";
        FullSurvey => "full_survey", "全面摸排";
        CovertCheck => "covert_check", "暗访督查";
    }
}

coded_enum! {
    pub enum Method {
        OnSite => "on_site", "上门";
        Video => "video", "视频";
        Phone => "phone", "电话";
        Documents => "documents", "查阅资料";
    }
}

/// The six 四不两直 ticks. A tick is a positive statement by the inspector,
/// so unticked and unanswered are the same here.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize,
)]
pub struct Attestation {
    /// 不发通知.
    pub no_notice: bool,
    /// 不打招呼.
    pub no_greeting: bool,
    /// 不听汇报.
    pub no_briefing: bool,
    /// 不用陪同接待.
    pub no_escort: bool,
    /// 直奔基层.
    pub straight_to_grassroots: bool,
    /// 直插现场.
    pub straight_to_scene: bool,
}

impl Attestation {
    pub fn all_ticked(&self) -> bool {
        self.no_notice
            && self.no_greeting
            && self.no_briefing
            && self.no_escort
            && self.straight_to_grassroots
            && self.straight_to_scene
    }
}
