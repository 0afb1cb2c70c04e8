//! Writing the township lead's work to IndexedDB: review decisions and
//! plans, the township log, and conflict picks on facility documents; and
//! county staff's online checks, which are the same read-change-write of a
//! document the inspector's writer does not handle.
//!
//! These edits join the one queue of [`writer`](mod@super::writer): one
//! flush at a time takes the whole queue under the store lock, and this
//! module reads each of these documents *as stored now* (creating a review
//! or log document from the shared genesis when the phone has none, so two
//! leads' copies merge), applies the edits in order, reconciles
//! (`reconcile_body`, which keeps conflicts) and puts it back, then syncs
//! soon. Typing into the log therefore costs one write per flush, not per
//! keystroke.

use std::rc::Rc;

use automerge::{ActorId, AutoCommit};
use mopai_shared::doc::{DocBody, DocHeader, Scope, create, hydrate_doc, open, reconcile_body};
use mopai_shared::ids::{DocId, FacilityId, TownshipId};

use super::Services;
use super::writer::LocalEdit;
use crate::county::{self, CountyEdit};
use crate::review::action::ReviewAction;
use crate::review::conflict::{ConflictPick, resolve};
use crate::review::edit::{self, ReviewEdit};
use crate::review::log::{self, LogEdit};
use crate::state::Action;

/// One thing the lead did, with the township its document lives in.
#[derive(Debug, Clone, PartialEq)]
pub enum LeadEdit {
    Review {
        facility: FacilityId,
        township: TownshipId,
        edit: ReviewEdit,
    },
    Log {
        township: TownshipId,
        edit: LogEdit,
    },
    /// Settle a field of the facility document.
    Resolve {
        facility: FacilityId,
        pick: ConflictPick,
    },
    /// County staff's change to a facility's county document, which lives
    /// in the facility's township.
    County {
        facility: FacilityId,
        township: TownshipId,
        edit: CountyEdit,
    },
}

impl LeadEdit {
    fn doc(&self) -> DocId {
        match self {
            LeadEdit::Review { facility, .. } => DocId::review(*facility),
            LeadEdit::Log { township, .. } => DocId::township_log(*township),
            LeadEdit::Resolve { facility, .. } => DocId::facility(*facility),
            LeadEdit::County { facility, .. } => DocId::county(*facility),
        }
    }
}

impl Services {
    /// Saves what the lead did; the page shows it once it is on the phone.
    /// It joins the one queue of local edits ([`writer`](super::writer)).
    pub fn lead_edit(self: &Rc<Self>, edit: LeadEdit) {
        self.enqueue(LocalEdit::Lead(edit));
    }

    /// Writes a batch, one read and write per document, in first-seen order.
    /// Returns whether a facility document changed.
    pub(super) async fn write_lead(&self, batch: Vec<LeadEdit>) -> Result<bool, String> {
        let actor = self.actor().await?;
        let mut docs: Vec<DocId> = Vec::new();
        for edit in &batch {
            if !docs.contains(&edit.doc()) {
                docs.push(edit.doc());
            }
        }
        let mut failed = Vec::new();
        let mut facility_changed = false;
        for id in docs {
            let edits: Vec<&LeadEdit> = batch.iter().filter(|e| e.doc() == id).collect();
            let outcome = match edits[0] {
                LeadEdit::Review {
                    facility, township, ..
                } => {
                    let mine = edits.iter().filter_map(|e| match e {
                        LeadEdit::Review { edit, .. } => Some(edit),
                        _ => None,
                    });
                    let (review, failed) = self
                        .rewrite(id, *township, &actor, mine, edit::apply)
                        .await?;
                    let (facility, review) = (*facility, Box::new(review));
                    self.dispatch(Action::Review(ReviewAction::ReviewStored {
                        facility,
                        review,
                    }));
                    failed
                }
                LeadEdit::Log { township, .. } => {
                    let mine = edits.iter().filter_map(|e| match e {
                        LeadEdit::Log { edit, .. } => Some(edit),
                        _ => None,
                    });
                    let (log, failed) = self
                        .rewrite(id, *township, &actor, mine, log::apply)
                        .await?;
                    let (township, log) = (*township, Box::new(log));
                    self.dispatch(Action::Review(ReviewAction::LogStored { township, log }));
                    failed
                }
                LeadEdit::Resolve { facility, .. } => {
                    facility_changed = true;
                    self.resolve_picks(id, *facility, &actor, &edits).await?
                }
                LeadEdit::County {
                    facility, township, ..
                } => {
                    let mine = edits.iter().filter_map(|e| match e {
                        LeadEdit::County { edit, .. } => Some(edit),
                        _ => None,
                    });
                    let (record, failed) = self
                        .rewrite(id, *township, &actor, mine, county::apply)
                        .await?;
                    let (facility, record) = (*facility, Box::new(record));
                    self.dispatch(Action::CountyStored { facility, record });
                    failed
                }
            };
            failed.extend(outcome);
        }
        match failed.is_empty() {
            true => Ok(facility_changed),
            false => Err(format!("部分操作未能保存：{}", failed.join("；"))),
        }
    }

    /// Reads (or creates) a review, log or county document, applies `edits` to its body,
    /// and stores it. Returns the stored body and the messages of edits that
    /// could not be applied (the others are kept).
    async fn rewrite<'a, B: DocBody + Clone, E: 'a, Why: ToString>(
        &self,
        id: DocId,
        township: TownshipId,
        actor: &ActorId,
        edits: impl Iterator<Item = &'a E>,
        apply: fn(&mut B, &E) -> Result<(), Why>,
    ) -> Result<(B, Vec<String>), String> {
        let mut doc = self.open_or_create::<B>(id, township, actor).await?;
        let mut body: B = hydrate_doc(&doc).map_err(|e| e.to_string())?.body;
        // An edit whose result the server's write gate would refuse is not
        // applied, as for a facility (see `form::edit::apply`).
        let failed: Vec<String> = edits
            .filter_map(|e| {
                let mut next = body.clone();
                if let Err(why) = apply(&mut next, e) {
                    return Some(why.to_string());
                }
                if let Err(fault) = mopai_shared::gate::check_edit(&body, &next) {
                    return Some(fault.message);
                }
                body = next;
                None
            })
            .collect();
        reconcile_body(&mut doc, &body).map_err(|e| e.to_string())?;
        self.store.put_doc(&id.to_string(), &doc.save()).await?;
        Ok((body, failed))
    }

    async fn open_or_create<B: DocBody>(
        &self,
        id: DocId,
        township: TownshipId,
        actor: &ActorId,
    ) -> Result<AutoCommit, String> {
        match self.store.doc(&id.to_string()).await? {
            Some(bytes) => open(&bytes, actor.clone()).map_err(|e| e.to_string()),
            // The shared genesis: another lead's copy of this document merges.
            None => create::<B>(
                &DocHeader::new(id, Scope::Township(township)),
                actor.clone(),
            )
            .map_err(|e| format!("无法创建记录：{e}")),
        }
    }

    async fn resolve_picks(
        &self,
        id: DocId,
        facility: FacilityId,
        actor: &ActorId,
        edits: &[&LeadEdit],
    ) -> Result<Vec<String>, String> {
        let bytes = self
            .store
            .doc(&id.to_string())
            .await?
            .ok_or("本机找不到该机构的记录")?;
        let mut doc = open(&bytes, actor.clone()).map_err(|e| e.to_string())?;
        let failed = edits
            .iter()
            .filter_map(|e| match e {
                LeadEdit::Resolve { pick, .. } => resolve(&mut doc, facility, pick).err(),
                _ => None,
            })
            .collect();
        self.store.put_doc(&id.to_string(), &doc.save()).await?;
        Ok(failed)
    }
}
