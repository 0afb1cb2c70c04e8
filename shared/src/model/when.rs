//! Dates and instants as stored: [`Day`] (`2022-01-14`) and [`Timestamp`]
//! (RFC 3339, offset kept).
//!
//! Strings rather than Automerge timestamps, because a conflict on a date
//! should show the lead a date, and because the offset (+08:00) a phone
//! recorded is part of what the inspector saw.

use std::fmt;
use std::str::FromStr;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::ids::string_form;

/// Why a string is not a [`Day`] or [`Timestamp`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not {expected}")]
pub struct WhenError {
    pub expected: &'static str,
    pub input: String,
}

/// A calendar date, stored as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Day(pub Date);

const DAY_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

impl Day {
    /// For fixtures and defaults; `None` when the date does not exist.
    pub fn ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        let month = time::Month::try_from(month).ok()?;
        Date::from_calendar_date(year, month, day).ok().map(Self)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.format(DAY_FORMAT).map_err(|_| fmt::Error)?;
        f.write_str(&s)
    }
}

impl FromStr for Day {
    type Err = WhenError;
    fn from_str(s: &str) -> Result<Self, WhenError> {
        Date::parse(s, DAY_FORMAT).map(Self).map_err(|_| WhenError {
            expected: "a date YYYY-MM-DD",
            input: s.to_owned(),
        })
    }
}

string_form!(Day, "a date YYYY-MM-DD");

/// An instant with the offset it was recorded in, stored as RFC 3339.
///
/// Equality compares instants, as [`OffsetDateTime`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub OffsetDateTime);

impl Timestamp {
    /// From Unix seconds at UTC; the phone's clock arrives this way from JS.
    pub fn from_unix(seconds: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp(seconds).ok().map(Self)
    }

    pub fn day(&self) -> Day {
        Day(self.0.date())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.format(&Rfc3339).map_err(|_| fmt::Error)?;
        f.write_str(&s)
    }
}

impl FromStr for Timestamp {
    type Err = WhenError;
    fn from_str(s: &str) -> Result<Self, WhenError> {
        OffsetDateTime::parse(s, &Rfc3339)
            .map(Self)
            .map_err(|_| WhenError {
                expected: "an RFC 3339 timestamp",
                input: s.to_owned(),
            })
    }
}

string_form!(Timestamp, "an RFC 3339 timestamp");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_and_timestamp_round_trip() {
        let d = Day::ymd(2022, 1, 14).unwrap();
        assert_eq!(d.to_string(), "2022-01-14");
        assert_eq!("2022-01-14".parse::<Day>(), Ok(d));
        assert!("2022-02-30".parse::<Day>().is_err());
        let t: Timestamp = "2022-01-14T12:00:00+08:00".parse().unwrap();
        assert_eq!(t.to_string(), "2022-01-14T12:00:00+08:00");
        assert_eq!(t.day(), d);
    }
}
