//! National scale: F facilities with V visits each (270,000 and 1,350,000 in
//! full) written into one database, then the county dashboard queries and
//! the full annex export timed against `mopai serve`.
//!
//! Bulk load: documents are made exactly as a phone makes them (shared
//! `doc::create` with the township inspector's actor, `reconcile_body`,
//! commit) on one thread, and stored on another through the server's own
//! storage API: `append_changes`, `record_doc_scope`, and
//! `projection::refresh` for the read models, 1,000 facilities per
//! transaction. No server code is bypassed or added; only the HTTP round
//! trip and the per-request authorization checks are skipped. The load runs
//! at `synchronous=NORMAL` (a bulk load is repeatable); the server then
//! serves it at the default FULL.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use automerge::{ActorId, AutoCommit};
use mopai_server::storage::DocWrite;
use mopai_server::storage::actors::ActorOwner;
use mopai_shared::doc::{self, DocHeader, Scope};
use mopai_shared::ids::{DocId, FacilityId, TownshipId, UserId};
use mopai_shared::model::Facility;
use mopai_shared::roles::Role;
use serde_json::{Value, json};

use crate::server::{ProcSample, ServerProcess, add_accounts, add_townships, open_storage};
use crate::stats::{median, round};
use crate::workload::{Rng, national_facility};

/// Facilities written per transaction.
const BATCH: usize = 1000;
/// Documents made ahead of the writer.
const QUEUE: usize = 2 * BATCH;
/// Longest a single HTTP request may take before it counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(600);

#[derive(Debug, Clone)]
pub struct NationalArgs {
    pub mopai: PathBuf,
    pub work: PathBuf,
    pub facilities: usize,
    pub visits: usize,
    pub per_township: usize,
    pub seed: u32,
    /// Reuse a database this configuration already generated.
    pub reuse: bool,
    pub query_reps: usize,
    pub export_reps: usize,
}

pub fn run(args: &NationalArgs) -> Result<Value, String> {
    let dir = args.work.join(format!(
        "national-f{}-v{}-t{}-s{}",
        args.facilities, args.visits, args.per_township, args.seed
    ));
    let marker = dir.join("generated.json");
    let generated = match std::fs::read_to_string(&marker) {
        Ok(text) if args.reuse => {
            eprintln!("bench: reusing {}", dir.display());
            let mut v: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            v["reused"] = json!(true);
            v
        }
        _ => {
            let _ = std::fs::remove_dir_all(&dir);
            let v = generate(args, &dir)?;
            std::fs::write(&marker, v.to_string()).map_err(|e| e.to_string())?;
            v
        }
    };
    let token = std::fs::read_to_string(dir.join("county.token")).map_err(|e| e.to_string())?;
    let township = std::fs::read_to_string(dir.join("township.id")).map_err(|e| e.to_string())?;
    let queries = query(args, &dir, token.trim(), township.trim())?;
    Ok(json!({
        "facilities": args.facilities,
        "visits_per_facility": args.visits,
        "visits": args.facilities * args.visits,
        "facilities_per_township": args.per_township,
        "generate": generated,
        "queries": queries,
    }))
}

/// One made document, ready to store.
struct Made {
    id: DocId,
    township: TownshipId,
    doc: AutoCommit,
}

fn generate(args: &NationalArgs, dir: &Path) -> Result<Value, String> {
    let started = Instant::now();
    let storage = open_storage(dir)?;
    let townships_n = args.facilities.div_ceil(args.per_township.max(1)).max(1);
    let names: Vec<String> = (0..townships_n).map(|i| format!("乡镇{i:05}")).collect();
    let townships = add_townships(&storage, &names)?;
    let mut specs: Vec<_> = townships
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("insp{i:05}"), Role::Inspector, Some(*t)))
        .collect();
    specs.push(("county".to_owned(), Role::CountyStaff, None));
    let accounts = add_accounts(&storage, &specs)?;
    let county = accounts.last().ok_or("no county account")?;
    std::fs::write(dir.join("county.token"), &county.token).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("township.id"), townships[0].to_string()).map_err(|e| e.to_string())?;
    // One actor per township inspector, bound to that account as a first
    // sync would bind it.
    let actors: Vec<ActorId> = townships.iter().map(|_| ActorId::random()).collect();
    let now = mopai_server::clock::unix_now();
    storage
        .write(|tx| {
            for (actor, account) in actors.iter().zip(&accounts) {
                tx.bind_actor(
                    actor.to_bytes(),
                    ActorOwner::User(account.user),
                    "bench",
                    now,
                )?;
            }
            Ok::<_, mopai_server::error::AppError>(())
        })
        .map_err(|e| e.to_string())?;
    let inspectors: Vec<UserId> = accounts.iter().map(|a| a.user).collect();
    let setup_s = started.elapsed().as_secs_f64();

    let (tx, rx) = mpsc::sync_channel::<Made>(QUEUE);
    let (facilities, visits, per_township, seed) =
        (args.facilities, args.visits, args.per_township, args.seed);
    let maker_townships = townships.clone();
    let maker = std::thread::spawn(move || -> Result<f64, String> {
        let cpu = Instant::now();
        let mut rng = Rng::new(seed);
        for i in 0..facilities {
            let t = (i / per_township.max(1)).min(maker_townships.len() - 1);
            let partner = UserId::from_uuid(rng.uuid());
            let id = DocId::facility(FacilityId::from_uuid(rng.uuid()));
            let body: Facility = national_facility(&mut rng, i, visits, inspectors[t], partner);
            let header = DocHeader::new(id, Scope::Township(maker_townships[t]));
            let mut doc =
                doc::create::<Facility>(&header, actors[t].clone()).map_err(|e| e.to_string())?;
            doc::reconcile_body(&mut doc, &body).map_err(|e| e.to_string())?;
            doc.commit();
            let made = Made {
                id,
                township: maker_townships[t],
                doc,
            };
            if tx.send(made).is_err() {
                break; // the writer stopped on an error
            }
        }
        Ok(cpu.elapsed().as_secs_f64())
    });

    let load_started = Instant::now();
    let mut written = 0usize;
    let mut last_report = Instant::now();
    let mut batch: Vec<Made> = Vec::with_capacity(BATCH);
    let mut result: Result<(), String> = Ok(());
    loop {
        let next = rx.recv().ok();
        let done = next.is_none();
        batch.extend(next);
        if batch.len() < BATCH && !done {
            continue;
        }
        if !batch.is_empty() {
            match store(&storage, &mut batch) {
                Ok(()) => written += batch.len(),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
            batch.clear();
        }
        if last_report.elapsed() > Duration::from_secs(30) || done {
            let s = load_started.elapsed().as_secs_f64();
            eprintln!(
                "bench: national: {written}/{facilities} facilities in {s:.0} s ({:.0}/s)",
                written as f64 / s
            );
            last_report = Instant::now();
        }
        if done {
            break;
        }
    }
    drop(rx);
    let maker_s = maker
        .join()
        .map_err(|_| "document maker panicked".to_owned())??;
    result?;
    let load_s = load_started.elapsed().as_secs_f64();
    let bench_hwm_kb = ProcSample::of(std::process::id()).hwm_kb;
    drop(storage);
    Ok(json!({
        "reused": false,
        "townships": townships_n,
        "setup_s": round(setup_s, 1),
        "load_s": round(load_s, 1),
        "facilities_per_s": round(written as f64 / load_s, 1),
        "maker_thread_s": round(maker_s, 1),
        "facilities_written": written,
        "db_bytes": crate::server::dir_bytes(dir),
        "loader_hwm_kb": bench_hwm_kb,
        "durability_during_load": "normal",
    }))
}

/// Stores one batch in one transaction, with its projections.
fn store(storage: &mopai_server::storage::Storage, batch: &mut [Made]) -> Result<(), String> {
    storage
        .write(|tx| {
            let mut ids = Vec::with_capacity(batch.len());
            let mut seq = 0;
            for made in batch.iter_mut() {
                seq = tx.append_changes(DocWrite {
                    id: made.id,
                    doc: &mut made.doc,
                    base_heads: &[],
                })?;
                tx.record_doc_scope(made.id, Scope::Township(made.township))?;
                ids.push(made.id);
            }
            mopai_server::projection::refresh(tx, &ids, seq)?;
            Ok::<_, mopai_server::error::AppError>(())
        })
        .map_err(|e| e.to_string())
}

/// One timed GET.
struct Timing {
    ms: f64,
    bytes: usize,
    status: u16,
    /// The start of the body when the status is not 200.
    error: Option<String>,
}

async fn get(client: &reqwest::Client, url: &str, token: &str) -> Result<Timing, String> {
    let started = Instant::now();
    let response = client
        .get(url)
        .bearer_auth(token)
        .timeout(REQUEST_TIMEOUT)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    Ok(Timing {
        ms: started.elapsed().as_secs_f64() * 1000.0,
        bytes: body.len(),
        status,
        error: (status != 200).then(|| String::from_utf8_lossy(&body).chars().take(300).collect()),
    })
}

fn query(args: &NationalArgs, dir: &Path, token: &str, township: &str) -> Result<Value, String> {
    let server = ServerProcess::start(&args.mopai, dir, "full")?;
    let runtime = crate::server::runtime()?;
    let idle = server.sample();
    let reps = args.query_reps.max(1);
    let endpoints: [(&str, String, usize); 7] = [
        ("dashboard (county)", "/api/dashboard".to_owned(), reps),
        ("lead feed (county)", "/api/leads".to_owned(), reps),
        (
            "dashboard (one township)",
            format!("/api/dashboard?township={township}"),
            reps,
        ),
        (
            "facilities (county, red+orange)",
            "/api/facilities?level=red,orange".to_owned(),
            reps,
        ),
        (
            "facilities (one township)",
            format!("/api/facilities?township={township}"),
            reps,
        ),
        (
            "facilities (county, all rows)",
            "/api/facilities".to_owned(),
            reps.min(3),
        ),
        (
            "export all.zip (county)",
            "/api/export/all.zip".to_owned(),
            args.export_reps.max(1),
        ),
    ];
    // Each annex table alone as CSV (no provenance sheet): where the time of
    // the export goes, and a figure even when the zip fails.
    let csv: Vec<(String, String)> = (1..=5)
        .map(|n| {
            (
                format!("export {n}.csv (county)"),
                format!("/api/export/{n}.csv"),
            )
        })
        .collect();
    let endpoints = endpoints
        .into_iter()
        .map(|(name, path, n)| (name.to_owned(), path, n))
        .chain(csv.into_iter().map(|(name, path)| (name, path, 1)));
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for (name, path, n) in endpoints {
        eprintln!("bench: national: GET {path} ×{n}");
        let url = server.url(&path);
        let mut times = Vec::new();
        let mut last = None;
        let mut failed = None;
        for _ in 0..n {
            let t = runtime.block_on(get(&client, &url, token))?;
            if t.status != 200 {
                // Reported, not fatal: the other requests still run.
                failed = Some(json!({
                    "status": t.status,
                    "ms": round(t.ms, 1),
                    "body": t.error,
                    "server_log": server.last_error(),
                }));
                break;
            }
            times.push(t.ms);
            last = Some(t);
        }
        let after = server.sample();
        out.push(json!({
            "name": name,
            "path": path,
            "runs": times.len(),
            "first_ms": times.first().map(|t| round(*t, 1)),
            "median_ms": (!times.is_empty()).then(|| round(median(&times), 1)),
            "max_ms": times.iter().copied().reduce(f64::max).map(|t| round(t, 1)),
            "bytes": last.map_or(0, |t| t.bytes),
            "failed": failed,
            "server_rss_kb_after": after.rss_kb,
            "server_hwm_kb_after": after.hwm_kb,
        }));
    }
    let end = server.sample();
    server.stop();
    Ok(json!({
        "endpoints": out,
        "server_idle": idle.json(),
        "server_end": end.json(),
    }))
}
