//! One module per screen.
//!
//! - [`login`]: the one online step: username and password for a session.
//! - [`dashboard`]: the county (or township) dashboard, live leads and the annex-table downloads.
//! - [`home`]: the township facility list with search, filters and the sync bar.
//! - [`new_facility`]: a facility or venue found on the spot.
//! - [`facility`]: one facility: level, visits, profile, evidence, conflicts.
//! - [`visit`]: the five-step visit form.
//! - [`review`]: the township lead's queue and one entry under review.
//! - [`plan`]: one facility's 一院一策 plan (the lead edits, others read).
//! - [`checks`]: one facility's online checks (county staff add them).
//! - [`township_log`]: the township work log (leadership group, plan, publicity).

pub mod checks;
pub mod dashboard;
pub mod facility;
pub mod home;
pub mod login;
pub mod new_facility;
pub mod plan;
pub mod review;
pub mod township_log;
pub mod visit;
