//! Crash: `kill -9` the real `mopai` process at random moments while
//! simulated phones edit and sync, restart it on the same data folder, and
//! check after every kill:
//!
//! - every change carried by a request that was answered, and every head
//!   the server answered with, is in the database (0 acknowledged changes lost);
//! - `PRAGMA integrity_check` says `ok`;
//! - the projections equal a recomputation (every 10th kill, and at the end).
//!
//! (Between full checks, only documents written since the last check are
//! loaded: the others' rows are unchanged, and `integrity_check` covers the
//! file.)
//!
//! At the end every phone syncs cleanly and must hold exactly the server's
//! documents. Loops: 200 here (`MOPAI_CRASH_LOOPS`; `cargo xtask reliability`
//! runs 1,000). The phones are `mopai_tests::device::Device`s; the process is
//! the binary cargo built for this crate (`CARGO_BIN_EXE_mopai`).

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use mopai_server::config::Durability;
use mopai_server::storage::Storage;

use mopai_shared::ids::{InterviewId, TownshipId, VisitId};
use mopai_shared::model::{Facility, ResidentInterview, Solvency, Visit};
use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{SyncError, Transport, sync_replicas};
use mopai_tests::device::Device;
use mopai_tests::ledger::{Ledger, Recording};
use mopai_tests::process::{MopaiProcess, free_addr, mopai_command, rss_kib_of};
use mopai_tests::rng::{Rng, env_count};

const PASSWORD: &str = "crash-test-password";
const PHONES: [&str; 3] = ["wang", "li", "zhou"];
/// Facilities one phone creates at most; later edits change existing ones.
const MAX_FACILITIES_PER_PHONE: usize = 6;
const MAX_VISITS: usize = 4;
const MAX_INTERVIEWS: usize = 4;
/// The kill comes at a random moment within a window that starts at this
/// and follows the time a whole session takes (1.5 times the median of the
/// last loop's), so kills land before, during and after commits however
/// large the documents grow; a loop in which no session completed doubles it.
const FIRST_KILL_WINDOW: Duration = Duration::from_millis(120);
const MAX_KILL_WINDOW: Duration = Duration::from_millis(600);

/// Counts requests on the wire, so a kill can tell whether it cut one.
struct InFlight<'a, T> {
    inner: T,
    count: &'a Cell<usize>,
}

impl<T: Transport> Transport for InFlight<'_, T> {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        self.count.set(self.count.get() + 1);
        let result = self.inner.exchange(body).await;
        self.count.set(self.count.get() - 1);
        result
    }
}

#[derive(Debug, Default)]
struct Figures {
    loops: usize,
    /// The largest resident set of the server process seen at a kill.
    server_rss_kib: u64,
    /// The write sequence at the last check.
    checked_seq: u64,
    checking: Duration,
    restarting: Duration,
    longest_window: Duration,
    kills_in_flight: usize,
    refused: Vec<String>,
    lost: Vec<String>,
    integrity_failures: Vec<String>,
    mismatches: Vec<String>,
}

fn edit(phone: &mut Device, township: TownshipId, rng: &mut Rng, created: &mut usize) {
    let ids = phone.editable_facilities();
    if ids.is_empty() || (*created < MAX_FACILITIES_PER_PHONE && rng.chance(20)) {
        *created += 1;
        phone.create_facility(township, &format!("养老院{}", rng.below(10_000)));
        return;
    }
    let id = ids[rng.index(ids.len())].clone();
    let by = phone.user.as_ref().expect("logged in").id;
    let n = rng.below(1_000_000);
    match rng.below(4) {
        0 => phone.edit::<Facility>(&id, |f| f.profile.beds = Some(n as u32 % 300)),
        1 => phone.edit::<Facility>(&id, |f| f.profile.address = format!("解放路{n}号")),
        2 => phone.edit::<Facility>(&id, |f| {
            if f.visits.len() < MAX_VISITS {
                let mut v = Visit::new(VisitId::random(), by);
                v.findings.prepayment.collected = Some(n.is_multiple_of(2));
                v.findings.prepayment.total_yuan = Some(n as i64 * 10);
                v.findings.solvency = Some(Solvency::Unknown);
                f.visits.push(v);
            } else {
                f.profile.residents = Some(n as u32 % 200);
            }
        }),
        _ => phone.edit::<Facility>(&id, |f| {
            if let Some(v) = f
                .visits
                .last_mut()
                .filter(|v| v.interviews.len() < MAX_INTERVIEWS)
            {
                let mut i = ResidentInterview::new(InterviewId::random());
                i.label = format!("{n}号床");
                v.interviews.push(i);
            } else {
                f.profile.operator = format!("运营方{n}");
            }
        }),
    }
}

/// One phone and what its runs recorded.
struct Phone {
    device: Device,
    rng: Rng,
    created: usize,
    ledger: Ledger,
    refused: Vec<String>,
    round_limited: usize,
}

impl Phone {
    /// Edits and syncs until a sync fails (the server was killed). Refusals
    /// (4xx/5xx) are recorded: none is expected.
    async fn edit_and_sync_until_killed(
        &mut self,
        township: TownshipId,
        in_flight: &Cell<usize>,
        sessions_ok: &Cell<usize>,
        sessions: &RefCell<Vec<Duration>>,
    ) {
        for _ in 0..1000 {
            edit(&mut self.device, township, &mut self.rng, &mut self.created);
            let phone = &mut self.device;
            let wire = InFlight {
                inner: phone.transport.clone(),
                count: in_flight,
            };
            let recording = Recording::new(&wire);
            let started = Instant::now();
            let result = sync_replicas(
                &recording,
                phone.id,
                phone.checkpoint,
                &mut phone.replicas,
                |_| {},
            )
            .await;
            self.ledger.merge(recording.into_ledger());
            match result {
                Ok(outcome) => {
                    phone.checkpoint = outcome.checkpoint;
                    sessions_ok.set(sessions_ok.get() + 1);
                    sessions.borrow_mut().push(started.elapsed());
                }
                Err(SyncError::Transport(TransportError::Offline(_))) => return,
                // Three phones writing side by side without a pause can keep
                // a session busy past the protocol's round limit; the phone
                // stops and tries again, as the real client does.
                Err(SyncError::TooManyRounds(_)) => self.round_limited += 1,
                Err(other) => {
                    self.refused.push(other.to_string());
                    return;
                }
            }
        }
    }
}

fn open(data: &Path) -> Storage {
    Storage::open(
        &mopai_server::storage::Database::Sqlite {
            dir: data.to_path_buf(),
        },
        Durability::Full,
    )
    .expect("open the database")
}

/// Checks the database while the server is down. Documents not written
/// since the last check (their sequence number unchanged) keep their bytes,
/// which `integrity_check` covers; written ones are loaded and must hold
/// every acknowledged change. Every 10th loop loads all of them.
fn check_database(data: &Path, ledger: &Ledger, figures: &mut Figures, full: bool) {
    let storage = open(data);
    let integrity = storage.integrity_check().expect("integrity_check runs");
    if integrity != "ok" {
        figures
            .integrity_failures
            .push(format!("loop {}: {integrity}", figures.loops));
    }
    let written: BTreeSet<String> = storage
        .read(|tx| tx.changed_since(figures.checked_seq, usize::MAX >> 1))
        .expect("read")
        .into_iter()
        .map(|m| m.id.to_string())
        .collect();
    figures.checked_seq = storage.read(|tx| tx.current_seq()).expect("seq");
    figures
        .lost
        .extend(ledger.missing_in(&storage, (!full).then_some(&written)));
    if full {
        let found = storage
            .read(mopai_server::projection::mismatches)
            .expect("recompute projections");
        figures.mismatches.extend(found);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_sync_loses_no_acknowledged_change() {
    let loops = env_count("MOPAI_CRASH_LOOPS", 200);
    let mut rng = Rng::from_env("crash");
    let binary = Path::new(env!("CARGO_BIN_EXE_mopai"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let started = Instant::now();

    // Accounts as an admin makes them: through the binary's own commands.
    mopai_command(binary, &data, &["township", "add", "开云镇"], "");
    for name in PHONES {
        mopai_command(
            binary,
            &data,
            &[
                "user",
                "add",
                "--username",
                name,
                "--name",
                name,
                "--role",
                "inspector",
                "--township",
                "开云镇",
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        );
    }
    let township = open(&data)
        .read(|tx| tx.township_by_name("开云镇"))
        .expect("read")
        .expect("township")
        .id;

    let mut server = MopaiProcess::start(binary, &data, free_addr());
    let mut phones = Vec::new();
    for name in PHONES {
        let mut device = Device::new(server.url("/api/sync"));
        device
            .login(&server.url("/api/login"), name, PASSWORD)
            .await
            .expect("login");
        phones.push(Phone {
            device,
            rng: Rng::new(rng.next_u64()),
            created: 0,
            ledger: Ledger::default(),
            refused: Vec::new(),
            round_limited: 0,
        });
    }
    let mut ledger = Ledger::default();
    let mut figures = Figures::default();
    let ok = Cell::new(0);
    let in_flight = Cell::new(0);

    let mut window = FIRST_KILL_WINDOW;
    let sessions = RefCell::new(Vec::new());
    while figures.loops < loops {
        let window_ms = window.as_millis() as u64;
        let delay = Duration::from_millis(rng.below(window_ms + 1));
        sessions.borrow_mut().clear();
        let [p0, p1, p2] = &mut phones[..] else {
            unreachable!("three phones")
        };
        let killer = async {
            tokio::time::sleep(delay).await;
            let cut = in_flight.get() > 0;
            let rss = rss_kib_of(server.pid()).unwrap_or(0);
            server.kill_9();
            (cut, rss)
        };
        let ((cut, rss), (), (), ()) = tokio::join!(
            killer,
            p0.edit_and_sync_until_killed(township, &in_flight, &ok, &sessions),
            p1.edit_and_sync_until_killed(township, &in_flight, &ok, &sessions),
            p2.edit_and_sync_until_killed(township, &in_flight, &ok, &sessions),
        );
        figures.loops += 1;
        figures.kills_in_flight += usize::from(cut);
        figures.server_rss_kib = figures.server_rss_kib.max(rss);
        let mut took = sessions.borrow().clone();
        took.sort();
        window = match took.get(took.len() / 2) {
            Some(median) => (*median * 3 / 2).clamp(FIRST_KILL_WINDOW, MAX_KILL_WINDOW),
            None => (window * 2).min(MAX_KILL_WINDOW),
        };
        figures.longest_window = figures.longest_window.max(window);
        for phone in &mut phones {
            ledger.merge(std::mem::take(&mut phone.ledger));
            figures.refused.append(&mut phone.refused);
        }
        let projections = figures.loops % 10 == 0;
        let checking = Instant::now();
        check_database(&data, &ledger, &mut figures, projections);
        figures.checking += checking.elapsed();
        let restarting = Instant::now();
        server.restart();
        figures.restarting += restarting.elapsed();
    }

    // Everyone syncs cleanly: each phone must end with the server's documents.
    let round_limited: usize = phones.iter().map(|p| p.round_limited).sum();
    let mut phones: Vec<Device> = phones.into_iter().map(|p| p.device).collect();
    for _ in 0..3 {
        for phone in &mut phones {
            let recording = Recording::new(&phone.transport);
            let outcome = sync_replicas(
                &recording,
                phone.id,
                phone.checkpoint,
                &mut phone.replicas,
                |_| {},
            )
            .await
            .expect("a clean sync after the crashes");
            phone.checkpoint = outcome.checkpoint;
            ledger.merge(recording.into_ledger());
        }
    }
    server.kill_9();
    check_database(&data, &ledger, &mut figures, true);
    let storage = open(&data);
    let mut diverged = Vec::new();
    let mut docs = 0;
    for phone in &mut phones {
        for (id, replica) in &mut phone.replicas {
            docs += 1;
            let stored = storage
                .read(|tx| tx.load_doc(id.parse().expect("a document id")))
                .expect("load")
                .map(|mut d| d.get_heads());
            if stored.as_deref() != Some(&replica.doc.get_heads()[..]) {
                diverged.push(id.clone());
            }
        }
    }
    let panics = server.counts.panics.load(Ordering::Relaxed);
    let server_errors = server.counts.server_errors.load(Ordering::Relaxed);
    println!(
        "crash: {} kill -9 loops ({} with a request in flight; kill window up to {} ms), \
         {} server starts, {} sync sessions completed ({} more stopped at the round limit), \
         {} requests acknowledged carrying {} changes; \
         acknowledged changes lost: {}; integrity_check failures: {}; projection mismatches: {}; \
         refused syncs: {}; server panics: {}, 5xx: {}; server RSS at most {} MiB; \
         phone documents diverged: {} of {}; \
         {:.1} s ({:.1} s checking the database, {:.1} s restarting)",
        figures.loops,
        figures.kills_in_flight,
        figures.longest_window.as_millis(),
        server.starts,
        ok.get(),
        round_limited,
        ledger.answered,
        ledger.change_count(),
        figures.lost.len(),
        figures.integrity_failures.len(),
        figures.mismatches.len(),
        figures.refused.len(),
        panics,
        server_errors,
        figures.server_rss_kib / 1024,
        diverged.len(),
        docs,
        started.elapsed().as_secs_f64(),
        figures.checking.as_secs_f64(),
        figures.restarting.as_secs_f64(),
    );
    assert!(figures.lost.is_empty(), "lost: {:?}", figures.lost);
    assert!(
        figures.integrity_failures.is_empty(),
        "{:?}",
        figures.integrity_failures
    );
    assert!(figures.mismatches.is_empty(), "{:?}", figures.mismatches);
    assert!(figures.refused.is_empty(), "{:?}", figures.refused);
    assert_eq!((panics, server_errors), (0, 0));
    assert!(diverged.is_empty(), "diverged: {diverged:?}");
    assert!(
        figures.kills_in_flight > 0,
        "no kill cut a request: the test did not test"
    );
    assert!(
        ok.get() >= loops / 10,
        "only {} sessions completed in {loops} loops: the kills came too early to test acknowledgements",
        ok.get()
    );
}
