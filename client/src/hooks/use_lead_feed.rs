//! The live feed of red and orange leads: reads `GET /api/events` with
//! `fetch` (the stream needs the Bearer header, which `EventSource` cannot
//! send), loads `GET /api/leads` after every `ready` and `lagged`, adds each
//! `lead` event, and reconnects with a growing pause when the stream ends.
//! The list and unread logic is [`crate::dashboard::feed`]; the parser is
//! [`crate::dashboard::sse`]. What the user has read is kept per user in
//! `localStorage`.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Reflect, Uint8Array};
use mopai_shared::dashboard::Lead;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use yew::prelude::*;

use crate::api::{self, ApiError, get_json};
use crate::dashboard::feed::LeadFeed;
use crate::dashboard::sse::{FeedMessage, SseParser, classify};

/// Where the connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedStatus {
    Off,
    Connecting,
    /// `ready` received and the list loaded: new leads arrive at once.
    Live,
    /// Lost; trying again.
    Retrying(String),
    /// Refused (401/403): not retried.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeedModel {
    pub feed: LeadFeed,
    pub status: FeedStatus,
}

pub enum FeedAction {
    Status(FeedStatus),
    Loaded(Vec<Lead>),
    Arrived(Box<Lead>),
    MarkRead,
    /// Another user (or the stored value) starts the count afresh.
    Reset(u64),
}

impl Reducible for FeedModel {
    type Action = FeedAction;

    fn reduce(self: Rc<Self>, action: FeedAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FeedAction::Status(s) => next.status = s,
            FeedAction::Loaded(list) => next.feed.loaded(list),
            FeedAction::Arrived(lead) => next.feed.arrived(*lead),
            FeedAction::MarkRead => {
                next.feed.mark_read();
            }
            FeedAction::Reset(read_seq) => next.feed = LeadFeed::new(read_seq),
        }
        Rc::new(next)
    }
}

#[derive(Clone, PartialEq)]
pub struct UseLeadFeed {
    pub model: FeedModel,
    pub mark_read: Callback<()>,
}

fn storage_key(user: &str) -> String {
    format!("mopai.dashboard.read_seq.{user}")
}

fn stored_read_seq(user: &str) -> u64 {
    gloo::utils::window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(&storage_key(user)).ok().flatten())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn store_read_seq(user: &str, seq: u64) {
    if let Ok(Some(s)) = gloo::utils::window().local_storage() {
        let _ = s.set_item(&storage_key(user), &seq.to_string());
    }
}

/// `session`: (user id, token); `None` or offline keeps the feed closed.
#[hook]
pub fn use_lead_feed(session: Option<(String, String)>, online: bool) -> UseLeadFeed {
    let model = use_reducer(|| FeedModel {
        feed: LeadFeed::default(),
        status: FeedStatus::Off,
    });
    {
        let dispatcher = model.dispatcher();
        use_effect_with((session.clone(), online), move |(session, online)| {
            let alive = Rc::new(Cell::new(true));
            let abort = web_sys::AbortController::new().ok();
            if let Some((user, token)) = session.clone() {
                dispatcher.dispatch(FeedAction::Reset(stored_read_seq(&user)));
                if *online {
                    let (alive, signal) = (alive.clone(), abort.as_ref().map(|a| a.signal()));
                    spawn_local(run(token, dispatcher.clone(), alive, signal));
                } else {
                    dispatcher.dispatch(FeedAction::Status(FeedStatus::Off));
                }
            }
            move || {
                alive.set(false);
                if let Some(a) = abort {
                    a.abort();
                }
            }
        });
    }
    // Keep what was read, per user.
    {
        let user = session.as_ref().map(|(u, _)| u.clone());
        use_effect_with((user, model.feed.read_seq), |(user, seq)| {
            if let Some(user) = user
                && *seq > 0
            {
                store_read_seq(user, *seq);
            }
        });
    }
    let mark_read = {
        let dispatcher = model.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(FeedAction::MarkRead))
    };
    UseLeadFeed {
        model: (*model).clone(),
        mark_read,
    }
}

async fn run(
    token: String,
    dispatcher: UseReducerDispatcher<FeedModel>,
    alive: Rc<Cell<bool>>,
    signal: Option<web_sys::AbortSignal>,
) {
    let mut pause_ms = 1_000u32;
    while alive.get() {
        dispatcher.dispatch(FeedAction::Status(FeedStatus::Connecting));
        let ended = listen(&token, &dispatcher, &alive, signal.as_ref()).await;
        if !alive.get() {
            return;
        }
        match ended {
            Err(e) if e.is_final() => {
                dispatcher.dispatch(FeedAction::Status(FeedStatus::Failed(e.message)));
                return;
            }
            Err(e) => {
                dispatcher.dispatch(FeedAction::Status(FeedStatus::Retrying(e.message)));
            }
            Ok(heard) => {
                if heard {
                    pause_ms = 1_000;
                }
                dispatcher.dispatch(FeedAction::Status(FeedStatus::Retrying(
                    "实时连接已断开".into(),
                )));
            }
        }
        gloo::timers::future::TimeoutFuture::new(pause_ms).await;
        pause_ms = (pause_ms * 2).min(30_000);
    }
}

/// One connection. `Ok(true)` when it ended after `ready`.
async fn listen(
    token: &str,
    dispatcher: &UseReducerDispatcher<FeedModel>,
    alive: &Cell<bool>,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<bool, ApiError> {
    let lost = |message: &str| ApiError::unreachable(message);
    let answer = api::get("/api/events", token, 0)
        .header("accept", "text/event-stream")
        .until(signal)
        .send()
        .await?;
    let response = &answer.response;
    let reader: web_sys::ReadableStreamDefaultReader = response
        .body()
        .ok_or_else(|| lost("服务器没有返回数据流"))?
        .get_reader()
        .unchecked_into();
    let mut parser = SseParser::new();
    let mut heard = false;
    while alive.get() {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|_| lost("实时连接已断开"))?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(heard);
        }
        let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value")) else {
            continue;
        };
        let bytes = Uint8Array::new(&value).to_vec();
        for event in parser.push(&bytes) {
            match classify(&event) {
                FeedMessage::Ready | FeedMessage::Reload => {
                    heard = true;
                    let leads = get_json::<Vec<Lead>>("/api/leads", token).await?;
                    dispatcher.dispatch(FeedAction::Loaded(leads));
                    dispatcher.dispatch(FeedAction::Status(FeedStatus::Live));
                }
                FeedMessage::Lead(lead) => dispatcher.dispatch(FeedAction::Arrived(lead)),
                FeedMessage::Ignore => {}
            }
        }
    }
    let _ = reader.cancel();
    Ok(heard)
}
