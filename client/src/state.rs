//! The page's state and the reducer that changes it.
//!
//! Components dispatch [`Action`]s; nothing else mutates [`AppState`]. The
//! reducer is plain Rust, tested natively.

use std::rc::Rc;

use mopai_shared::api::Me;
use serde::{Deserialize, Serialize};
use yew::Reducible;

/// Who is logged in on this phone, kept in IndexedDB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub user: Me,
}

/// One document as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSummary {
    pub id: String,
    pub name: String,
    /// Has changes the server has not acknowledged.
    pub unsynced: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    Idle,
    Running { round: usize, pending: usize },
    Failed { reason: String },
}

/// What the browser said to `navigator.storage.persist()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    Unknown,
    Granted,
    Refused,
    Unsupported,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppState {
    /// False until the store is open and the saved session has been read.
    pub ready: bool,
    pub session: Option<Session>,
    /// The server refused the token: log in again before syncing.
    pub session_expired: bool,
    pub docs: Vec<DocSummary>,
    pub sync: SyncStatus,
    /// Local time of the last sync that finished.
    pub last_synced: Option<String>,
    pub persistence: Persistence,
    pub online: bool,
    /// A message for the user about the last failed local action.
    pub error: Option<String>,
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            ready: false,
            session: None,
            session_expired: false,
            docs: Vec::new(),
            sync: SyncStatus::Idle,
            last_synced: None,
            persistence: Persistence::Unknown,
            online: true,
            error: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The store is open; the saved session, if any, is known.
    Started(Option<Session>),
    LoggedIn(Session),
    LoggedOut,
    SessionExpired,
    DocsLoaded(Vec<DocSummary>),
    DocSaved(DocSummary),
    SyncStarted,
    SyncProgress { round: usize, pending: usize },
    SyncFinished { at: String },
    SyncFailed(String),
    PersistenceKnown(Persistence),
    OnlineChanged(bool),
    Failed(String),
}

impl AppState {
    pub fn unsynced_count(&self) -> usize {
        self.docs.iter().filter(|d| d.unsynced).count()
    }

    pub fn is_syncing(&self) -> bool {
        matches!(self.sync, SyncStatus::Running { .. })
    }

    fn reduce(mut self, action: Action) -> Self {
        match action {
            Action::Started(session) => {
                self.ready = true;
                self.session = session;
            }
            Action::LoggedIn(session) => {
                self.session = Some(session);
                self.session_expired = false;
                self.error = None;
            }
            Action::LoggedOut => {
                self.session = None;
                self.session_expired = false;
            }
            Action::SessionExpired => {
                self.session_expired = true;
                self.sync = SyncStatus::Failed {
                    reason: "登录已过期，请重新登录后再同步；本机记录都还在".into(),
                };
            }
            Action::DocsLoaded(mut docs) => {
                docs.sort_by(|a, b| a.name.cmp(&b.name));
                self.docs = docs;
            }
            Action::DocSaved(doc) => {
                match self.docs.iter_mut().find(|d| d.id == doc.id) {
                    Some(existing) => *existing = doc,
                    None => self.docs.push(doc),
                }
                self.error = None;
            }
            Action::SyncStarted => {
                self.sync = SyncStatus::Running {
                    round: 0,
                    pending: 0,
                }
            }
            Action::SyncProgress { round, pending } => {
                self.sync = SyncStatus::Running { round, pending }
            }
            Action::SyncFinished { at } => {
                self.sync = SyncStatus::Idle;
                self.last_synced = Some(at);
            }
            Action::SyncFailed(reason) => self.sync = SyncStatus::Failed { reason },
            Action::PersistenceKnown(p) => self.persistence = p,
            Action::OnlineChanged(online) => self.online = online,
            Action::Failed(message) => self.error = Some(message),
        }
        self
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new((*self).clone().reduce(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, unsynced: bool) -> DocSummary {
        DocSummary {
            id: id.into(),
            name: format!("机构{id}"),
            unsynced,
        }
    }

    fn run(actions: impl IntoIterator<Item = Action>) -> AppState {
        actions
            .into_iter()
            .fold(AppState::default(), |s, a| s.reduce(a))
    }

    #[test]
    fn saving_a_doc_counts_it_unsynced_until_reloaded_after_sync() {
        let s = run([
            Action::DocSaved(doc("a", true)),
            Action::DocSaved(doc("b", true)),
        ]);
        assert_eq!(s.unsynced_count(), 2);
        let s = s.reduce(Action::DocsLoaded(vec![doc("a", false), doc("b", false)]));
        assert_eq!(s.unsynced_count(), 0);
    }

    #[test]
    fn saving_the_same_doc_twice_replaces_it() {
        let s = run([
            Action::DocSaved(doc("a", true)),
            Action::DocSaved(doc("a", false)),
        ]);
        assert_eq!(s.docs, vec![doc("a", false)]);
    }

    #[test]
    fn a_failed_sync_keeps_the_last_success_time() {
        let s = run([
            Action::SyncStarted,
            Action::SyncFinished { at: "10:00".into() },
            Action::SyncStarted,
        ]);
        assert!(s.is_syncing());
        let s = s.reduce(Action::SyncFailed("无法连接服务器".into()));
        assert_eq!(s.last_synced.as_deref(), Some("10:00"));
        assert!(matches!(s.sync, SyncStatus::Failed { .. }));
    }

    fn session(name: &str) -> Session {
        Session {
            token: "t".into(),
            user: Me {
                id: mopai_shared::ids::UserId::random(),
                username: name.into(),
                display_name: name.into(),
                role: mopai_shared::roles::Role::Inspector,
                township: None,
            },
        }
    }

    #[test]
    fn an_expired_session_keeps_the_user_and_the_entries() {
        let s = run([
            Action::Started(Some(session("王"))),
            Action::DocSaved(doc("a", true)),
            Action::SyncStarted,
            Action::SessionExpired,
        ]);
        assert!(s.session_expired);
        assert!(s.session.is_some(), "offline work goes on with the old session");
        assert_eq!(s.unsynced_count(), 1);
        assert!(matches!(s.sync, SyncStatus::Failed { .. }));
        let s = s.reduce(Action::LoggedIn(session("王")));
        assert!(!s.session_expired);
    }

    #[test]
    fn logging_out_keeps_local_entries() {
        let s = run([
            Action::Started(Some(session("王"))),
            Action::DocSaved(doc("a", true)),
            Action::LoggedOut,
        ]);
        assert!(s.session.is_none());
        assert_eq!(s.docs.len(), 1);
    }

    #[test]
    fn progress_replaces_running_counts() {
        let s = run([
            Action::SyncStarted,
            Action::SyncProgress {
                round: 2,
                pending: 3,
            },
        ]);
        assert_eq!(
            s.sync,
            SyncStatus::Running {
                round: 2,
                pending: 3
            }
        );
    }
}
