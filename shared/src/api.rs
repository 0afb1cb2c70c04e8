//! REST bodies shared by the server and the page.
//!
//! Every error response carries an [`ErrorBody`]: a stable English `code` that
//! programs match on, and a Chinese `message` that the page shows as it is.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::doc::Scope;
use crate::ids::{DocId, TownshipId, UserId};
use crate::model::Timestamp;
use crate::roles::{Principal, Role};

/// The JSON body of every 4xx/5xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable, English, snake_case; never changes meaning once published.
    pub code: String,
    /// Human-readable reason in zh-CN, safe to show to the user.
    pub message: String,
}

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    /// Stored documents that no longer project (see `GET /api/problems`).
    #[serde(default)]
    pub problem_docs: u64,
}

/// `GET /api/problems` (county staff and admin): a stored document that no
/// longer passes the write gate's content checks, so it is in no list,
/// dashboard or table until it is fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemDoc {
    pub doc: DocId,
    /// `None` when its scope was never recorded.
    pub township: Option<Scope>,
    /// Why, in zh-CN, naming the field.
    pub reason: String,
    /// Unix seconds when the server found it.
    pub found_at: i64,
}

/// `POST /api/login`. `Debug` leaves the password out, so a logged request
/// never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The answer to a login. The page keeps the token and sends it as
/// `Authorization: Bearer <token>` on every `/api` request, `/api/sync`
/// included, until `expires_at` or a 401.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: Timestamp,
    pub user: Me,
}

impl fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginResponse")
            .field("expires_at", &self.expires_at)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// `GET /api/me`: who the token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// `None` for the county roles.
    pub township: Option<TownshipRef>,
}

impl Me {
    /// The user as the shared rules see them.
    pub fn principal(&self) -> Principal {
        Principal::new(self.role, self.township.as_ref().map(|t| t.id))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownshipRef {
    pub id: TownshipId,
    pub name: String,
}

/// One entry of `GET /api/docs`: a document the user may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocSummary {
    pub id: DocId,
    pub township: Scope,
    /// The server sequence number of its last write.
    pub seq: u64,
}
