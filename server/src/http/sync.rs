//! `POST /api/sync`: a binary [`SyncRequest`] in, a binary [`SyncResponse`] out.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use mopai_shared::sync::{decode_request, encode};

use crate::AppState;
use crate::error::AppResult;

pub async fn sync(State(state): State<Arc<AppState>>, body: Bytes) -> AppResult<impl IntoResponse> {
    let request = decode_request(&body)?;
    let response = state
        .blocking(move |app| crate::sync::handle(&app.storage, request))
        .await?;
    Ok((
        [(header::CONTENT_TYPE, "application/octet-stream")],
        encode(&response),
    ))
}
