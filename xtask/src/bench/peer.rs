//! The peer: `bench/peer/run-peer.sh` starts `@automerge/automerge-repo-sync-server`
//! 0.2.8 on loopback with a fresh data folder per run and drives it with
//! `driver.mjs` (upload D documents with at most 32 unacknowledged, fetch
//! them with a second peer, U single-field updates). Its JSON lines are
//! summarised here as the median of each figure over the runs.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use super::Settings;
use crate::shell;

pub fn run(settings: &Settings, work: &Path) -> Result<Value, String> {
    let script = settings.peer_dir.join("run-peer.sh");
    if !script.exists() {
        return Err(format!("no peer script at {}", script.display()));
    }
    let peer_work = work.join("peer");
    std::fs::create_dir_all(&peer_work).map_err(|e| e.to_string())?;
    let out = work.join("peer.jsonl");
    let _ = std::fs::remove_file(&out);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let driver_args = [
        "--upload-mode",
        "live",
        "--upload-window",
        &settings.window.to_string(),
        "--raw-strings",
        "--updates",
        &settings.updates.to_string(),
        "--check-nodefs-persist",
    ]
    .map(str::to_owned);
    let mut cmd = Command::new("bash");
    cmd.arg(&script)
        .arg(&out)
        .arg(settings.docs.to_string())
        .arg(settings.peer_reps.to_string())
        .args(&driver_args)
        .env("WORK", &peer_work)
        .env("PORT", port.to_string());
    shell::status(&mut cmd)?;
    let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let runs: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    if runs.is_empty() {
        return Err(format!("the peer wrote no results to {}", out.display()));
    }
    Ok(json!({
        "command": format!(
            "WORK={} PORT={port} bash {} {} \"{}\" {} {}",
            peer_work.display(),
            script.display(),
            out.display(),
            settings.docs,
            settings.peer_reps,
            driver_args.join(" ")
        ),
        "summary": summarize(&runs),
        "runs": runs.len(),
    }))
}

/// The median of `f` over the runs that have it.
fn median(runs: &[Value], f: impl Fn(&Value) -> Option<f64>) -> Value {
    let mut v: Vec<f64> = runs.iter().filter_map(f).collect();
    if v.is_empty() {
        return Value::Null;
    }
    v.sort_by(f64::total_cmp);
    json!(v[(v.len() - 1) / 2])
}

fn summarize(runs: &[Value]) -> Value {
    let docs = runs[0]["docs"].as_f64().unwrap_or(1.0).max(1.0);
    let updates = runs[0]["updates"].as_f64().unwrap_or(1.0).max(1.0);
    let p = |path: &'static str| move |r: &Value| r.pointer(path).and_then(Value::as_f64);
    let errors: Vec<String> = runs
        .iter()
        .flat_map(|r| r["errors"].as_array().cloned().unwrap_or_default())
        .map(|e| e.as_str().unwrap_or_default().chars().take(200).collect())
        .collect();
    let disconnects: usize = runs
        .iter()
        .map(|r| {
            r["peerEvents"].as_array().map_or(0, |a| {
                a.iter().filter(|e| e["ev"] == "disconnected").count()
            })
        })
        .sum();
    json!({
        "docs": docs,
        "updates": updates,
        "upload_docs_per_s": median(runs, p("/phases/upload/docsPerS")),
        "upload_server_cpu_ms_per_doc": median(runs, |r| {
            r.pointer("/phases/upload/serverCpuS").and_then(Value::as_f64).map(|s| s * 1000.0 / docs)
        }),
        "upload_server_rss_kb": median(runs, p("/phases/upload/serverRssKB")),
        "avg_doc_bytes": median(runs, p("/phases/upload/avgDocBytes")),
        "avg_doc_ops": median(runs, p("/phases/upload/avgDocOps")),
        "acked_before_on_disk": median(runs, p("/phases/upload/ackedBeforeOnDisk")),
        "fetch_docs_per_s": median(runs, p("/phases/fetch/docsPerS")),
        "updates_per_s": median(runs, p("/phases/updates/updatesPerS")),
        "update_server_cpu_ms": median(runs, |r| {
            r.pointer("/phases/updates/serverCpuS").and_then(Value::as_f64).map(|s| s * 1000.0 / updates)
        }),
        "update_ack_ms_p50": median(runs, p("/updateLatencyMs/toServerAck/p50")),
        "update_ack_ms_p90": median(runs, p("/updateLatencyMs/toServerAck/p90")),
        "update_ack_ms_p99": median(runs, p("/updateLatencyMs/toServerAck/p99")),
        "server_rss_kb_end": median(runs, p("/serverFinal/rssKB")),
        "server_hwm_kb_end": median(runs, p("/serverFinal/hwmKB")),
        "disk_bytes": median(runs, p("/disk/bytes")),
        "errors": errors,
        "disconnects": disconnects,
    })
}
