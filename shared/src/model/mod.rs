//! The domain model: plain structs, one file per aggregate, each with
//! autosurgeon `Reconcile`/`Hydrate` and serde.
//!
//! Conventions that hold in every file:
//! - `Option<_>` is "not answered"; it is never collapsed into "no".
//!   Free text uses `String`, where empty means not recorded.
//! - Structs kept in lists carry `#[key]` on their id, so concurrent inserts
//!   and deletes merge by identity rather than by position.
//! - Text is a plain string, not an Automerge `Text`: two people typing
//!   different values into one field should leave a visible conflict for
//!   the lead, not an interleaving of both.
//! - Vocabularies are `coded_enum!`s with a stable English code and a
//!   `label_zh()`.
//!
//! # Layout
//!
//! - [`coded`]: `coded_enum!`, [`Coded`], [`Choices`] (tri-state multi-select).
//! - [`when`]: [`Day`] and [`Timestamp`].
//! - [`values`]: [`Yuan`], [`GpsFix`], [`RiskLevel`], [`Comment`].
//! - [`facility`]: [`Facility`], [`Profile`], category, listing source, priority.
//! - [`visit`]: [`Visit`], phase, method, the 四不两直 [`Attestation`].
//! - [`findings`]: [`Findings`], [`Prepayment`], [`Incidents`] and their vocabularies.
//! - [`evidence`]: [`ResidentInterview`], [`PhotoRef`].
//! - [`review`]: [`FacilityReview`], [`Review`], [`DisposalPlan`], [`entry_state`].
//! - [`county`]: [`CountyRecord`], [`OnlineCheck`].
//! - [`township_log`]: [`TownshipLog`], publicity activities.
//! - [`settings`]: [`CountySettings`], [`Schedule`], [`Thresholds`].

pub mod coded;
pub mod county;
pub mod evidence;
pub mod facility;
pub mod findings;
pub mod review;
pub mod settings;
pub mod township_log;
pub mod values;
pub mod visit;
pub mod when;

pub use coded::{Choices, Coded, UnknownCode};
pub use county::{CheckFinding, CheckSource, CountyRecord, OnlineCheck};
pub use evidence::{PhotoRef, ResidentInterview, Respondent};
pub use facility::{
    Category, Facility, Industry, LegalForm, ListingSource, OperatingStatus, Ownership, Premises,
    Profile, VenueInfo, VenueNature,
};
pub use findings::{FeeMethod, Findings, FundUse, Incidents, Marketing, Prepayment, Solvency};
pub use review::{
    DisposalPlan, EntryState, FacilityReview, Measure, MeasureKind, ProgressEntry, Review,
    ReviewState, SignOff, entry_state,
};
pub use settings::{CountySettings, Schedule, Thresholds, Township};
pub use township_log::{
    GroupMember, GroupRole, PublicityActivity, TownshipLog, VenueType, WorkPlan,
};
pub use values::{Comment, GpsFix, RiskLevel, Yuan};
pub use visit::{Attestation, Method, Phase, Visit};
pub use when::{Day, Timestamp, WhenError};
