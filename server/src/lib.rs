//! mopai-server: stores and merges the phones' Automerge documents in SQLite
//! or PostgreSQL,
//! classifies facilities, and serves the embedded client and the API.
//!
//! Start it with [`run`], giving it a bound listener and a shutdown future, so
//! tests bind `127.0.0.1:0` and never sleep.
//!
//! # Layout
//!
//! - [`config`]: every setting, as a `mopai serve` flag and an environment variable.
//! - [`auth`]: passwords, sessions, the `AuthUser` extractor, scope checks, login rate limit.
//! - [`admin`]: what the admin commands do: accounts, townships, settings, imports, demo.
//! - [`clock`]: Unix seconds, the unit of every stored instant.
//! - [`error`]: the one error type, mapped to HTTP status and a Chinese message.
//! - [`gate`]: the write gate every document write passes: scope, header, actors, content.
//! - [`http`]: the axum router, one module per area, and the embedded client.
//! - [`projection`]: documents → facility, visit and assessment rows, classified by the shared engine.
//! - [`dashboard_cache`]: the county dashboard's per-township parts, recomputed only where written since.
//! - [`leads`]: the broadcast of new red/orange leads that `GET /api/events` streams.
//! - [`export`]: the five annex tables as XLSX and CSV, a provenance sheet, a zip of all five.
//! - [`storage`]: every database call, on SQLite or PostgreSQL: schema, documents, sequence numbers.
//! - [`sync`]: the server half of the sync protocol.
//! - [`tls`]: HTTPS with rustls when a certificate and key are configured.
//! - [`listen`]: accepting connections (plain or TLS) with header and handshake timeouts.
//! - [`cli`]: the `mopai` command line.

pub mod admin;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod dashboard_cache;
pub mod error;
pub mod export;
pub mod gate;
pub mod http;
pub mod leads;
pub mod listen;
pub mod projection;
pub mod storage;
pub mod sync;
pub mod tls;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;

pub use config::Config;
use error::{AppError, AppResult};
use storage::Storage;
use storage::blobs::BlobStore;

/// Blocking database work allowed at once; more requests wait their turn
/// instead of piling threads onto the blocking pool.
const BLOCKING_SLOTS: usize = 4;

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    pub storage: Storage,
    pub blobs: BlobStore,
    pub login_limiter: auth::rate_limit::LoginLimiter,
    /// New red/orange leads; publish after the commit that found them.
    pub leads: leads::LeadFeed,
    pub dashboards: dashboard_cache::DashboardCache,
    blocking_slots: Semaphore,
}

impl AppState {
    pub fn open(config: Config) -> std::io::Result<Arc<Self>> {
        std::fs::create_dir_all(&config.data_dir)?;
        let database = config.database();
        let storage = Storage::open(&database, config.durability).map_err(std::io::Error::other)?;
        let blobs = BlobStore::open(&database, config.durability).map_err(std::io::Error::other)?;
        Ok(Arc::new(Self {
            config,
            storage,
            blobs,
            login_limiter: auth::rate_limit::LoginLimiter::default(),
            leads: leads::LeadFeed::default(),
            dashboards: dashboard_cache::DashboardCache::default(),
            blocking_slots: Semaphore::new(BLOCKING_SLOTS),
        }))
    }

    /// Runs blocking work (SQLite, Automerge) on the bounded blocking pool.
    pub async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&AppState) -> AppResult<T> + Send + 'static,
    ) -> AppResult<T> {
        let _slot = self
            .blocking_slots
            .acquire()
            .await
            .map_err(|_| AppError::Unavailable)?;
        let app = Arc::clone(self);
        tokio::task::spawn_blocking(move || work(&app)).await?
    }
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let acceptor = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(tls::acceptor(cert, key)?),
        _ => None,
    };
    let state = AppState::open(config)?;
    let scanning = Arc::clone(&state);
    // Off the request path: a county's documents take seconds, the
    // national database minutes; requests are served meanwhile.
    std::thread::spawn(move || match gate::scan::scan(&scanning.storage) {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            documents = n,
            "stored documents checked against the write gate"
        ),
        Err(e) => tracing::error!(error = %e, "checking stored documents failed"),
    });
    let router = http::router(state);
    tracing::info!(addr = ?listener.local_addr()?, https = acceptor.is_some(), "mopai serving");
    listen::serve(listener, router, acceptor, shutdown).await
}
