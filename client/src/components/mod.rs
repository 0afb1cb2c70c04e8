//! Widgets shared by several pages.
//!
//! - [`field`]: one form field from a [`FieldView`](crate::form::field::FieldView);
//!   [`field::TextBox`], an input that never fights the user's typing.
//! - [`sync_bar`]: online state, sync status and button, photo queue, storage warnings.
//! - [`level`]: the level badge and the provisional-level panel (rules, facts, measures).
//! - [`photo_thumb`]: a photo from the phone (or the server) by its hash.
//! - [`top_bar`]: page title, back link and the online badge.

pub mod field;
pub mod level;
pub mod photo_thumb;
pub mod sync_bar;
pub mod top_bar;
