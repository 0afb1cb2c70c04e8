//! The dashboard's requests: JSON with the session's Bearer token, and
//! downloads fetched as a blob and saved through an `<a download>` click
//! (a plain link cannot send the `Authorization` header).

use gloo::net::http::{Request, Response};
use mopai_shared::api::ErrorBody;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;

use crate::browser::{Deadline, blob_of, js_error};
use crate::dashboard::export::{ExportLink, file_name};

/// A failed request, as the page says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: Option<u16>,
    pub message: String,
}

impl ApiError {
    /// 401 or 403: retrying will not help.
    pub fn is_final(&self) -> bool {
        matches!(self.status, Some(401 | 403))
    }
}

pub fn authorized(path: &str, token: &str) -> gloo::net::http::RequestBuilder {
    Request::get(path).header("authorization", &format!("Bearer {token}"))
}

async fn send(path: &str, token: &str, timeout_ms: u32) -> Result<Response, ApiError> {
    let deadline = Deadline::after_ms(timeout_ms);
    let response = authorized(path, token)
        .abort_signal(deadline.as_ref().map(|d| d.signal()).as_ref())
        .send()
        .await
        .map_err(|_| ApiError {
            status: None,
            message: "无法连接服务器：看板数据需要联网".into(),
        })?;
    if response.ok() {
        return Ok(response);
    }
    Err(status_error(&response).await)
}

pub async fn status_error(response: &Response) -> ApiError {
    let status = response.status();
    let message = match status {
        401 => "登录已过期，请退出后重新登录".to_owned(),
        403 => "您的账号没有此项权限".to_owned(),
        _ => match response.json::<ErrorBody>().await {
            Ok(body) => body.message,
            Err(_) => format!("服务器出错（{status}），请稍后重试"),
        },
    };
    ApiError {
        status: Some(status),
        message,
    }
}

pub async fn get_json<T: DeserializeOwned>(path: &str, token: &str) -> Result<T, ApiError> {
    let response = send(path, token, 30_000).await?;
    response.json::<T>().await.map_err(|e| ApiError {
        status: None,
        message: format!("服务器应答无法读取：{e}"),
    })
}

/// What a download saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub name: String,
    /// The blob's size.
    pub bytes: u64,
}

/// Fetches an export and saves it under the server's file name.
pub async fn download(link: &ExportLink, token: &str) -> Result<Saved, ApiError> {
    let response = send(&link.url, token, 120_000).await?;
    let name = response
        .headers()
        .get("content-disposition")
        .and_then(|d| file_name(&d))
        .unwrap_or_else(|| link.fallback.clone());
    let mime = response
        .headers()
        .get("content-type")
        .unwrap_or_else(|| "application/octet-stream".into());
    let bytes = response.binary().await.map_err(|e| ApiError {
        status: None,
        message: format!("下载中断：{e}"),
    })?;
    let failed = |message: String| ApiError {
        status: None,
        message,
    };
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
