//! Creating, opening, reading and writing a document as a typed value.
//!
//! A new document starts with a *genesis* change that is the same bytes on
//! every device: a fixed actor derived from the document id, time 0, the
//! header and an empty body. Two phones that create the same facility's
//! review document offline therefore share its root objects, and their later
//! edits merge field by field instead of colliding as two roots.

use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit, ChangeHash, ROOT};
use autosurgeon::{HydrateError, ReconcileError, hydrate_prop, reconcile_prop};

use super::header::{BODY, HEADER, HeaderError, read_header};
use super::keep::KeepConflicts;
use super::migrate::{MigrateError, SCHEMA_VERSION, migrate};
use super::{DocBody, DocHeader, DocKind, Scope};
use crate::model::{CountyRecord, CountySettings, Facility, FacilityReview, TownshipLog};

/// A hydrated document: the header as stored, the body as the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Document<B> {
    pub header: DocHeader,
    pub body: B,
}

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error(transparent)]
    Header(#[from] HeaderError),
    #[error("expected a {expected} document, found {found}")]
    WrongKind { expected: DocKind, found: DocKind },
    #[error("document is at schema version {found}, expected {SCHEMA_VERSION}: migrate it first")]
    WrongVersion { found: u32 },
    /// Boxed: a migration error carries Automerge's large error types.
    #[error(transparent)]
    Migrate(Box<MigrateError>),
    #[error(transparent)]
    Hydrate(#[from] HydrateError),
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
    #[error(transparent)]
    Automerge(#[from] automerge::AutomergeError),
}

impl From<MigrateError> for DocError {
    fn from(e: MigrateError) -> Self {
        Self::Migrate(Box::new(e))
    }
}

/// A new document of kind `B` whose later changes are made by `actor`.
pub fn create<B: DocBody>(header: &DocHeader, actor: ActorId) -> Result<AutoCommit, DocError> {
    expect_kind::<B>(header)?;
    let mut doc = AutoCommit::new().with_actor(genesis_actor(header));
    reconcile_prop(&mut doc, ROOT, HEADER, header)?;
    reconcile_prop(&mut doc, ROOT, BODY, B::default())?;
    doc.commit_with(CommitOptions::default().with_time(0));
    doc.set_actor(actor);
    Ok(doc)
}

/// Loads saved bytes for editing by `actor`, migrating them if older.
pub fn open(bytes: &[u8], actor: ActorId) -> Result<AutoCommit, DocError> {
    let mut doc = AutoCommit::load(bytes)?.with_actor(actor);
    migrate(&mut doc)?;
    Ok(doc)
}

/// Reads the whole document as `B`. Re-hydrate after every merge: the typed
/// value does not follow the document by itself.
pub fn hydrate_doc<B, D>(doc: &D) -> Result<Document<B>, DocError>
where
    B: DocBody,
    D: automerge::ReadDoc + autosurgeon::ReadDoc,
{
    let header = current_header::<B, D>(doc)?;
    let body = hydrate_prop(doc, ROOT, BODY)?;
    Ok(Document { header, body })
}

/// Writes `body` into `doc` as changes by `doc`'s actor. Only fields that
/// differ are written, and a field that still holds concurrent values keeps
/// them unless `body` gives it a new value. The header is never written here.
pub fn reconcile_body<B: DocBody>(doc: &mut AutoCommit, body: &B) -> Result<(), DocError> {
    current_header::<B, _>(doc)?;
    reconcile_prop(&mut KeepConflicts(doc), ROOT, BODY, body)?;
    Ok(())
}

/// The header, provided the document is of kind `B` at this build's version.
fn current_header<B: DocBody, D: automerge::ReadDoc>(doc: &D) -> Result<DocHeader, DocError> {
    let header = read_header(doc)?;
    expect_kind::<B>(&header)?;
    if header.schema_version != SCHEMA_VERSION {
        return Err(DocError::WrongVersion {
            found: header.schema_version,
        });
    }
    Ok(header)
}

fn expect_kind<B: DocBody>(header: &DocHeader) -> Result<(), DocError> {
    if header.kind == B::KIND {
        Ok(())
    } else {
        Err(DocError::WrongKind {
            expected: B::KIND,
            found: header.kind,
        })
    }
}

/// The same for every device that creates this document with this header;
/// never used after genesis, so its sequence numbers cannot collide. The
/// whole header goes in: two geneses that differ (another township, another
/// schema version) must not share an actor, or Automerge would refuse to
/// merge them instead of showing the clash as a header conflict.
pub fn genesis_actor(header: &DocHeader) -> ActorId {
    let mut bytes = header.entity.as_bytes().to_vec();
    bytes.extend_from_slice(header.kind.code().as_bytes());
    bytes.extend_from_slice(&header.schema_version.to_be_bytes());
    match header.township {
        Scope::Township(t) => bytes.extend_from_slice(t.as_uuid().as_bytes()),
        Scope::County => bytes.extend_from_slice(b"county"),
    }
    ActorId::from(bytes)
}

/// The hash of the genesis change [`create`] makes for `header`, the same on
/// every device. The server accepts a change by [`genesis_actor`] only when
/// it is exactly this one: anyone may start a document, nobody may write
/// under the shared actor afterwards.
pub fn genesis_hash(header: &DocHeader) -> Result<ChangeHash, DocError> {
    let actor = genesis_actor(header);
    let mut doc = match header.kind {
        DocKind::Facility => create::<Facility>(header, actor)?,
        DocKind::Review => create::<FacilityReview>(header, actor)?,
        DocKind::County => create::<CountyRecord>(header, actor)?,
        DocKind::TownshipLog => create::<TownshipLog>(header, actor)?,
        DocKind::Settings => create::<CountySettings>(header, actor)?,
    };
    let heads = doc.get_heads();
    // `create` commits exactly one change on an empty document.
    Ok(*heads
        .first()
        .expect("a created document has its genesis head"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DocId, FacilityId, TownshipId};

    #[test]
    fn genesis_hash_is_the_hash_of_every_devices_genesis() {
        let header = DocHeader::new(
            DocId::review(FacilityId::random()),
            Scope::Township(TownshipId::random()),
        );
        let mut doc = create::<FacilityReview>(&header, ActorId::random()).unwrap();
        assert_eq!(doc.get_heads(), vec![genesis_hash(&header).unwrap()]);
        let moved = DocHeader {
            township: Scope::Township(TownshipId::random()),
            ..header
        };
        assert_ne!(
            genesis_hash(&moved).unwrap(),
            genesis_hash(&header).unwrap()
        );
    }
}
