//! Entry point of the wasm32 page; see the library crate for the layout.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<mopai_client::app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mopai-client runs in the browser: build it with `cargo xtask build-client`");
}
