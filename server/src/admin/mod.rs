//! What the admin commands do, as a library: the CLI ([`crate::cli`]) only
//! parses arguments, reads passwords and prints; tests call these directly.
//!
//! - [`accounts`]: add, list, disable, enable, reset the password of a user.
//! - [`townships`]: add and list townships (kept in the settings document too).
//! - [`docs`]: documents written on the server (facilities, settings), with
//!   the same shared `doc::create` and `reconcile_body` the phones use.
//! - [`import`]: facility lists from 公安 / 市场监管 and new market entities.
//! - [`demo`]: a demo county (衡山县) with users and sample facilities.

pub mod accounts;
pub mod demo;
pub mod docs;
pub mod import;
pub mod townships;

use mopai_shared::doc::DocError;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// Something the operator can fix; the message says what.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Import(#[from] import::ImportFailed),
    #[error("数据库错误：{0}")]
    Storage(#[from] crate::storage::Error),
    /// Boxed: document errors carry Automerge's large error types.
    #[error("文档错误：{0}")]
    Doc(Box<DocError>),
    #[error("文件错误：{0}")]
    Io(#[from] std::io::Error),
}

pub type AdminResult<T> = Result<T, AdminError>;

impl AdminError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }
}

impl From<DocError> for AdminError {
    fn from(e: DocError) -> Self {
        Self::Doc(Box::new(e))
    }
}

impl From<mopai_shared::doc::MigrateError> for AdminError {
    fn from(e: mopai_shared::doc::MigrateError) -> Self {
        DocError::from(e).into()
    }
}
