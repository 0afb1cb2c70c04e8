//! The one error type of the HTTP layer.
//!
//! Each variant maps to a status and an [`ErrorBody`] with a stable code and a
//! Chinese message. Internal detail (SQL errors, paths) is logged here and
//! never sent to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mopai_shared::api::ErrorBody;
use mopai_shared::sync::WireError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is wrong in a way the client can fix; nothing was changed.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },

    #[error("请求内容过大：{0}")]
    TooLarge(String),

    #[error("未找到")]
    NotFound,

    /// The server is overloaded or out of disk; nothing was stored.
    #[error("服务器繁忙，数据未保存，请稍后重试")]
    Unavailable,

    #[error("storage: {0}")]
    Storage(#[from] rusqlite::Error),

    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    fn status_and_body(&self) -> (StatusCode, ErrorBody) {
        let body = |code: &str, message: String| ErrorBody {
            code: code.to_string(),
            message,
        };
        match self {
            AppError::BadRequest { code, message } => {
                (StatusCode::BAD_REQUEST, body(code, message.clone()))
            }
            AppError::TooLarge(_) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                body("too_large", self.to_string()),
            ),
            AppError::NotFound => (StatusCode::NOT_FOUND, body("not_found", self.to_string())),
            AppError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                body("unavailable", self.to_string()),
            ),
            AppError::Storage(_) | AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                body(
                    "internal",
                    "服务器内部错误，数据未被修改，请稍后重试".into(),
                ),
            ),
        }
    }
}

impl From<WireError> for AppError {
    fn from(e: WireError) -> Self {
        AppError::bad_request(e.code(), e.to_string())
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("blocking task failed: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = self.status_and_body();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::debug!(error = %self, "request refused");
        }
        (status, Json(body)).into_response()
    }
}

pub type AppResult<T> = Result<T, AppError>;
