//! mopai-client: the inspectors' phone app, a Yew page compiled to wasm32.
//!
//! Everything an inspector enters is an Automerge document saved to IndexedDB
//! at once; the sync loop sends it to the server when there is a network.
//! State lives in a reducer ([`state`]) and form logic in plain modules
//! ([`form`], [`list`]), so both are tested natively without a browser.
//!
//! # Layout
//!
//! Pure (compiled and tested natively too):
//! - [`state`]: `AppState`, the `Action` enum and the reducer (optimistic edits).
//! - [`form`]: field tables, parsing, [`form::edit::Edit`] + `apply`, the visit steps.
//! - [`docs`]: stored bytes → facility entries, reviews, county records, settings, conflicts.
//! - [`list`]: the facility list's rows, filters and order.
//! - [`dashboard`]: the county dashboard's rows, chart geometry, lead feed, SSE parser, exports.
//! - [`review`]: the township lead's decisions, queue, work log, conflicts, sign-off and 一院一策 plans.
//! - [`county`]: county staff's online checks: the form's draft, validation, the edit.
//! - [`facility`]: creating a facility document through the shared schema.
//! - [`backoff`]: when the sync loop runs next.
//! - [`clock`]: the phone's clock and time zone as stored timestamps.
//! - [`photo`]: photo sizing, hashing format, `PhotoRef`.
//!
//! Browser only:
//! - [`app`]: the router (`Route`), the top-level component and `AppContext`.
//! - [`services`]: the edit writer, the sync driver, photo capture and uploads.
//! - [`store`]: IndexedDB: documents, sync states, photo blobs, the upload queue, meta.
//! - [`api`]: every request to the server (bearer token, deadline, `ErrorBody` errors).
//! - [`sync`]: the fetch transport and one sync session over the stored replicas.
//! - [`session`]: login, the saved session, and the actor id per user on this phone.
//! - [`browser`]: small wrappers over browser APIs (geolocation, canvas, crypto, storage).
//! - [`pages`]: one module per screen; [`components`]: shared widgets; [`hooks`]: one hook per file.

pub mod backoff;
pub mod clock;
pub mod county;
pub mod dashboard;
pub mod docs;
pub mod facility;
pub mod form;
pub mod list;
pub mod photo;
pub mod review;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod hooks;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod services;
#[cfg(target_arch = "wasm32")]
pub mod session;
#[cfg(target_arch = "wasm32")]
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod sync;
