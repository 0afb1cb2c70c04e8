//! The one error type of the HTTP layer.
//!
//! Each variant maps to a status and an [`ErrorBody`] with a stable code and a
//! Chinese message. Internal detail (SQL errors, paths) is logged here and
//! never sent to the client.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mopai_shared::api::ErrorBody;
use mopai_shared::sync::WireError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is wrong in a way the client can fix; nothing was changed.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },

    /// No valid session: log in (again). Nothing was changed.
    #[error("{message}")]
    Unauthorized {
        code: &'static str,
        message: &'static str,
    },

    /// Logged in, but this role or township may not do this. Nothing was changed.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },

    /// Too many failed logins; try again after this many seconds.
    #[error("登录失败次数过多，请 {} 分钟后再试", retry_after_secs.div_ceil(60))]
    TooManyRequests { retry_after_secs: u64 },

    #[error("请求内容过大：{0}")]
    TooLarge(String),

    #[error("未找到")]
    NotFound,

    /// The request body did not arrive in time (a stalled or trickling
    /// upload); nothing was read into the database.
    #[error("请求发送过慢或中断，已放弃，数据未保存，请重试")]
    Timeout,

    /// The server is overloaded or out of disk; nothing was stored.
    #[error("服务器繁忙，数据未保存，请稍后重试")]
    Unavailable,

    /// Any other database failure. Disk full, I/O errors and a busy
    /// database become [`AppError::Unavailable`] instead (see the `From` impl).
    #[error("storage: {0}")]
    Storage(crate::storage::Error),

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

    /// Missing, unknown, expired or revoked token.
    pub fn login_required() -> Self {
        AppError::Unauthorized {
            code: "login_required",
            message: "登录已失效，请重新登录（本机数据不受影响）",
        }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Forbidden {
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
            AppError::Unauthorized { code, message } => {
                (StatusCode::UNAUTHORIZED, body(code, message.to_string()))
            }
            AppError::Forbidden { code, message } => {
                (StatusCode::FORBIDDEN, body(code, message.clone()))
            }
            AppError::TooManyRequests { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                body("too_many_attempts", self.to_string()),
            ),
            AppError::TooLarge(_) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                body("too_large", self.to_string()),
            ),
            AppError::NotFound => (StatusCode::NOT_FOUND, body("not_found", self.to_string())),
            AppError::Timeout => (
                StatusCode::REQUEST_TIMEOUT,
                body("request_timeout", self.to_string()),
            ),
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

/// A full disk, an I/O error or a database too busy to answer is a condition
/// of the server, not a bug: the transaction rolled back, nothing was stored,
/// and the client should retry later (503), keeping its data.
impl From<crate::storage::Error> for AppError {
    fn from(e: crate::storage::Error) -> Self {
        if e.is_unavailable() {
            tracing::warn!(error = %e, "storage unavailable; nothing stored");
            AppError::Unavailable
        } else {
            AppError::Storage(e)
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
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            AppError::Unauthorized { .. } => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            AppError::TooManyRequests { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            // Refused without reading the rest of the body: the connection
            // cannot carry another request, and a client that pooled it
            // would lose its next one.
            AppError::TooLarge(_) | AppError::Timeout => {
                headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            _ => {}
        }
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: i32) -> crate::storage::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None).into()
    }

    #[test]
    fn disk_full_and_io_errors_are_503_other_sql_errors_500() {
        use rusqlite::ffi;
        for code in [
            ffi::SQLITE_FULL,
            ffi::SQLITE_IOERR,
            ffi::SQLITE_IOERR_WRITE,
            ffi::SQLITE_IOERR_FSYNC,
            ffi::SQLITE_BUSY,
            ffi::SQLITE_READONLY,
        ] {
            let (status, body) = AppError::from(sqlite(code)).status_and_body();
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "code {code}");
            assert_eq!(body.code, "unavailable");
        }
        for error in [
            sqlite(ffi::SQLITE_CONSTRAINT),
            sqlite(ffi::SQLITE_CORRUPT),
            rusqlite::Error::QueryReturnedNoRows.into(),
        ] {
            let (status, _) = AppError::from(error).status_and_body();
            assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        }
        let (status, body) = AppError::Timeout.status_and_body();
        assert_eq!(
            (status, body.code.as_str()),
            (StatusCode::REQUEST_TIMEOUT, "request_timeout")
        );
    }
}
