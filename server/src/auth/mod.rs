//! Who is asking, and whether they may: passwords, sessions, the
//! [`AuthUser`] extractor, scope checks on every route and every sync, and
//! the login rate limit. (What a document write must satisfy is [`crate::gate`].)
//!
//! - [`password`]: argon2id hashing; a missing user costs the same time.
//! - [`session`]: 256-bit tokens stored as SHA-256; login and logout.
//! - [`extractor`]: [`AuthUser`] from `Authorization: Bearer`, [`ClientIp`].
//! - [`policy`]: the shared role rules applied to the logged-in user.
//! - [`rate_limit`]: failed logins per account+IP and per IP, in memory.

pub mod extractor;
pub mod password;
pub mod policy;
pub mod rate_limit;
pub mod session;

pub use extractor::{AuthUser, ClientIp};
