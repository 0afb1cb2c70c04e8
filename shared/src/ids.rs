//! Identifiers: UUID newtypes minted on the device, and [`DocId`], the name of
//! one Automerge document.
//!
//! Ids are created offline on the phone (UUID v4), so two devices never need
//! to agree on a counter. Every id has exactly one string form, the lowercase
//! hyphenated UUID; parsing rejects other spellings so that the same id can
//! never appear under two keys in a database or a URL. The same string is
//! used in serde, in Automerge documents (via autosurgeon) and in `Display`.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::doc::DocKind;

/// Gives a type whose `Display`/`FromStr` round-trip its one string form the
/// serde and autosurgeon impls that store it as that string.
///
/// Used for ids, dates and header fields, so that documents and JSON read the
/// same way and a conflict shows a readable value.
macro_rules! string_form {
    ($ty:ty, $expecting:expr) => {
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }

        impl ::autosurgeon::Reconcile for $ty {
            type Key<'a> = ::autosurgeon::reconcile::NoKey;
            fn reconcile<R: ::autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
                r.str(self.to_string())
            }
        }

        impl ::autosurgeon::Hydrate for $ty {
            fn hydrate_string(s: &str) -> Result<Self, ::autosurgeon::HydrateError> {
                s.parse().map_err(|e| {
                    ::autosurgeon::HydrateError::unexpected($expecting, format!("{s:?}: {e}"))
                })
            }
        }
    };
}
pub(crate) use string_form;

/// Why a string is not an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {input:?} is not a lowercase hyphenated UUID")]
pub struct IdError {
    /// The id type that was expected, e.g. `FacilityId`.
    pub kind: &'static str,
    pub input: String,
}

/// Parses the canonical form only: anything else would give one id two keys.
fn parse_canonical(kind: &'static str, s: &str) -> Result<Uuid, IdError> {
    match Uuid::try_parse(s) {
        Ok(u) if u.hyphenated().to_string() == s => Ok(u),
        _ => Err(IdError {
            kind,
            input: s.to_owned(),
        }),
    }
}

macro_rules! uuid_ids {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh random (v4) id, minted where the thing is created.
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }

            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                parse_canonical(stringify!($name), s).map(Self)
            }
        }

        string_form!($name, concat!("a ", stringify!($name)));
    )+};
}

uuid_ids! {
    /// A surveyed facility (institution or venue); also names its facility,
    /// review and county documents.
    FacilityId;
    /// One visit (上门排查) to a facility.
    VisitId;
    /// One resident interview within a visit.
    InterviewId;
    /// One evidence photo reference.
    PhotoId;
    /// A person with an account.
    UserId;
    /// A phone or browser profile; each binds its own Automerge actor ids.
    DeviceId;
    /// A township (乡镇); also names its township log document.
    TownshipId;
    /// The county; names its settings document.
    CountyId;
    /// A comment in a review thread or a reply from the inspector.
    CommentId;
    /// One measure of a disposal plan (一院一策).
    MeasureId;
    /// One progress entry of a disposal plan.
    ProgressId;
    /// One online (互联网大数据) check.
    CheckId;
    /// One member of a township's leadership group.
    MemberId;
    /// One publicity activity.
    ActivityId;
}

/// The name of one Automerge document: its kind and the UUID of what it
/// describes (a facility, a township or the county).
///
/// String form `"{kind}:{uuid}"`, e.g. `facility:7d0c…`. The facility, review
/// and county documents of one facility share the facility's UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId {
    pub kind: DocKind,
    pub uuid: Uuid,
}

impl DocId {
    pub const fn new(kind: DocKind, uuid: Uuid) -> Self {
        Self { kind, uuid }
    }

    pub const fn facility(id: FacilityId) -> Self {
        Self::new(DocKind::Facility, id.as_uuid())
    }

    pub const fn review(id: FacilityId) -> Self {
        Self::new(DocKind::Review, id.as_uuid())
    }

    pub const fn county(id: FacilityId) -> Self {
        Self::new(DocKind::County, id.as_uuid())
    }

    pub const fn township_log(id: TownshipId) -> Self {
        Self::new(DocKind::TownshipLog, id.as_uuid())
    }

    pub const fn settings(id: CountyId) -> Self {
        Self::new(DocKind::Settings, id.as_uuid())
    }

    /// The facility this document belongs to, for the three per-facility kinds.
    pub fn facility_id(&self) -> Option<FacilityId> {
        self.kind
            .is_per_facility()
            .then(|| FacilityId::from_uuid(self.uuid))
    }
}

/// Why a string is not a [`DocId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocIdError {
    #[error("document id {0:?} has no ':' between kind and uuid")]
    MissingSeparator(String),
    #[error("unknown document kind {0:?}")]
    UnknownKind(String),
    #[error(transparent)]
    Uuid(#[from] IdError),
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.uuid.hyphenated())
    }
}

impl FromStr for DocId {
    type Err = DocIdError;
    fn from_str(s: &str) -> Result<Self, DocIdError> {
        let (kind, uuid) = s
            .split_once(':')
            .ok_or_else(|| DocIdError::MissingSeparator(s.to_owned()))?;
        let kind = kind
            .parse()
            .map_err(|_| DocIdError::UnknownKind(kind.to_owned()))?;
        Ok(Self::new(kind, parse_canonical("DocId", uuid)?))
    }
}

string_form!(DocId, "a document id");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_round_trips_and_rejects_other_spellings() {
        let id = FacilityId::random();
        assert_eq!(id.to_string().parse::<FacilityId>(), Ok(id));
        let upper = id.to_string().to_uppercase();
        assert!(upper.parse::<FacilityId>().is_err());
        let simple = id.as_uuid().simple().to_string();
        assert!(simple.parse::<FacilityId>().is_err());
        assert_eq!("x".parse::<VisitId>().unwrap_err().kind, "VisitId");
    }

    #[test]
    fn doc_id_string_form() {
        let t = TownshipId::random();
        let id = DocId::township_log(t);
        let s = id.to_string();
        assert_eq!(s, format!("township_log:{t}"));
        assert_eq!(s.parse::<DocId>(), Ok(id));
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{s}\""));
        assert!(matches!(
            "nokind".parse::<DocId>(),
            Err(DocIdError::MissingSeparator(_))
        ));
        assert!(matches!(
            format!("bogus:{t}").parse::<DocId>(),
            Err(DocIdError::UnknownKind(_))
        ));
        assert!(matches!(
            "facility:zz".parse::<DocId>(),
            Err(DocIdError::Uuid(_))
        ));
    }
}
