//! Waiting for something a browser or a background sync will do, bounded
//! by [`WAIT`]: tests poll for an outcome, never sleep for a guessed time.

use std::fmt::Debug;
use std::time::Duration;

pub use crate::browser::WAIT;

/// How often a probe runs.
const EVERY: Duration = Duration::from_millis(100);

/// Runs `probe` until `accept` takes its value, and returns that value;
/// fails after [`WAIT`], naming `what` and the last value seen.
pub async fn eventually<T: Debug>(
    what: &str,
    mut probe: impl AsyncFnMut() -> T,
    accept: impl Fn(&T) -> bool,
) -> T {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let value = probe().await;
        if accept(&value) {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} never matched; last: {value:?}"
        );
        tokio::time::sleep(EVERY).await;
    }
}
