//! The dashboard's downloads: fetched as a blob (through [`crate::api`],
//! with the session's Bearer token) and saved through an `<a download>`
//! click, since a plain link cannot send the `Authorization` header.

use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::browser::{blob_of, js_error};
use crate::dashboard::export::{ExportLink, file_name};

/// What a download saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub name: String,
    /// The blob's size.
    pub bytes: u64,
}

/// Fetches an export and saves it under the server's file name.
pub async fn download(link: &ExportLink, token: &str) -> Result<Saved, ApiError> {
    let answer = api::get(&link.url, token, 120_000).send().await?;
    let response = &answer.response;
    let name = response
        .headers()
        .get("content-disposition")
        .and_then(|d| file_name(&d))
        .unwrap_or_else(|| link.fallback.clone());
    let mime = response
        .headers()
        .get("content-type")
        .unwrap_or_else(|| "application/octet-stream".into());
    let bytes = answer.bytes().await?;
    let failed = ApiError::unreachable;
    let blob = blob_of(&bytes, &mime).map_err(failed)?;
    save(&blob, &name).map_err(failed)?;
    Ok(Saved {
        name,
        bytes: blob.size() as u64,
    })
}

fn save(blob: &web_sys::Blob, name: &str) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(js_error)?;
    let document = gloo::utils::document();
    let anchor = document
        .create_element("a")
        .map_err(js_error)?
        .dyn_into::<web_sys::HtmlElement>()
        .map_err(|_| "无法创建下载链接".to_owned())?;
    anchor.set_attribute("href", &url).map_err(js_error)?;
    anchor.set_attribute("download", name).map_err(js_error)?;
    anchor.click();
    // The browser has taken the blob by the time this fires.
    gloo::timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
