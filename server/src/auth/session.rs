//! Sessions: a login gives a random 256-bit token (base64url). Only its
//! SHA-256 is stored; it expires after `--session-days` and is revoked by
//! logout, by disabling the account, or by a password reset.

use std::sync::Arc;
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mopai_shared::api::{LoginRequest, LoginResponse};
use mopai_shared::model::Timestamp;
use sha2::{Digest, Sha256};

use super::extractor::AuthUser;
use super::password;
use crate::AppState;
use crate::clock::unix_now;
use crate::error::{AppError, AppResult};
use crate::storage::audit::AuditEvent;

pub type TokenHash = [u8; 32];

pub fn token_hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

fn new_token() -> AppResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(format!("no randomness for a token: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Usernames are matched case-insensitively and without surrounding space.
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

fn bad_credentials() -> AppError {
    AppError::Unauthorized {
        code: "bad_credentials",
        message: "用户名或密码错误",
    }
}

/// Checks the password (rate-limited per account+IP and per IP) and opens a
/// session. Every attempt is audited.
pub async fn login(
    state: &Arc<AppState>,
    request: LoginRequest,
    peer: std::net::IpAddr,
) -> AppResult<LoginResponse> {
    let username = normalize_username(&request.username);
    state
        .login_limiter
        .check(&username, peer, Instant::now())
        .map_err(|wait| AppError::TooManyRequests {
            retry_after_secs: wait.as_secs().max(1),
        })?;
    let name = username.clone();
    let result = state
        .blocking(move |app| verify_and_open(app, &name, &request.password, peer))
        .await;
    match &result {
        Ok(_) => state.login_limiter.succeeded(&username, peer),
        Err(AppError::Unauthorized { .. }) => {
            state.login_limiter.failed(&username, peer, Instant::now());
        }
        Err(_) => {}
    }
    result
}

fn verify_and_open(
    app: &AppState,
    username: &str,
    password: &str,
    peer: std::net::IpAddr,
) -> AppResult<LoginResponse> {
    let found = app.storage.read(|tx| tx.user_for_login(username))?;
    let matches = password.len() <= password::MAX_BYTES
        && password::verify(password, found.as_ref().map(|(_, h)| h.as_str()));
    let now = unix_now();
    let peer = peer.to_string();
    let user = match found {
        Some((user, _)) if matches && user.active => user,
        found => {
            let user_id = found.as_ref().map(|(u, _)| u.id);
            let detail = format!("username={username}");
            app.storage.write(|tx| {
                tx.audit(AuditEvent::LoginFailed, user_id, &detail, Some(&peer), now)
            })?;
            return Err(match found {
                Some(_) if matches => AppError::Unauthorized {
                    code: "account_disabled",
                    message: "账号已停用，请联系管理员",
                },
                _ => bad_credentials(),
            });
        }
    };
    let token = new_token()?;
    let expires_at = now + i64::from(app.config.session_days) * 24 * 3600;
    app.storage.write(|tx| {
        tx.purge_old_sessions(now)?;
        tx.insert_session(&token_hash(&token), user.id, now, expires_at)?;
        tx.audit(AuditEvent::Login, Some(user.id), "", Some(&peer), now)
    })?;
    let expires_at = Timestamp::from_unix(expires_at)
        .ok_or_else(|| AppError::Internal("session expiry out of range".into()))?;
    let me = AuthUser::me_of(&user);
    Ok(LoginResponse {
        token,
        expires_at,
        user: me,
    })
}

/// Revokes the session the request came with.
pub async fn logout(state: &Arc<AppState>, user: AuthUser) -> AppResult<()> {
    state
        .blocking(move |app| {
            let now = unix_now();
            Ok(app.storage.write(|tx| {
                tx.revoke_session(user.session(), now)?;
                tx.audit(AuditEvent::Logout, Some(user.id()), "", None, now)
            })?)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_base64url_and_differ() {
        let a = new_token().unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token().unwrap());
        assert_ne!(token_hash(&a), token_hash(&new_token().unwrap()));
    }
}
