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

/// Running totals that keep one request's Automerge work bounded.
struct Budget {
    started: Instant,
    changes: usize,
}

impl Budget {
    fn check(&self) -> AppResult<()> {
        if self.started.elapsed() > TIME_BUDGET {
            return Err(AppError::TooLarge(
                "同步处理超时，请减少一次同步的内容".into(),
            ));
        }
        if self.changes > MAX_CHANGES_PER_REQUEST {
            return Err(AppError::TooLarge(format!(
                "一次同步最多 {MAX_CHANGES_PER_REQUEST} 项修改，请分批同步"
            )));
        }
        Ok(())
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
            Err(e) => refused.push(Refusal::new(
                format!("{:.80}", message.doc),
                RefusalCode::DocIdInvalid,
                "",
                format!("{}：{e}", RefusalCode::DocIdInvalid.label_zh()),
            )),
        }
    }
    messages.sort_by_key(|(id, _)| write_order(id.kind));

    let mut replies = Vec::with_capacity(messages.len());
    let mut written = Vec::new();
    let mut last_seq = None;
    for (id, message) in messages {
        budget.check()?;
        match tx.savepoint(|tx| receive_one(tx, &writer, id, message, &mut budget)) {
            Ok(received) => {
                if let Some(seq) = received.stored_seq {
                    written.push(id);
                    last_seq = Some(seq);
                }
                replies.extend(received.reply);
            }
            Err(GateError::Refused(fault)) => {
                tracing::info!(doc = %id, code = %fault.code, field = fault.field, "refused");
                refused.push(refusal(&message.doc, fault));
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
            changed: changed.into_iter().map(|m| m.id).collect(),
            more,
            refused,
        },
        leads,
    })
}

fn refusal(doc: &str, fault: Fault) -> Refusal {
    Refusal::new(doc, fault.code, fault.field, fault.message)
}

/// The server's answer for one document, and the sequence number of the
/// write when the message brought new changes.
struct ReceivedOne {
    reply: Option<DocMessage>,
    stored_seq: Option<u64>,
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
) -> GateResult<ReceivedOne> {
    let id_text = incoming.doc.as_str();
    let Writer::Phone { user, .. } = writer else {
        return Err(AppError::Internal("a sync is written by a phone".into()).into());
    };
    // A document the user may not read is, to them, a document that does
    // not exist: the same empty document answers, and changes to it are
    // refused like changes to any document outside their scope.
    let readable = tx
        .doc_scope(id_text)?
        .map(|scope| policy::authorize_read(user, scope).is_ok());
    let message = Message::decode(&incoming.message).map_err(message_invalid)?;
    // Hash counts and Bloom filter shapes: a crafted message could make
    // Automerge loop or allocate without bound (see `limits`).
    limits::check_message(&message).map_err(message_invalid)?;
    let mut doc = match readable {
        Some(true) => tx
            .load_doc(id_text)
            .map_err(|e| AppError::Internal(e.to_string()))?
            .unwrap_or_else(AutoCommit::new),
        _ => AutoCommit::new(),
    };
    let base_heads = doc.get_heads();
    let mut state = State::new();
    doc.sync()
        .receive_sync_message(&mut state, message)
        .map_err(message_invalid)?;
    let mut stored_seq = None;
    let heads = doc.get_heads();
    if heads != base_heads {
        if readable == Some(false) {
            return Err(gate::refuse_unreadable(writer, id.kind).into());
        }
        // So many concurrent branches that no phone's message could list
        // them: nobody could sync this document again.
        limits::check_heads(base_heads.len(), heads.len()).map_err(message_invalid)?;
        budget.changes += doc.get_changes(&base_heads).len();
        budget.check()?;
        let mut candidate = Candidate {
            id,
            existed: readable.is_some(),
            base_heads: &base_heads,
            doc: &mut doc,
        };
        let admitted = gate::admit(tx, writer, &mut candidate)?;
        stored_seq = Some(gate::store(tx, writer, &mut candidate, &admitted)?.seq);
    }
    let reply = doc
        .sync()
        .generate_sync_message(&mut state)
        .map(|reply| DocMessage {
            doc: incoming.doc.clone(),
            message: reply.encode(),
        });
    Ok(ReceivedOne { reply, stored_seq })
}
