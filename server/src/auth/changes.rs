//! What incoming changes to one document must satisfy before they are
//! stored, checked after they were applied in memory and before the commit:
//!
//! 1. the document has one readable header naming this very document;
//! 2. a document that existed keeps its kind, entity and township;
//! 3. the user may write this kind in this scope, a township scope names a
//!    known township, and a township log is the log of its own township;
//! 4. every new change's actor is the user's own: an unknown actor is bound
//!    to the user and device now; one bound to anybody else (another user, or
//!    the server's admin commands) is refused. The shared genesis actor may
//!    make only the document's exact genesis change.
//!
//! A refusal fails the whole sync request, so its transaction rolls back and
//! nothing of it (documents, bindings, audit rows) is kept.

use std::collections::HashSet;

use automerge::{ActorId, AutoCommit, ChangeHash};
use mopai_shared::doc::{
    DocHeader, DocKind, Scope, genesis_actor, genesis_hash, read_header, township_unchanged,
};
use mopai_shared::ids::TownshipId;
use uuid::Uuid;

use super::{AuthUser, policy};
use crate::clock::unix_now;
use crate::error::{AppError, AppResult};
use crate::storage::WriteTx;
use crate::storage::actors::ActorOwner;
use crate::storage::audit::AuditEvent;

/// One document whose heads moved while receiving a sync message.
pub struct Received<'a> {
    pub id: &'a str,
    /// The document was stored before this message.
    pub existed: bool,
    /// Its heads before the message.
    pub base_heads: &'a [ChangeHash],
}

/// Checks the changes `doc` gained since `received.base_heads` and returns
/// the header, whose township the caller records.
pub fn authorize_changes(
    tx: &WriteTx<'_>,
    user: &AuthUser,
    device: Uuid,
    received: &Received<'_>,
    doc: &mut AutoCommit,
) -> AppResult<DocHeader> {
    let id = received.id;
    let header = read_header(doc).map_err(|e| {
        AppError::bad_request("doc_header_invalid", format!("文档 {id} 的文档头无效：{e}"))
    })?;
    if header.doc_id().to_string() != id {
        return Err(AppError::bad_request(
            "doc_header_mismatch",
            format!("文档 {id} 的文档头写的是 {}", header.doc_id()),
        ));
    }
    if received.existed {
        let before = doc
            .fork_at(received.base_heads)
            .map_err(|e| AppError::Internal(format!("fork {id} at its stored heads: {e}")))?;
        township_unchanged(&before, doc).map_err(|e| {
            AppError::forbidden(
                "doc_scope_changed",
                format!("不能改变文档 {id} 的归属：{e}"),
            )
        })?;
    }
    policy::authorize_write(user, header.kind, header.township)?;
    if header.kind == DocKind::TownshipLog
        && header.township != Scope::Township(TownshipId::from_uuid(header.entity))
    {
        return Err(AppError::forbidden(
            "township_log_mismatch",
            format!("乡镇工作台账 {id} 须属于它所记录的乡镇"),
        ));
    }
    if let Scope::Township(t) = header.township
        && tx.township(t)?.is_none()
    {
        return Err(AppError::forbidden(
            "unknown_township",
            format!("文档 {id} 属于未登记的乡镇"),
        ));
    }
    let count = check_actors(tx, user, device, &header, doc, received.base_heads)?;
    tx.audit(
        AuditEvent::SyncWrite,
        Some(user.id()),
        &format!("doc={id} changes={count} device={device}"),
        None,
        unix_now(),
    )?;
    Ok(header)
}

/// Returns the number of new changes.
fn check_actors(
    tx: &WriteTx<'_>,
    user: &AuthUser,
    device: Uuid,
    header: &DocHeader,
    doc: &mut AutoCommit,
    base_heads: &[ChangeHash],
) -> AppResult<usize> {
    let changes: Vec<(ActorId, ChangeHash)> = doc
        .get_changes_meta(base_heads)
        .into_iter()
        .map(|c| (c.actor.into_owned(), c.hash))
        .collect();
    let genesis = genesis_actor(header);
    let mut checked = HashSet::new();
    for (actor, hash) in &changes {
        if *actor == genesis {
            let expected = genesis_hash(header)
                .map_err(|e| AppError::Internal(format!("genesis of {header:?}: {e}")))?;
            if *hash != expected {
                return Err(AppError::forbidden(
                    "genesis_actor_misused",
                    "同步数据冒用了文档的创建标识，已拒绝",
                ));
            }
        } else if checked.insert(actor.clone()) {
            check_actor(tx, user, device, actor)?;
        }
    }
    Ok(changes.len())
}

fn check_actor(tx: &WriteTx<'_>, user: &AuthUser, device: Uuid, actor: &ActorId) -> AppResult<()> {
    match tx.actor_owner(actor.to_bytes())? {
        None => Ok(tx.bind_actor(
            actor.to_bytes(),
            ActorOwner::User(user.id()),
            &device.to_string(),
            unix_now(),
        )?),
        Some(ActorOwner::User(owner)) if owner == user.id() => Ok(()),
        Some(_) => Err(AppError::forbidden(
            "actor_bound_to_other_user",
            "同步数据中有其他用户的修改记录，已拒绝；请在本人登录的设备上同步",
        )),
    }
}
