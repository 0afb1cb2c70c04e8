//! mopai-client: the inspectors' phone app, a Yew page compiled to wasm32.
//!
//! Everything an inspector enters is an Automerge document saved to IndexedDB
//! at once; the sync loop sends it to the server when there is a network.
//! State lives in a reducer ([`state`]) so it is tested without a browser.
//!
//! # Layout
//!
//! - [`app`]: the router (`Route`) and the top-level component.
//! - [`state`]: `AppState`, the `Action` enum and the reducer.
//! - [`draft`]: the documents this page creates and reads (the walking skeleton's facility draft).
//! - [`store`]: IndexedDB: documents, sync states and device metadata.
//! - [`sync`]: the fetch transport and one sync session over the stored replicas.
//! - [`pages`]: one module per screen.
//! - [`hooks`]: one hook per file.

pub mod draft;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod hooks;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod sync;
