//! The client, embedded in the binary so one file plus one database is a
//! deployment.
//!
//! `cargo xtask build-client` writes `client/dist`: `index.html`, `sw.js`, the
//! manifest and icons, and content-hashed files under `assets/`, each beside
//! its `.br` and `.gz`. Hashed files are cached forever; everything else is
//! revalidated so a new build reaches phones on their next visit.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../client/dist"]
struct Client;

pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") {
        return crate::error::AppError::NotFound.into_response();
    }
    // Routes of the single-page app all load the shell.
    let path = match path {
        "" => "index.html",
        p if Client::get(p).is_some() => p,
        p if !p.contains('.') => "index.html",
        _ => return crate::error::AppError::NotFound.into_response(),
    };
    let Some(plain) = Client::get(path) else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "客户端尚未构建：请运行 cargo xtask run",
        )
            .into_response();
    };
    let etag = format!("\"{}\"", hex_prefix(&plain.metadata.sha256_hash()));
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let (body, encoding) = pick_encoding(path, &headers).unwrap_or((plain.data, None));
    let mut response = Response::new(Body::from(body.into_owned()));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(path)),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Some(encoding) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

type Encoded = (std::borrow::Cow<'static, [u8]>, Option<&'static str>);

/// The precompressed sibling the browser accepts, brotli first.
fn pick_encoding(path: &str, headers: &HeaderMap) -> Option<Encoded> {
    let accepted = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let accepts = |name: &str| {
        accepted
            .split(',')
            .any(|part| part.split(';').next().unwrap_or("").trim() == name)
    };
    [("br", "br"), ("gzip", "gz")]
        .into_iter()
        .filter(|(name, _)| accepts(name))
        .find_map(|(name, ext)| {
            Client::get(&format!("{path}.{ext}")).map(|file| (file.data, Some(name)))
        })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

fn cache_control(path: &str) -> &'static str {
    if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

fn hex_prefix(hash: &[u8]) -> String {
    hash.iter().take(12).map(|b| format!("{b:02x}")).collect()
}
