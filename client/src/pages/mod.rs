//! One module per screen.
//!
//! - [`home`]: the facility list, creating a facility offline, and the sync bar.
//! - [`login`]: the one online step: username and password for a session.

pub mod home;
pub mod login;
