//! The router: one module per area, all sharing [`AppState`].
//!
//! - [`assets`]: the embedded client, precompressed, with cache headers.
//! - [`sync`]: `POST /api/sync`.

mod assets;
mod sync;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use mopai_shared::api::Health;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;

/// Body limit of every route that does not set its own.
const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
     worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub fn router(state: Arc<AppState>) -> Router {
    let sync_limit = state.config.max_sync_body;
    Router::new()
        .route("/healthz", get(healthz))
        .route(
            "/api/sync",
            post(sync::sync).layer(DefaultBodyLimit::max(sync_limit)),
        )
        .fallback(assets::serve)
        .layer(DefaultBodyLimit::max(DEFAULT_BODY_LIMIT))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::REFERRER_POLICY, "no-referrer"))
        .with_state(state)
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

async fn healthz() -> axum::Json<Health> {
    axum::Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}
