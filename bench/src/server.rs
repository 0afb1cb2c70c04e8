//! The server under test as a separate process (`mopai serve`, release
//! build), its /proc figures, and accounts seeded through the storage API
//! before it starts.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use mopai_server::admin::townships;
use mopai_server::auth::password;
use mopai_server::auth::session::token_hash;
use mopai_server::config::Durability;
use mopai_server::error::AppError;
use mopai_server::storage::Storage;
use mopai_server::storage::users::NewUser;
use mopai_shared::ids::{TownshipId, UserId};
use mopai_shared::roles::Role;
use serde_json::{Value, json};

/// Longest wait for a started server to answer `/healthz`.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Memory and CPU of one process, from /proc.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcSample {
    pub rss_kb: u64,
    pub hwm_kb: u64,
    /// utime + stime, seconds.
    pub cpu_s: f64,
}

impl ProcSample {
    pub fn of(pid: u32) -> Self {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let kb = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        Self {
            rss_kb: kb("VmRSS:"),
            hwm_kb: kb("VmHWM:"),
            cpu_s: cpu_seconds(pid),
        }
    }

    pub fn json(&self) -> Value {
        json!({ "rss_kb": self.rss_kb, "hwm_kb": self.hwm_kb, "cpu_s": self.cpu_s })
    }
}

/// utime + stime of a process in seconds (clock ticks of 1/100 s).
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let Some(after) = stat.rfind(')').map(|i| &stat[i + 2..]) else {
        return 0.0;
    };
    let f: Vec<&str> = after.split(' ').collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// `mopai serve` on a free loopback port; killed when dropped.
pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
}

impl ServerProcess {
    pub fn start(mopai: &Path, data_dir: &Path, durability: &str) -> Result<Self, String> {
        let addr = free_port()?;
        let log = std::fs::File::create(data_dir.join("server.log")).map_err(|e| e.to_string())?;
        let out = log.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(mopai)
            .arg("serve")
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--listen")
            .arg(addr.to_string())
            .arg("--durability")
            .arg(durability)
            .env("RUST_LOG", "warn")
            .stdout(out)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("start {}: {e}", mopai.display()))?;
        let mut server = Self {
            child,
            addr,
            data_dir: data_dir.to_path_buf(),
        };
        server.wait_healthy()?;
        Ok(server)
    }

    fn wait_healthy(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "mopai serve exited with {status}; see {}/server.log",
                    self.data_dir.display()
                ));
            }
            if std::net::TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok()
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("mopai serve did not listen on {}", self.addr))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn sample(&self) -> ProcSample {
        ProcSample::of(self.pid())
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The last error the server logged, without colours: what a 500 hides.
    pub fn last_error(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.data_dir.join("server.log")).ok()?;
        let line = strip_ansi(text.lines().rev().find(|l| l.contains("ERROR"))?);
        let error = line.split_once("error=").map_or(line.as_str(), |(_, e)| e);
        Some(error.chars().take(300).collect())
    }

    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Drops terminal colour sequences (`ESC [ … m`).
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn free_port() -> Result<SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map_err(|e| e.to_string())
}

/// A seeded account with an open session.
#[derive(Debug, Clone)]
pub struct Account {
    pub user: UserId,
    pub township: Option<TownshipId>,
    pub token: String,
}

/// Opens (and migrates) the database of a data folder.
/// One thread for the simulated phones, as the peer's Node driver has.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

pub fn open_storage(data_dir: &Path) -> Result<Storage, String> {
    std::fs::create_dir_all(data_dir).map_err(|e| e.to_string())?;
    let config = mopai_server::Config::for_data_dir(data_dir);
    Storage::open(&config.database(), Durability::Normal).map_err(|e| e.to_string())
}

/// Registers townships (and the settings document) as `mopai township add` does.
pub fn add_townships(storage: &Storage, names: &[String]) -> Result<Vec<TownshipId>, String> {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    townships::add(storage, &names).map_err(|e| e.to_string())
}

/// Accounts with sessions, written straight into the database: one argon2
/// hash shared by all (hashing hundreds of passwords would only time
/// argon2), and a known token per account instead of a login each.
pub fn add_accounts(
    storage: &Storage,
    accounts: &[(String, Role, Option<TownshipId>)],
) -> Result<Vec<Account>, String> {
    let hash = password::hash("bench-password").map_err(|e| e.to_string())?;
    let now = mopai_server::clock::unix_now();
    storage
        .write(|tx| {
            let mut out = Vec::new();
            for (username, role, township) in accounts {
                let user = UserId::from_uuid(uuid::Uuid::new_v4());
                tx.insert_user(
                    &NewUser {
                        id: user,
                        username,
                        display_name: username,
                        role: *role,
                        township: *township,
                        password_hash: &hash,
                    },
                    now,
                )?;
                let token = format!("bench-token-{}", uuid::Uuid::new_v4().simple());
                tx.insert_session(&token_hash(&token), user, now, now + 30 * 86_400)?;
                out.push(Account {
                    user,
                    township: *township,
                    token,
                });
            }
            Ok::<_, AppError>(out)
        })
        .map_err(|e| e.to_string())
}

/// Bytes of the files in a folder (not recursive: the database, its WAL).
pub fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
