//! PostgreSQL, for deployments that run several `mopai serve` processes or
//! outgrow one machine.
//!
//! A pool of connections (r2d2) serves both kinds of transaction. The
//! connections are tokio-postgres ones driven on a small runtime of their
//! own ([`io_runtime`]); the storage API waits for each answer on the
//! calling thread, like the SQLite engine's calls, so it is usable from
//! any thread (a blocking-pool task, an admin command, a test) without
//! nesting runtimes. A read
//! runs `REPEATABLE READ READ ONLY`: one snapshot, no writes, and it never
//! waits for a writer. A write first locks the sequence counter row, so
//! writes are serialised across every process as SQLite serialises them in
//! one: sequence numbers follow commit order (no phone can skip a change
//! that another process commits later under a lower number), and a process
//! never merges into a document another process is writing. A sync is
//! answered after `COMMIT` returns, which with `synchronous_commit = on`
//! (the default, and what `--durability full` asks for) is after the WAL
//! reached disk.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use bytes::BytesMut;
use futures_executor::block_on;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, NoTls, Statement};

use super::Schema;
use super::schema;
use super::sql::{
    Error, Params, RawRow, Result, Row, Value, ValueRef, dollar_placeholders, values,
};
use super::tx::{Conn, ReadTx, WriteTx};
use crate::config::Durability;

/// Connections per process; reads and writes share them.
const POOL_SIZE: u32 = 8;

/// How long a request waits for a free connection or a new one.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub(super) struct Postgres {
    pool: r2d2::Pool<Manager>,
    /// Document writes take the sequence lock; photo writes need not.
    serialise_writes: bool,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postgres")
            .field("connections", &self.pool.state().connections)
            .finish()
    }
}

impl Postgres {
    /// Connects to `url` (`postgres://user@host:port/db`) and applies the
    /// missing migrations of `schema`.
    pub(super) fn open(url: &str, durability: Durability, schema: Schema) -> Result<Self> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| Error::Unavailable(format!("database address: {e}")))?;
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(CONNECT_TIMEOUT)
            // Report a refused connection at once instead of retrying it
            // until the timeout.
            .build_unchecked(Manager { config, durability });
        let db = Self {
            pool,
            serialise_writes: schema == Schema::Main,
        };
        let mut conn = db.conn()?;
        schema::migrate_postgres(&mut conn, schema)?;
        Ok(db)
    }

    fn conn(&self) -> Result<r2d2::PooledConnection<Manager>> {
        self.pool
            .get()
            .map_err(|e| Error::Unavailable(format!("database connection: {e}")))
    }

    pub(super) fn write<T, E>(&self, f: impl FnOnce(&WriteTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<Error>,
    {
        let mut conn = self.conn()?;
        conn.begin("BEGIN ISOLATION LEVEL READ COMMITTED")?;
        if self.serialise_writes {
            conn.batch("SELECT value FROM counters WHERE name = 'seq' FOR UPDATE")?;
        }
        let tx = WriteTx {
            read: ReadTx {
                conn: Conn::Postgres(RefCell::new(&mut *conn)),
            },
        };
        let result = f(&tx);
        drop(tx);
        match result {
            Ok(value) => {
                conn.commit()?;
                Ok(value)
            }
            Err(e) => {
                conn.rollback();
                Err(e)
            }
        }
    }

    pub(super) fn read<T, E>(&self, f: impl FnOnce(&ReadTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<Error>,
    {
        let mut conn = self.conn()?;
        conn.begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
        let tx = ReadTx {
            conn: Conn::Postgres(RefCell::new(&mut *conn)),
        };
        let result = f(&tx);
        drop(tx);
        conn.rollback();
        result
    }

    /// PostgreSQL checks its pages itself; what is asked here is that the
    /// database answers and holds the sequence counter.
    pub(super) fn integrity_check(&self) -> Result<String> {
        self.read(|tx| {
            tx.one("SELECT value FROM counters WHERE name = 'seq'", &[], |r| {
                r.get::<i64>(0)
            })
        })?;
        Ok("ok".to_owned())
    }
}

/// Opens connections for the pool, and keeps one that is still inside a
/// transaction (a panic mid-write) from being lent again.
struct Manager {
    config: tokio_postgres::Config,
    durability: Durability,
}

/// The runtime that drives every PostgreSQL connection of the process.
fn io_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("mopai-postgres")
            .enable_all()
            .build()
            .expect("a runtime for the PostgreSQL connections")
    })
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgConn;
    type Error = Error;

    fn connect(&self) -> Result<PgConn> {
        let config = self.config.clone();
        let connected = block_on(io_runtime().spawn(async move { config.connect(NoTls).await }))
            .map_err(|e| Error::Unavailable(format!("connecting: {e}")))?;
        let (client, connection) = connected.map_err(into_error)?;
        io_runtime().spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!(error = %e, "PostgreSQL connection ended");
            }
        });
        let mut conn = PgConn {
            client,
            statements: HashMap::new(),
            in_transaction: false,
            aborted: false,
        };
        // The server's setting decides for `full`; `normal` may lose the
        // last commits on power loss, as SQLite's `synchronous=NORMAL`.
        if self.durability == Durability::Normal {
            conn.batch("SET synchronous_commit = off")?;
        }
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<()> {
        block_on(conn.client.simple_query(""))
            .map(|_| ())
            .map_err(into_error)
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.client.is_closed() || conn.in_transaction
    }
}

/// One connection, its prepared statements, and where its transaction is.
pub(super) struct PgConn {
    client: Client,
    statements: HashMap<String, Statement>,
    in_transaction: bool,
    /// A statement failed: PostgreSQL refuses everything until a rollback
    /// (to a savepoint), and a `COMMIT` would silently roll back.
    aborted: bool,
}

impl PgConn {
    pub(super) fn begin(&mut self, sql: &str) -> Result<()> {
        block_on(self.client.batch_execute(sql)).map_err(into_error)?;
        self.in_transaction = true;
        self.aborted = false;
        Ok(())
    }

    pub(super) fn commit(&mut self) -> Result<()> {
        if self.aborted {
            self.rollback();
            return Err(Error::Postgres(
                "a statement failed inside the transaction; rolled back".into(),
            ));
        }
        block_on(self.client.batch_execute("COMMIT")).map_err(into_error)?;
        self.in_transaction = false;
        Ok(())
    }

    /// Ends the transaction without keeping anything; a connection whose
    /// rollback fails stays marked and the pool drops it.
    fn rollback(&mut self) {
        if block_on(self.client.batch_execute("ROLLBACK")).is_ok() {
            self.in_transaction = false;
        }
    }

    /// Statements without parameters; a rollback to a savepoint makes the
    /// transaction usable again.
    pub(super) fn batch(&mut self, sql: &str) -> Result<()> {
        match block_on(self.client.batch_execute(sql)) {
            Ok(()) => {
                if sql.starts_with("ROLLBACK TO") {
                    self.aborted = false;
                }
                Ok(())
            }
            Err(e) => Err(self.failed(e)),
        }
    }

    fn failed(&mut self, e: tokio_postgres::Error) -> Error {
        self.aborted = true;
        into_error(e)
    }

    fn prepared(&mut self, sql: &str) -> Result<Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = match block_on(self.client.prepare(&dollar_placeholders(sql))) {
            Ok(s) => s,
            Err(e) => return Err(self.failed(e)),
        };
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// The rows of one query, fetched whole.
    pub(super) fn query(
        &mut self,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Vec<tokio_postgres::Row>> {
        let statement = self.prepared(sql)?;
        let values = values(params);
        let refs: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        block_on(self.client.query(&statement, &refs)).map_err(|e| self.failed(e))
    }

    pub(super) fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64> {
        let statement = self.prepared(sql)?;
        let values = values(params);
        let refs: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        block_on(self.client.execute(&statement, &refs)).map_err(|e| self.failed(e))
    }
}

/// Calls `f` on each row. The connection is released before `f` runs, so
/// `f` may query again.
pub(super) fn each(
    conn: &RefCell<&mut PgConn>,
    sql: &str,
    params: Params<'_>,
    mut f: impl FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let rows = conn.borrow_mut().query(sql, params)?;
    for row in &rows {
        f(&Row(row))?;
    }
    Ok(())
}

/// Connection loss, disk full, shutdown and lock conflicts are conditions
/// of the server: nothing was stored, and a retry may succeed.
pub(super) fn into_error(e: tokio_postgres::Error) -> Error {
    let unavailable = e.is_closed()
        || e.code().is_none_or(|code| {
            let class = &code.code()[..2];
            // 08: connection; 53: resources (disk full); 57: shutdown;
            // 40: serialisation and deadlock; 55P03: lock not available.
            matches!(class, "08" | "53" | "57" | "40") || *code == SqlState::LOCK_NOT_AVAILABLE
        });
    if unavailable {
        Error::Unavailable(e.to_string())
    } else {
        Error::Postgres(e.to_string())
    }
}

/// Binds our values to whatever type PostgreSQL inferred for a placeholder.
impl ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(n) => match *ty {
                Type::INT8 => n.to_sql(ty, out),
                Type::INT4 => i32::try_from(*n)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*n)?.to_sql(ty, out),
                Type::BOOL => (*n != 0).to_sql(ty, out),
                Type::FLOAT8 => (*n as f64).to_sql(ty, out),
                _ => Err(format!("an integer cannot be bound as {ty}").into()),
            },
            Value::Real(x) => match *ty {
                Type::FLOAT8 => x.to_sql(ty, out),
                Type::FLOAT4 => (*x as f32).to_sql(ty, out),
                _ => Err(format!("a real cannot be bound as {ty}").into()),
            },
            Value::Text(s) => s.as_ref().to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A column as a [`ValueRef`], whatever its PostgreSQL type.
struct PgValue<'a>(ValueRef<'a>);

impl<'a> FromSql<'a> for PgValue<'a> {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(PgValue(match *ty {
            Type::INT8 => ValueRef::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => ValueRef::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => ValueRef::Int(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => ValueRef::Int(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => ValueRef::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => ValueRef::Real(f32::from_sql(ty, raw)?.into()),
            Type::BYTEA => ValueRef::Blob(<&[u8]>::from_sql(ty, raw)?),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                ValueRef::Text(<&str>::from_sql(ty, raw)?)
            }
            _ => return Err(format!("column type {ty} is not read by mopai").into()),
        }))
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(PgValue(ValueRef::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

impl RawRow for tokio_postgres::Row {
    fn value(&self, idx: usize) -> Result<ValueRef<'_>> {
        self.try_get::<_, PgValue<'_>>(idx)
            .map(|v| v.0)
            .map_err(|e| Error::Conversion {
                column: idx,
                message: e.to_string(),
            })
    }
}
