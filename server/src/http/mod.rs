//! The router: one module per area, all sharing [`AppState`].
//!
//! - [`assets`]: the embedded client, precompressed, with cache headers.
//! - [`sync`]: `POST /api/sync`.
//! - [`auth`]: `POST /api/login`, `POST /api/logout`, `GET /api/me`.
//! - [`docs`]: `GET /api/docs`, `GET /api/docs/{id}`: what the user may read.
//! - [`blobs`]: `PUT|GET|HEAD /api/blobs/{sha256}`: photos by content hash.
//! - [`dashboard`]: `GET /api/dashboard`, `GET /api/facilities`, `GET /api/leads`: roll-ups and lists.
//! - [`export`]: `GET /api/export/{1..5}.{xlsx|csv}`, `GET /api/export/all.zip`: the annex tables.
//! - [`events`]: `GET /api/events`: server-sent `lead` events for new red/orange results.
//! - [`problems`]: `GET /api/problems`, `GET /healthz`: stored documents that no longer project.
//!
//! Every `/api` route except login takes an [`AuthUser`](crate::auth::AuthUser)
//! and answers 401 without a session.
//!
//! Every route, the fallback included, has a body limit ([`limited`]): a
//! declared `Content-Length` over it is refused with 413 before the handler
//! runs, and a chunked body is cut at it. Every request body must keep
//! arriving ([`body`]): a stalled or trickling upload is answered 408.

mod assets;
mod auth;
mod blobs;
pub mod body;
mod dashboard;
mod docs;
mod events;
mod export;
mod problems;
mod sync;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{MethodRouter, any, get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;

/// Body limit of every route that does not set its own.
const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
     worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub fn router(state: Arc<AppState>) -> Router {
    let sync_limit = state.config.max_sync_body;
    let blob_limit = state.config.max_blob_bytes;
    let small = |route| limited(route, DEFAULT_BODY_LIMIT);
    Router::new()
        .route("/healthz", small(get(problems::healthz)))
        .route("/api/login", small(post(auth::login)))
        .route("/api/logout", small(post(auth::logout)))
        .route("/api/me", small(get(auth::me)))
        .route("/api/docs", small(get(docs::list)))
        .route("/api/docs/{id}", small(get(docs::get)))
        .route("/api/dashboard", small(get(dashboard::dashboard)))
        .route("/api/facilities", small(get(dashboard::facilities)))
        .route("/api/leads", small(get(dashboard::leads)))
        .route("/api/problems", small(get(problems::problems)))
        .route("/api/events", small(get(events::events)))
        .route("/api/export/{file}", small(get(export::export)))
        .route("/api/sync", limited(post(sync::sync), sync_limit))
        .route(
            "/api/blobs/{sha256}",
            limited(
                get(blobs::get).head(blobs::head).put(blobs::put),
                blob_limit,
            ),
        )
        .fallback(small(any(assets::serve)))
        .layer(axum::middleware::from_fn(body::deadline))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::REFERRER_POLICY, "no-referrer"))
        .with_state(state)
}

/// `route` with a body limit of `limit` bytes: a larger declared body is
/// refused (413) before any handler or extractor runs, whether or not the
/// handler reads the body; a chunked one is cut when it passes the limit.
fn limited(route: MethodRouter<Arc<AppState>>, limit: usize) -> MethodRouter<Arc<AppState>> {
    route
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                body::refuse_declared_over(limit, request, next)
            },
        ))
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
