//! A real mopai server for tests: a real database (an SQLite file, or a
//! PostgreSQL schema of its own), real TCP on loopback.
//!
//! Accounts and townships are seeded through the server's own admin API on a
//! second connection to the same database (SQLite serialises the writes), so
//! a test sets up exactly what an admin would with `mopai user add`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mopai_server::Config;
use mopai_server::admin::{accounts, townships};
use mopai_server::config::Durability;
use mopai_server::storage::users::UserRow;
use mopai_server::storage::{Database, Storage};
use mopai_shared::api::{ErrorBody, LoginResponse};
use mopai_shared::ids::TownshipId;
use mopai_shared::roles::Role;
use tokio::net::TcpListener;

use crate::device::Device;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long a stopping server may take to finish open connections.
const STOP_GRACE: Duration = Duration::from_secs(5);

pub struct TestServer {
    pub addr: SocketAddr,
    config: Config,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    // Dropped last: removes the database with the server.
    _tmp: Option<tempfile::TempDir>,
}

impl TestServer {
    /// A server on a fresh port with a fresh database.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A fresh server whose configuration `configure` adjusts first.
    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut config = Config::for_data_dir(tmp.path());
        if crate::postgres::engine_is_postgres() {
            config.database = Some(Database::Postgres {
                url: crate::postgres::fresh_database().await,
            });
        }
        configure(&mut config);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let mut server = Self::serve(listener, config);
        server._tmp = Some(tmp);
        server
    }

    fn serve(listener: TcpListener, config: Config) -> Self {
        let addr = listener.local_addr().expect("local addr");
        // Migrate before serving, so a test's own connection never races
        // the server's first open.
        drop(Storage::open(&config.database(), Durability::Full).expect("open database"));
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(mopai_server::run(config.clone(), listener, async {
            let _ = rx.await;
        }));
        Self {
            addr,
            config,
            shutdown: Some(tx),
            task: Some(task),
            _tmp: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn database_path(&self) -> PathBuf {
        self.config.database_path()
    }

    /// Where the server keeps its data, as `--database` takes it.
    pub fn database(&self) -> Database {
        self.config.database()
    }

    pub fn data_dir(&self) -> &Path {
        &self.config.data_dir
    }

    /// The server's database through its storage API, for seeding and checks.
    pub fn storage(&self) -> Storage {
        Storage::open(&self.config.database(), Durability::Full).expect("open database")
    }

    pub fn add_townships(&self, names: &[&str]) -> Vec<TownshipId> {
        townships::add(&self.storage(), names).expect("add townships")
    }

    /// An account as `mopai user add` makes it; `township` by name.
    pub fn add_user(
        &self,
        username: &str,
        role: Role,
        township: Option<&str>,
        password: &str,
    ) -> UserRow {
        let account = accounts::NewAccount {
            username,
            display_name: username,
            role,
            township,
        };
        accounts::add(&self.storage(), account, password).expect("add user")
    }

    /// `POST /api/login`: the status, and the body when it succeeded.
    pub async fn login(&self, username: &str, password: &str) -> (u16, Option<LoginResponse>) {
        let response = reqwest::Client::new()
            .post(self.url("/api/login"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("POST /api/login");
        let status = response.status().as_u16();
        (status, response.json().await.ok())
    }

    /// A bearer token for a user who must be able to log in.
    pub async fn token(&self, username: &str, password: &str) -> String {
        match self.login(username, password).await {
            (200, Some(body)) => body.token,
            (status, _) => panic!("{username} could not log in: {status}"),
        }
    }

    /// `GET path` with a bearer token: the status, and the body when it
    /// reads as `T`.
    pub async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
    ) -> (u16, Option<T>) {
        let response = reqwest::Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET");
        let status = response.status().as_u16();
        (status, response.json().await.ok())
    }

    /// A simulated phone logged in as `username`.
    /// Posts a raw sync body; the status and, for a refusal, its JSON body.
    pub async fn post_sync(&self, token: &str, body: Vec<u8>) -> (u16, Option<ErrorBody>) {
        let response = reqwest::Client::new()
            .post(self.url("/api/sync"))
            .bearer_auth(token)
            .body(body)
            .send()
            .await
            .expect("POST /api/sync");
        let status = response.status().as_u16();
        (status, response.json().await.ok())
    }

    pub async fn phone(&self, username: &str, password: &str) -> Device {
        let mut phone = Device::new(self.url("/api/sync"));
        phone
            .login(&self.url("/api/login"), username, password)
            .await
            .unwrap_or_else(|e| panic!("{username} could not log in: {e}"));
        phone
    }

    /// Stops serving and closes the port: the network is gone for clients.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(STOP_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }

    /// Serves again on the same address and database (the same origin, for the browser).
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = TcpListener::bind(self.addr)
            .await
            .expect("rebind same port");
        let tmp = self._tmp.take();
        *self = Self::serve(listener, self.config.clone());
        self._tmp = tmp;
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
