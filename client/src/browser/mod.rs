//! Thin wrappers over browser APIs, each turning callbacks and promises into
//! `async fn`s that return Chinese error messages.
//!
//! - [`camera`]: a picked photo → JPEG ≤ 1600 px via canvas, and its SHA-256.
//! - [`geo`]: one GPS fix from `navigator.geolocation`.
//! - [`quota`]: the storage estimate (`navigator.storage.estimate()`).

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsValue;

pub mod camera;
pub mod geo;
pub mod quota;

/// A JS property as f64, if it is a number.
pub fn number(obj: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_f64())
}

/// The text of a thrown JS value, for an error message.
pub fn js_error(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            Reflect::get(&e, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Aborts a `fetch` that takes longer than its deadline: on a flaky network
/// a request may never answer, and a sync waiting on it would never retry.
/// Keep it alive until the response has been read.
pub struct Deadline {
    controller: web_sys::AbortController,
    _timer: gloo::timers::callback::Timeout,
}

impl Deadline {
    pub fn after_ms(ms: u32) -> Option<Self> {
        let controller = web_sys::AbortController::new().ok()?;
        let aborting = controller.clone();
        let timer = gloo::timers::callback::Timeout::new(ms, move || aborting.abort());
        Some(Self {
            controller,
            _timer: timer,
        })
    }

    pub fn signal(&self) -> web_sys::AbortSignal {
        self.controller.signal()
    }
}

/// A `web_sys::Blob` of `bytes`, for object URLs and uploads.
pub fn blob_of(bytes: &[u8], mime: &str) -> Result<web_sys::Blob, String> {
    let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js_error)
}
