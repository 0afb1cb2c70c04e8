//! Documents written on the server by the admin commands: facilities from an
//! imported list, and the county settings.
//!
//! They are made exactly as a phone makes them (shared `doc::create` with
//! the deterministic genesis, then `reconcile_body`) and stored as ordinary
//! change chunks with a sequence number, so phones pull them at their next
//! sync. Each command run writes under one fresh actor, bound to the server
//! on first use, so no phone can ever write under it.

use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit};
use mopai_shared::doc::{self, DocBody, DocHeader, Scope, hydrate_doc, reconcile_body};
use mopai_shared::ids::{CountyId, DocId};
use mopai_shared::model::CountySettings;

use super::{AdminError, AdminResult};
use crate::clock::unix_now;
use crate::gate::{self, Candidate, GateError, Writer};
use crate::storage::{ReadTx, WriteTx};

/// The meta key of the county's id, which names its settings document.
pub const COUNTY_ID_KEY: &str = "county_id";

/// Writes documents for one admin command run.
pub struct ServerWriter {
    actor: ActorId,
    /// Names the command in the actor binding and the audit log.
    command: String,
}

impl ServerWriter {
    pub fn new(command: &str) -> Self {
        Self {
            actor: ActorId::random(),
            command: format!("cli:{command}"),
        }
    }

    /// Creates and stores a new document.
    pub fn create<B: DocBody>(
        &self,
        tx: &WriteTx<'_>,
        id: DocId,
        scope: Scope,
        body: &B,
    ) -> AdminResult<()> {
        let mut doc = doc::create::<B>(&DocHeader::new(id, scope), self.actor.clone())?;
        reconcile_body(&mut doc, body)?;
        self.store(tx, id, &mut doc, &[])?;
        Ok(())
    }

    /// Loads a stored document, lets `edit` change its body, and stores the
    /// changes. Returns the body as written, or `None` when there is no such
    /// document. Writes nothing when `edit` changed nothing.
    pub fn update<B: DocBody + Clone>(
        &self,
        tx: &WriteTx<'_>,
        id: DocId,
        edit: impl FnOnce(&mut B),
    ) -> AdminResult<Option<B>> {
        let Some(mut doc) = load(tx, id)? else {
            return Ok(None);
        };
        doc.set_actor(self.actor.clone());
        let base = doc.get_heads();
        doc::migrate(&mut doc)?;
        let current = hydrate_doc::<B, _>(&doc)?;
        let mut body = current.body;
        edit(&mut body);
        reconcile_body(&mut doc, &body)?;
        self.store(tx, id, &mut doc, &base)?;
        Ok(Some(body))
    }

    /// Commits pending edits and stores them through the write gate, unless
    /// there are none.
    fn store(
        &self,
        tx: &WriteTx<'_>,
        id: DocId,
        doc: &mut AutoCommit,
        base: &[automerge::ChangeHash],
    ) -> AdminResult<()> {
        doc.commit_with(
            CommitOptions::default()
                .with_message(self.command.clone())
                .with_time(unix_now()),
        );
        if doc.get_heads() == base {
            return Ok(());
        }
        let writer = Writer::Server {
            actor: &self.actor,
            command: &self.command,
        };
        let mut candidate = Candidate {
            id,
            existed: !base.is_empty(),
            base_heads: base,
            doc,
        };
        let stored = tx
            .savepoint(|tx| {
                let admitted = gate::admit(tx, &writer, &mut candidate)?;
                Ok(gate::store(tx, &writer, &mut candidate, &admitted)?)
            })
            .map_err(|e: GateError| AdminError::invalid(format!("文档 {id} 未写入：{e}")))?;
        // Read models follow every write, as after a sync. New leads are not
        // announced: a command runs outside the server that streams them.
        crate::projection::refresh(tx, &[id], stored.seq)
            .map_err(|e| AdminError::invalid(format!("投影更新失败：{e}")))?;
        Ok(())
    }
}

fn load(tx: &ReadTx<'_>, id: DocId) -> AdminResult<Option<AutoCommit>> {
    tx.load_doc(id)
        .map_err(|e| AdminError::invalid(format!("文档 {id} 无法读取：{e}")))
}

/// The stored body of a document, migrated in memory if it is older.
pub fn read<B: DocBody>(tx: &ReadTx<'_>, id: DocId) -> AdminResult<Option<doc::Document<B>>> {
    let Some(mut doc) = load(tx, id)? else {
        return Ok(None);
    };
    doc::migrate(&mut doc)?;
    Ok(Some(hydrate_doc::<B, _>(&doc)?))
}

/// The id of the county's settings document, minted on first use.
pub fn settings_id(tx: &WriteTx<'_>) -> AdminResult<DocId> {
    let county = match stored_county_id(tx)? {
        Some(id) => id,
        None => {
            let id = CountyId::random();
            tx.set_meta(COUNTY_ID_KEY, &id.to_string())?;
            id
        }
    };
    Ok(DocId::settings(county))
}

fn stored_county_id(tx: &ReadTx<'_>) -> AdminResult<Option<CountyId>> {
    tx.meta(COUNTY_ID_KEY)?
        .map(|text| {
            text.parse::<CountyId>()
                .map_err(|e| AdminError::invalid(format!("stored county id: {e}")))
        })
        .transpose()
}

/// The county settings, if the document exists. Reads only: before the
/// county has an id, it has no settings either.
pub fn read_settings(tx: &ReadTx<'_>) -> AdminResult<Option<CountySettings>> {
    let Some(county) = stored_county_id(tx)? else {
        return Ok(None);
    };
    Ok(read::<CountySettings>(tx, DocId::settings(county))?.map(|d| d.body))
}

/// Applies `edit` to the county settings, creating the document (with the
/// defaults of DOMAIN §6 and every registered township) when it is missing.
pub fn update_settings(
    tx: &WriteTx<'_>,
    writer: &ServerWriter,
    edit: impl FnOnce(&mut CountySettings),
) -> AdminResult<CountySettings> {
    let id = settings_id(tx)?;
    if tx.doc_scope(id)?.is_some() {
        return writer
            .update(tx, id, edit)?
            .ok_or_else(|| AdminError::invalid("设置文档不存在"));
    }
    let mut settings = CountySettings {
        townships: super::townships::as_settings(&tx.townships()?),
        ..CountySettings::default()
    };
    edit(&mut settings);
    writer.create(tx, id, Scope::County, &settings)?;
    Ok(settings)
}
