//! `cargo xtask`: build and test tasks for mopai.
//!
//! # Layout
//!
//! - [`client`]: builds the wasm client into `client/dist` (glue, hashes, precompression).
//! - [`tools`]: installs or checks what the tasks need (wasm target, wasm-opt, Chromium,
//!   LibreOffice and poppler, test runner).
//! - [`postgres`]: a throwaway PostgreSQL cluster for the tests, installed when missing.
//! - [`size`]: prints the client's bytes, raw, gzip and brotli, the wasm by crate, the budget.
//! - [`shell`]: running commands with clear failures.
//! - [`reliability`]: the reliability and security suite at full length; cargo-fuzz runs.
//! - [`bench`]: benchmarks side by side with a peer sync server; writes BENCHMARKS.md.
//!
//! Commands: `run`, `test`, `build-client`, `size`, `bench`, `reliability`, `fuzz`. See
//! `cargo xtask help`.

mod bench;
mod client;
mod postgres;
mod reliability;
mod shell;
mod size;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

  run            build the client, seed a demo county, serve on http://127.0.0.1:8080
  test           fmt check, clippy, native tests, wasm tests and browser end-to-end tests;
                 the cross-crate suite runs on SQLite and again on a throwaway PostgreSQL
  build-client   build the wasm client into client/dist
  size           the client's wasm, JS and CSS bytes (raw, gzip, brotli) and the wasm by
                 crate; `size --check` fails when the first load is over 350 KB brotli
  bench          benchmarks beside a peer sync server; writes BENCHMARKS.md (bench --help)
  reliability    the reliability and security suite at full length (1,000 kill -9 loops, ...)
  fuzz           the cargo-fuzz targets under libFuzzer for a bounded time (fuzz --seconds N)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("build-client") => client::build().map(|_| ()),
        Some("size") => size::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("reliability") => reliability::run(&args[1..]),
        Some("fuzz") => reliability::fuzz(&args[1..]),
        Some("help") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// Builds everything, seeds the demo county (idempotent: a second run keeps
/// what is there) and serves on the default address; extra arguments go to
/// `mopai serve`.
fn run(extra: &[String]) -> Result<(), String> {
    // `cargo xtask run -- --listen …` passes the `--` through; serve does not want it.
    let extra = extra.strip_prefix(&["--".to_string()]).unwrap_or(extra);
    client::build()?;
    let data = root().join("data");
    let mopai = |args: &[&str]| {
        let mut cmd = shell::cargo(&["run", "--release", "-p", "mopai-server", "--"]);
        cmd.args(args).env("MOPAI_DATA_DIR", &data);
        cmd
    };
    shell::status(&mut mopai(&["demo"]))?;
    println!("mopai: data in {}", data.display());
    shell::status(mopai(&["serve"]).args(extra))
}

fn test() -> Result<(), String> {
    shell::status(&mut shell::cargo(&["fmt", "--all", "--", "--check"]))
        .map_err(|e| format!("{e}\n(run `cargo fmt --all` to fix the formatting)"))?;
    tools::ensure_wasm_target()?;
    shell::status(&mut shell::cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    shell::status(&mut shell::cargo(&[
        "clippy",
        "-p",
        "mopai-client",
        "-p",
        "mopai-shared",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The server embeds the client, so build it before the tests that serve it.
    client::build()?;
    tools::ensure_chromium()?;
    tools::ensure_print_tools()?;
    let cluster = postgres::Cluster::start()?;
    shell::status(
        shell::cargo(&["test", "--workspace"]).env("MOPAI_TEST_POSTGRES", cluster.url()),
    )?;
    // The same cross-crate suite, every test server on PostgreSQL.
    shell::status(
        shell::cargo(&["test", "-p", "mopai-tests"])
            .env("MOPAI_TEST_POSTGRES", cluster.url())
            .env("MOPAI_TEST_ENGINE", "postgres"),
    )?;
    drop(cluster);
    tools::ensure_wasm_bindgen_test_runner()?;
    shell::status(
        shell::cargo(&[
            "test",
            "-p",
            "mopai-shared",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
    )?;
    println!("xtask test: all passed");
    Ok(())
}
