//! Instants as the phone records them: the browser's clock and time zone
//! turned into a [`Timestamp`] that keeps its offset (+08:00 in China), and
//! the `datetime-local` input's text.

use mopai_shared::model::Timestamp;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// From `Date.now()` milliseconds and `Date.getTimezoneOffset()` minutes
/// (which JS counts as UTC minus local, so China is -480).
pub fn from_js(unix_ms: f64, js_offset_minutes: i32) -> Option<Timestamp> {
    let offset = UtcOffset::from_whole_seconds(-js_offset_minutes * 60).ok()?;
    let seconds = (unix_ms / 1000.0).floor() as i64;
    let at = OffsetDateTime::from_unix_timestamp(seconds).ok()?;
    Some(Timestamp(at.to_offset(offset)))
}

/// The text of an `<input type=datetime-local>` (`2022-01-14T09:30`), read
/// in the phone's time zone.
pub fn parse_local(input: &str, js_offset_minutes: i32) -> Option<Timestamp> {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let with_seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let local = PrimitiveDateTime::parse(input, format)
        .or_else(|_| PrimitiveDateTime::parse(input, with_seconds))
        .ok()?;
    let offset = UtcOffset::from_whole_seconds(-js_offset_minutes * 60).ok()?;
    Some(Timestamp(local.assume_offset(offset)))
}

/// What a `datetime-local` input shows for `at`, in the offset it was recorded in.
pub fn local_input(at: &Timestamp) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    at.0.format(format).unwrap_or_default()
}

/// `2022-01-14 09:30`, for lists and comments.
pub fn short(at: &Timestamp) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]");
    at.0.format(format).unwrap_or_default()
}

/// The browser's current time (wasm only).
#[cfg(target_arch = "wasm32")]
pub fn now() -> Timestamp {
    let date = js_sys::Date::new_0();
    from_js(date.get_time(), date.get_timezone_offset() as i32)
        .unwrap_or(Timestamp(OffsetDateTime::UNIX_EPOCH))
}

/// The browser's time-zone offset in JS convention (wasm only).
#[cfg(target_arch = "wasm32")]
pub fn js_offset() -> i32 {
    js_sys::Date::new_0().get_timezone_offset() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phone_clock_keeps_its_offset() {
        // 2022-01-14T01:30:00Z, in China.
        let at = from_js(1_642_123_800_000.0, -480).unwrap();
        assert_eq!(at.to_string(), "2022-01-14T09:30:00+08:00");
        assert_eq!(short(&at), "2022-01-14 09:30");
        assert_eq!(local_input(&at), "2022-01-14T09:30");
    }

    #[test]
    fn datetime_local_round_trips() {
        let at = parse_local("2022-01-14T09:30", -480).unwrap();
        assert_eq!(at.to_string(), "2022-01-14T09:30:00+08:00");
        assert_eq!(local_input(&at), "2022-01-14T09:30");
        assert!(parse_local("", -480).is_none());
        assert!(parse_local("2022-13-01T00:00", -480).is_none());
    }
}
