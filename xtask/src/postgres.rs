//! A throwaway PostgreSQL cluster for the tests: `initdb` in a temporary
//! folder, a free loopback port, stopped and removed when dropped.
//!
//! Tests get its address in `MOPAI_TEST_POSTGRES` and make one database
//! per test server in it.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::shell;

/// Debian's PostgreSQL binaries (package `postgresql`, version 15 on bookworm).
const BIN: &str = "/usr/lib/postgresql/15/bin";
/// `initdb` refuses to run as root; the cluster belongs to this account.
const OWNER: &str = "postgres";
/// How long the server may take to accept connections after `pg_ctl start`.
const START_TIMEOUT: Duration = Duration::from_secs(60);

pub struct Cluster {
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    /// Installs PostgreSQL when it is missing, then starts a fresh cluster.
    pub fn start() -> Result<Self, String> {
        ensure_installed()?;
        let dir = std::env::temp_dir().join(format!("mopai-pg-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| format!("remove {}: {e}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        shell::status(Command::new("chown").arg(OWNER).arg(&dir))?;
        let port = free_port()?;
        let cluster = Self { dir, port };
        shell::status(as_owner(&bin("initdb")).args([
            "-D",
            cluster.data(),
            "-A",
            "trust",
            "-U",
            "mopai",
            "-E",
            "UTF8",
            "--no-locale",
        ]))?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on \
             -c max_connections=300",
            cluster.data()
        );
        shell::status(as_owner(&bin("pg_ctl")).args([
            "-D",
            cluster.data(),
            "-o",
            &options,
            "-l",
            &format!("{}/log", cluster.data()),
            "-w",
            "-t",
            &START_TIMEOUT.as_secs().to_string(),
            "start",
        ]))?;
        cluster.wait_ready()?;
        Ok(cluster)
    }

    /// The address of the cluster's maintenance database; tests create
    /// their own databases from it.
    pub fn url(&self) -> String {
        format!("postgres://mopai@127.0.0.1:{}/postgres", self.port)
    }

    fn data(&self) -> &str {
        self.dir.to_str().expect("a UTF-8 temporary path")
    }

    fn wait_ready(&self) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < START_TIMEOUT {
            let ready = Command::new(bin("pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
                .output()
                .is_ok_and(|o| o.status.success());
            if ready {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "PostgreSQL did not accept connections within {START_TIMEOUT:?}; see {}/log",
            self.data()
        ))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_owner(&bin("pg_ctl"))
            .args(["-D", self.data(), "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn bin(name: &str) -> String {
    format!("{BIN}/{name}")
}

/// `program` run as the cluster's owner (we are root on CI).
fn as_owner(program: &str) -> Command {
    let mut cmd = Command::new("runuser");
    cmd.args(["-u", OWNER, "--", program]);
    cmd
}

fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("find a free port: {e}"))
}

fn ensure_installed() -> Result<(), String> {
    crate::tools::ensure_debian("the PostgreSQL tests", &[&bin("initdb")], &["postgresql"])
}
