//! The page's state and the reducer that changes it.
//!
//! Components dispatch [`Action`]s; nothing else mutates [`AppState`]. The
//! reducer is plain Rust, tested natively.
//!
//! Edits are optimistic: [`Action::Edited`] applies an edit to the state at
//! once, so typing never waits for IndexedDB, and keeps it as *pending* until
//! the writer reports it [`Action::Persisted`]. A reload from storage (after
//! a sync) carries the sequence number the stored documents include; pending
//! edits after it are applied again on top, so a sync finishing while the
//! inspector types loses nothing on screen either.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use mopai_shared::api::Me;
use mopai_shared::ids::{DocId, FacilityId};
use mopai_shared::model::{CountyRecord, CountySettings, FacilityReview};
use mopai_shared::risk::{Assessment, LevelView, classify};
use mopai_shared::sync::Refusal;
use serde::{Deserialize, Serialize};
use yew::Reducible;

use crate::docs::{FacilityEntry, Library};
use crate::form::edit::{Edit, apply};
use crate::list::{self, Filter, Row};
use crate::review::action::ReviewAction;
use crate::review::queue::QueueFilter;

/// Who is logged in on this phone, kept in IndexedDB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub user: Me,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    Idle,
    Running(SyncRun),
    Failed {
        reason: String,
        /// When the loop tries again by itself; `None` when it waits for the user.
        retry_in_s: Option<u32>,
    },
}

/// How far a running session has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncRun {
    pub round: usize,
    /// Documents still being exchanged.
    pub pending: usize,
    /// Documents the server listed as changed, and of those the ones
    /// received whole (each saved as its round arrived).
    pub listed: usize,
    pub received: usize,
}

/// Whether the phone can reach the server, as the badge says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// `navigator.onLine` is false: no network at all.
    NoNetwork,
    /// A network, and the last request to the server went unanswered.
    ServerUnreachable,
    /// A network, and the server answered (or has not been asked yet).
    Online,
}

/// What the browser said to `navigator.storage.persist()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    Unknown,
    Granted,
    Refused,
    Unsupported,
}

/// `navigator.storage.estimate()`, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageUse {
    pub usage: u64,
    pub quota: u64,
}

impl StorageUse {
    /// More than 80% of the quota is used.
    pub fn nearly_full(&self) -> bool {
        self.quota > 0 && u128::from(self.usage) * 5 > u128::from(self.quota) * 4
    }

    pub fn percent(&self) -> u64 {
        (u128::from(self.usage) * 100 / u128::from(self.quota.max(1))) as u64
    }
}

/// An edit shown on screen but not yet written to IndexedDB.
#[derive(Debug, Clone, PartialEq)]
struct Pending {
    seq: u64,
    facility: FacilityId,
    edit: Edit,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    /// False until the store is open and the saved session has been read.
    pub ready: bool,
    /// True once the documents have been read from storage.
    pub loaded: bool,
    pub session: Option<Session>,
    /// The server refused the token: log in again before syncing.
    pub session_expired: bool,
    pub library: Library,
    pending: Vec<Pending>,
    pub sync: SyncStatus,
    /// Local time of the last sync that finished, kept across reloads.
    pub last_synced: Option<String>,
    /// What the server refused in the last sync, by document id.
    pub refused: BTreeMap<String, Refusal>,
    /// SHA-256 of the photos stored on the phone and not yet on the server.
    pub uploads_pending: BTreeSet<String>,
    pub persistence: Persistence,
    pub storage: Option<StorageUse>,
    /// `navigator.onLine`.
    pub online: bool,
    /// The last request to the server went unanswered (while online).
    pub server_unreachable: bool,
    pub filter: Filter,
    /// The lead's review queue filter.
    pub review_filter: QueueFilter,
    /// A message for the user about the last failed local action.
    pub error: Option<String>,
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            ready: false,
            loaded: false,
            session: None,
            session_expired: false,
            library: Library::default(),
            pending: Vec::new(),
            sync: SyncStatus::Idle,
            last_synced: None,
            refused: BTreeMap::new(),
            uploads_pending: BTreeSet::new(),
            persistence: Persistence::Unknown,
            storage: None,
            online: true,
            server_unreachable: false,
            filter: Filter::default(),
            review_filter: QueueFilter::default(),
            error: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The store is open; the saved session, if any, is known.
    Started(Option<Session>),
    LoggedIn(Session),
    LoggedOut,
    SessionExpired,
    /// Every document, read from storage after all edits up to `upto`.
    Loaded {
        library: Library,
        upto: u64,
    },
    /// A facility created on the phone, already stored.
    FacilityStored(Box<FacilityEntry>),
    Edited {
        seq: u64,
        facility: FacilityId,
        edit: Edit,
    },
    /// Every edit up to `upto` is in IndexedDB.
    Persisted {
        upto: u64,
    },
    /// Edits up to `upto` could not be written; a reload follows.
    SaveFailed {
        upto: u64,
        message: String,
    },
    SyncStarted,
    SyncProgress(SyncRun),
    /// The time of the last sync, as stored on the phone.
    LastSyncKnown(String),
    SyncFinished {
        at: String,
        /// Documents the server refused in this session (by id); each stays
        /// on the phone as it is.
        refused: BTreeMap<String, Refusal>,
    },
    SyncFailed {
        reason: String,
        retry_in_s: Option<u32>,
        /// The server gave no answer at all.
        unreachable: bool,
    },
    /// The upload queue as stored.
    UploadQueue(BTreeSet<String>),
    /// The server has this photo now.
    Uploaded(String),
    PersistenceKnown(Persistence),
    StorageEstimated(StorageUse),
    OnlineChanged(bool),
    FilterChanged(Filter),
    /// The township lead's flow (see [`crate::review::action`]).
    Review(ReviewAction),
    /// A county document as just written to the phone (county staff's
    /// online checks); the level shown follows at once.
    CountyStored {
        facility: FacilityId,
        record: Box<CountyRecord>,
    },
    Failed(String),
    DismissError,
}

impl AppState {
    /// The refusals of a facility's documents (facility, review, county).
    pub fn refusals_of(&self, facility: FacilityId) -> Vec<&Refusal> {
        [
            DocId::facility(facility),
            DocId::review(facility),
            DocId::county(facility),
        ]
        .iter()
        .filter_map(|id| self.refused.get(&id.to_string()))
        .collect()
    }

    /// Documents with changes the server has not acknowledged.
    pub fn unsynced_count(&self) -> usize {
        self.library
            .facilities
            .values()
            .filter(|e| e.unsynced)
            .count()
            + self.library.unsynced_docs.len()
    }

    /// What the badge says: no network, or a network without the server.
    pub fn reach(&self) -> Reach {
        match (self.online, self.server_unreachable) {
            (false, _) => Reach::NoNetwork,
            (true, true) => Reach::ServerUnreachable,
            (true, false) => Reach::Online,
        }
    }

    pub fn is_syncing(&self) -> bool {
        matches!(self.sync, SyncStatus::Running { .. })
    }

    /// Edits on screen that IndexedDB does not hold yet.
    pub fn is_saving(&self) -> bool {
        !self.pending.is_empty()
    }

    pub fn facility(&self, id: FacilityId) -> Option<&Rc<FacilityEntry>> {
        self.library.facilities.get(&id)
    }

    pub fn review(&self, id: FacilityId) -> Option<&FacilityReview> {
        self.library.reviews.get(&id)
    }

    pub fn county(&self, id: FacilityId) -> Option<&CountyRecord> {
        self.library.county.get(&id)
    }

    pub fn settings(&self) -> &CountySettings {
        &self.library.settings
    }

    /// The phone's provisional classification and the level beside the lead's.
    pub fn assessment(&self, id: FacilityId) -> Option<(Assessment, LevelView)> {
        let entry = self.facility(id)?;
        let assessment = classify(&entry.body, self.county(id), self.settings());
        let view = LevelView::new(assessment.level, self.review(id));
        Some((assessment, view))
    }

    /// The list as filtered and ordered now.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows: Vec<Row> = self
            .library
            .facilities
            .values()
            .filter_map(|e| {
                let row = list::row(e, self.review(e.id), self.county(e.id), self.settings());
                self.filter
                    .matches(&row, &e.body.profile.address)
                    .then_some(row)
            })
            .collect();
        list::sort(&mut rows);
        rows
    }

    /// Applies an edit to the facility on screen.
    fn apply_edit(&mut self, facility: FacilityId, edit: &Edit) -> Result<(), String> {
        let entry = self
            .library
            .facilities
            .get_mut(&facility)
            .ok_or("找不到该机构的记录")?;
        let entry = Rc::make_mut(entry);
        apply(&mut entry.body, edit).map_err(|e| e.to_string())?;
        entry.unsynced = true;
        Ok(())
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
                self.sync = SyncStatus::Idle;
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
                    retry_in_s: None,
                };
            }
            Action::Loaded { library, upto } => {
                self.library = library;
                self.loaded = true;
                self.pending.retain(|p| p.seq > upto);
                for p in self.pending.clone() {
                    // A facility the reload no longer has cannot take the edit;
                    // the writer reports that failure itself.
                    let _ = self.apply_edit(p.facility, &p.edit);
                }
            }
            Action::FacilityStored(entry) => {
                self.library.facilities.insert(entry.id, Rc::new(*entry));
                self.error = None;
            }
            Action::Edited {
                seq,
                facility,
                edit,
            } => match self.apply_edit(facility, &edit) {
                Ok(()) => self.pending.push(Pending {
                    seq,
                    facility,
                    edit,
                }),
                Err(message) => self.error = Some(message),
            },
            Action::Persisted { upto } => self.pending.retain(|p| p.seq > upto),
            Action::SaveFailed { upto, message } => {
                self.pending.retain(|p| p.seq > upto);
                self.error = Some(message);
            }
            Action::SyncStarted => self.sync = SyncStatus::Running(SyncRun::default()),
            Action::SyncProgress(run) => {
                self.sync = SyncStatus::Running(run);
                self.server_unreachable = false;
            }
            Action::LastSyncKnown(at) => self.last_synced = Some(at),
            Action::SyncFinished { at, refused } => {
                self.sync = SyncStatus::Idle;
                self.last_synced = Some(at);
                self.refused = refused;
                self.server_unreachable = false;
            }
            Action::SyncFailed {
                reason,
                retry_in_s,
                unreachable,
            } => {
                self.sync = SyncStatus::Failed { reason, retry_in_s };
                self.server_unreachable = unreachable;
            }
            Action::UploadQueue(queue) => self.uploads_pending = queue,
            Action::Uploaded(sha256) => {
                self.uploads_pending.remove(&sha256);
            }
            Action::PersistenceKnown(p) => self.persistence = p,
            Action::StorageEstimated(s) => self.storage = Some(s),
            Action::OnlineChanged(online) => {
                self.online = online;
                self.server_unreachable = false;
            }
            Action::FilterChanged(filter) => self.filter = filter,
            Action::Review(action) => crate::review::action::reduce(&mut self, action),
            // Written first and shown after, as the lead's documents are.
            Action::CountyStored { facility, record } => {
                Rc::make_mut(&mut self.library.county).insert(facility, *record);
                self.library.unsynced_docs.insert(DocId::county(facility));
                self.error = None;
            }
            Action::Failed(message) => self.error = Some(message),
            Action::DismissError => self.error = None,
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
    use crate::form::edit::Target;
    use crate::form::value::Value;
    use crate::review::queue::tests::facility;
    use mopai_shared::ids::{UserId, VisitId};

    fn entry(name: &str) -> FacilityEntry {
        facility(name, &[])
    }

    fn library(entries: &[FacilityEntry]) -> Library {
        crate::review::queue::tests::library(entries, &[])
    }

    fn run(actions: impl IntoIterator<Item = Action>) -> AppState {
        actions
            .into_iter()
            .fold(AppState::default(), |s, a| s.reduce(a))
    }

    fn rename(seq: u64, facility: FacilityId, name: &str) -> Action {
        Action::Edited {
            seq,
            facility,
            edit: Edit::Set {
                target: Target::Facility,
                key: "profile.name",
                value: Value::Text(name.into()),
            },
        }
    }

    #[test]
    fn an_edit_shows_at_once_and_counts_as_unsynced() {
        let a = entry("甲");
        let s = run([
            Action::Loaded {
                library: library(std::slice::from_ref(&a)),
                upto: 0,
            },
            rename(1, a.id, "甲养老院"),
        ]);
        assert_eq!(s.facility(a.id).unwrap().body.profile.name, "甲养老院");
        assert_eq!(s.unsynced_count(), 1);
        assert!(s.is_saving());
        let s = s.reduce(Action::Persisted { upto: 1 });
        assert!(!s.is_saving());
    }

    #[test]
    fn a_reload_keeps_edits_the_store_has_not_seen_yet() {
        let a = entry("甲");
        let s = run([
            Action::Loaded {
                library: library(std::slice::from_ref(&a)),
                upto: 0,
            },
            rename(1, a.id, "甲1"),
            rename(2, a.id, "甲12"),
            Action::Persisted { upto: 1 },
        ]);
        // The sync's reload was read after edit 1 was written, before edit 2.
        let mut stored = a.clone();
        stored.body.profile.name = "甲1".into();
        stored.body.profile.village = "东湖村".into(); // merged from another phone
        let s = s.reduce(Action::Loaded {
            library: library(&[stored]),
            upto: 1,
        });
        let shown = &s.facility(a.id).unwrap().body.profile;
        assert_eq!(shown.name, "甲12", "pending edit re-applied");
        assert_eq!(shown.village, "东湖村", "merged change kept");
        let s = s.reduce(Action::Persisted { upto: 2 });
        assert!(!s.is_saving());
    }

    #[test]
    fn a_new_visit_and_its_answers_live_in_the_facility() {
        let a = entry("甲");
        let v = VisitId::random();
        let s = run([
            Action::Loaded {
                library: library(std::slice::from_ref(&a)),
                upto: 0,
            },
            Action::Edited {
                seq: 1,
                facility: a.id,
                edit: Edit::AddVisit {
                    id: v,
                    by: UserId::random(),
                },
            },
            Action::Edited {
                seq: 2,
                facility: a.id,
                edit: Edit::Set {
                    target: Target::Visit(v),
                    key: "findings.suspected_fraud",
                    value: Value::Flag(Some(true)),
                },
            },
        ]);
        let (assessment, view) = s.assessment(a.id).unwrap();
        assert_eq!(assessment.level, mopai_shared::model::RiskLevel::Red);
        assert_eq!(view.effective(), assessment.level);
    }

    #[test]
    fn a_stored_blacklist_check_raises_the_level_shown_and_waits_for_a_sync() {
        use mopai_shared::ids::CheckId;
        use mopai_shared::model::{CheckFinding, CheckSource, OnlineCheck, RiskLevel};
        let a = entry("甲");
        let s = run([Action::Loaded {
            library: library(std::slice::from_ref(&a)),
            upto: 0,
        }]);
        assert_ne!(s.assessment(a.id).unwrap().0.level, RiskLevel::Orange);
        let check = OnlineCheck {
            id: CheckId::random(),
            source: CheckSource::CreditChina,
            subject: "甲".into(),
            finding: Some(CheckFinding::BlacklistElderlyCare),
            detail: String::new(),
            checked_on: "2022-01-16".parse().unwrap(),
            reference: "黑名单 2022-01".into(),
            checked_by: UserId::random(),
        };
        let s = s.reduce(Action::CountyStored {
            facility: a.id,
            record: Box::new(CountyRecord {
                online_checks: vec![check],
                notes: Vec::new(),
            }),
        });
        let (assessment, _) = s.assessment(a.id).unwrap();
        assert_eq!(assessment.level, RiskLevel::Orange);
        assert!(assessment.fired_ids().any(|r| r.code() == "O3"));
        assert_eq!(s.unsynced_count(), 1, "the county record waits for a sync");
    }

    #[test]
    fn an_edit_to_an_unknown_facility_is_an_error_not_a_panic() {
        let s = run([rename(1, FacilityId::random(), "x")]);
        assert!(s.error.is_some());
        assert!(!s.is_saving());
    }

    #[test]
    fn a_failed_sync_keeps_the_last_success_time() {
        let s = run([
            Action::SyncStarted,
            Action::SyncFinished {
                at: "10:00".into(),
                refused: BTreeMap::new(),
            },
            Action::SyncStarted,
        ]);
        assert!(s.is_syncing());
        let s = s.reduce(Action::SyncFailed {
            reason: "无法连接服务器".into(),
            retry_in_s: Some(10),
            unreachable: true,
        });
        assert_eq!(s.last_synced.as_deref(), Some("10:00"));
        assert!(matches!(
            s.sync,
            SyncStatus::Failed {
                retry_in_s: Some(10),
                ..
            }
        ));
    }

    #[test]
    fn the_last_sync_time_read_at_start_shows_until_the_next_sync() {
        let s = run([Action::LastSyncKnown("3月5日 14:02".into())]);
        assert_eq!(s.last_synced.as_deref(), Some("3月5日 14:02"));
        let s = s.reduce(Action::SyncFinished {
            at: "3月6日 09:00".into(),
            refused: BTreeMap::new(),
        });
        assert_eq!(s.last_synced.as_deref(), Some("3月6日 09:00"));
    }

    #[test]
    fn the_badge_tells_no_network_from_an_unreachable_server() {
        let unanswered = Action::SyncFailed {
            reason: "无法连接服务器".into(),
            retry_in_s: Some(5),
            unreachable: true,
        };
        let s = run([Action::OnlineChanged(true), unanswered.clone()]);
        assert_eq!(s.reach(), Reach::ServerUnreachable);
        let s = s.reduce(Action::SyncProgress(SyncRun::default()));
        assert_eq!(s.reach(), Reach::Online, "the server answered a round");
        let s = run([unanswered, Action::OnlineChanged(false)]);
        assert_eq!(s.reach(), Reach::NoNetwork);
        let s = s.reduce(Action::OnlineChanged(true));
        assert_eq!(s.reach(), Reach::Online, "a new network is tried afresh");
    }

    fn session(name: &str) -> Session {
        Session {
            token: "t".into(),
            user: Me {
                id: UserId::random(),
                username: name.into(),
                display_name: name.into(),
                role: mopai_shared::roles::Role::Inspector,
                township: None,
            },
        }
    }

    #[test]
    fn an_expired_session_keeps_the_user_and_the_entries() {
        let a = entry("甲");
        let s = run([
            Action::Started(Some(session("王"))),
            Action::Loaded {
                library: library(std::slice::from_ref(&a)),
                upto: 0,
            },
            rename(1, a.id, "甲2"),
            Action::SyncStarted,
            Action::SessionExpired,
        ]);
        assert!(s.session_expired);
        assert!(
            s.session.is_some(),
            "offline work goes on with the old session"
        );
        assert_eq!(s.unsynced_count(), 1);
        assert!(matches!(
            s.sync,
            SyncStatus::Failed {
                retry_in_s: None,
                ..
            }
        ));
        let s = s.reduce(Action::LoggedIn(session("王")));
        assert!(!s.session_expired);
        assert_eq!(s.sync, SyncStatus::Idle);
    }

    #[test]
    fn logging_out_keeps_local_entries() {
        let a = entry("甲");
        let s = run([
            Action::Started(Some(session("王"))),
            Action::Loaded {
                library: library(&[a]),
                upto: 0,
            },
            Action::LoggedOut,
        ]);
        assert!(s.session.is_none());
        assert_eq!(s.library.facilities.len(), 1);
    }

    #[test]
    fn the_filter_narrows_the_rows() {
        let s = run([
            Action::Loaded {
                library: library(&[entry("夕阳红"), entry("幸福院")]),
                upto: 0,
            },
            Action::FilterChanged(Filter {
                query: "夕阳".into(),
                ..Filter::default()
            }),
        ]);
        let rows = s.rows();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, "夕阳红");
    }

    #[test]
    fn uploaded_photos_leave_the_queue() {
        let s = run([
            Action::UploadQueue(["a".to_owned(), "b".to_owned()].into()),
            Action::Uploaded("a".into()),
        ]);
        assert_eq!(s.uploads_pending, ["b".to_owned()].into());
    }

    #[test]
    fn storage_is_nearly_full_above_eighty_percent() {
        assert!(
            !StorageUse {
                usage: 80,
                quota: 100
            }
            .nearly_full()
        );
        assert!(
            StorageUse {
                usage: 81,
                quota: 100
            }
            .nearly_full()
        );
        assert!(!StorageUse { usage: 5, quota: 0 }.nearly_full());
        assert_eq!(
            StorageUse {
                usage: 81,
                quota: 100
            }
            .percent(),
            81
        );
    }
}
