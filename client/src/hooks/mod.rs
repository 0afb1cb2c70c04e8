//! One hook per file.
//!
//! - [`use_app`]: the [`AppContext`](crate::app::AppContext) every page reads.
//! - [`use_online`]: the browser's online/offline state, live.
//! - [`use_persistence`]: asks once for persistent storage and reports the answer.
//! - [`use_dashboard`]: `GET /api/dashboard` while online, for the dashboard page.
//! - [`use_problems`]: `GET /api/problems` for county staff: documents the write gate no longer passes.
//! - [`use_lead_feed`]: the live red/orange lead feed over `GET /api/events`, with unread count.
//! - [`use_facility_route`]: the facility a route names, once loaded.
//! - [`use_visit_route`]: the facility and visit a route names, once loaded.

mod use_app;
pub mod use_dashboard;
mod use_facility_route;
pub mod use_lead_feed;
mod use_online;
mod use_persistence;
mod use_problems;
mod use_visit_route;

pub use use_app::use_app;
pub use use_facility_route::{FacilityRoute, use_facility_route};
pub use use_online::use_online;
pub use use_persistence::use_persistence;
pub use use_problems::use_problems;
pub use use_visit_route::use_visit_route;
