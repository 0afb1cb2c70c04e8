//! Persistent storage, asked for once.

use wasm_bindgen_futures::{JsFuture, spawn_local};
use yew::prelude::*;

use crate::state::Persistence;

/// Asks the browser once to keep this origin's storage under pressure
/// (`navigator.storage.persist()`); without it iOS may evict unsynced entries.
#[hook]
pub fn use_persistence() -> Persistence {
    let answer = use_state(|| Persistence::Unknown);
    {
        let answer = answer.clone();
        use_effect_with((), move |_| {
            spawn_local(async move { answer.set(request_persistence().await) });
        });
    }
    *answer
}

async fn request_persistence() -> Persistence {
    let storage = gloo::utils::window().navigator().storage();
    // Already granted (an installed app, or asked before): do not ask again.
    if let Ok(promise) = storage.persisted()
        && let Ok(v) = JsFuture::from(promise).await
        && v.as_bool() == Some(true)
    {
        return Persistence::Granted;
    }
    let Ok(promise) = storage.persist() else {
        return Persistence::Unsupported;
    };
    match JsFuture::from(promise).await {
        Ok(v) if v.as_bool() == Some(true) => Persistence::Granted,
        Ok(_) => Persistence::Refused,
        Err(_) => Persistence::Unsupported,
    }
}
