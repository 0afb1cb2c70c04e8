//! The logged-in user, kept in IndexedDB so the phone keeps working with no
//! connection after one online login.
//!
//! The token is sent on every `/api` request. When the server answers 401 the
//! session is marked expired: the user logs in again before the next sync, and
//! nothing stored locally is touched.

use automerge::ActorId;
use gloo::net::http::Method;
use mopai_shared::api::{LoginRequest, LoginResponse, Me};

use crate::api::Call;
use crate::state::Session;
use crate::store::Store;

const SESSION_KEY: &str = "session";

pub async fn load(store: &Store) -> Result<Option<Session>, String> {
    let stored = store.meta(SESSION_KEY).await.map_err(|e| e.to_string())?;
    Ok(stored.and_then(|json| serde_json::from_str(&json).ok()))
}

pub async fn clear(store: &Store) -> Result<(), String> {
    store
        .delete_meta(SESSION_KEY)
        .await
        .map_err(|e| e.to_string())
}

/// Logs in online and keeps the session on the phone.
pub async fn login(store: &Store, username: &str, password: &str) -> Result<Session, String> {
    let body = LoginRequest {
        username: username.trim().to_string(),
        password: password.to_string(),
    };
    let answer = Call::new(Method::POST, "/api/login", None, 30_000)
        .send_json(&body)
        .await
        .map_err(|e| match e.status {
            None => "无法连接服务器：首次登录需要网络".to_owned(),
            Some(_) => e.message,
        })?;
    let answer: LoginResponse = answer.json().await.map_err(|e| e.message)?;
    let session = Session {
        token: answer.token,
        user: answer.user,
    };
    let json = serde_json::to_string(&session).map_err(|e| e.to_string())?;
    store
        .put_meta(SESSION_KEY, &json)
        .await
        .map_err(|e| e.to_string())?;
    Ok(session)
}

/// The Automerge actor for this user on this phone, created on first use.
///
/// The server binds an actor to one user on first sight, so two people sharing
/// a phone must not share an actor.
pub async fn actor_for(store: &Store, user: &Me) -> Result<ActorId, String> {
    let key = format!("actor:{}", user.id);
    if let Some(hex) = store.meta(&key).await.map_err(|e| e.to_string())?
        && let Ok(bytes) = hex_decode(&hex)
    {
        return Ok(ActorId::from(bytes));
    }
    let actor = ActorId::random();
    store
        .put_meta(&key, &actor.to_hex_string())
        .await
        .map_err(|e| e.to_string())?;
    Ok(actor)
}

fn hex_decode(hex: &str) -> Result<Vec<u8>, ()> {
    if !hex.len().is_multiple_of(2) {
        return Err(());
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| ()))
        .collect()
}
