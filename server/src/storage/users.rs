//! Accounts: a role, a township for township roles, an argon2id hash.
//!
//! Usernames are stored lowercased; the caller normalises before asking.

use super::sql::{Result, Row, params};
use super::{ReadTx, WriteTx};
use mopai_shared::api::TownshipRef;
use mopai_shared::ids::{TownshipId, UserId};
use mopai_shared::roles::Role;

/// An account as the rest of the server sees it; never holds the hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub township: Option<TownshipRef>,
    pub active: bool,
}

pub struct NewUser<'a> {
    pub id: UserId,
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub township: Option<TownshipId>,
    pub password_hash: &'a str,
}

/// Columns read by [`user_row`], from `users u LEFT JOIN townships t`.
pub(super) const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.role, u.township_id, t.name, u.active";
pub(super) const USER_FROM: &str = "users u LEFT JOIN townships t ON t.id = u.township_id";

pub(super) fn user_row(r: &Row<'_>) -> Result<UserRow> {
    let township_id: Option<TownshipId> = r.get(4)?;
    let township_name: Option<String> = r.get(5)?;
    Ok(UserRow {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: r.get(3)?,
        township: township_id.map(|id| TownshipRef {
            id,
            name: township_name.unwrap_or_default(),
        }),
        active: r.get(6)?,
    })
}

impl WriteTx<'_> {
    pub fn insert_user(&self, user: &NewUser<'_>, now: i64) -> Result<()> {
        self.execute(
            "INSERT INTO users (id, username, display_name, role, township_id, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                user.id,
                user.username,
                user.display_name,
                user.role,
                user.township,
                user.password_hash,
                now
            ],
        )?;
        Ok(())
    }

    /// Returns false when there is no such user.
    pub fn set_user_active(&self, id: UserId, active: bool) -> Result<bool> {
        let n = self.execute(
            "UPDATE users SET active = ?2 WHERE id = ?1",
            params![id, active],
        )?;
        Ok(n == 1)
    }

    /// Returns false when there is no such user.
    pub fn set_password_hash(&self, id: UserId, hash: &str) -> Result<bool> {
        let n = self.execute(
            "UPDATE users SET password_hash = ?2 WHERE id = ?1",
            params![id, hash],
        )?;
        Ok(n == 1)
    }
}

impl ReadTx<'_> {
    /// The account and its password hash, for login.
    pub fn user_for_login(&self, username: &str) -> Result<Option<(UserRow, String)>> {
        self.optional(
            &format!(
                "SELECT {USER_COLUMNS}, u.password_hash FROM {USER_FROM} WHERE u.username = ?1"
            ),
            params![username],
            |r| Ok((user_row(r)?, r.get(7)?)),
        )
    }

    pub fn user_by_username(&self, username: &str) -> Result<Option<UserRow>> {
        Ok(self.user_for_login(username)?.map(|(user, _)| user))
    }

    /// Every account, county roles first, then by township and name.
    pub fn users(&self) -> Result<Vec<UserRow>> {
        self.rows(
            &format!(
                "SELECT {USER_COLUMNS} FROM {USER_FROM} ORDER BY t.name IS NOT NULL, t.name, u.username"
            ),
            params![],
            user_row,
        )
    }
}
