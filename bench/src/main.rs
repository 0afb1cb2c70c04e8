//! `mopai-bench`: the measuring half of `cargo xtask bench`.
//!
//! Each subcommand runs one part against a real `mopai serve` process (the
//! release binary given with `--mopai`) and writes its figures as JSON to
//! `--out`; xtask builds the binaries, runs the peer, and writes
//! BENCHMARKS.md from these files. Run alone for one part, e.g.
//! `mopai-bench bytes --mopai target/release/mopai --out bytes.json`.
//!
//! # Layout
//!
//! - [`workload`]: the seeded documents (the peer driver's shape, realistic bodies).
//! - [`server`]: the server process, /proc figures, accounts seeded through storage.
//! - [`sync`]: phones (the tests' `Device`) with a timing transport.
//! - [`ingest`]: N phones push D documents, U updates, one fresh pull.
//! - [`bytes`]: bytes and round trips of four sync sessions.
//! - [`national`]: 270,000 facilities, dashboard queries, the annex export.
//! - [`browser`]: load times in throttled headless Chromium.
//!
//! `bench/peer/` is the peer's side: a copy of the project's peer benchmark
//! (`run-peer.sh`, `driver.mjs`: `@automerge/automerge-repo-sync-server`
//! 0.2.8 under the same workload), run by xtask.

mod browser;
mod bytes;
mod ingest;
mod national;
mod server;
mod stats;
mod sync;
mod workload;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "mopai-bench",
    about = "mopai benchmarks; see `cargo xtask bench`"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct Common {
    /// The `mopai` server binary (release build).
    #[arg(long)]
    mopai: PathBuf,
    /// Scratch folder for databases.
    #[arg(long, default_value = "target/bench-work")]
    work: PathBuf,
    /// Where the JSON figures go.
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 1)]
    seed: u32,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// N phones push D documents, then U updates; a county phone pulls all.
    Ingest {
        #[command(flatten)]
        common: Common,
        #[arg(long, value_delimiter = ',', default_value = "1,16,64,256")]
        devices: Vec<usize>,
        #[arg(long, default_value_t = 200)]
        docs: usize,
        #[arg(long, default_value_t = 1000)]
        updates: usize,
        /// Documents in flight across all phones (the peer's --upload-window).
        #[arg(long, default_value_t = 32)]
        window: usize,
        /// full | normal
        #[arg(long, default_value = "full")]
        durability: String,
    },
    /// Bytes and round trips: steady state, one visit, 100 offline edits, a fresh pull.
    Bytes {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 500)]
        facilities: usize,
        #[arg(long, default_value_t = 5)]
        visits: usize,
    },
    /// F facilities with V visits each; dashboard queries and the annex export.
    National {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 27_000)]
        facilities: usize,
        #[arg(long, default_value_t = 5)]
        visits: usize,
        #[arg(long, default_value_t = 500)]
        per_township: usize,
        /// Reuse the database when this configuration was generated before.
        #[arg(long)]
        reuse: bool,
        #[arg(long, default_value_t = 5)]
        query_reps: usize,
        #[arg(long, default_value_t = 2)]
        export_reps: usize,
    },
    /// Load times in headless Chromium, Slow 4G and 4× CPU slowdown.
    Client {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 3)]
        reps: usize,
        #[arg(long, default_value_t = 4.0)]
        cpu_slowdown: f64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (out, result) = match cli.command {
        Command::Ingest {
            common,
            devices,
            docs,
            updates,
            window,
            durability,
        } => (
            common.out.clone(),
            ingest::run(&ingest::IngestArgs {
                mopai: common.mopai,
                work: common.work,
                devices,
                docs,
                updates,
                window,
                durability,
                seed: common.seed,
            }),
        ),
        Command::Bytes {
            common,
            facilities,
            visits,
        } => (
            common.out.clone(),
            bytes::run(&bytes::BytesArgs {
                mopai: common.mopai,
                work: common.work,
                facilities,
                visits,
                seed: common.seed,
            }),
        ),
        Command::National {
            common,
            facilities,
            visits,
            per_township,
            reuse,
            query_reps,
            export_reps,
        } => (
            common.out.clone(),
            national::run(&national::NationalArgs {
                mopai: common.mopai,
                work: common.work,
                facilities,
                visits,
                per_township,
                seed: common.seed,
                reuse,
                query_reps,
                export_reps,
            }),
        ),
        Command::Client {
            common,
            reps,
            cpu_slowdown,
        } => (
            common.out.clone(),
            browser::run(&browser::ClientArgs {
                mopai: common.mopai,
                work: common.work,
                reps,
                cpu_slowdown,
                seed: common.seed,
            }),
        ),
    };
    let value = match result {
        Ok(v) => v,
        Err(e) => {
            eprintln!("mopai-bench: {e}");
            serde_json::json!({ "error": e })
        }
    };
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    if let Err(e) = std::fs::write(&out, text) {
        eprintln!("mopai-bench: write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    if value.get("error").is_some() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
