//! Per-document refusals: the write gate's answer for one document of a
//! sync request, while the other documents of the same request are stored.
//!
//! A refused document changed nothing on the server. The phone keeps it
//! whole, shows the message on that entry, and keeps syncing everything
//! else; the next sync sends it again with whatever the user changed since
//! (see PROTOCOL.md, "Refusals").

use serde::{Deserialize, Serialize};

use crate::model::coded::coded_enum;

coded_enum! {
    /// Why one document was not stored. Stable codes: programs match on them.
    pub enum RefusalCode {
        /// The document, or the document it belongs to (a review's or county
        /// record's facility), is not in the writer's scope or not known to
        /// the server. The same answer for both, so ids cannot be probed.
        NotInScope => "not_in_scope", "不在您的工作范围内，或所属的机构尚未同步到服务器";
        /// The writer's role does not write this kind of document.
        WriteNotAllowed => "write_not_allowed", "您的角色无权修改此类记录";
        DocIdInvalid => "doc_id_invalid", "文档编号格式错误";
        HeaderInvalid => "header_invalid", "文档头缺失或无效";
        /// A write-once header field (kind, entity, township, schema version) changed.
        HeaderChanged => "header_changed", "文档头字段不能修改";
        SchemaVersionUnknown => "schema_version_unknown", "文档的数据版本不受支持，请更新应用";
        /// The document does not read as its kind's model (a field of the wrong type).
        ShapeInvalid => "shape_invalid", "记录的数据格式错误";
        /// A value the shared validation refuses (negative amount, resident ID number, …).
        ValueInvalid => "value_invalid", "记录中有无效的值";
        /// An id used twice in one document, or a visit id another facility holds.
        IdDuplicate => "id_duplicate", "记录编号重复";
        /// A text field, list or the whole document over its cap.
        TooLarge => "too_large", "记录内容过长";
        /// A change made under an actor bound to somebody else, or a misuse of the genesis actor.
        ActorNotYours => "actor_not_yours", "同步数据中有其他用户的修改记录";
        /// The Automerge sync message does not decode or apply, or asks too much.
        MessageInvalid => "message_invalid", "同步消息无法处理";
    }
}

impl RefusalCode {
    /// Whether the user can clear this refusal by editing the entry on the
    /// phone (the rest need a newer app, or an administrator).
    pub fn fixable_by_editing(self) -> bool {
        matches!(
            self,
            Self::ValueInvalid | Self::TooLarge | Self::IdDuplicate
        )
    }
}

/// One refused document of a [`SyncResponse`](super::SyncResponse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The document id as sent (`kind:uuid`).
    pub doc: String,
    pub code: RefusalCode,
    /// The field at fault, as a path relative to the document body in
    /// [`FieldPath`](crate::doc::FieldPath) form (`visits[<id>].findings.prepayment.total_yuan`);
    /// empty when the fault is the document as a whole.
    pub field: String,
    /// zh-CN, names the field; shown on the entry as it is.
    pub message: String,
}

impl Refusal {
    pub fn new(
        doc: impl Into<String>,
        code: RefusalCode,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            doc: doc.into(),
            code,
            field: field.into(),
            message: message.into(),
        }
    }
}
