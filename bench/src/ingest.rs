//! Sync ingest: N phones push D facility documents (3 visits each) to a
//! `mopai serve` process over loopback, then make U single-field updates,
//! then a county account pulls everything: the peer driver's three phases
//! (upload, updates, fetch) with the same counts.
//!
//! - Each phone is one inspector in its own township, so a phone's sync
//!   carries only its own documents (as the peer's writer does).
//! - Upload window: the peer keeps at most W documents unacknowledged; here
//!   each phone sends `ceil(W / N)` documents per sync, so N phones together
//!   keep about W in flight (and never fewer than one each).
//! - An update is one field of one random document, then a sync: its
//!   acknowledgement latency is that exchange's round trip.
//! - Phones run on one thread (a current-thread runtime), as the peer's
//!   Node driver does, so the server keeps the other core.

use std::path::PathBuf;
use std::time::Instant;

use automerge::ReadDoc;
use mopai_shared::doc::Scope;
use mopai_shared::ids::{DocId, FacilityId, UserId};
use mopai_shared::model::Facility;
use mopai_shared::roles::Role;
use serde_json::{Value, json};
use tokio::task::LocalSet;

use crate::server::{
    Account, ProcSample, ServerProcess, add_accounts, add_townships, cpu_seconds, dir_bytes,
    open_storage,
};
use crate::stats::{latency_json, round};
use crate::sync::{Exchange, Phone};
use crate::workload::{Rng, ingest_facility, single_field_update};

#[derive(Debug, Clone)]
pub struct IngestArgs {
    pub mopai: PathBuf,
    pub work: PathBuf,
    pub devices: Vec<usize>,
    pub docs: usize,
    pub updates: usize,
    pub window: usize,
    pub durability: String,
    pub seed: u32,
}

pub fn run(args: &IngestArgs) -> Result<Value, String> {
    let mut runs = Vec::new();
    for &n in &args.devices {
        eprintln!(
            "bench: ingest, {n} devices, {} docs, durability {}",
            args.docs, args.durability
        );
        let run = run_one(args, n.max(1))?;
        eprintln!("bench: {run}");
        runs.push(run);
    }
    Ok(json!({
        "durability": args.durability,
        "docs": args.docs,
        "updates": args.updates,
        "window": args.window,
        "seed": args.seed,
        "runs": runs,
    }))
}

fn run_one(args: &IngestArgs, n: usize) -> Result<Value, String> {
    let dir = args.work.join(format!("ingest-{}-n{n}", args.durability));
    let _ = std::fs::remove_dir_all(&dir);
    let storage = open_storage(&dir)?;
    let names: Vec<String> = (0..n).map(|i| format!("基准乡镇{i:03}")).collect();
    let townships = add_townships(&storage, &names)?;
    let mut specs: Vec<_> = townships
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("insp{i:03}"), Role::Inspector, Some(*t)))
        .collect();
    specs.push(("county".to_owned(), Role::CountyStaff, None));
    let accounts = add_accounts(&storage, &specs)?;
    drop(storage);

    let server = ServerProcess::start(&args.mopai, &dir, &args.durability)?;
    let runtime = crate::server::runtime()?;
    let result = LocalSet::new().block_on(&runtime, drive(args, n, &server, accounts));
    let disk = dir_bytes(&dir);
    server.stop();
    let mut result = result?;
    result["disk_bytes"] = json!(disk);
    Ok(result)
}

/// Per-phone documents: (id, body), in creation order.
type Docs = Vec<(DocId, Facility)>;

fn workload(args: &IngestArgs, phones: &[Phone]) -> Vec<Docs> {
    let n = phones.len();
    let mut rng = Rng::new(args.seed);
    let mut per_phone: Vec<Docs> = vec![Vec::new(); n];
    for i in 0..args.docs {
        let by = phones[i % n].account.user;
        let partner = UserId::from_uuid(rng.uuid());
        let id = DocId::facility(FacilityId::from_uuid(rng.uuid()));
        per_phone[i % n].push((id, ingest_facility(&mut rng, i, by, partner)));
    }
    per_phone
}

async fn drive(
    args: &IngestArgs,
    n: usize,
    server: &ServerProcess,
    accounts: Vec<Account>,
) -> Result<Value, String> {
    let sync_url = server.url("/api/sync");
    let phones: Vec<Phone> = accounts[..n]
        .iter()
        .map(|a| Phone::new(sync_url.clone(), a.clone()))
        .collect();
    let county = Phone::new(sync_url, accounts[n].clone());
    let per_phone = workload(args, &phones);
    let batch = args.window.div_ceil(n).max(1);
    let me = std::process::id();

    // Upload.
    let idle = server.sample();
    let cli0 = cpu_seconds(me);
    let started = Instant::now();
    let tasks: Vec<_> = phones
        .into_iter()
        .zip(per_phone)
        .map(|(phone, docs)| tokio::task::spawn_local(upload(phone, docs, batch)))
        .collect();
    let mut phones = Vec::with_capacity(n);
    let mut changes = 0;
    let mut errors = Vec::new();
    let mut uploads = Sessions::default();
    for task in tasks {
        let (phone, c, sessions, err) = task.await.map_err(|e| e.to_string())?;
        changes += c;
        uploads.merge(sessions);
        errors.extend(err);
        phones.push(phone);
    }
    let upload_s = started.elapsed().as_secs_f64();
    let cli_upload = cpu_seconds(me) - cli0;
    let after_upload = server.sample();
    let (doc_bytes, doc_ops) = doc_shape(&mut phones[0]);

    // Updates.
    let cli1 = cpu_seconds(me);
    let started = Instant::now();
    let tasks: Vec<_> = phones
        .into_iter()
        .enumerate()
        .map(|(p, phone)| {
            let share = args.updates / n + usize::from(p < args.updates % n);
            let seed = args.seed ^ 0x5bd1_e995 ^ (p as u32).wrapping_mul(0x9e37_79b9);
            tokio::task::spawn_local(update(phone, share, seed))
        })
        .collect();
    let mut phones = Vec::with_capacity(n);
    let mut updates = Sessions::default();
    for task in tasks {
        let (phone, sessions, err) = task.await.map_err(|e| e.to_string())?;
        updates.merge(sessions);
        errors.extend(err);
        phones.push(phone);
    }
    let updates_s = started.elapsed().as_secs_f64();
    let cli_updates = cpu_seconds(me) - cli1;
    let after_updates = server.sample();

    // Fetch: a fresh county phone pulls every document.
    let fetch = fetch(county, &mut phones).await;
    let after_fetch = server.sample();

    let cpu_ms_per = |a: &ProcSample, b: &ProcSample, count: usize| {
        round((b.cpu_s - a.cpu_s) * 1000.0 / count.max(1) as f64, 2)
    };
    let count = updates.session_ms.len();
    let mut upload_json = uploads.json();
    let mut updates_json = updates.json();
    for (k, v) in [
        ("wall_s", json!(round(upload_s, 3))),
        ("docs_per_s", json!(round(args.docs as f64 / upload_s, 1))),
        ("changes_per_s", json!(round(changes as f64 / upload_s, 1))),
        (
            "server_cpu_s",
            json!(round(after_upload.cpu_s - idle.cpu_s, 2)),
        ),
        (
            "server_cpu_ms_per_doc",
            json!(cpu_ms_per(&idle, &after_upload, args.docs)),
        ),
        ("client_cpu_s", json!(round(cli_upload, 2))),
    ] {
        upload_json[k] = v;
    }
    for (k, v) in [
        ("count", json!(count)),
        ("wall_s", json!(round(updates_s, 3))),
        ("per_s", json!(round(count as f64 / updates_s, 1))),
        (
            "server_cpu_s",
            json!(round(after_updates.cpu_s - after_upload.cpu_s, 2)),
        ),
        (
            "server_cpu_ms_per_update",
            json!(cpu_ms_per(&after_upload, &after_updates, count)),
        ),
        ("client_cpu_s", json!(round(cli_updates, 2))),
    ] {
        updates_json[k] = v;
    }
    Ok(json!({
        "devices": n,
        "docs": args.docs,
        "docs_per_request": batch,
        "changes": changes,
        "doc_bytes": doc_bytes,
        "doc_ops": doc_ops,
        "errors": errors,
        "upload": upload_json,
        "updates": updates_json,
        "fetch": fetch_json(fetch, &after_updates, &after_fetch),
        "server": {
            "idle": idle.json(),
            "after_upload": after_upload.json(),
            "after_updates": after_updates.json(),
            "after_fetch": after_fetch.json(),
        },
    }))
}

/// Timings of a phone's sync sessions.
#[derive(Debug, Default)]
struct Sessions {
    /// Every exchange that carried new changes: its answer came after their
    /// commit, so its round trip is the acknowledgement latency.
    ack_ms: Vec<f64>,
    /// Per session: from start until neither side had anything to send.
    session_ms: Vec<f64>,
    exchanges: usize,
    sent: usize,
    received: usize,
}

impl Sessions {
    fn record(&mut self, session_ms: f64, exchanges: Vec<Exchange>) {
        self.ack_ms.extend(
            exchanges
                .iter()
                .filter(|e| e.docs_with_changes > 0)
                .map(|e| e.ms),
        );
        self.session_ms.push(session_ms);
        self.exchanges += exchanges.len();
        self.sent += exchanges.iter().map(|e| e.sent).sum::<usize>();
        self.received += exchanges.iter().map(|e| e.received).sum::<usize>();
    }

    fn merge(&mut self, other: Sessions) {
        self.ack_ms.extend(other.ack_ms);
        self.session_ms.extend(other.session_ms);
        self.exchanges += other.exchanges;
        self.sent += other.sent;
        self.received += other.received;
    }

    fn json(&self) -> Value {
        json!({
            "ack_ms": latency_json(&self.ack_ms),
            "session_ms": latency_json(&self.session_ms),
            "sessions": self.session_ms.len(),
            "requests": self.exchanges,
            "rounds_per_session": round(self.exchanges as f64 / self.session_ms.len().max(1) as f64, 2),
            "bytes_sent": self.sent,
            "bytes_received": self.received,
        })
    }
}

/// One sync session of the phone, timed.
async fn timed_session(phone: &mut Phone, sessions: &mut Sessions) -> Result<(), String> {
    phone.net.take();
    let started = Instant::now();
    let result = phone.sync().await;
    sessions.record(started.elapsed().as_secs_f64() * 1000.0, phone.net.take());
    result.map(|_| ())
}

/// Creates the phone's documents `batch` at a time and syncs after each batch.
async fn upload(
    mut phone: Phone,
    docs: Docs,
    batch: usize,
) -> (Phone, usize, Sessions, Option<String>) {
    let township = phone.account.township.expect("inspectors have a township");
    let mut changes = 0;
    let mut sessions = Sessions::default();
    for chunk in docs.chunks(batch) {
        for (id, body) in chunk {
            let key = phone.device.create(*id, Scope::Township(township), body);
            if let Some(r) = phone.device.replicas.get_mut(&key) {
                changes += r.doc.get_changes(&[]).len();
            }
        }
        if let Err(e) = timed_session(&mut phone, &mut sessions).await {
            return (phone, changes, sessions, Some(format!("upload: {e}")));
        }
    }
    (phone, changes, sessions, None)
}

/// `count` single-field updates to random documents of this phone, each
/// followed by a sync session.
async fn update(mut phone: Phone, count: usize, seed: u32) -> (Phone, Sessions, Option<String>) {
    let ids: Vec<String> = phone
        .device
        .replicas
        .keys()
        .filter(|k| k.starts_with("facility:"))
        .cloned()
        .collect();
    let mut rng = Rng::new(seed);
    let mut sessions = Sessions::default();
    if ids.is_empty() {
        return (phone, sessions, None);
    }
    for k in 0..count {
        let id = &ids[rng.int(0, ids.len() as u32 - 1) as usize];
        phone
            .device
            .edit::<Facility>(id, |f| single_field_update(&mut rng, k, f));
        if let Err(e) = timed_session(&mut phone, &mut sessions).await {
            return (phone, sessions, Some(format!("update: {e}")));
        }
    }
    (phone, sessions, None)
}

/// Saved bytes and Automerge ops of the phone's first document.
fn doc_shape(phone: &mut Phone) -> (usize, u64) {
    phone
        .device
        .replicas
        .iter_mut()
        .find(|(id, _)| id.starts_with("facility:"))
        .map(|(_, r)| (r.doc.save().len(), r.doc.stats().num_ops))
        .unwrap_or((0, 0))
}

struct Fetched {
    wall_s: f64,
    docs: usize,
    rounds: usize,
    sent: usize,
    received: usize,
    error: Option<String>,
    mismatched: usize,
}

async fn fetch(mut county: Phone, phones: &mut [Phone]) -> Fetched {
    let started = Instant::now();
    let outcome = county.sync().await;
    let wall_s = started.elapsed().as_secs_f64();
    let mut mismatched = 0;
    for phone in phones.iter_mut() {
        for (id, replica) in phone.device.replicas.iter_mut() {
            let theirs = county
                .device
                .replicas
                .get_mut(id)
                .map(|r| r.doc.get_heads());
            if theirs != Some(replica.doc.get_heads()) {
                mismatched += 1;
            }
        }
    }
    let docs = county.device.replicas.len();
    match outcome {
        Ok(o) => Fetched {
            wall_s,
            docs,
            rounds: o.rounds,
            sent: o.bytes_sent,
            received: o.bytes_received,
            error: None,
            mismatched,
        },
        Err(e) => Fetched {
            wall_s,
            docs,
            rounds: 0,
            sent: 0,
            received: 0,
            error: Some(e),
            mismatched,
        },
    }
}

fn fetch_json(f: Fetched, before: &ProcSample, after: &ProcSample) -> Value {
    json!({
        "wall_s": round(f.wall_s, 3),
        "docs": f.docs,
        "docs_per_s": round(f.docs as f64 / f.wall_s, 1),
        "rounds": f.rounds,
        "bytes_sent": f.sent,
        "bytes_received": f.received,
        "server_cpu_s": round(after.cpu_s - before.cpu_s, 2),
        "heads_mismatched": f.mismatched,
        "error": f.error,
    })
}
