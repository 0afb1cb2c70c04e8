//! The township lead's side (DOMAIN §1, §4, §5), free of the browser so it is
//! tested natively: what the lead does to a review document, the queue of
//! submitted visits, the township work log, field conflicts and the sign-off.
//!
//! Pages turn a tap into a [`edit::ReviewEdit`] or a [`log::LogEdit`];
//! `services::review` writes it into the document as stored now and hands the
//! stored body to the reducer through [`action::ReviewAction`].
//!
//! - [`edit`]: approve, return with a comment, confirm or change the level, sign off, plan edits.
//! - [`plan`]: changes to the 一院一策 plan ([`plan::PlanEdit`]).
//! - [`plans`]: where each facility's plan stands (overdue first).
//! - [`queue`]: one row per submitted visit, counts (new / returned / approved), filters.
//! - [`log`]: the township log's field tables, the new-activity draft and [`log::LogEdit`].
//! - [`conflict`]: settling a facility field two people set differently.
//! - [`signoff`]: which facilities are ready for the lead's signature.
//! - [`action`]: the reducer's review actions.

pub mod action;
pub mod conflict;
pub mod edit;
pub mod log;
pub mod plan;
pub mod plans;
pub mod queue;
pub mod signoff;

use mopai_shared::api::Me;
use mopai_shared::doc::DocKind;

/// Whether the pages offer the lead's work to this user. The shared role
/// table decides (who writes review documents); the server enforces it.
pub fn is_lead(user: &Me) -> bool {
    user.role.writes_kind(DocKind::Review) && user.township.is_some()
}
