//! Who writes, and whose changes a candidate carries.
//!
//! Every new change's actor must be the writer's own. A phone's unknown
//! actor is bound to the user and device on first sight; one bound to
//! anybody else (another user, or the server's admin commands) is refused.
//! An admin command writes under one fresh actor per run, bound to the
//! server. The shared genesis actor may make only the document's exact
//! genesis change, which any writer may bring.

use std::collections::HashSet;

use automerge::{ActorId, AutoCommit, ChangeHash};
use mopai_shared::doc::{DocHeader, genesis_actor, genesis_hash};
use mopai_shared::gate::Fault;
use mopai_shared::roles::Principal;
use mopai_shared::sync::RefusalCode;
use uuid::Uuid;

use super::GateResult;
use crate::auth::AuthUser;
use crate::clock::unix_now;
use crate::error::AppError;
use crate::storage::WriteTx;
use crate::storage::actors::ActorOwner;
use crate::storage::audit::AuditEvent;

/// Whoever a write comes from.
pub enum Writer<'a> {
    /// A logged-in user's device, through `POST /api/sync`.
    Phone { user: &'a AuthUser, device: Uuid },
    /// An admin command run (`cli:<command>`), under its own actor.
    Server {
        actor: &'a ActorId,
        command: &'a str,
    },
}

impl Writer<'_> {
    /// The rules' view of the writer; `None` for the server itself.
    pub fn principal(&self) -> Option<Principal> {
        match self {
            Writer::Phone { user, .. } => Some(user.principal()),
            Writer::Server { .. } => None,
        }
    }

    pub(super) fn audit_as(&self) -> (AuditEvent, Option<mopai_shared::ids::UserId>) {
        match self {
            Writer::Phone { user, .. } => (AuditEvent::SyncWrite, Some(user.id())),
            Writer::Server { .. } => (AuditEvent::AdminWrite, None),
        }
    }

    pub(super) fn describe(&self) -> String {
        match self {
            Writer::Phone { device, .. } => format!("device={device}"),
            Writer::Server { command, .. } => format!("by={command}"),
        }
    }

    /// Checks the actors of the changes since `base_heads` and returns how
    /// many changes there are.
    pub(super) fn check_actors(
        &self,
        tx: &WriteTx<'_>,
        header: &DocHeader,
        doc: &mut AutoCommit,
        base_heads: &[ChangeHash],
    ) -> GateResult<usize> {
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
                    return Err(refused("同步数据冒用了文档的创建标识").into());
                }
            } else if checked.insert(actor.clone()) {
                self.check_actor(tx, actor)?;
            }
        }
        Ok(changes.len())
    }

    fn check_actor(&self, tx: &WriteTx<'_>, actor: &ActorId) -> GateResult<()> {
        let owner = tx.actor_owner(actor.to_bytes())?;
        match (self, owner) {
            (Writer::Phone { user, device }, None) => Ok(tx.bind_actor(
                actor.to_bytes(),
                ActorOwner::User(user.id()),
                &device.to_string(),
                unix_now(),
            )?),
            (Writer::Phone { user, .. }, Some(ActorOwner::User(owner))) if owner == user.id() => {
                Ok(())
            }
            (
                Writer::Server {
                    actor: ours,
                    command,
                },
                owner,
            ) if *ours == actor => {
                if owner.is_none() {
                    tx.bind_actor(actor.to_bytes(), ActorOwner::Server, command, unix_now())?;
                }
                Ok(())
            }
            _ => Err(refused("同步数据中有其他用户的修改记录；请在本人登录的设备上同步").into()),
        }
    }
}

fn refused(detail: &str) -> Fault {
    Fault::new(RefusalCode::ActorNotYours, "", detail)
}
