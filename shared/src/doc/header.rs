//! The header every document root carries, and the checks the server makes
//! on it before accepting changes.
//!
//! The header is read field by field with `get_all`, never hydrated, so a
//! change that slipped a second township in concurrently shows up as a
//! conflict instead of being hidden behind whichever value wins.

use std::fmt;
use std::str::FromStr;

use automerge::{ObjType, ROOT, ScalarValue, Value};
use autosurgeon::{Reconcile, Reconciler};
use uuid::Uuid;

use super::DocKind;
use crate::ids::{DocId, IdError, TownshipId, string_form};

pub(crate) const HEADER: &str = "header";
pub(crate) const BODY: &str = "body";

/// The township a document belongs to; the settings document belongs to the
/// county as a whole. Stored as the township's UUID or `"county"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Township(TownshipId),
    County,
}

impl Scope {
    pub fn township(self) -> Option<TownshipId> {
        match self {
            Self::Township(t) => Some(t),
            Self::County => None,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Township(t) => t.fmt(f),
            Self::County => f.write_str("county"),
        }
    }
}

impl FromStr for Scope {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        match s {
            "county" => Ok(Self::County),
            _ => s.parse().map(Self::Township),
        }
    }
}

string_form!(Scope, "a township id or \"county\"");

/// `{schema_version, kind, township, entity}` at `/header`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocHeader {
    /// Missing in documents older than versioning, read as 0.
    pub schema_version: u32,
    pub kind: DocKind,
    pub township: Scope,
    /// The UUID of what the document describes (facility, township, county).
    pub entity: Uuid,
}

impl DocHeader {
    /// A header at the current schema version.
    pub fn new(id: DocId, township: Scope) -> Self {
        Self {
            schema_version: super::SCHEMA_VERSION,
            kind: id.kind,
            township,
            entity: id.uuid,
        }
    }

    pub fn doc_id(&self) -> DocId {
        DocId::new(self.kind, self.entity)
    }
}

impl Reconcile for DocHeader {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
        use autosurgeon::reconcile::MapReconciler;
        let mut m = r.map()?;
        m.put("schema_version", self.schema_version)?;
        m.put("kind", self.kind)?;
        m.put("township", self.township)?;
        m.put("entity", self.entity.hyphenated().to_string())?;
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("the document has no header")]
    Missing,
    #[error("header field {field} is missing or malformed")]
    Malformed { field: &'static str },
    #[error("header field {field} has concurrent values")]
    Conflicting { field: &'static str },
    #[error("header field {field} changed from {before} to {after}")]
    Changed {
        field: &'static str,
        before: String,
        after: String,
    },
}

/// Reads `/header` without touching the body.
pub fn read_header<D: automerge::ReadDoc>(doc: &D) -> Result<DocHeader, HeaderError> {
    // Two geneses that differ (say, built by different schema versions) leave
    // two header objects; identical geneses share one.
    if doc.get_all(ROOT, HEADER).map_or(0, |all| all.len()) > 1 {
        return Err(HeaderError::Conflicting { field: HEADER });
    }
    let header = match doc.get(ROOT, HEADER) {
        Ok(Some((Value::Object(ObjType::Map), id))) => id,
        _ => return Err(HeaderError::Missing),
    };
    let field = |name: &'static str| -> Result<Option<ScalarValue>, HeaderError> {
        let values = doc
            .get_all(&header, name)
            .map_err(|_| HeaderError::Malformed { field: name })?;
        let mut scalars = values.into_iter().map(|(v, _)| match v {
            Value::Scalar(s) => Ok(s.into_owned()),
            Value::Object(_) => Err(HeaderError::Malformed { field: name }),
        });
        let first = scalars.next().transpose()?;
        for other in scalars {
            if Some(other?) != first {
                return Err(HeaderError::Conflicting { field: name });
            }
        }
        Ok(first)
    };
    let schema_version = match field("schema_version")? {
        None => Some(0),
        Some(ScalarValue::Uint(v)) => u32::try_from(v).ok(),
        Some(ScalarValue::Int(v)) => u32::try_from(v).ok(),
        Some(_) => None,
    }
    .ok_or(HeaderError::Malformed {
        field: "schema_version",
    })?;
    Ok(DocHeader {
        schema_version,
        kind: parse(field("kind")?, "kind")?,
        township: parse(field("township")?, "township")?,
        entity: parse(field("entity")?, "entity")?,
    })
}

fn parse<T: FromStr>(value: Option<ScalarValue>, field: &'static str) -> Result<T, HeaderError> {
    match value {
        Some(ScalarValue::Str(s)) => s.parse().map_err(|_| HeaderError::Malformed { field }),
        _ => Err(HeaderError::Malformed { field }),
    }
}

/// The server's check on every incoming change set: the document's identity
/// (kind, entity) and township are what they were. `before` is the stored
/// document, `after` the same document with the changes applied. Errors when
/// either header cannot be read, which includes a concurrent second value.
pub fn township_unchanged<B, A>(before: &B, after: &A) -> Result<(), HeaderError>
where
    B: automerge::ReadDoc,
    A: automerge::ReadDoc,
{
    let (b, a) = (read_header(before)?, read_header(after)?);
    let same = |field, x: String, y: String| {
        if x == y {
            Ok(())
        } else {
            Err(HeaderError::Changed {
                field,
                before: x,
                after: y,
            })
        }
    };
    same("kind", b.kind.to_string(), a.kind.to_string())?;
    same("entity", b.entity.to_string(), a.entity.to_string())?;
    same("township", b.township.to_string(), a.township.to_string())
}
