//! What pages ask of the app besides the reducer: writing edits to
//! IndexedDB, creating facilities, syncing, and photos. One [`Services`]
//! lives as long as the page; components reach it through `AppContext`.
//!
//! - [`writer`](mod@writer): the one queue of local edits (inspector, lead,
//!   county staff) and the lock every read-change-write of IndexedDB holds;
//!   reloading documents into the state.
//! - [`driver`]: when to sync (online event, after saves, periodically, backoff).
//! - [`photos`]: taking a photo into the blob store and uploading the queue.
//! - [`review`]: writing the township lead's decisions, work log and conflict
//!   picks, and county staff's checks.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use automerge::ActorId;
use mopai_shared::ids::UserId;
use yew::UseReducerDispatcher;

use crate::state::{Action, AppState, Session};
use crate::store::Store;

pub mod driver;
pub mod photos;
pub mod review;
pub mod writer;

pub struct Services {
    pub store: Rc<Store>,
    dispatcher: UseReducerDispatcher<AppState>,
    /// The session as last rendered; async work reads the token from here.
    session: RefCell<Option<Session>>,
    /// The server refused the token; no sync until the next login.
    expired: Cell<bool>,
    actor: RefCell<Option<(UserId, ActorId)>>,
    writer: writer::Writer,
    driver: driver::Driver,
    uploading: Cell<bool>,
}

impl Services {
    pub fn new(store: Rc<Store>, dispatcher: UseReducerDispatcher<AppState>) -> Rc<Self> {
        Rc::new(Self {
            store,
            dispatcher,
            session: RefCell::new(None),
            expired: Cell::new(false),
            actor: RefCell::new(None),
            writer: writer::Writer::default(),
            driver: driver::Driver::default(),
            uploading: Cell::new(false),
        })
    }

    /// Called whenever the session in the state changes.
    pub fn set_session(self: &Rc<Self>, session: Option<Session>) {
        let changed = *self.session.borrow() != session;
        if !changed {
            return;
        }
        let logged_in = session.is_some();
        *self.session.borrow_mut() = session;
        self.expired.set(false);
        if logged_in {
            self.sync_now();
        }
    }

    pub fn session(&self) -> Option<Session> {
        self.session.borrow().clone()
    }

    pub fn dispatch(&self, action: Action) {
        self.dispatcher.dispatch(action);
    }

    /// The Automerge actor of the logged-in user on this phone.
    async fn actor(&self) -> Result<ActorId, String> {
        let user = self.session().ok_or("尚未登录")?.user;
        if let Some((id, actor)) = &*self.actor.borrow()
            && *id == user.id
        {
            return Ok(actor.clone());
        }
        let actor = crate::session::actor_for(&self.store, &user).await?;
        *self.actor.borrow_mut() = Some((user.id, actor.clone()));
        Ok(actor)
    }
}

impl PartialEq for Services {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}
