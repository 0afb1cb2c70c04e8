//! How a session's bytes reach the server, and how a session fails.

use std::future::Future;

use super::wire::WireError;

/// Sends one encoded [`SyncRequest`](super::SyncRequest) and returns the encoded response body.
///
/// The browser implements this with `fetch`, native tests with an HTTP
/// client; the protocol logic above it is the same code.
pub trait Transport {
    fn exchange(&self, body: Vec<u8>) -> impl Future<Output = Result<Vec<u8>, TransportError>>;
}

/// A failed exchange, as the transport saw it.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum TransportError {
    #[error("无法连接服务器：{0}")]
    Offline(String),
    #[error("登录已过期，请重新登录后再同步")]
    Unauthorized,
    #[error("服务器拒绝了同步（{status}）：{message}")]
    Rejected {
        status: u16,
        /// The `code` of the JSON error body; empty when there was none.
        code: String,
        message: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Wire(#[from] WireError),
    #[error("文档 {doc} 的同步数据无法应用：{reason}")]
    BadMessage { doc: String, reason: String },
    #[error("同步在 {0} 轮后仍未完成，已停止；稍后会自动重试")]
    TooManyRounds(usize),
    #[error("同步结果无法保存到本机：{0}")]
    Persist(String),
}
