//! One hook per file.
//!
//! - [`use_online`]: the browser's online/offline state, live.
//! - [`use_persistence`]: asks once for persistent storage and reports the answer.

mod use_online;
mod use_persistence;

pub use use_online::use_online;
pub use use_persistence::use_persistence;
