//! `PUT|GET|HEAD /api/blobs/{sha256}`: photos, addressed by their content.
//!
//! The phone uploads each photo after the visit document that names it has
//! synced, by the hash that document holds. The server checks the hash of what
//! arrived, so a truncated or altered upload is refused, and the phone simply
//! sends it again. HEAD tells the phone which photos it can skip.
//!
//! Every route needs a session. A photo is readable by the county roles and
//! by users of the townships whose users uploaded it; to anyone else it does
//! not exist (404), so hashes cannot be probed.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::auth::AuthUser;
use crate::error::{AppError, AppResult};
use crate::storage::blobs::PutOutcome;

/// Only photo types the phone produces; anything else has no business here.
const ACCEPTED_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp"];

/// The scope a user uploads into and reads from; `None` for county roles,
/// who read every township's photos.
fn read_scope(user: &AuthUser) -> Option<String> {
    if !user.user.role.is_township_role() {
        return None;
    }
    // A township role without a township matches no photo.
    Some(
        user.user
            .township
            .as_ref()
            .map_or_else(String::new, |t| t.id.to_string()),
    )
}

fn upload_scope(user: &AuthUser) -> String {
    read_scope(user).unwrap_or_else(|| "county".to_string())
}

fn parse_hash(hex_hash: &str) -> AppResult<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_hash, &mut out).map_err(|_| {
        AppError::bad_request("bad_blob_hash", "文件编号应为 64 位十六进制 SHA-256")
    })?;
    Ok(out)
}

pub async fn put(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(hash): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<StatusCode> {
    let expected = parse_hash(&hash)?;
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|m| ACCEPTED_TYPES.contains(m))
        .ok_or_else(|| AppError::bad_request("blob_type", "只接受 JPEG、PNG 或 WebP 格式的照片"))?
        .to_string();
    if Sha256::digest(&body)[..] != expected[..] {
        return Err(AppError::bad_request(
            "blob_hash_mismatch",
            "收到的文件与其编号不符（可能传输中断），请重新上传",
        ));
    }
    let (uploader, scope) = (user.id().to_string(), upload_scope(&user));
    let outcome = state
        .blocking(move |app| Ok(app.blobs.put(&expected, &mime, &body, &uploader, &scope)?))
        .await?;
    Ok(match outcome {
        PutOutcome::Created => StatusCode::CREATED,
        PutOutcome::AlreadyStored => StatusCode::OK,
    })
}

pub async fn get(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(hash): Path<String>,
) -> AppResult<Response> {
    let hash = parse_hash(&hash)?;
    let scope = read_scope(&user);
    let blob = state
        .blocking(move |app| Ok(app.blobs.get(&hash, scope.as_deref())?))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, blob.mime),
            // Content-addressed: the bytes behind a hash never change.
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_string(),
            ),
        ],
        blob.bytes,
    )
        .into_response())
}

pub async fn head(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(hash): Path<String>,
) -> AppResult<StatusCode> {
    let hash = parse_hash(&hash)?;
    let scope = read_scope(&user);
    let found = state
        .blocking(move |app| Ok(app.blobs.contains(&hash, scope.as_deref())?))
        .await?;
    Ok(if found {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    })
}
