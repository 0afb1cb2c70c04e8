//! One module per screen.
//!
//! - [`login`]: the one online step: username and password for a session.
//! - [`home`]: the township facility list with search, filters and the sync bar.
//! - [`new_facility`]: a facility or venue found on the spot.
//! - [`facility`]: one facility: level, visits, profile, evidence, conflicts.
//! - [`visit`]: the five-step visit form.

pub mod facility;
pub mod home;
pub mod login;
pub mod new_facility;
pub mod visit;
