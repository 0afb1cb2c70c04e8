//! One module per screen.
//!
//! - [`home`]: the facility list, creating a facility offline, and the sync bar.

pub mod home;
