//! Login sessions, keyed by the SHA-256 of the token: a copy of the database
//! does not hand out working tokens.

use mopai_shared::ids::UserId;

use super::sql::{Result, params};
use super::users::{USER_COLUMNS, USER_FROM, UserRow, user_row};
use super::{ReadTx, WriteTx};

/// Expired sessions are kept this long (for the audit trail), then deleted.
const KEEP_EXPIRED_SECS: i64 = 90 * 24 * 3600;

impl ReadTx<'_> {
    /// The active account behind a session that is neither revoked nor
    /// expired at `now`.
    pub fn session_user(&self, token_hash: &[u8], now: i64) -> Result<Option<UserRow>> {
        self.optional(
            &format!(
                "SELECT {USER_COLUMNS} FROM {USER_FROM} JOIN sessions s ON s.user_id = u.id
                 WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2
                   AND u.active = 1"
            ),
            params![token_hash, now],
            user_row,
        )
    }
}

impl WriteTx<'_> {
    pub fn insert_session(
        &self,
        token_hash: &[u8],
        user: UserId,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, user, now, expires_at],
        )?;
        Ok(())
    }

    pub fn revoke_session(&self, token_hash: &[u8], now: i64) -> Result<()> {
        self.execute(
            "UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL",
            params![token_hash, now],
        )?;
        Ok(())
    }

    /// Ends every session of a user (disabled, or password reset).
    pub fn revoke_user_sessions(&self, user: UserId, now: i64) -> Result<u64> {
        self.execute(
            "UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
            params![user, now],
        )
    }

    pub fn purge_old_sessions(&self, now: i64) -> Result<u64> {
        self.execute(
            "DELETE FROM sessions WHERE expires_at < ?1",
            params![now - KEEP_EXPIRED_SECS],
        )
    }
}
