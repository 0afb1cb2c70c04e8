//! When the phone syncs: at once when the browser comes online or the user
//! asks, a few seconds after the last save, periodically while idle, and
//! after a failure with a bounded exponential backoff (policy in
//! [`crate::backoff`]). One session at a time; a request during a session
//! runs one more session after it. A session whose connection answered
//! some rounds and then dropped one halves the pull window ([`PullWindow`])
//! for the next.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use mopai_shared::sync::{PullWindow, Refusal};
use wasm_bindgen_futures::spawn_local;

use super::Services;
use crate::backoff;
use crate::state::{Action, SyncRun};
use crate::sync::SyncFailure;

#[derive(Default)]
pub(super) struct Driver {
    timer: RefCell<Option<Timeout>>,
    running: Cell<bool>,
    again: Cell<bool>,
    failures: Cell<u32>,
    /// `Date.now()` before which only the user starts a sync.
    backoff_until: Cell<f64>,
    /// Missing documents one request asks for; halves after a drop.
    window: Cell<PullWindow>,
    /// The running session has had at least one answer.
    answered: Cell<bool>,
}

impl Services {
    /// Syncs now, unless offline, logged out or already syncing.
    pub fn sync_now(self: &Rc<Self>) {
        if self.driver.running.get() {
            self.driver.again.set(true);
            return;
        }
        let Some(session) = self.session() else {
            return;
        };
        // Offline: the browser's `online` event starts the next sync.
        if self.expired.get() || !gloo::utils::window().navigator().on_line() {
            return;
        }
        self.driver.timer.borrow_mut().take();
        self.driver.running.set(true);
        self.dispatch(Action::SyncStarted);
        let this = self.clone();
        self.driver.answered.set(false);
        spawn_local(async move {
            let progress = {
                let this = this.clone();
                move |p: mopai_shared::sync::Progress| {
                    this.driver.answered.set(true);
                    this.dispatch(Action::SyncProgress(SyncRun {
                        round: p.round,
                        pending: p.pending,
                        listed: p.listed,
                        received: p.received,
                    }))
                }
            };
            let window = this.driver.window.get();
            let (store, lock) = (&this.store, &this.writer.lock);
            let result = crate::sync::sync_now(store, lock, &session.token, window, progress).await;
            this.driver.running.set(false);
            this.finished(result.map(|outcome| outcome.refused)).await;
        });
    }

    async fn finished(self: &Rc<Self>, result: Result<BTreeMap<String, Refusal>, SyncFailure>) {
        let d = &self.driver;
        if result.is_err() && d.answered.get() {
            // Rounds saved before the failure are on the phone: show them.
            self.reload();
        }
        match result {
            Ok(refused) => {
                d.failures.set(0);
                d.backoff_until.set(0.0);
                d.window.set(PullWindow::default());
                self.reload();
                let at = now_label();
                // Shown after a reload too; losing it costs only the label.
                let _ = crate::sync::set_last_synced(&self.store, &at).await;
                self.dispatch(Action::SyncFinished { at, refused });
                self.upload_photos();
                if d.again.take() {
                    self.sync_now();
                } else if d.timer.borrow().is_none() {
                    // A timer set during the session is a save's: keep it.
                    self.schedule(backoff::PERIODIC_MS);
                }
            }
            Err(SyncFailure::Unauthorized) => {
                self.expired.set(true);
                d.again.set(false);
                self.dispatch(Action::SessionExpired);
            }
            Err(failure) => {
                d.again.set(false);
                let unreachable = matches!(failure, SyncFailure::Offline);
                if unreachable && d.answered.get() {
                    // The connection worked, then lost an answer: what
                    // arrived is saved, and the next session asks for less
                    // at once. (No answer at all is an outage, not a
                    // connection too weak for the rounds.)
                    let mut window = d.window.get();
                    window.after_drop();
                    d.window.set(window);
                }
                d.failures.set(d.failures.get() + 1);
                let wait = backoff::retry_ms(d.failures.get());
                d.backoff_until.set(js_sys::Date::now() + f64::from(wait));
                self.dispatch(Action::SyncFailed {
                    reason: failure.words(),
                    retry_in_s: Some(wait / 1000),
                    unreachable,
                });
                self.schedule(wait);
            }
        }
    }

    /// A save happened: sync once the inspector pauses (and the backoff allows).
    pub fn sync_soon(self: &Rc<Self>) {
        let left = (self.driver.backoff_until.get() - js_sys::Date::now()).max(0.0);
        self.schedule(backoff::after_save_ms(left as u32));
    }

    /// (Re)sets the one timer; the newest request wins, so saves debounce.
    fn schedule(self: &Rc<Self>, ms: u32) {
        let this = Rc::downgrade(self);
        let timer = Timeout::new(ms, move || {
            // Off the timer's own callback, which `sync_now` cancels.
            spawn_local(async move {
                if let Some(this) = this.upgrade() {
                    this.sync_now();
                }
            });
        });
        *self.driver.timer.borrow_mut() = Some(timer);
    }
}

/// Now, as the bar shows the last sync ("3月5日 14:02").
fn now_label() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{}月{}日 {:02}:{:02}",
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}
