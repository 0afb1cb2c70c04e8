//! `GET /api/docs` (the documents the user may read) and
//! `GET /api/docs/{id}` (one of them, as saved Automerge bytes). Documents
//! are written only through `/api/sync`, which checks write authority.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use mopai_shared::api::DocSummary;
use mopai_shared::ids::DocId;

use crate::AppState;
use crate::auth::{AuthUser, policy};
use crate::error::{AppError, AppResult};

/// Entries one listing returns at most; a county has a few thousand documents.
const MAX_LISTED: usize = 20_000;

pub async fn list(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
) -> AppResult<Json<Vec<DocSummary>>> {
    let visibility = policy::visibility(&user);
    let docs = state
        .blocking(move |app| {
            Ok(app
                .storage
                .read(|tx| tx.visible_docs(visibility, MAX_LISTED))?)
        })
        .await?;
    Ok(Json(docs))
}

pub async fn get(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let id: DocId = id.parse().map_err(|_| AppError::NotFound)?;
    let bytes = state
        .blocking(move |app| {
            app.storage.read(|tx| {
                let scope = tx.doc_scope(id)?.ok_or(AppError::NotFound)?;
                policy::authorize_read(&user, scope)?;
                let mut doc = tx
                    .load_doc(id)
                    .map_err(|e| AppError::Internal(e.to_string()))?
                    .ok_or(AppError::NotFound)?;
                Ok(doc.save())
            })
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes))
}
