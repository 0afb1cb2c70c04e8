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
//! - [`facility`]: creating and listing facility documents through the shared schema.
//! - [`session`]: login, the saved session, and the actor id per user on this phone.
//! - [`store`]: IndexedDB: documents, sync states and device metadata.
//! - [`sync`]: the fetch transport and one sync session over the stored replicas.
//! - [`pages`]: one module per screen.
//! - [`hooks`]: one hook per file.

pub mod facility;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod hooks;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod session;
#[cfg(target_arch = "wasm32")]
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod sync;
