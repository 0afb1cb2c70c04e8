//! [`AuthUser`]: the account behind `Authorization: Bearer <token>`, for
//! every handler that needs one; and [`ClientIp`], the socket's peer.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use mopai_shared::api::Me;
use mopai_shared::ids::UserId;
use mopai_shared::roles::Principal;

use super::session::{TokenHash, token_hash};
use crate::AppState;
use crate::clock::unix_now;
use crate::error::AppError;
use crate::storage::users::UserRow;

/// A logged-in, active user with an unexpired, unrevoked session. Handlers
/// that take one answer 401 to everyone else.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user: UserRow,
    session: TokenHash,
}

impl AuthUser {
    pub fn id(&self) -> UserId {
        self.user.id
    }

    pub fn principal(&self) -> Principal {
        Principal::new(self.user.role, self.user.township.as_ref().map(|t| t.id))
    }

    pub fn me(&self) -> Me {
        Self::me_of(&self.user)
    }

    /// What `/api/me` and a login answer say about an account.
    pub fn me_of(u: &UserRow) -> Me {
        Me {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            township: u.township.clone(),
        }
    }

    /// The hash of the token this request came with, to revoke it.
    pub fn session(&self) -> &TokenHash {
        &self.session
    }
}

/// The token from `Authorization: Bearer <token>`, if it is shaped like one.
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    let shaped = scheme.eq_ignore_ascii_case("bearer")
        && (1..=128).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    shaped.then_some(token)
}

impl FromRequestParts<Arc<AppState>> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, AppError> {
        let session = token_hash(bearer(parts).ok_or_else(AppError::login_required)?);
        let user = state
            .blocking(move |app| {
                Ok(app
                    .storage
                    .read(|tx| tx.session_user(&session, unix_now()))?)
            })
            .await?
            .ok_or_else(AppError::login_required)?;
        Ok(AuthUser { user, session })
    }
}

/// The address of the connection's peer; unspecified when the router runs
/// without connection info (in-process tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip()),
        ))
    }
}
