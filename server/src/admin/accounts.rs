//! Accounts, for the CLI, the demo and tests alike: one place checks
//! usernames, role and township, and hashes passwords.

use mopai_shared::roles::Role;

use super::{AdminError, AdminResult};
use crate::auth::password;
use crate::auth::session::normalize_username;
use crate::clock::unix_now;
use crate::storage::Storage;
use crate::storage::users::{NewUser, UserRow};

const USERNAME_CHARS: std::ops::RangeInclusive<usize> = 2..=32;

/// A new account. `township` is a township's name; township roles need one,
/// county roles must not have one.
#[derive(Debug, Clone, Copy)]
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub township: Option<&'a str>,
}

fn check_username(username: &str) -> AdminResult<()> {
    let ok = USERNAME_CHARS.contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(AdminError::invalid(format!(
            "用户名须为 2 至 32 位小写字母、数字或 . _ -：{username:?}"
        )))
    }
}

fn hash(password: &str) -> AdminResult<String> {
    password::hash(password).map_err(|e| AdminError::invalid(e.to_string()))
}

pub fn add(storage: &Storage, account: NewAccount<'_>, password: &str) -> AdminResult<UserRow> {
    let username = normalize_username(account.username);
    check_username(&username)?;
    let display_name = account.display_name.trim();
    if display_name.is_empty() {
        return Err(AdminError::invalid("须填写姓名"));
    }
    let password_hash = hash(password)?;
    storage.write(|tx| {
        if tx.user_by_username(&username)?.is_some() {
            return Err(AdminError::invalid(format!("用户名 {username} 已存在")));
        }
        let township = match (account.role.is_township_role(), account.township) {
            (true, Some(name)) => Some(
                tx.township_by_name(name.trim())?
                    .ok_or_else(|| AdminError::invalid(format!("乡镇“{name}”不存在")))?
                    .id,
            ),
            (true, None) => {
                return Err(AdminError::invalid(format!(
                    "{}须指定所属乡镇（--township）",
                    account.role.label_zh()
                )));
            }
            (false, Some(_)) => {
                return Err(AdminError::invalid(format!(
                    "{}属于县级，不能指定乡镇",
                    account.role.label_zh()
                )));
            }
            (false, None) => None,
        };
        let id = mopai_shared::ids::UserId::random();
        tx.insert_user(
            &NewUser {
                id,
                username: &username,
                display_name,
                role: account.role,
                township,
                password_hash: &password_hash,
            },
            unix_now(),
        )?;
        tx.user_by_username(&username)?
            .ok_or_else(|| AdminError::invalid("用户未保存"))
    })
}

fn find(tx: &crate::storage::ReadTx<'_>, username: &str) -> AdminResult<UserRow> {
    let username = normalize_username(username);
    tx.user_by_username(&username)?
        .ok_or_else(|| AdminError::invalid(format!("没有用户 {username}")))
}

pub fn list(storage: &Storage) -> AdminResult<Vec<UserRow>> {
    Ok(storage.read(|tx| tx.users())?)
}

/// Disabling ends every session of the user at once; enabling does not
/// bring them back.
pub fn set_active(storage: &Storage, username: &str, active: bool) -> AdminResult<UserRow> {
    storage.write(|tx| {
        let user = find(tx, username)?;
        tx.set_user_active(user.id, active)?;
        if !active {
            tx.revoke_user_sessions(user.id, unix_now())?;
        }
        Ok(UserRow { active, ..user })
    })
}

/// Sets a new password and ends every session of the user.
pub fn reset_password(storage: &Storage, username: &str, password: &str) -> AdminResult<()> {
    let password_hash = hash(password)?;
    storage.write(|tx| {
        let user = find(tx, username)?;
        tx.set_password_hash(user.id, &password_hash)?;
        tx.revoke_user_sessions(user.id, unix_now())?;
        Ok(())
    })
}
