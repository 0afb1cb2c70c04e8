//! Wire types of the sync endpoint and their binary encoding (postcard).
//!
//! The protocol version is the first field, so a peer can read it and refuse
//! an incompatible body with a clear reason before decoding the rest.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::refusal::Refusal;

/// Bumped whenever [`SyncRequest`] or [`SyncResponse`] change shape.
/// 2: [`SyncResponse::refused`], per-document refusals.
pub const PROTOCOL_VERSION: u16 = 2;

/// One Automerge sync message for one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMessage {
    /// The document id in its string form (`kind:uuid`).
    pub doc: String,
    /// `automerge::sync::Message::encode()` bytes.
    pub message: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    pub protocol: u16,
    /// The device (browser profile or phone) sending, stable across sessions.
    pub device: Uuid,
    /// Highest server sequence number whose documents the device has pulled.
    pub checkpoint: u64,
    pub docs: Vec<DocMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub protocol: u16,
    /// The checkpoint to send next round: covers every id in `changed`.
    pub checkpoint: u64,
    /// The server's answers to the messages in the request.
    pub docs: Vec<DocMessage>,
    /// Documents in the device's scope written since the request's checkpoint.
    pub changed: Vec<String>,
    /// More changed documents remain beyond `checkpoint`: ask again.
    pub more: bool,
    /// Documents of the request the write gate refused; nothing of them was
    /// stored. Every other document of the request was.
    pub refused: Vec<Refusal>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WireError {
    #[error("同步协议版本不兼容：收到 {received}，支持 {supported}，请刷新页面更新应用")]
    UnsupportedVersion { received: u16, supported: u16 },
    #[error("同步数据格式错误：{0}")]
    Malformed(String),
}

impl WireError {
    /// Stable English code for [`crate::api::ErrorBody`].
    pub fn code(&self) -> &'static str {
        match self {
            WireError::UnsupportedVersion { .. } => "sync_protocol_version",
            WireError::Malformed(_) => "sync_body_malformed",
        }
    }
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Serializing plain structs of integers, strings and byte vectors into a
    // growable Vec has no failure path.
    postcard::to_allocvec(value).expect("postcard encoding into a Vec cannot fail")
}

fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, WireError> {
    let (version, _) =
        postcard::take_from_bytes::<u16>(bytes).map_err(|e| WireError::Malformed(e.to_string()))?;
    if version != PROTOCOL_VERSION {
        return Err(WireError::UnsupportedVersion {
            received: version,
            supported: PROTOCOL_VERSION,
        });
    }
    match postcard::take_from_bytes::<T>(bytes) {
        Ok((value, [])) => Ok(value),
        Ok((_, rest)) => Err(WireError::Malformed(format!("多余的 {} 字节", rest.len()))),
        Err(e) => Err(WireError::Malformed(e.to_string())),
    }
}

pub fn decode_request(bytes: &[u8]) -> Result<SyncRequest, WireError> {
    decode(bytes)
}

pub fn decode_response(bytes: &[u8]) -> Result<SyncResponse, WireError> {
    decode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SyncRequest {
        SyncRequest {
            protocol: PROTOCOL_VERSION,
            device: Uuid::from_u128(7),
            checkpoint: 42,
            docs: vec![DocMessage {
                doc: "facility:0".into(),
                message: vec![0x42, 1, 2],
            }],
        }
    }

    #[test]
    fn request_round_trips() {
        assert_eq!(decode_request(&encode(&sample())).unwrap(), sample());
    }

    #[test]
    fn other_version_is_refused_by_number() {
        let mut req = sample();
        req.protocol = 9;
        assert_eq!(
            decode_request(&encode(&req)),
            Err(WireError::UnsupportedVersion {
                received: 9,
                supported: PROTOCOL_VERSION
            })
        );
    }

    #[test]
    fn truncated_and_padded_bodies_are_malformed() {
        let bytes = encode(&sample());
        for cut in 0..bytes.len() {
            assert!(decode_request(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut padded = bytes.clone();
        padded.push(0);
        assert!(matches!(
            decode_request(&padded),
            Err(WireError::Malformed(_))
        ));
    }
}
