//! When the sync loop runs next. Pure, so the policy is tested natively;
//! the browser side (`services::driver`) only sets the timers.
//!
//! - after a local save: soon, so a lead sees a visit minutes after it is
//!   made, but not on every keystroke (the timer restarts on each save);
//! - after a success: periodically, to pull the lead's comments;
//! - after a failure: exponential backoff from 5 s, capped at 5 min, so a
//!   phone on a flaky network keeps trying without draining its battery.

/// Quiet time after the last save before syncing.
pub const AFTER_SAVE_MS: u32 = 3_000;
/// Between syncs while nothing happens.
pub const PERIODIC_MS: u32 = 120_000;
const FIRST_RETRY_MS: u32 = 5_000;
/// Upper bound of the backoff.
pub const MAX_RETRY_MS: u32 = 300_000;

/// The wait after `failures` consecutive failed syncs (at least one).
pub fn retry_ms(failures: u32) -> u32 {
    let doublings = failures.saturating_sub(1).min(16);
    FIRST_RETRY_MS
        .saturating_mul(1 << doublings)
        .min(MAX_RETRY_MS)
}

/// The wait before syncing after a save, given how long the backoff still
/// asks to wait: a save does not cut a backoff short.
pub fn after_save_ms(backoff_left_ms: u32) -> u32 {
    AFTER_SAVE_MS.max(backoff_left_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_bounded() {
        assert_eq!(retry_ms(0), 5_000);
        assert_eq!(retry_ms(1), 5_000);
        assert_eq!(retry_ms(2), 10_000);
        assert_eq!(retry_ms(4), 40_000);
        assert_eq!(retry_ms(7), MAX_RETRY_MS);
        assert_eq!(retry_ms(u32::MAX), MAX_RETRY_MS);
    }

    #[test]
    fn saves_wait_out_the_backoff() {
        assert_eq!(after_save_ms(0), AFTER_SAVE_MS);
        assert_eq!(after_save_ms(60_000), 60_000);
    }
}
