//! The server half of the sync protocol.
//!
//! For one request: check the limits, then in one SQLite transaction receive
//! each document's sync message on the stored document, pass the candidate
//! through the write gate ([`crate::gate`]), append the admitted changes,
//! and build the reply. Each document is judged inside its own savepoint: a
//! refused one leaves no trace and is listed in [`SyncResponse::refused`],
//! and the other documents of the request are stored as usual. The reply is
//! sent only after the commit, so an acknowledged change is durable.
//!
//! The server keeps no per-device sync state: it answers each message from a
//! fresh `sync::State`, and the client resumes from its own saved state.
//!
//! Hostile input: each message passes [`limits::check_message`] (hash
//! counts, Bloom filter shapes) before Automerge sees it, and a write that
//! would leave a document with more concurrent branches than a message may
//! list ([`limits::check_heads`]) is refused.
//!
//! No existence oracle: a document outside the user's read scope is treated
//! exactly as an unknown one (an empty document), so a message without
//! changes gets the same answer for both, and changes to either are refused
//! with the same `not_in_scope`.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use automerge::AutoCommit;
use automerge::sync::{Message, State, SyncDoc};
use mopai_shared::dashboard::Lead;
use mopai_shared::doc::DocKind;
use mopai_shared::gate::Fault;
use mopai_shared::ids::DocId;
pub use mopai_shared::sync::MAX_DOCS_PER_REQUEST;
use mopai_shared::sync::{
    DocMessage, PROTOCOL_VERSION, Refusal, RefusalCode, SyncRequest, SyncResponse, limits,
};

use crate::auth::{AuthUser, policy};
use crate::error::{AppError, AppResult};
use crate::gate::{self, Candidate, GateError, GateResult, Writer};
use crate::storage::{Storage, WriteTx};

/// Changed-document ids one response lists; the client asks again for more.
pub const MAX_CHANGED_PER_RESPONSE: usize = 1000;
/// New Automerge changes one request may bring; a phone with more sends them
/// over several requests.
pub const MAX_CHANGES_PER_REQUEST: usize = 20_000;
/// Automerge work one request may take before it is abandoned (and rolled back).
const TIME_BUDGET: Duration = Duration::from_secs(20);

/// What one request did: the reply, and the leads to announce once committed.
#[derive(Debug)]
pub struct Handled {
    pub response: SyncResponse,
    pub leads: Vec<Lead>,
}

/// Applies one request and returns the reply. Blocking: run off the runtime.
pub fn handle(storage: &Storage, user: &AuthUser, request: SyncRequest) -> AppResult<Handled> {
    check_limits(&request)?;
    // Automerge is not expected to panic on hostile input, but if it does the
    // transaction rolls back on unwind and the client gets a refusal, not a
    // dropped connection.
    catch_unwind(AssertUnwindSafe(|| {
        storage.write(|tx| exchange(tx, user, &request))
    }))
    .unwrap_or_else(|_| {
        Err(AppError::bad_request(
            "sync_message_rejected",
            "同步数据无法处理，已拒绝，服务器数据未改变",
        ))
    })
}

fn check_limits(request: &SyncRequest) -> AppResult<()> {
    if request.docs.len() > MAX_DOCS_PER_REQUEST {
        return Err(AppError::bad_request(
            "too_many_docs",
            format!("一次同步最多 {MAX_DOCS_PER_REQUEST} 个文档"),
        ));
    }
    let mut seen = BTreeSet::new();
    for m in &request.docs {
        if !seen.insert(m.doc.as_str()) {
            return Err(AppError::bad_request(
                "duplicate_doc",
                format!("文档 {:.80} 在同一请求中出现了两次", m.doc),
            ));
        }
    }
    Ok(())
}

/// Running totals that keep one request's Automerge work bounded. A
/// document that would go over them is left for the phone's next request
/// (no answer, nothing stored), never refused with the whole request: one
/// large document must not stop a phone from syncing the rest.
struct Budget {
    started: Instant,
    changes: usize,
}

impl Budget {
    fn spent(&self) -> bool {
        self.started.elapsed() > TIME_BUDGET || self.changes >= MAX_CHANGES_PER_REQUEST
    }

    fn fits(&self, changes: usize) -> bool {
        self.changes + changes <= MAX_CHANGES_PER_REQUEST
    }
}

/// Facilities before the documents that belong to them, so a review and its
/// new facility can arrive in one request.
fn write_order(kind: DocKind) -> u8 {
    match kind {
        DocKind::Review | DocKind::County => 1,
        DocKind::Facility | DocKind::TownshipLog | DocKind::Settings => 0,
    }
}

fn exchange(tx: &WriteTx<'_>, user: &AuthUser, request: &SyncRequest) -> AppResult<Handled> {
    let current = tx.current_seq()?;
    if request.checkpoint > current {
        return Err(AppError::bad_request(
            "checkpoint_ahead",
            format!(
                "同步检查点 {} 超出服务器的记录（{current}），请从头同步",
                request.checkpoint
            ),
        ));
    }
    let mut budget = Budget {
        started: Instant::now(),
        changes: 0,
    };
    let writer = Writer::Phone {
        user,
        device: request.device,
    };
    let mut messages = Vec::with_capacity(request.docs.len());
    let mut refused = Vec::new();
    for message in &request.docs {
        match message.doc.parse::<DocId>() {
            Ok(id) => messages.push((id, message)),
            Err(_) => refused.push(Refusal::new(
                format!("{:.80}", message.doc),
                RefusalCode::DocIdInvalid,
                "",
                format!(
                    "{}：{:.80}",
                    RefusalCode::DocIdInvalid.label_zh(),
                    message.doc
                ),
            )),
        }
    }
    messages.sort_by_key(|(id, _)| write_order(id.kind));

    let mut replies = Vec::with_capacity(messages.len());
    let mut written = Vec::new();
    let mut last_seq = None;
    for (id, message) in messages {
        let received = if budget.spent() {
            Ok(Received::Deferred)
        } else {
            tx.savepoint(|tx| {
                // A panic in Automerge on one document refuses that document;
                // the savepoint undoes whatever it had written.
                catch_unwind(AssertUnwindSafe(|| {
                    receive_one(tx, &writer, id, message, &mut budget)
                }))
                .unwrap_or_else(|_| Err(message_invalid("处理时出错")))
            })
        };
        match received {
            Ok(Received::Stored { seq, reply }) => {
                written.push(id);
                last_seq = Some(seq);
                replies.extend(reply);
            }
            Ok(Received::Answered(reply)) => replies.extend(reply),
            Ok(Received::Deferred) => replies.extend(stored_answer(tx, user, id)?),
            Err(GateError::Refused(fault)) => {
                tracing::info!(doc = %id, code = %fault.code, field = fault.field, "refused");
                refused.push(refusal(&message.doc, fault));
                // The phone still gets what the server has of it, so the
                // other side's edits reach it while its own wait for a fix.
                replies.extend(stored_answer(tx, user, id)?);
            }
            Err(GateError::App(e)) => return Err(e),
        }
    }
    let leads = match last_seq {
        Some(seq) => crate::projection::refresh(tx, &written, seq)?,
        None => Vec::new(),
    };
    let mut changed = tx.changed_since_visible(
        request.checkpoint,
        policy::visibility(user),
        MAX_CHANGED_PER_RESPONSE + 1,
    )?;
    let more = changed.len() > MAX_CHANGED_PER_RESPONSE;
    changed.truncate(MAX_CHANGED_PER_RESPONSE);
    let checkpoint = match (more, changed.last()) {
        (true, Some(last)) => last.seq,
        _ => tx.current_seq()?,
    };
    Ok(Handled {
        response: SyncResponse {
            protocol: PROTOCOL_VERSION,
            checkpoint,
            docs: replies,
            changed: changed.into_iter().map(|m| m.id.to_string()).collect(),
            more,
            refused,
        },
        leads,
    })
}

fn refusal(doc: &str, fault: Fault) -> Refusal {
    Refusal::new(doc, fault.code, fault.field, fault.message)
}

/// What became of one document's message.
enum Received {
    /// New changes admitted and stored under `seq`.
    Stored { seq: u64, reply: Option<DocMessage> },
    /// Nothing new to store; the server's answer.
    Answered(Option<DocMessage>),
    /// Past the request's work budget: nothing applied, answered from the
    /// stored document so the phone asks again in its next round.
    Deferred,
}

/// The server's side of a document as a first message from a fresh sync
/// state: what the stored document has (an empty one for a document the
/// user may not read, exactly as for an unknown id).
fn stored_answer(tx: &WriteTx<'_>, user: &AuthUser, id: DocId) -> AppResult<Option<DocMessage>> {
    let readable = tx
        .doc_scope(id)?
        .is_some_and(|scope| policy::authorize_read(user, scope).is_ok());
    let mut doc = match readable {
        true => tx
            .load_doc(id)
            .map_err(|e| AppError::Internal(e.to_string()))?
            .unwrap_or_else(AutoCommit::new),
        false => AutoCommit::new(),
    };
    Ok(doc
        .sync()
        .generate_sync_message(&mut State::new())
        .map(|m| DocMessage {
            doc: id.to_string(),
            message: m.encode(),
        }))
}

fn message_invalid(detail: impl std::fmt::Display) -> GateError {
    Fault::new(RefusalCode::MessageInvalid, "", detail).into()
}

fn receive_one(
    tx: &WriteTx<'_>,
    writer: &Writer<'_>,
    id: DocId,
    incoming: &DocMessage,
    budget: &mut Budget,
) -> GateResult<Received> {
    let Writer::Phone { user, .. } = writer else {
        return Err(AppError::Internal("a sync is written by a phone".into()).into());
    };
    // A document the user may not read is, to them, a document that does
    // not exist: the same empty document answers, and changes to it are
    // refused like changes to any document outside their scope.
    let readable = tx
        .doc_scope(id)?
        .map(|scope| policy::authorize_read(user, scope).is_ok());
    let message = Message::decode(&incoming.message).map_err(message_invalid)?;
    // Hash counts and Bloom filter shapes: a crafted message could make
    // Automerge loop or allocate without bound (see `limits`).
    limits::check_message(&message).map_err(message_invalid)?;
    let mut doc = match readable {
        Some(true) => tx
            .load_doc(id)
            .map_err(|e| AppError::Internal(e.to_string()))?
            .unwrap_or_else(AutoCommit::new),
        _ => AutoCommit::new(),
    };
    let base_heads = doc.get_heads();
    let mut state = State::new();
    doc.sync()
        .receive_sync_message(&mut state, message)
        .map_err(message_invalid)?;
    let heads = doc.get_heads();
    let stored_seq = if heads == base_heads {
        None
    } else {
        // So many concurrent branches that no phone's message could list
        // them: nobody could sync this document again.
        limits::check_heads(base_heads.len(), heads.len()).map_err(message_invalid)?;
        let new = doc.get_changes(&base_heads).len();
        if new > MAX_CHANGES_PER_REQUEST {
            return Err(Fault::new(
                RefusalCode::TooLarge,
                "",
                format!("一次最多接收 {MAX_CHANGES_PER_REQUEST} 项修改，此记录有 {new} 项"),
            )
            .into());
        }
        if !budget.fits(new) {
            return Ok(Received::Deferred);
        }
        let mut candidate = Candidate {
            id,
            existed: readable == Some(true),
            base_heads: &base_heads,
            doc: &mut doc,
        };
        // A document the user may not read goes through every check as an
        // unknown one would, so no answer tells the two apart; only where
        // an unknown one would be stored is it refused.
        let admitted = gate::admit(tx, writer, &mut candidate)?;
        if readable == Some(false) {
            return Err(gate::not_in_scope().into());
        }
        let seq = gate::store(tx, writer, &mut candidate, &admitted)?.seq;
        budget.changes += new;
        Some(seq)
    };
    let reply = doc
        .sync()
        .generate_sync_message(&mut state)
        .map(|reply| DocMessage {
            doc: incoming.doc.clone(),
            message: reply.encode(),
        });
    Ok(match stored_seq {
        Some(seq) => Received::Stored { seq, reply },
        None => Received::Answered(reply),
    })
}
