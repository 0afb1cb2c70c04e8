//! `navigator.storage.estimate()`: how much of the origin's quota is used.

use wasm_bindgen_futures::JsFuture;

use super::number;
use crate::state::StorageUse;

/// `None` where the browser does not say.
pub async fn estimate() -> Option<StorageUse> {
    let promise = gloo::utils::window()
        .navigator()
        .storage()
        .estimate()
        .ok()?;
    let answer = JsFuture::from(promise).await.ok()?;
    Some(StorageUse {
        usage: number(&answer, "usage")? as u64,
        quota: number(&answer, "quota")? as u64,
    })
}
