//! The one SQL interface the storage modules write against, whichever
//! engine runs it: statements with `?1`-style placeholders, parameters as
//! [`ToValue`], rows read with [`Row::get`] into [`FromValue`] types.
//!
//! Statements are portable SQL: `ON CONFLICT`, `RETURNING`, `IS DISTINCT
//! FROM`, integer and text columns. PostgreSQL types a placeholder by its
//! first use, so one first used as `?1 IS NULL` is written
//! `CAST(?1 AS TEXT) IS NULL`.
//!
//! Typed values (ids, levels, scopes, rule lists) convert to and from their
//! one stored form here and in [`types`], and nowhere else, so no storage
//! reader parses a column itself.

pub mod types;

use std::borrow::Cow;

/// A parameter as the engines bind it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
    Blob(&'a [u8]),
}

/// A column value as the engines return it, borrowed from the row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl ValueRef<'_> {
    fn kind(self) -> &'static str {
        match self {
            ValueRef::Null => "NULL",
            ValueRef::Int(_) => "integer",
            ValueRef::Real(_) => "real",
            ValueRef::Text(_) => "text",
            ValueRef::Blob(_) => "blob",
        }
    }
}

/// Why a column could not be read as the type asked for.
pub type ConversionError = Box<dyn std::error::Error + Send + Sync>;

/// A type that is stored in one column.
pub trait ToValue {
    fn to_value(&self) -> Value<'_>;
}

/// A type read back from one column.
pub trait FromValue: Sized {
    fn from_value(value: ValueRef<'_>) -> Result<Self, ConversionError>;
}

/// Every failure of the storage layer, whichever engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Disk full, I/O, a busy or unreachable database: nothing was stored,
    /// and retrying later may succeed.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// A query that must return one row returned none.
    #[error("query returned no row")]
    NoRow,
    /// A stored value is not what the code expects (a bug or a foreign write).
    #[error("column {column}: {message}")]
    Conversion { column: usize, message: String },
    /// A value could not be stored (e.g. it did not serialise).
    #[error("cannot store: {0}")]
    Encode(String),
    #[error("sqlite: {0}")]
    Sqlite(rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Error::Unavailable(_))
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(
                C::DiskFull
                | C::SystemIoFailure
                | C::DatabaseBusy
                | C::DatabaseLocked
                | C::ReadOnly
                | C::CannotOpen,
            ) => Error::Unavailable(e.to_string()),
            _ if matches!(e, rusqlite::Error::QueryReturnedNoRows) => Error::NoRow,
            _ => Error::Sqlite(e),
        }
    }
}

/// The columns of one result row.
pub struct Row<'a>(pub(super) &'a dyn RawRow);

/// What an engine's row offers [`Row`].
pub(super) trait RawRow {
    fn value(&self, idx: usize) -> Result<ValueRef<'_>>;
}

impl Row<'_> {
    /// Column `idx` (from 0) as `T`.
    pub fn get<T: FromValue>(&self, idx: usize) -> Result<T> {
        let value = self.0.value(idx)?;
        T::from_value(value).map_err(|e| Error::Conversion {
            column: idx,
            message: e.to_string(),
        })
    }
}

/// Parameters of one statement, in placeholder order.
pub type Params<'p> = &'p [&'p dyn ToValue];

/// The values to bind, in placeholder order.
pub(super) fn values<'p>(params: Params<'p>) -> Vec<Value<'p>> {
    params.iter().map(|p| p.to_value()).collect()
}

/// `params![a, b]`: a statement's parameters.
macro_rules! params {
    () => { &[] as $crate::storage::sql::Params<'_> };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::storage::sql::ToValue),+] as $crate::storage::sql::Params<'_> };
}
pub(crate) use params;

fn mismatch(expected: &str, got: ValueRef<'_>) -> ConversionError {
    format!("expected {expected}, found {}", got.kind()).into()
}

impl ToValue for i64 {
    fn to_value(&self) -> Value<'_> {
        Value::Int(*self)
    }
}

impl ToValue for u32 {
    fn to_value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}

/// Beyond `i64::MAX` (a checkpoint no sequence reaches) binds as
/// `i64::MAX`, which compares the same against every stored value.
impl ToValue for u64 {
    fn to_value(&self) -> Value<'_> {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToValue for usize {
    fn to_value(&self) -> Value<'_> {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value<'_> {
        Value::Real(*self)
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
}

impl ToValue for [u8] {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl<const N: usize> ToValue for [u8; N] {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value<'_> {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}

impl FromValue for i64 {
    fn from_value(value: ValueRef<'_>) -> Result<Self, ConversionError> {
        match value {
            ValueRef::Int(n) => Ok(n),
            other => Err(mismatch("integer", other)),
        }
    }
}

impl FromValue for u64 {
    fn from_value(value: ValueRef<'_>) -> Result<Self, ConversionError> {
        Ok(u64::try_from(i64::from_value(value)?)?)
    }
}

impl FromValue for u32 {
    fn from_value(value: ValueRef<'_>) -> Result<Self, ConversionError> {
        Ok(u32::try_from(i64::from_value(value)?)?)
    }
}

impl FromValue for bool {
    fn from_value(value: ValueRef<'_>) -> Result<Self, ConversionError> {
        Ok(i64::from_value(value)? != 0)
    }
}

impl FromValue for f64 {
    fn from_value(value: ValueRef<'_>) -> Result<Self, ConversionError> {
        match value {
            ValueRef::Real(x) => Ok(x),
            ValueRef::Int(n) => Ok(n as f64),
            other => Err(mismatch("real", other)),
        }
    }
}

impl FromValue for String {
    fn from_value(value: ValueRef<'_>) -> Result<Self, ConversionError> {
        match value {
            ValueRef::Text(s) => Ok(s.to_owned()),
            other => Err(mismatch("text", other)),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: ValueRef<'_>) -> Result<Self, ConversionError> {
        match value {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            other => Err(mismatch("blob", other)),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: ValueRef<'_>) -> Result<Self, ConversionError> {
        match value {
            ValueRef::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// Rewrites `?N` placeholders as PostgreSQL's `$N`. Our statements hold no
/// `?` inside string literals, so a plain scan suffices.
pub(super) fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_and_nothing_else_changes() {
        assert_eq!(
            dollar_placeholders(
                "SELECT a FROM t WHERE b = ?1 AND (?2 IS NULL OR c = ?2) LIMIT ?12"
            ),
            "SELECT a FROM t WHERE b = $1 AND ($2 IS NULL OR c = $2) LIMIT $12"
        );
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_a_conversion_error_not_a_panic() {
        assert!(i64::from_value(ValueRef::Text("x")).is_err());
        assert!(u32::from_value(ValueRef::Int(-1)).is_err());
        assert!(u64::from_value(ValueRef::Int(-1)).is_err());
        assert_eq!(Option::<i64>::from_value(ValueRef::Null).unwrap(), None);
        assert_eq!(u64::MAX.to_value(), Value::Int(i64::MAX));
    }
}
