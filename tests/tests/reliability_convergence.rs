//! Convergence, as a property: 2–10 phones of one township run random
//! offline edit scripts under random sync schedules against a real server,
//! with partitions (a phone offline for a while), dropped requests, lost
//! answers, duplicated requests and late replays of earlier requests.
//! After the partitions heal and everyone syncs, every phone holds every
//! document of the case with exactly the server's heads (0 divergence), and
//! the server's projections equal a recomputation.
//!
//! Cases: 32 here (`MOPAI_CONVERGENCE_CASES`; `cargo xtask reliability`
//! runs 500). proptest shrinks a failing script and prints it.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

use mopai_shared::ids::{InterviewId, TownshipId, VisitId};
use mopai_shared::model::{Facility, ResidentInterview, Visit};
use mopai_shared::roles::Role;
use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{SyncError, Transport, sync_replicas};
use mopai_tests::device::{Device, HttpTransport};
use mopai_tests::rng::env_count;
use mopai_tests::server::TestServer;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const PASSWORD: &str = "convergence-password";
const MAX_PHONES: usize = 10;
/// Cases run against one server before a fresh one starts.
const CASES_PER_SERVER: usize = 32;

#[derive(Debug, Clone, Copy)]
enum Op {
    Create,
    Beds(u32),
    Name(u16),
    Visit,
    Interview,
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    None,
    /// The n-th request of the session never reaches the server.
    DropRequest(u8),
    /// The server stores the n-th request, its answer is lost.
    DropAnswer(u8),
    /// The n-th request arrives twice.
    Duplicate(u8),
    /// Before the n-th request, an earlier request of this phone arrives again.
    Replay(u8, u16),
    /// After the n-th exchange, another phone (picked by the second number)
    /// edits a document and syncs, while this session is still running.
    Interleave(u8, u16, u32),
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Edit {
        phone: usize,
        doc: usize,
        op: Op,
    },
    Sync {
        phone: usize,
        fault: Fault,
    },
    /// Takes a phone off the network, or brings it back.
    Partition {
        phone: usize,
    },
}

#[derive(Debug, Clone)]
struct Script {
    phones: usize,
    steps: Vec<Step>,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => Just(Op::Create),
        2 => any::<u32>().prop_map(|n| Op::Beds(n % 500)),
        2 => any::<u16>().prop_map(Op::Name),
        2 => Just(Op::Visit),
        1 => Just(Op::Interview),
    ]
}

fn fault() -> impl Strategy<Value = Fault> {
    let n = 0u8..4;
    prop_oneof![
        4 => Just(Fault::None),
        1 => n.clone().prop_map(Fault::DropRequest),
        1 => n.clone().prop_map(Fault::DropAnswer),
        1 => n.clone().prop_map(Fault::Duplicate),
        1 => (n.clone(), any::<u16>()).prop_map(|(n, i)| Fault::Replay(n, i)),
        2 => (n, any::<u16>(), any::<u32>()).prop_map(|(n, q, d)| Fault::Interleave(n, q, d)),
    ]
}

fn script() -> impl Strategy<Value = Script> {
    (2..=MAX_PHONES).prop_flat_map(|phones| {
        let phone = 0..phones;
        let step = prop_oneof![
            6 => (phone.clone(), any::<usize>(), op())
                .prop_map(|(phone, doc, op)| Step::Edit { phone, doc, op }),
            4 => (phone.clone(), fault()).prop_map(|(phone, fault)| Step::Sync { phone, fault }),
            1 => phone.prop_map(|phone| Step::Partition { phone }),
        ];
        proptest::collection::vec(step, 5..45).prop_map(move |steps| Script { phones, steps })
    })
}

/// The shared server and the logged-in accounts, one per phone slot.
struct Shared {
    server: TestServer,
    township: TownshipId,
    /// (token, who) per phone slot.
    accounts: Vec<(String, mopai_shared::api::Me)>,
}

impl Shared {
    /// A fresh server with one township and a logged-in account per phone slot.
    async fn start() -> Self {
        let server = TestServer::start().await;
        let township = server.add_townships(&["开云镇"])[0];
        let mut accounts = Vec::new();
        for i in 0..MAX_PHONES {
            let (name, role) = match i % 4 {
                3 => (format!("lead{i}"), Role::TownshipLead),
                _ => (format!("insp{i}"), Role::Inspector),
            };
            server.add_user(&name, role, Some("开云镇"), PASSWORD);
            let (status, body) = server.login(&name, PASSWORD).await;
            let body = body.unwrap_or_else(|| panic!("{name} login: {status}"));
            accounts.push((body.token, body.user));
        }
        Self {
            server,
            township,
            accounts,
        }
    }
}

#[derive(Debug, Default)]
struct Figures {
    cases: usize,
    phones: usize,
    steps: usize,
    syncs: usize,
    failed_syncs: usize,
    faults: usize,
    partitions: usize,
    interleaved: usize,
    docs: usize,
    diverged: usize,
    server_errors: usize,
}

/// The phone's transport with one fault at one exchange of the session.
struct Faulty<'a> {
    inner: &'a HttpTransport,
    fault: Fault,
    exchanges: Cell<usize>,
    history: &'a RefCell<Vec<Vec<u8>>>,
    server_errors: &'a Cell<usize>,
    /// Another phone's edit and sync, run after the exchange `Interleave` names.
    between: RefCell<Option<Between<'a>>>,
}

type Between<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'a>>;

impl Faulty<'_> {
    async fn send(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let result = self.inner.exchange(body).await;
        if let Err(TransportError::Rejected { status, .. }) = &result
            && *status >= 500
        {
            self.server_errors.set(self.server_errors.get() + 1);
        }
        result
    }
}

impl Transport for Faulty<'_> {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let n = self.exchanges.get();
        self.exchanges.set(n + 1);
        let earlier = {
            let history = self.history.borrow();
            match self.fault {
                Fault::Replay(at, i) if usize::from(at) == n && !history.is_empty() => {
                    Some(history[usize::from(i) % history.len()].clone())
                }
                _ => None,
            }
        };
        self.history.borrow_mut().push(body.clone());
        if let Some(earlier) = earlier {
            // A replay is answered 200 or refused 4xx; it must not fail the server.
            let _ = self.send(earlier).await;
        }
        if let Fault::Interleave(at, _, _) = self.fault
            && usize::from(at) == n
        {
            let reply = self.send(body).await;
            let between = self.between.borrow_mut().take();
            if let Some(between) = between {
                between.await;
            }
            return reply;
        }
        match self.fault {
            Fault::DropRequest(at) if usize::from(at) == n => {
                Err(TransportError::Offline("request dropped".into()))
            }
            Fault::DropAnswer(at) if usize::from(at) == n => {
                self.send(body).await?;
                Err(TransportError::Offline("answer lost".into()))
            }
            Fault::Duplicate(at) if usize::from(at) == n => {
                let _ = self.send(body.clone()).await;
                self.send(body).await
            }
            _ => self.send(body).await,
        }
    }
}

fn apply(phone: &mut Device, township: TownshipId, doc: usize, op: Op, created: &mut Vec<String>) {
    let ids = phone.editable_facilities();
    if ids.is_empty() || matches!(op, Op::Create) {
        let id = phone.create_facility(township, &format!("机构{}", created.len()));
        created.push(id);
        return;
    }
    let id = &ids[doc % ids.len()];
    let by = phone.user.as_ref().expect("logged in").id;
    match op {
        Op::Create => unreachable!(),
        Op::Beds(n) => phone.edit::<Facility>(id, |f| f.profile.beds = Some(n)),
        Op::Name(n) => phone.edit::<Facility>(id, |f| f.profile.name = format!("养老院{n}")),
        Op::Visit => {
            phone.edit::<Facility>(id, |f| f.visits.push(Visit::new(VisitId::random(), by)))
        }
        Op::Interview => phone.edit::<Facility>(id, |f| {
            if let Some(v) = f.visits.last_mut() {
                v.interviews
                    .push(ResidentInterview::new(InterviewId::random()));
            } else {
                f.profile.beds = Some(1);
            }
        }),
    }
}

async fn run_case(shared: &Shared, script: &Script, figures: &mut Figures) -> Result<(), String> {
    let server = &shared.server;
    let start_seq = server.storage().read(|tx| tx.current_seq()).expect("seq");
    let mut phones: Vec<Device> = shared.accounts[..script.phones]
        .iter()
        .map(|(token, me)| {
            let mut d = Device::new(server.url("/api/sync"));
            d.transport.token = Some(token.clone());
            d.user = Some(me.clone());
            // Only this case's documents: earlier cases' are not pulled.
            d.checkpoint = start_seq;
            d
        })
        .collect();
    let histories: Vec<RefCell<Vec<Vec<u8>>>> = phones.iter().map(|_| RefCell::default()).collect();
    let mut offline = vec![false; phones.len()];
    let created = RefCell::new(Vec::new());
    let server_errors = Cell::new(0);

    for step in &script.steps {
        match *step {
            Step::Edit { phone, doc, op } => {
                apply(
                    &mut phones[phone],
                    shared.township,
                    doc,
                    op,
                    &mut created.borrow_mut(),
                );
            }
            Step::Partition { phone } => {
                offline[phone] = !offline[phone];
                figures.partitions += 1;
            }
            Step::Sync { phone, fault } => {
                if offline[phone] {
                    continue;
                }
                figures.syncs += 1;
                figures.faults += usize::from(!matches!(fault, Fault::None));
                // The other phone of an interleaving, if it is online.
                let other = match fault {
                    Fault::Interleave(_, q, _) => {
                        let q = (phone + 1 + usize::from(q) % (phones.len() - 1)) % phones.len();
                        (!offline[q]).then_some(q)
                    }
                    _ => None,
                };
                let (device, other) = pick_two(&mut phones, phone, other);
                let between = match (other, fault) {
                    (Some(q), Fault::Interleave(_, _, d)) => {
                        figures.interleaved += 1;
                        let created = &created;
                        let township = shared.township;
                        Some(Box::pin(async move {
                            apply(
                                q,
                                township,
                                d as usize,
                                Op::Beds(d % 500),
                                &mut created.borrow_mut(),
                            );
                            // Offline or refused: the property checks the end state.
                            let _ = q.sync().await;
                        }) as Between<'_>)
                    }
                    _ => None,
                };
                let transport = Faulty {
                    inner: &device.transport,
                    fault,
                    exchanges: Cell::new(0),
                    history: &histories[phone],
                    server_errors: &server_errors,
                    between: RefCell::new(between),
                };
                match sync_replicas(
                    &transport,
                    device.id,
                    device.checkpoint,
                    &mut device.replicas,
                    |_| {},
                )
                .await
                {
                    Ok(outcome) => device.checkpoint = outcome.checkpoint,
                    Err(SyncError::Transport(TransportError::Offline(_))) => {
                        figures.failed_syncs += 1;
                    }
                    Err(e) => return Err(format!("a sync failed: {e}")),
                }
            }
        }
    }

    // The partitions heal; everyone syncs until nothing moves.
    for _ in 0..3 {
        for phone in &mut phones {
            let outcome = phone.sync().await.map_err(|e| format!("clean sync: {e}"))?;
            phone.checkpoint = outcome.checkpoint;
        }
    }

    let storage = server.storage();
    let created = created.into_inner();
    let docs: BTreeSet<&String> = created.iter().collect();
    let mut diverged = Vec::new();
    for id in &docs {
        let mut stored = storage
            .read(|tx| tx.load_doc(id.parse().expect("a document id")))
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{id} never reached the server"))?;
        let heads = stored.get_heads();
        for (i, phone) in phones.iter_mut().enumerate() {
            let held = phone.replicas.get_mut(*id).map(|r| r.doc.get_heads());
            if held.as_ref() != Some(&heads) {
                diverged.push(format!("phone {i}, {id}"));
            }
        }
    }
    let mismatches = storage
        .read(mopai_server::projection::mismatches)
        .map_err(|e| e.to_string())?;
    figures.cases += 1;
    figures.phones += phones.len();
    figures.steps += script.steps.len();
    figures.docs += docs.len();
    figures.diverged += diverged.len();
    figures.server_errors += server_errors.get();
    if !diverged.is_empty() {
        return Err(format!("diverged: {diverged:?}"));
    }
    if !mismatches.is_empty() {
        return Err(format!("projections differ: {mismatches:?}"));
    }
    if server_errors.get() > 0 {
        return Err(format!("{} answers were 5xx", server_errors.get()));
    }
    Ok(())
}

#[test]
fn phones_converge_under_partitions_drops_duplicates_and_replays() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let shared = RefCell::new(runtime.block_on(Shared::start()));
    let runs = Cell::new(0usize);

    let cases = env_count("MOPAI_CONVERGENCE_CASES", 32) as u32;
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let figures = RefCell::new(Figures::default());
    let started = std::time::Instant::now();
    let result = runner.run(&script(), |script| {
        // Each case checks every projection of the server: a fresh server
        // now and then keeps that check (and the run) linear.
        runs.set(runs.get() + 1);
        if runs.get().is_multiple_of(CASES_PER_SERVER) {
            *shared.borrow_mut() = runtime.block_on(Shared::start());
        }
        runtime
            .block_on(run_case(
                &shared.borrow(),
                &script,
                &mut figures.borrow_mut(),
            ))
            .map_err(TestCaseError::fail)
    });
    let f = figures.into_inner();
    println!(
        "convergence: {} cases ({} phones, {} steps, {} syncs of which {} with an injected fault \
         and {} cut off, {} with another phone syncing mid-session, {} partition toggles), \
         {} documents; diverged: {}; 5xx: {}; {:.1} s",
        f.cases,
        f.phones,
        f.steps,
        f.syncs,
        f.faults,
        f.failed_syncs,
        f.interleaved,
        f.partitions,
        f.docs,
        f.diverged,
        f.server_errors,
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// `phones[p]`, and `phones[q]` beside it when `q` is another phone.
fn pick_two(
    phones: &mut [Device],
    p: usize,
    q: Option<usize>,
) -> (&mut Device, Option<&mut Device>) {
    match q {
        Some(q) if q != p => {
            let (low, high) = phones.split_at_mut(p.max(q));
            let (a, b) = (&mut low[p.min(q)], &mut high[0]);
            if p < q { (a, Some(b)) } else { (b, Some(a)) }
        }
        _ => (&mut phones[p], None),
    }
}

/// Runs `between` once, right after the first exchange of a session.
struct Interleaved<'a, F> {
    inner: &'a HttpTransport,
    between: RefCell<Option<F>>,
}

impl<F: std::future::Future<Output = ()>> Transport for Interleaved<'_, F> {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let reply = self.inner.exchange(body).await;
        let between = self.between.borrow_mut().take();
        if let Some(between) = between {
            between.await;
        }
        reply
    }
}

/// Regression (found by the crash test, where phones sync side by side): a
/// document another phone writes while this phone's session runs, after
/// this phone exchanged it and before the session ends, is listed as
/// changed in a later answer of the session. The phone must pull it then;
/// skipping it (its sync state said "in sync") while its checkpoint moves
/// past the write left the phone without that change for good.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_written_by_another_phone_during_a_session_is_pulled() {
    let server = TestServer::start().await;
    let township = server.add_townships(&["开云镇"])[0];
    let mut phones = Vec::new();
    for name in ["wang", "li"] {
        server.add_user(name, Role::Inspector, Some("开云镇"), PASSWORD);
        let phone = server.phone(name, PASSWORD).await;
        phones.push(phone);
    }
    let [a, b] = &mut phones[..] else {
        unreachable!("two phones")
    };
    let mut created = Vec::new();
    apply(a, township, 0, Op::Create, &mut created);
    apply(a, township, 0, Op::Create, &mut created);
    let (d, e) = (created[0].clone(), created[1].clone());
    a.sync().await.expect("sync");
    b.sync().await.expect("sync");

    // B changes E; A changes D. A's session: round 1 sends D and hears that
    // E changed; B then writes D; round 2 pulls E and hears that D changed.
    b.edit::<Facility>(&e, |f| f.profile.beds = Some(10));
    b.sync().await.expect("sync");
    a.edit::<Facility>(&d, |f| f.profile.beds = Some(20));
    let between = async {
        b.edit::<Facility>(&d, |f| f.profile.name = "改名的养老院".into());
        b.sync().await.expect("B syncs between A's rounds");
    };
    let transport = Interleaved {
        inner: &a.transport,
        between: RefCell::new(Some(between)),
    };
    let outcome = sync_replicas(&transport, a.id, a.checkpoint, &mut a.replicas, |_| {})
        .await
        .expect("A's session");
    a.checkpoint = outcome.checkpoint;
    a.sync().await.expect("A's next session");

    let mut stored = server
        .storage()
        .read(|tx| tx.load_doc(d.parse().expect("a document id")))
        .expect("read")
        .expect("stored");
    let held = a.replicas.get_mut(&d).expect("held").doc.get_heads();
    assert_eq!(
        held,
        stored.get_heads(),
        "A never pulled what B wrote to {d} during A's session ({} rounds)",
        outcome.rounds
    );
    assert_eq!(
        a.body::<Facility>(&d).expect("body").profile.name,
        "改名的养老院"
    );
}
