//! The engine the suite runs on. `cargo xtask test` runs it twice: on
//! SQLite, then with `MOPAI_TEST_ENGINE=postgres` on the throwaway cluster
//! it starts and names in `MOPAI_TEST_POSTGRES`. Each test server gets a
//! schema of its own in that cluster, so tests never see each other's data.

use std::sync::atomic::{AtomicU64, Ordering};

/// The cluster's maintenance database, `postgres://user@127.0.0.1:PORT/postgres`.
pub const CLUSTER_VAR: &str = "MOPAI_TEST_POSTGRES";
/// `postgres` to run every test server on PostgreSQL.
pub const ENGINE_VAR: &str = "MOPAI_TEST_ENGINE";

/// Whether test servers use PostgreSQL in this run.
pub fn engine_is_postgres() -> bool {
    std::env::var(ENGINE_VAR).is_ok_and(|v| v == "postgres")
}

/// The cluster's address; a test that needs PostgreSQL fails without it.
pub fn cluster_url() -> String {
    std::env::var(CLUSTER_VAR).unwrap_or_else(|_| {
        panic!(
            "this test needs PostgreSQL: run it through `cargo xtask test`, which starts a \
             throwaway cluster, or set {CLUSTER_VAR}=postgres://user@host:port/db"
        )
    })
}

/// A new empty schema in the cluster, and the address whose connections
/// use it.
pub async fn fresh_database() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let url = cluster_url();
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connect to the test cluster {url}: {e}"));
    let driver = tokio::spawn(connection);
    let schema = format!(
        "t_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .await
        .unwrap_or_else(|e| panic!("create schema {schema}: {e}"));
    drop(client);
    let _ = driver.await;
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-csearch_path%3D{schema}")
}

/// Every row of every table in the schema `url` uses, each as PostgreSQL's
/// text form of the row: what is at rest, for tests that look for secrets.
pub async fn all_rows_as_text(url: &str) -> Vec<String> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
    let driver = tokio::spawn(connection);
    let tables = client
        .query(
            "SELECT quote_ident(table_name) FROM information_schema.tables
             WHERE table_schema = current_schema()",
            &[],
        )
        .await
        .expect("list tables");
    let mut out = Vec::new();
    for table in tables {
        let name: String = table.get(0);
        let rows = client
            .query(&format!("SELECT t::text FROM {name} t"), &[])
            .await
            .unwrap_or_else(|e| panic!("read {name}: {e}"));
        out.extend(rows.iter().map(|r| r.get::<_, String>(0)));
    }
    drop(client);
    let _ = driver.await;
    out
}
