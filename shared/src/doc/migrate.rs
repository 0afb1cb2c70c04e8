//! Schema versions and the path from any older version to the current one.
//!
//! A document records the version that wrote its shape in
//! `/header/schema_version`. Hydration is strict (a missing field is an
//! error, not a silent default), so a document must be migrated before it is
//! read; [`open`](super::open()) does that. A build never writes into a
//! document newer than itself: it would drop fields it does not know.
//!
//! Versions:
//! - 0: the header had no `schema_version` (documents from before this
//!   schema, e.g. the walking skeleton's test documents), and fields added
//!   since may be absent.
//! - 1: the model in [`crate::model`] as first published.
//!
//! A new version adds one step to `STEPS`. Steps only add or rewrite keys,
//! and write the same values on every device, so two phones migrating the
//! same document offline merge without conflicts.

use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, Value, hydrate, transaction::Transactable};
use autosurgeon::reconcile_prop;

use super::conflicts::put_value;
use super::header::{BODY, HEADER, HeaderError, read_header};
use super::{DocBody, DocKind};
use crate::model::{CountyRecord, CountySettings, Facility, FacilityReview, TownshipLog};

/// The version this build writes.
pub const SCHEMA_VERSION: u32 = 1;

type Step = fn(&mut AutoCommit, DocKind) -> Result<(), MigrateError>;

/// `STEPS[n]` takes a document from version `n` to `n + 1`.
const STEPS: [Step; SCHEMA_VERSION as usize] = [fill_missing];

/// What [`migrate`] did; `from == to` when the document was current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    pub from: u32,
    pub to: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(transparent)]
    Header(#[from] HeaderError),
    #[error("document schema version {found} is newer than this build's {supported}")]
    TooNew { found: u32, supported: u32 },
    #[error(transparent)]
    Automerge(#[from] automerge::AutomergeError),
    #[error(transparent)]
    Reconcile(#[from] autosurgeon::ReconcileError),
}

/// Brings `doc` to [`SCHEMA_VERSION`], as changes by `doc`'s actor.
pub fn migrate(doc: &mut AutoCommit) -> Result<Migration, MigrateError> {
    let header = read_header(doc)?;
    let from = header.schema_version;
    if from > SCHEMA_VERSION {
        return Err(MigrateError::TooNew {
            found: from,
            supported: SCHEMA_VERSION,
        });
    }
    for step in &STEPS[from as usize..] {
        step(doc, header.kind)?;
    }
    if from < SCHEMA_VERSION {
        let header_obj = object_at(doc, &ROOT, HEADER).ok_or(HeaderError::Missing)?;
        doc.put(&header_obj, "schema_version", u64::from(SCHEMA_VERSION))?;
    }
    Ok(Migration {
        from,
        to: SCHEMA_VERSION,
    })
}

/// Adds every map key a new document of this kind has and `doc` lacks, with
/// the value a new document starts with; existing values are never touched.
///
/// Keys inside list items are not filled: a list item has no template in a
/// new document. A future step that adds a field to, say, visits must write
/// it into each item itself.
fn fill_missing(doc: &mut AutoCommit, kind: DocKind) -> Result<(), MigrateError> {
    let template = match kind {
        DocKind::Facility => template::<Facility>(),
        DocKind::Review => template::<FacilityReview>(),
        DocKind::County => template::<CountyRecord>(),
        DocKind::TownshipLog => template::<TownshipLog>(),
        DocKind::Settings => template::<CountySettings>(),
    }?;
    fill(doc, &ROOT, &template)
}

/// The root of a new document of kind `B`, as a hydrated value.
fn template<B: DocBody>() -> Result<hydrate::Map, MigrateError> {
    let mut scratch = AutoCommit::new();
    reconcile_prop(&mut scratch, ROOT, BODY, B::default())?;
    match scratch.hydrate(ROOT, None)? {
        hydrate::Value::Map(m) => Ok(m),
        _ => unreachable!("the root of a document is a map"),
    }
}

fn fill(
    doc: &mut AutoCommit,
    obj: &automerge::ObjId,
    template: &hydrate::Map,
) -> Result<(), MigrateError> {
    for (key, expected) in template.iter() {
        match (object_at(doc, obj, key), &expected.value) {
            (Some(child), hydrate::Value::Map(inner)) => fill(doc, &child, inner)?,
            _ if doc.get(obj, key.as_str())?.is_none() => {
                put_value(doc, obj, key.as_str(), &expected.value)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn object_at(doc: &AutoCommit, obj: &automerge::ObjId, key: &str) -> Option<automerge::ObjId> {
    match doc.get(obj, key) {
        Ok(Some((Value::Object(ObjType::Map), id))) => Some(id),
        _ => None,
    }
}
