//! The real `mopai` binary as a child process: started with `mopai serve`,
//! killed with SIGKILL (`kill -9`), started again on the same data folder.
//!
//! # Where the binary comes from
//!
//! Only the server crate's own integration tests get the path of its binary
//! from cargo (`env!("CARGO_BIN_EXE_mopai")`), and cargo builds it, with the
//! same features, before they run — in `cargo test --workspace` as in
//! `cargo test -p mopai-server`. So tests that kill the process live in
//! `server/tests/` (the server crate takes this crate as a dev-dependency)
//! and pass that path in here; nothing here runs cargo or guesses a path.
//!
//! The child's stdout and stderr are drained by threads, which count the
//! lines that report a panic or a failed (5xx) request, so a test can
//! require that no crash or hostile input ever produced one.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a starting server may take to print its address.
const START_WAIT: Duration = Duration::from_secs(60);

/// What the child's output said, counted over its whole life (and the lives
/// of the processes that [`MopaiProcess::restart`] started after it).
#[derive(Debug, Default)]
pub struct OutputCounts {
    /// Lines with Rust's panic message.
    pub panics: AtomicUsize,
    /// `request failed` lines: the server answered 5xx.
    pub server_errors: AtomicUsize,
}

/// A running `mopai serve`.
pub struct MopaiProcess {
    binary: PathBuf,
    data_dir: PathBuf,
    child: Child,
    pub addr: SocketAddr,
    pub counts: Arc<OutputCounts>,
    /// Times this server was started (1 for a fresh one).
    pub starts: usize,
}

/// A loopback address with a port that was free a moment ago.
pub fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
}

impl MopaiProcess {
    /// `mopai serve --data-dir DATA --listen ADDR`, returned once it listens.
    pub fn start(binary: &Path, data_dir: &Path, addr: SocketAddr) -> Self {
        let counts = Arc::new(OutputCounts::default());
        let child = spawn_serve(binary, data_dir, addr, &counts);
        Self {
            binary: binary.to_path_buf(),
            data_dir: data_dir.to_path_buf(),
            child,
            addr,
            counts,
            starts: 1,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, then reaps the child: no destructor, no shutdown, no flush.
    pub fn kill_9(&mut self) -> ExitStatus {
        // `Child::kill` sends SIGKILL on Unix. It fails only when the child
        // has already been reaped, which `wait` then reports.
        let _ = self.child.kill();
        self.child.wait().expect("reap the killed server")
    }

    /// Starts a new process on the same folder and address; call after
    /// [`Self::kill_9`].
    pub fn restart(&mut self) {
        self.child = spawn_serve(&self.binary, &self.data_dir, self.addr, &self.counts);
        self.starts += 1;
    }
}

impl Drop for MopaiProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_serve(
    binary: &Path,
    data_dir: &Path,
    addr: SocketAddr,
    counts: &Arc<OutputCounts>,
) -> Child {
    let started = Instant::now();
    loop {
        let mut child = Command::new(binary)
            .args(["serve", "--listen", &addr.to_string(), "--data-dir"])
            .arg(data_dir)
            .env("RUST_LOG", "mopai_server=warn")
            .env_remove("MOPAI_TLS_CERT")
            .env_remove("MOPAI_TLS_KEY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        let (ready_tx, ready) = mpsc::channel();
        drain(child.stdout.take(), Arc::clone(counts), Some(ready_tx));
        drain(child.stderr.take(), Arc::clone(counts), None);
        match ready.recv_timeout(START_WAIT) {
            Ok(()) => return child,
            Err(_) => {
                let status = child.try_wait();
                let _ = child.kill();
                let _ = child.wait();
                // The port of a killed server is free again at once (the
                // listener sets SO_REUSEADDR); another process taking it in
                // between is the one reason to try again.
                if started.elapsed() < START_WAIT && matches!(status, Ok(Some(_))) {
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
                panic!("mopai serve on {addr} did not start: {status:?}");
            }
        }
    }
}

/// Reads one of the child's pipes to its end, counting what matters.
fn drain(
    pipe: Option<impl std::io::Read + Send + 'static>,
    counts: Arc<OutputCounts>,
    ready: Option<mpsc::Sender<()>>,
) {
    let Some(pipe) = pipe else { return };
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if line.contains("panicked at") {
                counts.panics.fetch_add(1, Ordering::Relaxed);
                eprintln!("server: {line}");
            }
            if line.contains("request failed") {
                counts.server_errors.fetch_add(1, Ordering::Relaxed);
                eprintln!("server: {line}");
            }
            if let Some(ready) = &ready
                && line.starts_with("mopai: http")
            {
                let _ = ready.send(());
            }
        }
    });
}

/// `mopai ARGS` on `data_dir`, with `stdin` as standard input; panics
/// with the output when it fails.
pub fn mopai_command(binary: &Path, data_dir: &Path, args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(binary)
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("mopai command");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "mopai {args:?} failed: {}\n{stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Resident set size of this process now and at its peak, in KiB, from
/// `/proc/self/status` (`None` where there is no procfs).
pub fn rss_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Resident set size of another process, in KiB.
pub fn rss_kib_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
