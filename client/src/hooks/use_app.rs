//! The app context, for pages and components.

use yew::prelude::*;

use crate::app::AppContext;

/// The app's context; every page is inside `App`, which provides it.
#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("AppContext is provided by App")
}
