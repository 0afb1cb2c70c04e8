//! mopai-tests: harnesses for tests that cross crates.
//!
//! # Layout
//!
//! - [`server`]: a real server on `127.0.0.1:0` with its own database, stoppable and restartable.
//! - [`postgres`]: which engine the suite runs on, and a fresh PostgreSQL schema per server.
//! - [`device`]: a simulated phone running the shared sync client over HTTP.
//! - [`county`]: a small county whose facilities fire every rule, for the dashboard and export tests.
//! - [`events`]: `GET /api/events` read as server-sent events.
//! - [`browser`]: headless Chromium driven over WebDriver (chromedriver + fantoccini).
//! - [`print`]: XLSX printed to PDF with LibreOffice headless, read back with poppler.
//! - [`process`]: the real `mopai` binary as a child process, for kill -9 tests.
//! - [`ledger`]: which changes each acknowledged sync request carried, and
//!   whether the server still has them.
//! - [`raw`]: raw HTTP/1.1 over TCP, for malformed, cut and trickled requests.
//! - [`wait`]: polling for an outcome, bounded, instead of sleeping.
//! - [`rng`]: a seeded random source; fault-injection tests print and replay their seed.
//! - [`flaky`]: a connection that drops answers, and the phone's storage saved per round.
//! - [`sample`]: realistic entries (visits with interviews, facilities with visits).
//!
//! Tests live in `tests/tests/`, one file per area.

pub mod browser;
pub mod county;
pub mod device;
pub mod events;
pub mod flaky;
pub mod ledger;
pub mod postgres;
pub mod print;
pub mod process;
pub mod raw;
pub mod rng;
pub mod sample;
pub mod server;
pub mod wait;
