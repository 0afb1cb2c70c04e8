//! The county dashboard's pure logic, compiled and tested natively: the
//! `GET /api/dashboard` JSON turned into table rows and SVG chart geometry
//! ([`view`], [`chart`]), the live lead feed and its unread count
//! ([`feed`]), the `GET /api/events` line parser ([`sse`]) and the export
//! links ([`export`]). The page itself is `pages::dashboard`.

pub mod chart;
pub mod export;
pub mod feed;
pub mod sse;
pub mod view;
