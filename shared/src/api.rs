//! REST bodies shared by the server and the page.
//!
//! Every error response carries an [`ErrorBody`]: a stable English `code` that
//! programs match on, and a Chinese `message` that the page shows as it is.

use serde::{Deserialize, Serialize};

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
}
