//! Fuzz targets for what the server does with a phone's bytes, before any
//! database work: the request decoder ([`sync_request`]) and the merge path
//! ([`merge`]: the server's message limits, Automerge's receive and reply
//! on a stored facility document, the chunk the server would append and
//! reload, the header check and the projection's hydrate and classify).
//!
//! The same functions run under libFuzzer (`cargo xtask fuzz --seconds N`,
//! `fuzz_targets/`) and, without it, over seeded random and mutated inputs
//! in the normal test suite (`tests/tests/reliability_fuzz.rs` includes
//! this file), so both check the same things: no panic, and what was
//! merged is what would be stored.
//!
//! An input's first byte picks how it is read: even, as the raw bytes; odd,
//! as up to [`MAX_EDITS`] edits (bit flips, byte sets, cuts, insertions) to
//! one of the valid seed inputs ([`seeds`]), so mutations start from real
//! messages.

use std::sync::OnceLock;

use automerge::sync::{Message, State, SyncDoc};
use automerge::{ActorId, AutoCommit};
use mopai_shared::doc::{self, DocHeader, Scope, hydrate_doc, read_header, reconcile_body};
use mopai_shared::ids::{DocId, FacilityId, InterviewId, TownshipId, UserId, VisitId};
use mopai_shared::model::{CountySettings, Facility, ResidentInterview, Visit};
use mopai_shared::risk::classify;
use mopai_shared::sync::{
    DocMessage, PROTOCOL_VERSION, SyncRequest, decode_request, encode, limits,
};
use uuid::Uuid;

/// Edits applied to a seed at most; the rest of a longer input is ignored.
pub const MAX_EDITS: usize = 8;

/// Valid inputs to start mutations from.
pub struct Seeds {
    /// The stored facility document (saved bytes) messages are merged into.
    pub stored: Vec<u8>,
    /// Sync messages a phone sent while syncing edits of it.
    pub messages: Vec<Vec<u8>>,
    /// `POST /api/sync` bodies carrying those messages.
    pub requests: Vec<Vec<u8>>,
}

/// The seeds, built once.
pub fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(build_seeds)
}

fn build_seeds() -> Seeds {
    let township = TownshipId::from_uuid(Uuid::from_u128(1));
    let id = DocId::facility(FacilityId::from_uuid(Uuid::from_u128(2)));
    let header = DocHeader::new(id, Scope::Township(township));
    let inspector = UserId::from_uuid(Uuid::from_u128(3));
    let mut stored = doc::create::<Facility>(&header, ActorId::from(&[1u8; 16][..]))
        .expect("create the seed document");
    let mut f = Facility::default();
    f.profile.name = "康乐园养老院".into();
    f.visits.push(Visit::new(
        VisitId::from_uuid(Uuid::from_u128(4)),
        inspector,
    ));
    reconcile_body(&mut stored, &f).expect("write the seed body");
    stored.commit();

    // A phone that edits offline, and the server that holds `stored`.
    let mut phone = stored.fork().with_actor(ActorId::from(&[2u8; 16][..]));
    f.profile.beds = Some(120);
    f.profile.address = "开云镇解放路 8 号".into();
    f.visits[0].findings.prepayment.collected = Some(true);
    f.visits[0].findings.prepayment.total_yuan = Some(620_000);
    let mut interview = ResidentInterview::new(InterviewId::from_uuid(Uuid::from_u128(5)));
    interview.label = "3号床 张奶奶".into();
    f.visits[0].interviews.push(interview);
    reconcile_body(&mut phone, &f).expect("edit");
    phone.commit();
    f.visits.push(Visit::new(
        VisitId::from_uuid(Uuid::from_u128(6)),
        inspector,
    ));
    reconcile_body(&mut phone, &f).expect("edit");
    phone.commit();

    let mut server = stored.fork();
    let (mut phone_state, mut server_state) = (State::new(), State::new());
    let mut messages = Vec::new();
    for _ in 0..6 {
        let Some(m) = phone.sync().generate_sync_message(&mut phone_state) else {
            break;
        };
        let bytes = m.encode();
        messages.push(bytes.clone());
        let m = Message::decode(&bytes).expect("decode");
        server
            .sync()
            .receive_sync_message(&mut server_state, m)
            .expect("receive");
        if let Some(reply) = server.sync().generate_sync_message(&mut server_state) {
            phone
                .sync()
                .receive_sync_message(&mut phone_state, reply)
                .expect("reply");
        }
    }
    let requests = messages
        .iter()
        .map(|m| {
            encode(&SyncRequest {
                protocol: PROTOCOL_VERSION,
                device: Uuid::from_u128(7),
                checkpoint: 42,
                docs: vec![DocMessage {
                    doc: id.to_string(),
                    message: m.clone(),
                }],
            })
        })
        .collect();
    Seeds {
        stored: stored.save(),
        messages,
        requests,
    }
}

/// The bytes an input stands for: itself, or edits to one of `seeds`.
pub fn input(data: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    match data {
        [] => Vec::new(),
        [mode, rest @ ..] if mode % 2 == 0 || seeds.is_empty() => rest.to_vec(),
        [_, pick, edits @ ..] => {
            let mut bytes = seeds[usize::from(*pick) % seeds.len()].clone();
            // A few edits: near-valid inputs reach further than shredded ones.
            for edit in edits.chunks(3).take(MAX_EDITS) {
                let [op, hi, lo] = [0, 1, 2].map(|i| edit.get(i).copied().unwrap_or(0));
                let at = (usize::from(hi) << 8 | usize::from(lo)) % (bytes.len() + 1);
                match op % 4 {
                    0 if at < bytes.len() => bytes[at] ^= 1 << (lo % 8),
                    1 if at < bytes.len() => bytes[at] = hi,
                    2 => bytes.truncate(at),
                    3 => bytes.insert(at, hi),
                    _ => {}
                }
            }
            bytes
        }
        [_] => seeds[0].clone(),
    }
}

/// The server's request decoder on `data`: the body, then every message
/// and document id it names, and the message limits; a decoded request
/// re-encodes to the same request.
pub fn sync_request(data: &[u8]) {
    let body = input(data, &seeds().requests);
    let Ok(request) = decode_request(&body) else {
        return;
    };
    for m in &request.docs {
        let _ = m.doc.parse::<DocId>();
        if let Ok(message) = Message::decode(&m.message) {
            let _ = limits::check_message(&message);
        }
    }
    let again = decode_request(&encode(&request)).expect("a decoded request re-encodes");
    assert_eq!(again, request, "encoding round trip");
}

/// What the merge did, for the harness's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merged {
    /// Not a sync message.
    Undecodable,
    /// Refused by the server's message limits.
    OverLimits,
    /// Automerge refused it.
    Refused,
    /// Received; the document did not change.
    Unchanged,
    /// The document changed, and reloads from what would be stored.
    Changed,
}

/// The server's merge path on the seed's stored facility document.
pub fn merge(data: &[u8]) -> Merged {
    let seeds = seeds();
    let bytes = input(data, &seeds.messages);
    let Ok(message) = Message::decode(&bytes) else {
        return Merged::Undecodable;
    };
    if limits::check_message(&message).is_err() {
        return Merged::OverLimits;
    }
    let mut doc = AutoCommit::load(&seeds.stored).expect("the seed loads");
    let base = doc.get_heads();
    let mut state = State::new();
    if doc
        .sync()
        .receive_sync_message(&mut state, message)
        .is_err()
    {
        return Merged::Refused;
    }
    let heads = doc.get_heads();
    // The server's reply, as it goes on the wire.
    if let Some(reply) = doc.sync().generate_sync_message(&mut state) {
        let _ = reply.encode();
    }
    if heads == base {
        return Merged::Unchanged;
    }
    if limits::check_heads(base.len(), heads.len()).is_err() {
        return Merged::OverLimits;
    }
    // What the server appends, loaded back onto what it had.
    let chunk = doc.save_after(&base);
    let mut reloaded = AutoCommit::load(&seeds.stored).expect("the seed loads");
    reloaded
        .load_incremental(&chunk)
        .expect("an appended chunk loads");
    assert_eq!(
        reloaded.get_heads(),
        heads,
        "the stored chunk holds the merge"
    );
    let snapshot = doc.save();
    let mut compacted = AutoCommit::load(&snapshot).expect("a snapshot loads");
    assert_eq!(compacted.get_heads(), heads, "the snapshot holds the merge");
    // What the server reads next: the header, the body, the level.
    let _ = read_header(&doc);
    if let Ok(d) = hydrate_doc::<Facility, _>(&doc) {
        let _ = classify(&d.body, None, &CountySettings::default());
    }
    Merged::Changed
}
