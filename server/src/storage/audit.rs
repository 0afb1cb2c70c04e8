//! The audit log: every login (and failed attempt), logout, every document a
//! sync changed with its change count, and every export. Rows are written in
//! the transaction of what they record, so a rolled-back sync leaves none.

use super::sql::{Result, params};
use super::{ReadTx, WriteTx};
use mopai_shared::ids::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEvent {
    Login,
    LoginFailed,
    Logout,
    /// A sync wrote changes to one document.
    SyncWrite,
    /// Documents written by an admin command (import, settings, demo).
    AdminWrite,
    Export,
}

impl AuditEvent {
    pub const fn code(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::LoginFailed => "login_failed",
            Self::Logout => "logout",
            Self::SyncWrite => "sync_write",
            Self::AdminWrite => "admin_write",
            Self::Export => "export",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub user: Option<UserId>,
    pub event: String,
    pub detail: String,
    pub peer: Option<String>,
}

impl WriteTx<'_> {
    pub fn audit(
        &self,
        event: AuditEvent,
        user: Option<UserId>,
        detail: &str,
        peer: Option<&str>,
        now: i64,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO audit (at, user_id, event, detail, peer) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![now, user, event.code(), detail, peer],
        )?;
        Ok(())
    }
}

impl ReadTx<'_> {
    /// Entries after `after_id`, oldest first.
    pub fn audit_since(&self, after_id: i64, limit: usize) -> Result<Vec<AuditRow>> {
        self.rows(
            "SELECT id, at, user_id, event, detail, peer FROM audit WHERE id > ?1 ORDER BY id LIMIT ?2",
            params![after_id, limit],
            |r| {
                Ok(AuditRow {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    user: r.get(2)?,
                    event: r.get(3)?,
                    detail: r.get(4)?,
                    peer: r.get(5)?,
                })
            },
        )
    }
}
