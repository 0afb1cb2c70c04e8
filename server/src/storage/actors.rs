//! Automerge actor ids bound to the account (and device) that first used
//! them, so a document's history names real people and nobody can write
//! under somebody else's actor.

use super::sql::{Result, params};
use super::{ReadTx, WriteTx};
use mopai_shared::ids::UserId;

/// Who an actor id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorOwner {
    User(UserId),
    /// The admin commands (imports, settings): changes made on the server.
    Server,
}

impl ReadTx<'_> {
    pub fn actor_owner(&self, actor: &[u8]) -> Result<Option<ActorOwner>> {
        let owner: Option<Option<UserId>> = self.optional(
            "SELECT user_id FROM actors WHERE actor = ?1",
            params![actor],
            |r| r.get(0),
        )?;
        Ok(owner.map(|user| user.map_or(ActorOwner::Server, ActorOwner::User)))
    }
}

impl WriteTx<'_> {
    /// Binds an unbound actor; `device` names the phone or the command.
    pub fn bind_actor(
        &self,
        actor: &[u8],
        owner: ActorOwner,
        device: &str,
        now: i64,
    ) -> Result<()> {
        let user = match owner {
            ActorOwner::User(id) => Some(id),
            ActorOwner::Server => None,
        };
        self.execute(
            "INSERT INTO actors (actor, user_id, device, first_seen) VALUES (?1, ?2, ?3, ?4)",
            params![actor, user, device, now],
        )?;
        Ok(())
    }
}
