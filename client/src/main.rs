//! Entry point of the wasm32 page; see the library crate for the layout.

/// Renders into `#app`, not the body: Yew empties its root, and index.html's
/// login form (`#boot`, beside it) must last until the login page takes it over.
#[cfg(target_arch = "wasm32")]
fn main() {
    let root = gloo::utils::document().get_element_by_id("app");
    match root {
        Some(root) => yew::Renderer::<mopai_client::app::App>::with_root(root).render(),
        None => yew::Renderer::<mopai_client::app::App>::new().render(),
    };
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mopai-client runs in the browser: build it with `cargo xtask build-client`");
}
