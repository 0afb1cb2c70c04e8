//! mopai-shared: everything the phone and the server must agree on.
//!
//! No I/O lives here (no tokio, rusqlite or axum), so the crate builds for
//! wasm32 and the same classification and sync code runs on both sides.
//!
//! # Layout
//!
//! - [`sync`]: versioned wire types and the client half of the sync protocol.
//! - [`api`]: REST request/response bodies and the error body every route returns.
//! - [`dashboard`]: JSON of the county dashboard: roll-ups, facility rows, red/orange leads.
//! - [`ids`]: UUID newtypes minted on the device, and [`ids::DocId`] (`"{kind}:{uuid}"`).
//! - [`model`]: the domain model, one file per aggregate, with autosurgeon and serde.
//! - [`doc`]: document kinds, header, create/open/hydrate/reconcile, migrations, conflicts.
//! - [`gate`]: what a document's state must satisfy to be stored (header, sizes, shape, values, ids).
//! - [`validate`]: USCC (GB 32100-2015), required fields per category, ranges.
//! - [`roles`]: roles and what each may read, write and export (page hides, server enforces).
//! - [`risk`]: classification (plan §一.三): rules table, level, measures, disposal paths.

pub mod api;
pub mod dashboard;
pub mod doc;
pub mod gate;
pub mod ids;
pub mod model;
pub mod risk;
pub mod roles;
pub mod sync;
pub mod validate;
