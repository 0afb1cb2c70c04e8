//! Writing edits to IndexedDB, in order, without losing any: one queue for
//! every local edit, whoever makes it.
//!
//! [`Services::edit`] (an inspector's form) shows an edit at once (the
//! reducer) and queues it; [`Services::lead_edit`] queues the township
//! lead's and county staff's (see [`review`](super::review)). One flush at a
//! time takes the whole queue, reads each document *as stored now*, applies
//! its edits with the same `apply` the page used, reconciles
//! (`reconcile_body`, so conflicts are kept) and puts it back. Typing
//! quickly therefore costs one IndexedDB write per flush, not per
//! keystroke, and nothing written by a sync in between is overwritten.
//!
//! The lock is shared with the sync session's write-back and with reloads,
//! so no two read-change-write sequences on the store interleave.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::lock::Mutex;
use mopai_shared::doc::{hydrate_doc, open, reconcile_body};
use mopai_shared::ids::{DocId, FacilityId};
use mopai_shared::model::Facility;
use wasm_bindgen_futures::spawn_local;
use yew::Callback;

use super::Services;
use super::review::LeadEdit;
use crate::docs;
use crate::form::edit::{Edit, apply};
use crate::state::Action;

/// One edit waiting to be written.
pub(super) enum LocalEdit {
    /// A facility form edit (inspector or lead), already on screen.
    Facility(FacilityId, Edit),
    /// The lead's or county staff's work on their documents.
    Lead(LeadEdit),
}

#[derive(Default)]
pub(super) struct Writer {
    pub(super) lock: Mutex<()>,
    queue: RefCell<Vec<(u64, LocalEdit)>>,
    flushing: Cell<bool>,
    seq: Cell<u64>,
    /// The last edit known to be in IndexedDB (or known to have failed).
    persisted: Cell<u64>,
}

impl Services {
    /// Shows `edit` and saves it to the phone.
    pub fn edit(self: &Rc<Self>, facility: FacilityId, edit: Edit) {
        let seq = self.enqueue(LocalEdit::Facility(facility, edit.clone()));
        self.dispatch(Action::Edited {
            seq,
            facility,
            edit,
        });
    }

    /// Queues `edit` and starts a flush unless one runs; returns its number.
    pub(super) fn enqueue(self: &Rc<Self>, edit: LocalEdit) -> u64 {
        let seq = self.writer.seq.get() + 1;
        self.writer.seq.set(seq);
        self.writer.queue.borrow_mut().push((seq, edit));
        if !self.writer.flushing.replace(true) {
            let this = self.clone();
            spawn_local(async move { this.flush().await });
        }
        seq
    }

    async fn flush(self: Rc<Self>) {
        loop {
            let guard = self.writer.lock.lock().await;
            let batch = std::mem::take(&mut *self.writer.queue.borrow_mut());
            let Some(&(upto, _)) = batch.last() else {
                // Checked and cleared with no await in between: an edit
                // queued after this starts a new flush.
                self.writer.flushing.set(false);
                return;
            };
            let result = self.write_batch(batch).await;
            self.writer.persisted.set(upto);
            drop(guard);
            match result {
                Ok(facility_rewritten) => {
                    self.dispatch(Action::Persisted { upto });
                    // A resolved conflict changes a facility entry: reading
                    // it back also re-applies the form's pending edits.
                    if facility_rewritten {
                        self.reload();
                    }
                    self.sync_soon();
                }
                Err(message) => {
                    self.dispatch(Action::SaveFailed { upto, message });
                    self.reload();
                }
            }
        }
    }

    /// Writes the form edits, then the lead's; returns whether the lead's
    /// rewrote a facility document.
    async fn write_batch(&self, batch: Vec<(u64, LocalEdit)>) -> Result<bool, String> {
        let (mut forms, mut lead) = (Vec::new(), Vec::new());
        for (_, edit) in batch {
            match edit {
                LocalEdit::Facility(facility, edit) => forms.push((facility, edit)),
                LocalEdit::Lead(edit) => lead.push(edit),
            }
        }
        let written = match forms.is_empty() {
            true => Ok(()),
            false => self.write_forms(&forms).await,
        };
        let rewritten = match lead.is_empty() {
            true => Ok(false),
            false => self.write_lead(lead).await,
        };
        match (written, rewritten) {
            (Ok(()), Ok(rewritten)) => Ok(rewritten),
            (Err(a), Err(b)) => Err(format!("{a}；{b}")),
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }

    /// Writes form edits, one document read and write per facility.
    async fn write_forms(&self, batch: &[(FacilityId, Edit)]) -> Result<(), String> {
        let actor = self.actor().await?;
        let mut facilities: Vec<FacilityId> = batch.iter().map(|b| b.0).collect();
        facilities.sort();
        facilities.dedup();
        let mut failed = Vec::new();
        for facility in facilities {
            let id = DocId::facility(facility).to_string();
            let bytes = self.store.doc(&id).await?.ok_or("本机找不到该机构的记录")?;
            let mut doc = open(&bytes, actor.clone()).map_err(|e| e.to_string())?;
            let mut body: Facility = hydrate_doc(&doc).map_err(|e| e.to_string())?.body;
            for (_, edit) in batch.iter().filter(|b| b.0 == facility) {
                if let Err(e) = apply(&mut body, edit) {
                    failed.push(e.to_string());
                }
            }
            reconcile_body(&mut doc, &body).map_err(|e| e.to_string())?;
            self.store.put_doc(&id, &doc.save()).await?;
        }
        match failed.is_empty() {
            true => Ok(()),
            false => Err(format!("部分修改未能保存：{}", failed.join("；"))),
        }
    }

    /// Reads every document into the state again (after a sync, at start).
    pub fn reload(self: &Rc<Self>) {
        let this = self.clone();
        spawn_local(async move {
            let _guard = this.writer.lock.lock().await;
            let upto = this.writer.persisted.get();
            match this.store.all_docs().await {
                Ok(stored) => this.dispatch(Action::Loaded {
                    library: docs::load(stored),
                    upto,
                }),
                Err(e) => this.dispatch(Action::Failed(e.to_string())),
            }
        });
    }

    /// Creates a facility found on the spot in the user's township, with
    /// `setup` applied, and calls `done` with its id once it is stored.
    pub fn create_facility(
        self: &Rc<Self>,
        name: String,
        setup: Vec<Edit>,
        done: Callback<Result<FacilityId, String>>,
    ) {
        let this = self.clone();
        spawn_local(async move {
            let created = {
                let _guard = this.writer.lock.lock().await;
                this.store_new_facility(&name, &setup).await
            };
            match created {
                Ok(entry) => {
                    let id = entry.id;
                    this.dispatch(Action::FacilityStored(Box::new(entry)));
                    done.emit(Ok(id));
                    this.sync_soon();
                }
                Err(e) => done.emit(Err(e)),
            }
        });
    }

    async fn store_new_facility(
        &self,
        name: &str,
        setup: &[Edit],
    ) -> Result<docs::FacilityEntry, String> {
        let session = self.session().ok_or("尚未登录")?;
        let township = session
            .user
            .township
            .ok_or("只有乡镇排查员和分管领导可以新建机构记录")?;
        let actor = self.actor().await?;
        let (id, mut doc) = crate::facility::new_facility(name, township.id, actor)
            .map_err(|e| format!("无法创建记录：{e}"))?;
        let mut body: Facility = hydrate_doc(&doc).map_err(|e| e.to_string())?.body;
        for edit in setup {
            apply(&mut body, edit).map_err(|e| e.to_string())?;
        }
        reconcile_body(&mut doc, &body).map_err(|e| e.to_string())?;
        self.store.put_doc(&id.to_string(), &doc.save()).await?;
        let facility = id.facility_id().ok_or("机构编号无效")?;
        docs::facility_entry(facility, &doc, true)
    }
}
