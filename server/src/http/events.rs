//! `GET /api/events`: server-sent events for the dashboard.
//!
//! - `ready` once the stream is subscribed: anything committed after it
//!   arrives as an event (a client fetches `GET /api/leads` after `ready`
//!   to catch up on what it missed, and counts unread itself);
//! - `lead` with a [`Lead`] as JSON, id = its sequence number, when a sync
//!   raises a facility the user may read to orange or red;
//! - `lagged` with the number of leads skipped when the client fell behind:
//!   reload `GET /api/leads`.
//!
//! The stream lasts only as long as the session that opened it: it is
//! re-checked before every burst of leads and every [`SESSION_RECHECK`], and a
//! logout, a disabled account or a password reset ends the stream, so a
//! revoked token hears of no lead after it was revoked.
//!
//! Keep-alive comments every 15 s hold proxies open. A browser's
//! `EventSource` cannot send the `Authorization` header, so the page reads
//! this stream with `fetch` (the body as a `ReadableStream`).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderName;
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, StreamExt};
use mopai_shared::dashboard::Lead;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::AppState;
use crate::auth::session::TokenHash;
use crate::auth::{AuthUser, policy};
use crate::clock::unix_now;
use crate::storage::scope::Visibility;

/// How often an open stream checks that its session is still valid.
pub const SESSION_RECHECK: Duration = Duration::from_secs(5);
/// Leads sent after one session check.
const MAX_BURST: usize = 256;

pub async fn events(State(state): State<Arc<AppState>>, user: AuthUser) -> impl IntoResponse {
    // Subscribed before the response starts, so `ready` means "listening".
    let receiver = state.leads.subscribe();
    let visibility = policy::visibility(&user);
    let ready =
        stream::once(async { Ok::<_, Infallible>(Event::default().event("ready").data("{}")) });
    let session = *user.session();
    let recheck = tokio::time::interval_at(
        tokio::time::Instant::now() + SESSION_RECHECK,
        SESSION_RECHECK,
    );
    let leads = stream::unfold(
        (receiver, state, recheck),
        move |(mut receiver, state, mut recheck)| async move {
            loop {
                let events = tokio::select! {
                    received = receiver.recv() => {
                        // One session check for every lead already waiting:
                        // a settings change can publish hundreds at once.
                        let mut burst = vec![received];
                        while burst.len() < MAX_BURST {
                            match receiver.try_recv() {
                                Ok(lead) => burst.push(Ok(lead)),
                                Err(TryRecvError::Lagged(n)) => burst.push(Err(RecvError::Lagged(n))),
                                Err(_) => break,
                            }
                        }
                        let mut events = Vec::new();
                        for received in burst {
                            match received {
                                Ok(lead) if visible(visibility, &lead) => events.push(lead_event(&lead)),
                                Ok(_) => {}
                                Err(RecvError::Lagged(n)) => {
                                    events.push(Event::default().event("lagged").data(n.to_string()));
                                }
                                Err(RecvError::Closed) => return None,
                            }
                        }
                        if events.is_empty() {
                            continue;
                        }
                        if !session_valid(&state, session).await {
                            return None;
                        }
                        events
                    }
                    _ = recheck.tick() => {
                        if session_valid(&state, session).await {
                            continue;
                        }
                        return None;
                    }
                };
                return Some((events, (receiver, state, recheck)));
            }
        },
    )
    .flat_map(|events| stream::iter(events.into_iter().map(Ok)));
    (
        // Tells a buffering reverse proxy (nginx) to pass events on at once.
        [(HeaderName::from_static("x-accel-buffering"), "no")],
        Sse::new(ready.chain(leads)).keep_alive(KeepAlive::default()),
    )
}

/// Whether the session is still unexpired, unrevoked and its user active;
/// a database that cannot tell ends the stream too (the page reconnects).
async fn session_valid(state: &Arc<AppState>, session: TokenHash) -> bool {
    let found = state
        .blocking(move |app| {
            Ok(app
                .storage
                .read(|tx| tx.session_user(&session, unix_now()))?
                .is_some())
        })
        .await;
    matches!(found, Ok(true))
}

fn visible(visibility: Visibility, lead: &Lead) -> bool {
    match visibility {
        Visibility::All => true,
        Visibility::Township(t) => lead.township.id == t,
        Visibility::Nothing => false,
    }
}

fn lead_event(lead: &Lead) -> Event {
    let event = Event::default().event("lead").id(lead.seq.to_string());
    match event.clone().json_data(lead) {
        Ok(e) => e,
        // Cannot happen for this plain struct; the client refetches the list.
        Err(_) => event.data("{}"),
    }
}
