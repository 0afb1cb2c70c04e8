//! The server half of the sync protocol.
//!
//! For one request: check the limits, then in one SQLite transaction receive
//! each document's sync message on the stored document, append the new
//! changes, and build the reply. Either every document of the request is
//! stored or none is; the reply is sent only after the commit, so an
//! acknowledged change is durable.
//!
//! The server keeps no per-device sync state: it answers each message from a
//! fresh `sync::State`, and the client resumes from its own saved state.
//!
//! Hostile input: each message passes [`limits::check_message`] (hash
//! counts, Bloom filter shapes) before Automerge sees it, and a write that
//! would leave a document with more concurrent branches than a message may
//! list ([`limits::check_heads`]) is refused.
//!
//! Authorization ([`crate::auth`]): a document outside the user's read scope
//! is refused (404) before anything is answered for it; changes are stored
//! only after [`authorize_changes`] accepted them; the changed list holds
//! only documents the user may read. Any refusal fails the whole request.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use automerge::AutoCommit;
use automerge::sync::{Message, State, SyncDoc};
use mopai_shared::dashboard::Lead;
use mopai_shared::ids::DocId;
pub use mopai_shared::sync::MAX_DOCS_PER_REQUEST;
use mopai_shared::sync::{DocMessage, PROTOCOL_VERSION, SyncRequest, SyncResponse, limits};

use crate::auth::changes::{Received, authorize_changes};
use crate::auth::{AuthUser, policy};
use crate::error::{AppError, AppResult};
use crate::storage::{DocWrite, Storage, WriteTx};

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
        validate_doc_id(&m.doc)?;
        if !seen.insert(m.doc.as_str()) {
            return Err(AppError::bad_request(
                "duplicate_doc",
                format!("文档 {} 在同一请求中出现了两次", m.doc),
            ));
        }
    }
    Ok(())
}

fn validate_doc_id(id: &str) -> AppResult<DocId> {
    id.parse()
        .map_err(|_| AppError::bad_request("bad_doc_id", format!("文档编号格式错误：{id:.80}")))
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

fn exchange(tx: &WriteTx<'_>, user: &AuthUser, request: &SyncRequest) -> AppResult<Handled> {
    let mut budget = Budget {
        started: Instant::now(),
        changes: 0,
    };
    let mut replies = Vec::with_capacity(request.docs.len());
    let mut written = Vec::new();
    let mut last_seq = None;
    for message in &request.docs {
        let received = receive_one(tx, user, request.device, message, &mut budget)?;
        if let Some(seq) = received.stored_seq {
            written.push(validate_doc_id(&message.doc)?);
            last_seq = Some(seq);
        }
        replies.extend(received.reply);
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
        _ => tx.current_seq()?.max(request.checkpoint),
    };
    Ok(Handled {
        response: SyncResponse {
            protocol: PROTOCOL_VERSION,
            checkpoint,
            docs: replies,
            changed: changed.into_iter().map(|m| m.id).collect(),
            more,
        },
        leads,
    })
}

/// The server's answer for one document, and the sequence number of the
/// write when the message brought new changes.
struct ReceivedOne {
    reply: Option<DocMessage>,
    stored_seq: Option<u64>,
}

fn receive_one(
    tx: &WriteTx<'_>,
    user: &AuthUser,
    device: uuid::Uuid,
    incoming: &DocMessage,
    budget: &mut Budget,
) -> AppResult<ReceivedOne> {
    budget.check()?;
    let kind = validate_doc_id(&incoming.doc)?.kind.code();
    let stored_scope = tx.doc_scope(&incoming.doc)?;
    if let Some(scope) = stored_scope {
        policy::authorize_read(user, scope)?;
    }
    let message = Message::decode(&incoming.message).map_err(|e| {
        AppError::bad_request(
            "bad_sync_message",
            format!("文档 {} 的同步消息无法解析：{e}", incoming.doc),
        )
    })?;
    // Hash counts and Bloom filter shapes: a crafted message could make
    // Automerge loop or allocate without bound (see `limits`).
    limits::check_message(&message).map_err(|e| {
        AppError::bad_request(
            "sync_message_too_large",
            format!("文档 {} 的同步消息已拒绝：{e}", incoming.doc),
        )
    })?;
    let mut doc = tx
        .load_doc(&incoming.doc)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .unwrap_or_else(AutoCommit::new);
    let base_heads = doc.get_heads();
    let mut state = State::new();
    doc.sync()
        .receive_sync_message(&mut state, message)
        .map_err(|e| {
            AppError::bad_request(
                "bad_sync_message",
                format!("文档 {} 的同步消息无法应用：{e}", incoming.doc),
            )
        })?;
    let mut stored_seq = None;
    let heads = doc.get_heads();
    if heads != base_heads {
        // So many concurrent branches that no phone's message could list
        // them: nobody could sync this document again.
        limits::check_heads(base_heads.len(), heads.len()).map_err(|e| {
            AppError::bad_request(
                "too_many_branches",
                format!("文档 {} 的修改已拒绝：{e}", incoming.doc),
            )
        })?;
        budget.changes += doc.get_changes(&base_heads).len();
        budget.check()?;
        let received = Received {
            id: &incoming.doc,
            existed: stored_scope.is_some(),
            base_heads: &base_heads,
        };
        let header = authorize_changes(tx, user, device, &received, &mut doc)?;
        stored_seq = Some(tx.append_changes(DocWrite {
            id: &incoming.doc,
            kind,
            doc: &mut doc,
            base_heads: &base_heads,
        })?);
        tx.record_doc_scope(&incoming.doc, header.township)?;
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
