//! Every database call of the server lives under this module.
//!
//! The storage modules write their SQL once, against [`sql`] and the
//! transactions of [`tx`]: a [`ReadTx`] sees one committed moment and
//! cannot write; a [`WriteTx`] is the only way to change anything. The
//! engine behind them is chosen at start ([`Storage::open`]). Callers run
//! these blocking functions off the async runtime.
//!
//! - [`sql`]: values, rows and errors of every engine; [`sql::types`] the stored form of each domain type.
//! - `tx`: [`ReadTx`] and [`WriteTx`], the query methods the modules use.
//! - `sqlite`: the embedded engine: one file in WAL mode, one writer, a few readers.
//! - `postgres`: PostgreSQL, a pool shared by several server processes; writes serialised on the sequence row.
//! - [`schema`]: the migrations of each engine, SQL files applied on open.
//! - [`docs`]: Automerge documents as change chunks, the server sequence.
//! - [`projections`]: facility, visit and assessment rows that roll-ups and exports read.
//! - [`annex_record`]: the annex facts stored as JSON with each facility row.
//! - [`rollups`]: per-township progress, levels, disposal counters.
//! - [`dashboard_parts`]: the dashboard as a sum of per-township parts (levels per category, visits per phase and day).
//! - [`heads`]: each document's heads, for the provenance of an export.
//! - [`blobs`]: photos by SHA-256, in their own file so uploads never block sync.
//! - [`scope`]: each document's township, and reads filtered by it.
//! - [`receipts`]: each visit's first receipt by the server's clock, and its one facility.
//! - [`problems`]: stored documents that no longer project, with the reason.
//! - [`townships`], [`users`], [`sessions`]: accounts and logins.
//! - [`actors`]: Automerge actor ids bound to the account that first used them.
//! - [`audit`]: who logged in, synced what, exported what.
//! - [`meta`]: small server-wide facts (the county's id).

pub mod actors;
pub mod annex_record;
pub mod audit;
pub mod blobs;
pub mod dashboard_parts;
pub mod docs;
pub mod heads;
pub mod meta;
pub mod problems;
pub mod projections;
pub mod receipts;
pub mod rollups;
mod schema;
pub mod scope;
pub mod sessions;
pub mod townships;
pub mod users;

mod postgres;
pub mod sql;
mod sqlite;
mod tx;

use std::path::{Path, PathBuf};

use crate::config::Durability;

pub use docs::{DocWrite, StoredDocMeta};
pub use sql::{Error, Result};
pub use tx::{ReadTx, WriteTx};

/// The database behind the server: one engine, chosen at start.
#[derive(Debug)]
pub struct Storage {
    engine: Engine,
}

#[derive(Debug)]
enum Engine {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

/// Where the data lives, as `--database` names it: `sqlite:DIR` (the
/// default: `mopai.db` and `blobs.db` in the data folder) or a
/// `postgres://user@host:port/database` address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite { dir: PathBuf },
    Postgres { url: String },
}

impl Database {
    /// SQLite's file of the documents, in a `sqlite:` folder.
    pub fn sqlite_file(dir: &Path) -> PathBuf {
        dir.join("mopai.db")
    }

    /// The address as `--database` takes it, password and all (the
    /// `Display` form hides it).
    pub fn to_url(&self) -> String {
        match self {
            Database::Sqlite { dir } => format!("sqlite:{}", dir.display()),
            Database::Postgres { url } => url.clone(),
        }
    }

    /// The engine's name, for logs and health answers.
    pub fn engine(&self) -> &'static str {
        match self {
            Database::Sqlite { .. } => "sqlite",
            Database::Postgres { .. } => "postgres",
        }
    }
}

impl std::str::FromStr for Database {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        if let Some(dir) = s.strip_prefix("sqlite:") {
            return Ok(Database::Sqlite { dir: dir.into() });
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(Database::Postgres { url: s.to_owned() });
        }
        Err(format!(
            "数据库地址应为 sqlite:目录 或 postgres://用户@主机:端口/库名，收到 {s:?}"
        ))
    }
}

/// Never prints a password that an address may hold.
impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite { dir } => write!(f, "sqlite:{}", dir.display()),
            Database::Postgres { url } => {
                let shown = match url.split_once('@') {
                    Some((_, host)) => format!("postgres://…@{host}"),
                    None => url.clone(),
                };
                f.write_str(shown.split('?').next().unwrap_or_default())
            }
        }
    }
}

/// Which tables a [`Storage`] holds: the documents and everything read from
/// them, or the photos (in their own SQLite file, so uploads never wait
/// for the documents' writer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    Main,
    Blobs,
}

impl Storage {
    /// The documents' database, migrated to this build's schema.
    pub fn open(database: &Database, durability: Durability) -> Result<Self> {
        Self::open_schema(database, durability, Schema::Main)
    }

    /// `schema`'s tables: for SQLite in their own file in the folder, for
    /// PostgreSQL in the one database.
    pub(crate) fn open_schema(
        database: &Database,
        durability: Durability,
        schema: Schema,
    ) -> Result<Self> {
        let engine = match database {
            Database::Sqlite { dir } => {
                let file = match schema {
                    Schema::Main => Database::sqlite_file(dir),
                    Schema::Blobs => dir.join("blobs.db"),
                };
                Engine::Sqlite(sqlite::Sqlite::open(&file, durability, schema)?)
            }
            Database::Postgres { url } => {
                Engine::Postgres(postgres::Postgres::open(url, durability, schema)?)
            }
        };
        Ok(Self { engine })
    }

    /// Runs `f` in one write transaction, committed (durably, as the
    /// durability setting says) only if `f` succeeds. Writes are
    /// serialised, so sequence numbers follow commit order.
    pub fn write<T, E>(&self, f: impl FnOnce(&WriteTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<Error>,
    {
        match &self.engine {
            Engine::Sqlite(db) => db.write(f),
            Engine::Postgres(db) => db.write(f),
        }
    }

    /// Read-only work that sees the data committed when it starts, and
    /// nothing later; it neither waits for writes nor holds them up.
    pub fn read<T, E>(&self, f: impl FnOnce(&ReadTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<Error>,
    {
        match &self.engine {
            Engine::Sqlite(db) => db.read(f),
            Engine::Postgres(db) => db.read(f),
        }
    }

    /// The engine's own consistency check: `ok` when sound.
    pub fn integrity_check(&self) -> Result<String> {
        match &self.engine {
            Engine::Sqlite(db) => db.integrity_check(),
            Engine::Postgres(db) => db.integrity_check(),
        }
    }
}

/// A storage in a fresh temporary folder, for unit tests.
#[cfg(test)]
pub(crate) fn temp_storage() -> (tempfile::TempDir, Storage) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let database = Database::Sqlite {
        dir: dir.path().to_path_buf(),
    };
    let storage = Storage::open(&database, Durability::Full).expect("open");
    (dir, storage)
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::temp_storage as storage;
    use super::*;

    fn write_meta(storage: &Storage, value: &str) -> Result<()> {
        storage.write(|tx| tx.set_meta("probe", value))
    }

    #[test]
    fn a_long_read_neither_blocks_a_write_nor_sees_it() {
        let (_dir, storage) = storage();
        write_meta(&storage, "before").unwrap();
        let (reading, read_started) = mpsc::channel();
        let (wrote, write_done) = mpsc::channel::<()>();
        std::thread::scope(|s| {
            let storage = &storage;
            let reader = s.spawn(move || {
                storage.read(|tx| {
                    let first = tx.meta("probe")?;
                    reading.send(()).unwrap();
                    // Held open until the write has committed, or the test fails.
                    write_done
                        .recv_timeout(Duration::from_secs(10))
                        .expect("the write committed while this read was open");
                    Ok::<_, Error>((first, tx.meta("probe")?))
                })
            });
            read_started.recv().unwrap();
            write_meta(storage, "after").unwrap();
            wrote.send(()).unwrap();
            let (first, second) = reader.join().unwrap().unwrap();
            assert_eq!(first.as_deref(), Some("before"));
            assert_eq!(second.as_deref(), Some("before"), "a read sees one moment");
        });
        let now = storage.read(|tx| tx.meta("probe")).unwrap();
        assert_eq!(now.as_deref(), Some("after"));
    }
}
