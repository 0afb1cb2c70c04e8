//! mopai-tests: harnesses for tests that cross crates.
//!
//! # Layout
//!
//! - [`server`]: a real server on `127.0.0.1:0` with its own SQLite file, stoppable and restartable.
//! - [`device`]: a simulated phone running the shared sync client over HTTP.
//! - [`county`]: a small county whose facilities fire every rule, for the dashboard and export tests.
//! - [`browser`]: headless Chromium driven over WebDriver (chromedriver + fantoccini).
//!
//! Tests live in `tests/tests/`, one file per area.

pub mod browser;
pub mod county;
pub mod device;
pub mod server;
