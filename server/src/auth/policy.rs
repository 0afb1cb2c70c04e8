//! The shared role rules ([`mopai_shared::roles`]) applied to the logged-in
//! user, answered as HTTP refusals.
//!
//! A document outside what the user may read answers 404, as if it did not
//! exist, so ids cannot be probed; one the user may read but not change
//! answers 403.

use mopai_shared::doc::{DocKind, Scope};

use super::AuthUser;
use crate::error::{AppError, AppResult};
use crate::storage::scope::{RecordedScope, Visibility};

/// Which stored documents this user's lists and syncs include.
pub fn visibility(user: &AuthUser) -> Visibility {
    let p = user.principal();
    match (p.role.is_township_role(), p.township) {
        (false, _) => Visibility::All,
        (true, Some(t)) => Visibility::Township(t),
        (true, None) => Visibility::Nothing,
    }
}

pub fn authorize_read(user: &AuthUser, scope: RecordedScope) -> AppResult<()> {
    let p = user.principal();
    let readable = match scope {
        RecordedScope::Scope(s) => p.may_read(s),
        RecordedScope::Unrecorded => !p.role.is_township_role(),
    };
    if readable {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub fn authorize_write(user: &AuthUser, kind: DocKind, scope: Scope) -> AppResult<()> {
    if user.principal().may_write(kind, scope) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "write_not_allowed",
            format!(
                "{}无权修改此{}（{}）",
                user.user.role.label_zh(),
                kind.label_zh(),
                scope_label(user, scope)
            ),
        ))
    }
}

/// The check every export route makes before building a table of `scope`
/// (the export routes are not written yet; they call this, then audit the
/// export with `AuditEvent::Export`).
pub fn authorize_export(user: &AuthUser, scope: Scope) -> AppResult<()> {
    if !user.principal().may_read(scope) {
        return Err(AppError::NotFound);
    }
    if user.principal().may_export(scope) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "export_not_allowed",
            format!("{}无权导出报表", user.user.role.label_zh()),
        ))
    }
}

fn scope_label(user: &AuthUser, scope: Scope) -> &'static str {
    match scope {
        Scope::County => "县级",
        Scope::Township(t) if user.principal().township == Some(t) => "本乡镇",
        Scope::Township(_) => "其他乡镇",
    }
}
