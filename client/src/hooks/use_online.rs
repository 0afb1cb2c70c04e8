//! `navigator.onLine`, live.

use gloo::events::EventListener;
use yew::prelude::*;

/// `navigator.onLine`, updated by the window's `online`/`offline` events.
#[hook]
pub fn use_online() -> bool {
    let online = use_state(|| gloo::utils::window().navigator().on_line());
    {
        let online = online.clone();
        use_effect_with((), move |_| {
            let window = gloo::utils::window();
            let up = online.clone();
            let on = EventListener::new(&window, "online", move |_| up.set(true));
            let off = EventListener::new(&window, "offline", move |_| online.set(false));
            move || drop((on, off))
        });
    }
    *online
}
