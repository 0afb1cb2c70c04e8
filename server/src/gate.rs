//! The write gate: the one function every document write passes before its
//! transaction commits, whoever writes (a phone's sync, an admin command, an
//! import, the demo). CouchDB's `validate_doc_update` is the nearest kin.
//!
//! A candidate is the stored document with the incoming changes merged in.
//! [`admit`] judges the candidate's state, in this order, and answers with a
//! [`Fault`] naming the field, or with the typed body:
//!
//! 1. the header is readable and names this very document;
//! 2. the writer's role writes this kind at all (asked first, so that the
//!    answer never depends on which documents exist);
//! 3. header fields are write-once: kind, entity and township never change,
//!    and the schema version only rises, to this build's;
//! 4. scope from the server's own records: a review or county record takes
//!    its township from its stored facility, a township log's township is
//!    its entity, the settings belong to this county; the township must be
//!    registered, and the writer's township must allow the write. A foreign
//!    owner and an unknown one get the same [`RefusalCode::NotInScope`];
//! 5. every new change's actor is the writer's own ([`actors`]);
//! 6. the content checks shared with the phone ([`mopai_shared::gate`]):
//!    schema version, sizes, shape, values, ids within the document;
//! 7. ids across the county: a visit id belongs to one facility for ever.
//!
//! [`store`] then writes an admitted candidate: changes, scope, visit
//! receipts (the server's clock, see `projection`), audit.
//!
//! - [`actors`]: whose changes a candidate carries.
//! - [`scan`]: stored documents checked once against the current rules, after a start.

pub mod actors;
pub mod scan;

use automerge::{AutoCommit, ChangeHash};
use mopai_shared::doc::{DocHeader, DocKind, SCHEMA_VERSION, Scope, read_header};
use mopai_shared::gate::{Body, Fault, check_document};
use mopai_shared::ids::{CountyId, DocId, FacilityId, TownshipId};
use mopai_shared::roles::Principal;
use mopai_shared::sync::RefusalCode;

use crate::clock::unix_now;
use crate::error::AppError;
use crate::storage::WriteTx;
use crate::storage::scope::RecordedScope;
use crate::storage::{DocWrite, StoredDocMeta};

pub use actors::Writer;

/// A refusal, or a fault of the server's own (which fails the request).
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("{}", .0.message)]
    Refused(Fault),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<Fault> for GateError {
    fn from(f: Fault) -> Self {
        Self::Refused(f)
    }
}

impl From<crate::storage::Error> for GateError {
    fn from(e: crate::storage::Error) -> Self {
        Self::App(e.into())
    }
}

pub type GateResult<T> = Result<T, GateError>;

/// One document about to be written.
pub struct Candidate<'a> {
    pub id: DocId,
    /// The document was stored before these changes.
    pub existed: bool,
    /// Heads of the stored version (empty for a new document).
    pub base_heads: &'a [ChangeHash],
    /// The stored document with the incoming changes merged in.
    pub doc: &'a mut AutoCommit,
}

/// A candidate that may be stored, with what the gate learnt of it.
#[derive(Debug)]
pub struct Admitted {
    pub header: DocHeader,
    pub body: Body,
    /// New changes the candidate carries.
    pub changes: usize,
}

/// Judges one candidate; nothing is written here but actor bindings, which
/// the caller's savepoint discards with a refusal.
pub fn admit(tx: &WriteTx<'_>, writer: &Writer<'_>, c: &mut Candidate<'_>) -> GateResult<Admitted> {
    let header =
        read_header(&*c.doc).map_err(|e| Fault::new(RefusalCode::HeaderInvalid, "header", e))?;
    if header.doc_id() != c.id {
        return Err(Fault::new(
            RefusalCode::HeaderInvalid,
            "header",
            format!("文档头写的是 {}", header.doc_id()),
        )
        .into());
    }
    refuse_unwritten_kind(writer.principal(), header.kind)?;
    if c.existed {
        let before = c
            .doc
            .fork_at(c.base_heads)
            .map_err(|e| AppError::Internal(format!("fork {} at its stored heads: {e}", c.id)))?;
        header_unchanged(&before, &header)?;
    }
    let scope = owner_scope(tx, &header)?;
    authorize(writer.principal(), header.kind, scope)?;
    let changes = writer.check_actors(tx, &header, c.doc, c.base_heads)?;
    let (header, body) = check_document(&*c.doc)?;
    if let Body::Facility(facility) = &body {
        let facility_id = c.id.uuid;
        for visit in &facility.visits {
            if tx
                .visit_owner(visit.id)?
                .is_some_and(|owner| owner.as_uuid() != facility_id)
            {
                return Err(Fault::new(
                    RefusalCode::IdDuplicate,
                    format!("visits[{}]", visit.id),
                    "该走访记录编号已属于另一家机构",
                )
                .into());
            }
        }
    }
    Ok(Admitted {
        header,
        body,
        changes,
    })
}

/// Kind, entity and township as stored; the version may only rise to ours.
fn header_unchanged(before: &AutoCommit, after: &DocHeader) -> Result<(), Fault> {
    let before =
        read_header(before).map_err(|e| Fault::new(RefusalCode::HeaderInvalid, "header", e))?;
    let changed = |field: &str, was: String, now: String| {
        Fault::new(
            RefusalCode::HeaderChanged,
            format!("header.{field}"),
            format!("原为 {was:.80}，改成了 {now:.80}"),
        )
    };
    if before.kind != after.kind {
        return Err(changed(
            "kind",
            before.kind.to_string(),
            after.kind.to_string(),
        ));
    }
    if before.entity != after.entity {
        return Err(changed(
            "entity",
            before.entity.to_string(),
            after.entity.to_string(),
        ));
    }
    if before.township != after.township {
        return Err(changed(
            "township",
            before.township.to_string(),
            after.township.to_string(),
        ));
    }
    let raised_to_ours =
        before.schema_version < after.schema_version && after.schema_version == SCHEMA_VERSION;
    if before.schema_version != after.schema_version && !raised_to_ours {
        return Err(changed(
            "schema_version",
            before.schema_version.to_string(),
            after.schema_version.to_string(),
        ));
    }
    Ok(())
}

/// The one answer for a document outside the writer's scope, whether its
/// owner is foreign or unknown.
pub fn not_in_scope() -> Fault {
    Fault::new(
        RefusalCode::NotInScope,
        "header.township",
        "服务器上没有您可以修改的这条记录",
    )
}

/// The scope the server's records give this document; the header's
/// township must agree with it.
fn owner_scope(tx: &WriteTx<'_>, header: &DocHeader) -> GateResult<Scope> {
    let registered = |t: TownshipId| -> GateResult<Scope> {
        match tx.township(t)? {
            Some(_) => Ok(Scope::Township(t)),
            None => Err(not_in_scope().into()),
        }
    };
    let scope = match header.kind {
        DocKind::Facility => match header.township {
            Scope::Township(t) => registered(t)?,
            Scope::County => return Err(not_in_scope().into()),
        },
        DocKind::Review | DocKind::County => {
            let facility = DocId::facility(FacilityId::from_uuid(header.entity));
            match tx.doc_scope(facility)? {
                Some(RecordedScope::Scope(s @ Scope::Township(_))) => s,
                _ => return Err(not_in_scope().into()),
            }
        }
        DocKind::TownshipLog => registered(TownshipId::from_uuid(header.entity))?,
        DocKind::Settings => {
            let ours = tx
                .meta(crate::admin::docs::COUNTY_ID_KEY)?
                .and_then(|id| id.parse::<CountyId>().ok());
            if ours.is_some_and(|c| c.as_uuid() != header.entity) {
                return Err(not_in_scope().into());
            }
            Scope::County
        }
    };
    if header.township != scope {
        return Err(not_in_scope().into());
    }
    Ok(scope)
}

/// A role that never writes this kind is told so before any record is
/// looked up, so the answer says nothing about which documents exist.
fn refuse_unwritten_kind(principal: Option<Principal>, kind: DocKind) -> Result<(), Fault> {
    match principal {
        Some(p) if !p.role.writes_kind(kind) => Err(Fault::new(
            RefusalCode::WriteNotAllowed,
            "",
            format!("{}不能修改{}", p.role.label_zh(), kind.label_zh()),
        )),
        _ => Ok(()),
    }
}

/// The answer for changes to a stored document the writer may not read:
/// the same as for an unknown document outside their scope.
pub fn refuse_unreadable(writer: &Writer<'_>, kind: DocKind) -> Fault {
    refuse_unwritten_kind(writer.principal(), kind)
        .err()
        .unwrap_or_else(not_in_scope)
}

fn authorize(principal: Option<Principal>, kind: DocKind, scope: Scope) -> Result<(), Fault> {
    match principal {
        Some(p) if !p.may_write(kind, scope) => Err(not_in_scope()),
        // The server's own commands write every kind.
        _ => Ok(()),
    }
}

/// Writes an admitted candidate and returns its sequence number: the
/// changes, the document's scope, the first receipt of each visit, audit.
/// Projections follow in the caller, once per request.
pub fn store(
    tx: &WriteTx<'_>,
    writer: &Writer<'_>,
    c: &mut Candidate<'_>,
    admitted: &Admitted,
) -> Result<StoredDocMeta, AppError> {
    let id = c.id;
    let now = unix_now();
    let seq = tx.append_changes(DocWrite {
        id,
        doc: c.doc,
        base_heads: c.base_heads,
    })?;
    tx.record_doc_scope(id, admitted.header.township)?;
    if let Body::Facility(facility) = &admitted.body {
        let facility_id =
            c.id.facility_id()
                .expect("a facility document names a facility");
        for visit in &facility.visits {
            let arrived = visit.arrived_at.map(|t| t.to_string());
            tx.record_visit_receipt(visit.id, facility_id, arrived.as_deref(), now)?;
        }
    }
    let (event, user) = writer.audit_as();
    tx.audit(
        event,
        user,
        &format!(
            "doc={id} changes={} {}",
            admitted.changes,
            writer.describe()
        ),
        None,
        now,
    )?;
    Ok(StoredDocMeta {
        id,
        kind: id.kind,
        seq,
    })
}
