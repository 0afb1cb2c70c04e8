//! `POST /api/sync`: a binary [`SyncRequest`] in, a binary [`SyncResponse`] out.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use mopai_shared::sync::{decode_request, encode};

use crate::AppState;
use crate::auth::AuthUser;
use crate::error::AppResult;

/// The session is checked before the body is read: without one, 401.
pub async fn sync(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    body: Bytes,
) -> AppResult<impl IntoResponse> {
    let request = decode_request(&body)?;
    let handled = state
        .blocking(move |app| crate::sync::handle(&app.storage, &user, request))
        .await?;
    // Only now is the write committed: announce what it found.
    state.leads.publish(handled.leads);
    Ok((
        [(header::CONTENT_TYPE, "application/octet-stream")],
        encode(&handled.response),
    ))
}
