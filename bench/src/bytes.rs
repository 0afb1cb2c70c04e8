//! Bytes and round trips of four sync sessions, counted as request and
//! response bodies of `POST /api/sync` (what the protocol controls; HTTP
//! headers come on top, a few hundred bytes per round trip):
//!
//! 1. steady state: a phone holding a 500-facility township syncs with
//!    nothing new;
//! 2. one new visit on one facility;
//! 3. 100 offline edits (one field each, each its own commit, spread over
//!    10 facilities), then one sync;
//! 4. a fresh phone in the same township pulls all 500 facilities.

use std::path::PathBuf;
use std::time::Instant;

use mopai_shared::doc::Scope;
use mopai_shared::ids::{DocId, FacilityId, UserId};
use mopai_shared::model::Facility;
use mopai_shared::roles::Role;
use mopai_shared::sync::SyncOutcome;
use serde_json::{Value, json};

use crate::server::{ServerProcess, add_accounts, add_townships, open_storage};
use crate::stats::round;
use crate::sync::Phone;
use crate::workload::{Risk, Rng, national_facility, single_field_update, visit};

#[derive(Debug, Clone)]
pub struct BytesArgs {
    pub mopai: PathBuf,
    pub work: PathBuf,
    /// Facilities in the township (500).
    pub facilities: usize,
    /// Visits per facility (5, as nationally: 1.35 M visits / 270,000).
    pub visits: usize,
    pub seed: u32,
}

pub fn run(args: &BytesArgs) -> Result<Value, String> {
    let dir = args.work.join("bytes");
    let _ = std::fs::remove_dir_all(&dir);
    let storage = open_storage(&dir)?;
    let township = add_townships(&storage, &["开云镇".to_owned()])?[0];
    let accounts = add_accounts(
        &storage,
        &[
            ("wang".to_owned(), Role::Inspector, Some(township)),
            ("li".to_owned(), Role::Inspector, Some(township)),
        ],
    )?;
    drop(storage);
    let server = ServerProcess::start(&args.mopai, &dir, "full")?;
    let runtime = crate::server::runtime()?;
    let sync_url = server.url("/api/sync");
    let result = runtime.block_on(async {
        let mut wang = Phone::new(sync_url.clone(), accounts[0].clone());
        let fresh = Phone::new(sync_url, accounts[1].clone());
        cases(args, township, &mut wang, fresh).await
    });
    server.stop();
    result
}

fn outcome_json(o: &SyncOutcome, ms: f64) -> Value {
    json!({
        "rounds": o.rounds,
        "bytes_sent": o.bytes_sent,
        "bytes_received": o.bytes_received,
        "bytes_total": o.bytes_sent + o.bytes_received,
        "docs_updated": o.updated.len(),
        "wall_ms": round(ms, 1),
    })
}

async fn timed_sync(phone: &mut Phone) -> Result<(SyncOutcome, f64), String> {
    let started = Instant::now();
    let o = phone.sync().await?;
    Ok((o, started.elapsed().as_secs_f64() * 1000.0))
}

async fn cases(
    args: &BytesArgs,
    township: mopai_shared::ids::TownshipId,
    wang: &mut Phone,
    mut fresh: Phone,
) -> Result<Value, String> {
    let mut rng = Rng::new(args.seed);
    let me = wang.account.user;
    let partner = UserId::from_uuid(rng.uuid());
    // The township's facilities, pushed 100 per sync (the server takes 200
    // documents per request at most).
    let mut ids = Vec::new();
    for i in 0..args.facilities {
        let id = DocId::facility(FacilityId::from_uuid(rng.uuid()));
        let body = national_facility(&mut rng, i, args.visits, me, partner);
        ids.push(wang.device.create(id, Scope::Township(township), &body));
        if (i + 1) % 100 == 0 || i + 1 == args.facilities {
            wang.sync().await?;
        }
    }
    wang.net.take();
    // Settle: one more session so the steady case starts clean.
    wang.sync().await?;

    let (steady, steady_ms) = timed_sync(wang).await?;

    let first = ids[0].clone();
    let before = wang
        .device
        .replicas
        .get_mut(&first)
        .map(|r| r.doc.get_heads())
        .unwrap_or_default();
    wang.device.edit::<Facility>(&first, |f| {
        f.visits.push(visit(&mut rng, me, partner, Risk::Mixed));
    });
    let visit_change_bytes = wang
        .device
        .replicas
        .get_mut(&first)
        .map(|r| r.doc.save_after(&before).len())
        .unwrap_or(0);
    let (one_visit, one_visit_ms) = timed_sync(wang).await?;

    for k in 0..100 {
        let id = &ids[k % 10];
        wang.device
            .edit::<Facility>(id, |f| single_field_update(&mut rng, k, f));
    }
    let (offline, offline_ms) = timed_sync(wang).await?;

    let doc_bytes: usize = wang
        .device
        .replicas
        .values_mut()
        .map(|r| r.doc.save().len())
        .sum();
    let started = Instant::now();
    let pull = fresh.sync().await?;
    let pull_ms = started.elapsed().as_secs_f64() * 1000.0;
    let pulled = fresh.device.replicas.len();
    let (after_pull, after_pull_ms) = timed_sync(&mut fresh).await?;

    Ok(json!({
        "facilities": args.facilities,
        "visits_per_facility": args.visits,
        "steady": outcome_json(&steady, steady_ms),
        "one_visit": {
            "sync": outcome_json(&one_visit, one_visit_ms),
            "visit_change_bytes": visit_change_bytes,
        },
        "offline_100": outcome_json(&offline, offline_ms),
        "fresh_pull": {
            "sync": outcome_json(&pull, pull_ms),
            "docs": pulled,
            "saved_doc_bytes_total": doc_bytes,
            "then_steady": outcome_json(&after_pull, after_pull_ms),
        },
    }))
}
