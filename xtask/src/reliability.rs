//! `cargo xtask reliability`: the reliability and security suite at full
//! length, and `cargo xtask fuzz --seconds N`: the cargo-fuzz targets under
//! libFuzzer for a bounded time. RELIABILITY.md lists the figures of both.
//!
//! The normal suite (`cargo test --workspace`) runs the same tests shorter:
//! 200 crash loops, 32 convergence cases, 150 hostile inputs per kind,
//! 10,000 fuzz-harness inputs. Here the counts are raised through the
//! environment variables the tests read; any of them already set wins.

use std::process::Command;

use crate::shell;

/// (environment variable the test reads, count here).
const LONG_COUNTS: [(&str, &str); 4] = [
    ("MOPAI_CRASH_LOOPS", "1000"),
    ("MOPAI_CONVERGENCE_CASES", "500"),
    ("MOPAI_HOSTILE_CASES", "1000"),
    ("MOPAI_FUZZ_CASES", "200000"),
];

/// (package, test target) of the suite.
const SUITE: [(&str, &str); 7] = [
    ("mopai-server", "reliability_crash"),
    ("mopai-tests", "reliability_convergence"),
    ("mopai-tests", "reliability_hostile"),
    ("mopai-tests", "reliability_fuzz"),
    ("mopai-tests", "reliability_requests"),
    ("mopai-tests", "reliability_disk"),
    ("mopai-tests", "reliability_security"),
];

/// The fuzz targets in `fuzz/fuzz_targets/`.
const FUZZ_TARGETS: [&str; 2] = ["sync_request", "merge"];

pub const HELP: &str = "\
cargo xtask reliability
    the reliability and security suite at full length: 1,000 kill -9 loops,
    500 convergence cases, 1,000 hostile inputs per kind, 200,000 fuzz-harness
    inputs, bad requests, disk full and I/O errors, security; prints every figure

cargo xtask fuzz [--seconds N]
    each cargo-fuzz target (fuzz/) under libFuzzer for N seconds (default 60);
    needs a nightly toolchain (rustup) and cargo-fuzz (installed if missing)
";

pub fn run(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{HELP}");
        return Ok(());
    }
    if let Some(other) = args.first() {
        return Err(format!(
            "reliability takes no arguments, got `{other}`\n\n{HELP}"
        ));
    }
    for (package, test) in SUITE {
        let mut cmd = shell::cargo(&["test", "-p", package, "--test", test, "--", "--nocapture"]);
        for (var, long) in LONG_COUNTS {
            if std::env::var_os(var).is_none() {
                cmd.env(var, long);
            }
        }
        shell::status(&mut cmd)?;
    }
    println!("xtask reliability: all passed; the figures are printed above each result");
    Ok(())
}

pub fn fuzz(args: &[String]) -> Result<(), String> {
    let seconds = match args {
        [] => 60,
        [flag, n] if flag == "--seconds" => n
            .parse::<u64>()
            .map_err(|_| format!("--seconds takes a number, got `{n}`"))?,
        _ => return Err(format!("usage: cargo xtask fuzz [--seconds N]\n\n{HELP}")),
    };
    let toolchain = fuzz_toolchain()?;
    ensure_cargo_fuzz()?;
    for target in FUZZ_TARGETS {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(crate::root())
            .args(toolchain.args())
            .args(["fuzz", "run", target])
            .args(toolchain.fuzz_args())
            .args([
                "--",
                &format!("-max_total_time={seconds}"),
                "-rss_limit_mb=2048",
            ])
            // The stable toolchain running xtask must not leak into the build.
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO")
            .env_remove("RUSTC");
        for (var, value) in toolchain.env() {
            cmd.env(var, value);
        }
        shell::status(&mut cmd)?;
    }
    println!(
        "xtask fuzz: {} targets ran {seconds} s each without a crash",
        FUZZ_TARGETS.len()
    );
    Ok(())
}

/// How cargo-fuzz gets the unstable compiler flags it needs.
enum Toolchain {
    /// `cargo +nightly fuzz`, with AddressSanitizer.
    Nightly,
    /// No nightly toolchain: the stable compiler with `RUSTC_BOOTSTRAP=1`
    /// and no sanitizer (its runtime ships with nightly only); coverage-guided
    /// fuzzing still runs.
    StableBootstrap,
}

impl Toolchain {
    fn args(&self) -> &'static [&'static str] {
        match self {
            Toolchain::Nightly => &["+nightly"],
            Toolchain::StableBootstrap => &[],
        }
    }

    fn fuzz_args(&self) -> &'static [&'static str] {
        match self {
            Toolchain::Nightly => &[],
            Toolchain::StableBootstrap => &["--sanitizer", "none"],
        }
    }

    fn env(&self) -> Vec<(&'static str, &'static str)> {
        match self {
            Toolchain::Nightly => Vec::new(),
            Toolchain::StableBootstrap => vec![("RUSTC_BOOTSTRAP", "1")],
        }
    }
}

fn fuzz_toolchain() -> Result<Toolchain, String> {
    let toolchains = shell::output(Command::new("rustup").args(["toolchain", "list"]))
        .ok_or("rustup is not on PATH: install Rust with rustup (https://rustup.rs), then rerun")?;
    if toolchains.lines().any(|l| l.starts_with("nightly")) {
        return Ok(Toolchain::Nightly);
    }
    eprintln!(
        "xtask fuzz: no nightly toolchain (`rustup toolchain install nightly` adds one); \
         fuzzing with the stable compiler, RUSTC_BOOTSTRAP=1 and no sanitizer"
    );
    Ok(Toolchain::StableBootstrap)
}

fn ensure_cargo_fuzz() -> Result<(), String> {
    if shell::output(Command::new("cargo").args(["fuzz", "--version"])).is_some() {
        return Ok(());
    }
    shell::status(&mut shell::cargo(&["install", "cargo-fuzz", "--locked"]))
}
