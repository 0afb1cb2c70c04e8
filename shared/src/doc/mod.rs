//! Automerge documents: which kinds exist, what every document root holds,
//! and how a document is created, opened, read, written, migrated and
//! de-conflicted.
//!
//! Documents are split by who may write them, so the server checks write
//! authority once per document, never field by field:
//!
//! | kind | one per | body | written by |
//! |---|---|---|---|
//! | `facility` | facility | [`Facility`] | the township's inspectors and lead |
//! | `review` | facility | [`FacilityReview`] | the township lead |
//! | `county` | facility | [`CountyRecord`] | county staff |
//! | `township_log` | township | [`TownshipLog`] | the township lead |
//! | `settings` | county | [`CountySettings`] | the admin |
//!
//! Every root is `{ "header": DocHeader, "body": … }`. The header is written
//! once, when the document is created, and its township never changes.
//!
//! # Layout
//!
//! - [`header`]: [`DocHeader`], [`Scope`], [`read_header`], [`township_unchanged`].
//! - [`open`](mod@open): [`create`], [`open()`], [`hydrate_doc`], [`reconcile_body`],
//!   [`genesis_hash`].
//! - [`keep`]: the writer that keeps conflicts visible while reconciling.
//! - [`migrate`](mod@migrate): [`SCHEMA_VERSION`], [`migrate()`].
//! - [`conflicts`](mod@conflicts): [`conflicts()`], [`resolve_conflict`], [`FieldPath`],
//!   [`OpenConflict`] (a conflict in words for lists and tables).

use autosurgeon::{Hydrate, Reconcile};

use crate::gate::Body;
use crate::model::coded::coded_enum;
use crate::model::{CountyRecord, CountySettings, Facility, FacilityReview, TownshipLog};

pub mod conflicts;
pub mod header;
pub mod keep;
pub mod migrate;
pub mod open;

pub use conflicts::{
    ConflictError, ConflictValue, FieldConflict, FieldPath, OpenConflict, PathSeg, conflicts,
    open_conflicts, resolve_conflict,
};
pub use header::{DocHeader, HeaderError, Scope, read_header, township_unchanged};
pub use migrate::{MigrateError, Migration, SCHEMA_VERSION, migrate};
pub use open::{
    DocError, Document, create, genesis_actor, genesis_hash, hydrate_doc, open, reconcile_body,
};

coded_enum! {
    /// The kinds of document; the code is the prefix of a [`DocId`](crate::ids::DocId).
    pub enum DocKind {
        Facility => "facility", "机构档案";
        Review => "review", "审核与处置";
        County => "county", "县级核查";
        TownshipLog => "township_log", "乡镇工作台账";
        Settings => "settings", "县级设置";
    }
}

impl DocKind {
    /// The kinds named by a facility id (one of each per facility).
    pub fn is_per_facility(self) -> bool {
        matches!(self, Self::Facility | Self::Review | Self::County)
    }
}

/// The body type of one document kind.
pub trait DocBody: Reconcile + Hydrate + Default {
    const KIND: DocKind;
    /// This kind's body out of a [`Body`], `None` for another kind.
    fn from_body(body: Body) -> Option<Self>;
    /// This body as a [`Body`], for the write gate's checks.
    fn into_body(self) -> Body;
}

/// Ties a body type to its kind and its [`Body`] variant.
macro_rules! doc_body {
    ($($ty:ty => $kind:ident;)+) => {$(
        impl DocBody for $ty {
            const KIND: DocKind = DocKind::$kind;
            fn from_body(body: Body) -> Option<Self> {
                match body {
                    Body::$kind(b) => Some(b),
                    _ => None,
                }
            }
            fn into_body(self) -> Body {
                Body::$kind(self)
            }
        }
    )+};
}

doc_body! {
    Facility => Facility;
    FacilityReview => Review;
    CountyRecord => County;
    TownshipLog => TownshipLog;
    CountySettings => Settings;
}
