//! The machine, the versions, and how busy others kept the machine while
//! each part ran (this is a shared 2-core machine: compilers running beside
//! a benchmark make its timings noisy, while byte counts and CPU seconds
//! per operation stay comparable).

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::Settings;
use crate::{root, shell};

/// Process names that mean somebody else is building.
const COMPILERS: [&str; 6] = ["rustc", "cc1", "cc1plus", "ld", "clang", "wasm-opt"];
/// A sampler never runs longer than this many samples (2 s apart): 2 hours.
const MAX_SAMPLES: usize = 3600;

#[derive(Debug, Clone, Default)]
pub struct Noise {
    /// Compiler processes seen: mean and max over the samples.
    pub compilers_mean: f64,
    pub compilers_max: usize,
    /// 1-minute load average: mean and max.
    pub load_mean: f64,
    pub load_max: f64,
}

/// Samples the machine every 2 s until [`Sampler::finish`].
pub struct Sampler {
    stop: Arc<AtomicBool>,
    samples: Arc<Mutex<Vec<(usize, f64)>>>,
    thread: Option<JoinHandle<()>>,
}

impl Noise {
    pub fn start() -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let samples = Arc::new(Mutex::new(Vec::new()));
        let (s, v) = (Arc::clone(&stop), Arc::clone(&samples));
        let thread = std::thread::spawn(move || {
            for _ in 0..MAX_SAMPLES {
                let sample = (compilers_running(), load_1m());
                v.lock().unwrap_or_else(|p| p.into_inner()).push(sample);
                // Wake often so finish() does not wait 2 s.
                for _ in 0..20 {
                    if s.load(Ordering::Relaxed) {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        });
        Sampler {
            stop,
            samples,
            thread: Some(thread),
        }
    }

    pub fn noisy(&self) -> bool {
        self.compilers_mean >= 0.5 || self.load_mean > 2.5
    }
}

impl Sampler {
    pub fn finish(mut self) -> Noise {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let samples = self.samples.lock().unwrap_or_else(|p| p.into_inner());
        let n = samples.len().max(1) as f64;
        Noise {
            compilers_mean: samples.iter().map(|s| s.0 as f64).sum::<f64>() / n,
            compilers_max: samples.iter().map(|s| s.0).max().unwrap_or(0),
            load_mean: samples.iter().map(|s| s.1).sum::<f64>() / n,
            load_max: samples.iter().map(|s| s.1).fold(0.0, f64::max),
        }
    }
}

fn compilers_running() -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("comm")).ok())
        .filter(|comm| COMPILERS.contains(&comm.trim()))
        .count()
}

fn load_1m() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0)
}

/// Lines for the report's machine and version sections.
#[derive(Debug, Clone, Default)]
pub struct Machine {
    pub cpus: String,
    pub cpu_model: String,
    pub memory: String,
    pub kernel: String,
    pub date: String,
    pub git: String,
    pub versions: Vec<(String, String)>,
}

fn first_line(cmd: &mut Command) -> String {
    shell::output(cmd)
        .and_then(|o| o.lines().next().map(str::to_owned))
        .unwrap_or_else(|| "(not found)".to_owned())
}

/// The version of a package in Cargo.lock.
fn locked(package: &str) -> String {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap_or_default();
    let needle = format!("name = \"{package}\"\nversion = \"");
    lock.find(&needle)
        .and_then(|i| {
            let rest = &lock[i + needle.len()..];
            rest.split('"').next().map(str::to_owned)
        })
        .unwrap_or_else(|| "?".to_owned())
}

/// The version in a peer package's installed package.json.
fn npm_version(work: &std::path::Path, package: &str) -> String {
    let path = work.join("node_modules").join(package).join("package.json");
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "(not installed)".to_owned())
}

pub fn describe(_settings: &Settings) -> Machine {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|r| r.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu_model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "?".to_owned());
    let dirty = shell::output(
        Command::new("git")
            .args(["status", "--porcelain"])
            .current_dir(root()),
    )
    .is_some_and(|s| !s.trim().is_empty());
    let commit = first_line(
        Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .current_dir(root()),
    );
    let peer_work = shell::target_dir().join("bench-work/peer");
    let versions = vec![
        ("mopai".into(), env!("CARGO_PKG_VERSION").to_owned()),
        ("rustc".into(), first_line(Command::new("rustc").arg("-V"))),
        ("automerge (Rust)".into(), locked("automerge")),
        (
            "rusqlite / bundled SQLite".into(),
            format!(
                "{} / libsqlite3-sys {}",
                locked("rusqlite"),
                locked("libsqlite3-sys")
            ),
        ),
        (
            "axum / tokio".into(),
            format!("{} / {}", locked("axum"), locked("tokio")),
        ),
        (
            "node".into(),
            first_line(Command::new("node").arg("--version")),
        ),
        (
            "peer: @automerge/automerge-repo-sync-server".into(),
            npm_version(&peer_work, "@automerge/automerge-repo-sync-server"),
        ),
        (
            "peer: @automerge/automerge-repo / @automerge/automerge".into(),
            format!(
                "{} / {}",
                npm_version(&peer_work, "@automerge/automerge-repo"),
                npm_version(&peer_work, "@automerge/automerge")
            ),
        ),
        (
            "chromium".into(),
            first_line(Command::new(crate::tools::CHROMIUM).arg("--version")),
        ),
        (
            "chromedriver".into(),
            first_line(Command::new(crate::tools::CHROMEDRIVER).arg("--version")),
        ),
    ];
    Machine {
        cpus: first_line(&mut Command::new("nproc")),
        cpu_model,
        memory: format!("{:.1} GiB", mem_kb as f64 / 1024.0 / 1024.0),
        kernel: first_line(Command::new("uname").args(["-sr"])),
        date: first_line(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])),
        git: format!(
            "{commit}{}",
            if dirty {
                " (with uncommitted changes)"
            } else {
                ""
            }
        ),
        versions,
    }
}
