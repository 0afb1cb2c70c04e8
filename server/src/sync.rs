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

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use automerge::AutoCommit;
use automerge::sync::{Message, State, SyncDoc};
use mopai_shared::sync::{DocMessage, PROTOCOL_VERSION, SyncRequest, SyncResponse};

use crate::error::{AppError, AppResult};
use crate::storage::{DocWrite, Storage, WriteTx};

/// Documents one request may carry.
pub const MAX_DOCS_PER_REQUEST: usize = 200;
/// Changed-document ids one response lists; the client asks again for more.
pub const MAX_CHANGED_PER_RESPONSE: usize = 1000;

const DOC_KINDS: &[&str] = &["facility", "review", "county", "township_log", "settings"];

/// Applies one request and returns the reply. Blocking: run off the runtime.
pub fn handle(storage: &Storage, request: SyncRequest) -> AppResult<SyncResponse> {
    check_limits(&request)?;
    // Automerge is not expected to panic on hostile input, but if it does the
    // transaction rolls back on unwind and the client gets a refusal, not a
    // dropped connection.
    catch_unwind(AssertUnwindSafe(|| {
        storage.write(|tx| exchange(tx, &request))
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

fn validate_doc_id(id: &str) -> AppResult<&str> {
    let bad = || AppError::bad_request("bad_doc_id", format!("文档编号格式错误：{id:.80}"));
    let (kind, uuid) = id.split_once(':').ok_or_else(bad)?;
    if !DOC_KINDS.contains(&kind) || uuid.parse::<uuid::Uuid>().is_err() {
        return Err(bad());
    }
    Ok(kind)
}

fn exchange(tx: &WriteTx<'_>, request: &SyncRequest) -> AppResult<SyncResponse> {
    let mut replies = Vec::with_capacity(request.docs.len());
    for message in &request.docs {
        if let Some(reply) = receive_one(tx, message)? {
            replies.push(reply);
        }
    }
    let mut changed = tx.changed_since(request.checkpoint, MAX_CHANGED_PER_RESPONSE + 1)?;
    let more = changed.len() > MAX_CHANGED_PER_RESPONSE;
    changed.truncate(MAX_CHANGED_PER_RESPONSE);
    let checkpoint = match (more, changed.last()) {
        (true, Some(last)) => last.seq,
        _ => tx.current_seq()?.max(request.checkpoint),
    };
    Ok(SyncResponse {
        protocol: PROTOCOL_VERSION,
        checkpoint,
        docs: replies,
        changed: changed.into_iter().map(|m| m.id).collect(),
        more,
    })
}

fn receive_one(tx: &WriteTx<'_>, incoming: &DocMessage) -> AppResult<Option<DocMessage>> {
    let kind = validate_doc_id(&incoming.doc)?;
    let message = Message::decode(&incoming.message).map_err(|e| {
        AppError::bad_request(
            "bad_sync_message",
            format!("文档 {} 的同步消息无法解析：{e}", incoming.doc),
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
    if doc.get_heads() != base_heads {
        tx.append_changes(DocWrite {
            id: &incoming.doc,
            kind,
            doc: &mut doc,
            base_heads: &base_heads,
        })?;
    }
    Ok(doc
        .sync()
        .generate_sync_message(&mut state)
        .map(|reply| DocMessage {
            doc: incoming.doc.clone(),
            message: reply.encode(),
        }))
}
