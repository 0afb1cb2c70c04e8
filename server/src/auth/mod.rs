//! Who is asking, and whether they may: passwords, sessions, the
//! [`AuthUser`] extractor, scope checks on every route and every sync, the
//! actor binding of incoming changes, and the login rate limit.
//!
//! - [`password`]: argon2id hashing; a missing user costs the same time.
//! - [`session`]: 256-bit tokens stored as SHA-256; login and logout.
//! - [`extractor`]: [`AuthUser`] from `Authorization: Bearer`, [`ClientIp`].
//! - [`policy`]: the shared role rules applied to the logged-in user.
//! - [`changes`]: what incoming changes to one document must satisfy.
//! - [`rate_limit`]: failed logins per account+IP and per IP, in memory.

pub mod changes;
pub mod extractor;
pub mod password;
pub mod policy;
pub mod rate_limit;
pub mod session;

pub use extractor::{AuthUser, ClientIp};
