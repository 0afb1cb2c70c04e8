//! The sync protocol: versioned wire types, and the client half of the exchange.
//!
//! One exchange is an HTTP POST whose body is a [`SyncRequest`] encoded with
//! [`encode`], answered by a [`SyncResponse`]. A request carries an Automerge
//! sync message for each document the device wants to exchange, and the
//! device's checkpoint (the server sequence number it has seen up to). The
//! answer carries the server's sync messages and the documents in the device's
//! scope that changed since that checkpoint. The client repeats until neither
//! side has anything to send. A request carries at most
//! [`MAX_DOCS_PER_REQUEST`] documents; the rest wait for later rounds, and a
//! session ends within [`session::round_limit`] rounds.
//!
//! Automerge changes are content-addressed, so a repeated or replayed request
//! applies nothing twice: retrying any exchange is always safe.
//!
//! - [`wire`]: the request/response types and their binary encoding.
//! - [`limits`]: what one Automerge sync message may ask of its receiver
//!   (hash counts, Bloom filter shape, concurrent branches).
//! - [`refusal`]: [`Refusal`], the gate's per-document answer, and its codes.
//! - [`replica`]: one document on the device plus its sync state with the server.
//! - [`session`]: the client-side loop, generic over the HTTP transport so native
//!   tests and the browser run the same code, saving each round as it goes.
//! - [`resume`]: where a round is saved ([`RoundSink`]), what it may save (the
//!   safe checkpoint) and how much it asks for (the pull window), so a
//!   dropped pull resumes.
//! - [`transport`]: how bytes reach the server ([`Transport`]) and
//!   [`SyncError`].

pub mod limits;
pub mod refusal;
pub mod replica;
pub mod resume;
pub mod session;
pub mod transport;
pub mod wire;

pub use refusal::{Refusal, RefusalCode};
pub use replica::Replica;
pub use resume::{AtEnd, PullWindow, RoundSink, SafeCheckpoint};
pub use session::{Progress, Start, SyncOutcome, sync_replicas, sync_rounds};
pub use transport::{SyncError, Transport};
pub use wire::{
    DocMessage, PROTOCOL_VERSION, SyncRequest, SyncResponse, WireError, decode_request,
    decode_response, encode,
};

/// Upper bound on exchanges in one sync session. Automerge needs at most a few
/// rounds per document; a crafted Bloom filter could make it ask forever.
pub const MAX_ROUNDS: usize = 12;

/// Documents one request may carry; the server refuses more, and the client
/// sends the rest in later rounds of the same session.
pub const MAX_DOCS_PER_REQUEST: usize = 200;
