//! The stored form of each domain type: ids, codes and scopes as their one
//! string form, rule lists comma-joined, annex records and settings as JSON.

use std::borrow::Cow;

use mopai_shared::doc::{DocKind, Scope};
use mopai_shared::ids::{DocId, FacilityId, TownshipId, UserId, VisitId};
use mopai_shared::model::{Category, CountySettings, RiskLevel};
use mopai_shared::risk::RuleId;
use mopai_shared::roles::Role;

use super::{ConversionError, FromValue, ToValue, Value, ValueRef};
use crate::storage::annex_record::AnnexRecord;

/// Types stored as their `Display` form and read back with `FromStr`.
macro_rules! text_form {
    ($($ty:ty),+ $(,)?) => {$(
        impl ToValue for $ty {
            fn to_value(&self) -> Value<'_> {
                Value::Text(Cow::Owned(self.to_string()))
            }
        }

        impl FromValue for $ty {
            fn from_value(value: ValueRef<'_>) -> Result<Self, ConversionError> {
                Ok(String::from_value(value)?.parse::<$ty>()?)
            }
        }
    )+};
}

text_form!(
    TownshipId, UserId, FacilityId, VisitId, DocId, Scope, DocKind, RiskLevel, Role, Category,
    RuleId,
);

/// The rules a projection fired, in table order, as `R1,R5`.
impl ToValue for [RuleId] {
    fn to_value(&self) -> Value<'_> {
        let codes: Vec<&str> = self.iter().map(|r| r.code()).collect();
        Value::Text(Cow::Owned(codes.join(",")))
    }
}

impl ToValue for Vec<RuleId> {
    fn to_value(&self) -> Value<'_> {
        self.as_slice().to_value()
    }
}

impl FromValue for Vec<RuleId> {
    fn from_value(value: ValueRef<'_>) -> Result<Self, ConversionError> {
        let text = String::from_value(value)?;
        text.split(',')
            .filter(|code| !code.is_empty())
            .map(|code| Ok(code.parse::<RuleId>()?))
            .collect()
    }
}

/// JSON columns: written by this server only, so a value that does not
/// parse is a conversion error, never a panic.
macro_rules! json_form {
    ($($ty:ty),+ $(,)?) => {$(
        impl FromValue for $ty {
            fn from_value(value: ValueRef<'_>) -> Result<Self, ConversionError> {
                Ok(serde_json::from_str(&String::from_value(value)?)?)
            }
        }
    )+};
}

json_form!(AnnexRecord, CountySettings);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_lists_round_trip_and_an_unknown_code_is_an_error() {
        let fired = vec![RuleId::R1, RuleId::R3];
        let Value::Text(text) = fired.to_value() else {
            panic!("text")
        };
        assert_eq!(text, "R1,R3");
        assert_eq!(
            Vec::<RuleId>::from_value(ValueRef::Text(&text)).unwrap(),
            fired
        );
        assert!(
            Vec::<RuleId>::from_value(ValueRef::Text(""))
                .unwrap()
                .is_empty()
        );
        assert!(Vec::<RuleId>::from_value(ValueRef::Text("R1,R99")).is_err());
        assert!(RiskLevel::from_value(ValueRef::Text("purple")).is_err());
    }
}
