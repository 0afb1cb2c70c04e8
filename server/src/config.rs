//! Server configuration: every field is a `mopai serve` flag and an
//! environment variable, so a deployment is one binary, one SQLite file (or
//! one PostgreSQL database) and a few variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::storage::Database;

/// How hard the database pushes each commit to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Durability {
    /// SQLite `synchronous=FULL`, PostgreSQL `synchronous_commit` as the
    /// server sets it (`on` by default): a commit survives power loss. The
    /// default: nothing acknowledged to a phone may be lost.
    Full,
    /// SQLite `synchronous=NORMAL`, PostgreSQL `synchronous_commit=off`:
    /// survives a process crash but may lose the last commits on power loss.
    /// Only for benchmarks and throwaway demos.
    Normal,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "MOPAI_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Folder holding the SQLite database (`mopai.db`), created if missing.
    #[arg(long, env = "MOPAI_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Where the documents live: `sqlite:DIR`, or `postgres://user@host:port/db`
    /// to share one PostgreSQL database between several `mopai serve`
    /// processes. Without it, SQLite files in `--data-dir`.
    #[arg(long, env = "MOPAI_DATABASE")]
    pub database: Option<Database>,

    /// Durability of each commit.
    #[arg(long, env = "MOPAI_DURABILITY", value_enum, default_value = "full")]
    pub durability: Durability,

    /// PEM certificate chain for HTTPS. Phones only install the app and run
    /// its service worker on a secure origin; plain HTTP is for localhost.
    #[arg(long, env = "MOPAI_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key matching `--tls-cert`.
    #[arg(long, env = "MOPAI_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Largest request body accepted by the sync endpoint, in bytes.
    #[arg(long, env = "MOPAI_MAX_SYNC_BODY", default_value_t = 8 * 1024 * 1024)]
    pub max_sync_body: usize,

    /// Largest photo or other evidence file accepted, in bytes. Phones
    /// compress photos before upload, so this only stops abuse.
    #[arg(long, env = "MOPAI_MAX_BLOB", default_value_t = 10 * 1024 * 1024)]
    pub max_blob_bytes: usize,

    /// Days a login stays valid. A phone keeps working offline after that;
    /// it asks for the password again before its next sync. 0 makes every
    /// session expire at once (for tests).
    #[arg(long, env = "MOPAI_SESSION_DAYS", default_value_t = 30)]
    pub session_days: u32,
}

impl Config {
    /// A configuration for tests and tools: a data folder, everything else default.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.into(),
            database: None,
            durability: Durability::Full,
            tls_cert: None,
            tls_key: None,
            max_sync_body: 8 * 1024 * 1024,
            max_blob_bytes: 10 * 1024 * 1024,
            session_days: 30,
        }
    }

    /// The database in use: `--database`, or SQLite in the data folder.
    pub fn database(&self) -> Database {
        self.database.clone().unwrap_or_else(|| Database::Sqlite {
            dir: self.data_dir.clone(),
        })
    }

    /// The SQLite file of the documents, when SQLite is the engine.
    pub fn database_path(&self) -> PathBuf {
        match self.database() {
            Database::Sqlite { dir } => Database::sqlite_file(&dir),
            Database::Postgres { .. } => Database::sqlite_file(&self.data_dir),
        }
    }
}
