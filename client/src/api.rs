//! Every request the page makes to the server, in one place: the bearer
//! token, a deadline (a request on a flaky network may never answer), and
//! a failed answer read into [`ApiError`] from the server's JSON
//! `ErrorBody`. Sync, login, photos, the dashboard and the lead feed all
//! go through [`Call`].

use gloo::net::http::{Method, RequestBuilder, Response};
use mopai_shared::api::ErrorBody;

use crate::browser::Deadline;

/// A failed request, as the page says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// `None`: no answer at all (no network, server down, deadline passed).
    pub status: Option<u16>,
    /// The `ErrorBody` code; empty when there was none.
    pub code: String,
    pub message: String,
}

impl ApiError {
    /// No answer from the server.
    pub fn unreachable(message: impl Into<String>) -> Self {
        Self {
            status: None,
            code: String::new(),
            message: message.into(),
        }
    }

    /// 401 or 403: retrying will not help.
    pub fn is_final(&self) -> bool {
        matches!(self.status, Some(401 | 403))
    }

    /// The server refused the token: log in again.
    pub fn is_unauthorized(&self) -> bool {
        self.status == Some(401)
    }

    /// A non-2xx answer, from its `ErrorBody` when it has one.
    pub async fn of(response: &Response) -> Self {
        let status = response.status();
        let (code, message) = match response.json::<ErrorBody>().await {
            Ok(body) => (body.code, body.message),
            Err(_) => (String::new(), format!("服务器出错（{status}），请稍后重试")),
        };
        Self {
            status: Some(status),
            code,
            message,
        }
    }
}

/// An answered request. Keeps the deadline running until the body is read.
pub struct Answer {
    pub response: Response,
    _deadline: Option<Deadline>,
}

impl Answer {
    pub async fn bytes(&self) -> Result<Vec<u8>, ApiError> {
        self.response
            .binary()
            .await
            .map_err(|e| ApiError::unreachable(format!("应答中断：{e}")))
    }

    pub async fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiError> {
        self.response
            .json::<T>()
            .await
            .map_err(|e| ApiError::unreachable(format!("服务器应答无法读取：{e}")))
    }
}

/// One request being built.
pub struct Call {
    builder: RequestBuilder,
    timeout_ms: Option<u32>,
}

impl Call {
    /// `method path`, with the session's token when there is one, and a
    /// deadline of `timeout_ms`.
    pub fn new(method: Method, path: &str, token: Option<&str>, timeout_ms: u32) -> Self {
        let mut builder = RequestBuilder::new(path).method(method);
        if let Some(token) = token {
            builder = builder.header("authorization", &format!("Bearer {token}"));
        }
        Self {
            builder,
            timeout_ms: Some(timeout_ms),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.builder = self.builder.header(name, value);
        self
    }

    /// No deadline; `signal` (the caller's) ends the request instead, as
    /// for a stream that stays open.
    pub fn until(mut self, signal: Option<&web_sys::AbortSignal>) -> Self {
        self.builder = self.builder.abort_signal(signal);
        self.timeout_ms = None;
        self
    }

    /// Sends without a body. A non-2xx answer is an [`ApiError`].
    pub async fn send(self) -> Result<Answer, ApiError> {
        self.send_with(|b| b.build()).await
    }

    /// Sends `bytes` as `content_type`.
    pub async fn send_bytes(self, content_type: &str, bytes: &[u8]) -> Result<Answer, ApiError> {
        let body = js_sys::Uint8Array::from(bytes);
        self.header("content-type", content_type)
            .send_with(|b| b.body(body))
            .await
    }

    /// Sends `value` as JSON.
    pub async fn send_json<T: serde::Serialize>(self, value: &T) -> Result<Answer, ApiError> {
        self.send_with(|b| b.json(value)).await
    }

    async fn send_with(
        self,
        finish: impl FnOnce(RequestBuilder) -> Result<gloo::net::http::Request, gloo::net::Error>,
    ) -> Result<Answer, ApiError> {
        let deadline = self.timeout_ms.and_then(Deadline::after_ms);
        let mut builder = self.builder;
        if let Some(d) = &deadline {
            builder = builder.abort_signal(Some(&d.signal()));
        }
        let request = finish(builder).map_err(|e| ApiError::unreachable(e.to_string()))?;
        let response = request
            .send()
            .await
            .map_err(|e| ApiError::unreachable(format!("无法连接服务器（{e}）")))?;
        if !response.ok() {
            return Err(ApiError::of(&response).await);
        }
        Ok(Answer {
            response,
            _deadline: deadline,
        })
    }
}

/// `GET path` with the token.
pub fn get(path: &str, token: &str, timeout_ms: u32) -> Call {
    Call::new(Method::GET, path, Some(token), timeout_ms)
}

/// `GET path` as JSON, in 30 s.
pub async fn get_json<T: serde::de::DeserializeOwned>(
    path: &str,
    token: &str,
) -> Result<T, ApiError> {
    get(path, token, 30_000).send().await?.json().await
}
