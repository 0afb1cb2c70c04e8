//! A fresh phone pulls a township over a connection that drops answers.
//!
//! Each attempt is one sync session that saves every round as it arrives
//! (documents, then the checkpoint) and ends at the first drop; the next
//! attempt starts from what was saved, with a halved pull window, as the
//! phone does after a reload. The phone must end with every document, its
//! saved checkpoint must never have covered a document it had not saved,
//! and no document's content may be fetched more than twice (once lost to a
//! drop, once kept). A second test edits facilities on the server between
//! cut attempts: the phone must still end with every edit.
//!
//! Defaults: 150 facilities of five visits, each connection carrying a
//! random 100 to 200 KB of answers (seeded; `MOPAI_SEED` replays). The
//! figures in BENCHMARKS.md come from
//! `MOPAI_PULL_FACILITIES=500 MOPAI_PULL_DROP_KB=300 cargo test -p mopai-tests
//! --test interrupted_pull -- --nocapture`.

use std::collections::BTreeMap;

use automerge::ChangeHash;
use mopai_server::storage::docs::LoadError;
use mopai_shared::doc::Scope;
use mopai_shared::ids::{DocId, FacilityId};
use mopai_shared::model::Facility;
use mopai_shared::roles::Role;
use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{PullWindow, Start, SyncError, Transport, sync_rounds};
use mopai_tests::device::Device;
use mopai_tests::flaky::{Flaky, SavedPhone};
use mopai_tests::rng::{Rng, env_count};
use mopai_tests::sample;
use mopai_tests::server::TestServer;

const PASSWORD: &str = "pull-password";
const KB: usize = 1024;

/// Per document the server holds: its write sequence and heads.
type ServerDocs = BTreeMap<String, (u64, Vec<ChangeHash>)>;

fn server_docs(server: &TestServer) -> ServerDocs {
    server
        .storage()
        .read(|tx| {
            let mut out = BTreeMap::new();
            for meta in tx.changed_since(0, 1 << 30)? {
                let mut doc = tx.load_doc(meta.id)?.expect("stored doc");
                out.insert(meta.id.to_string(), (meta.seq, doc.get_heads()));
            }
            Ok::<_, LoadError>(out)
        })
        .expect("read server documents")
}

/// A township of `facilities` facilities of five visits, pushed by wang;
/// li and zhou are inspectors there with fresh phones.
async fn township(facilities: usize) -> (TestServer, Device) {
    let server = TestServer::start().await;
    let township = server.add_townships(&["开云镇"])[0];
    for name in ["wang", "li", "zhou"] {
        server.add_user(name, Role::Inspector, Some("开云镇"), PASSWORD);
    }
    let mut wang = server.phone("wang", PASSWORD).await;
    let by = wang.user.as_ref().expect("logged in").id;
    for i in 0..facilities {
        let body = sample::facility(&format!("第{i}养老院"), by, 5);
        let id = DocId::facility(FacilityId::random());
        wang.create(id, Scope::Township(township), &body);
        if (i + 1) % 100 == 0 || i + 1 == facilities {
            wang.sync().await.expect("push the township");
        }
    }
    (server, wang)
}

/// Pulls into `saved` over `net` until a session ends, halving the window
/// after each drop and calling `between` after it; returns the attempts
/// and the last window.
async fn pull_until_done<T: Transport>(
    net: &T,
    device: uuid::Uuid,
    saved: &mut SavedPhone,
    max_attempts: usize,
    mut between: impl AsyncFnMut(),
) -> (usize, PullWindow) {
    let mut window = PullWindow::default();
    for attempt in 1..=max_attempts {
        let mut replicas = saved.replicas();
        let start = Start {
            device,
            checkpoint: saved.checkpoint,
            window,
        };
        match sync_rounds(net, start, &mut replicas, saved, |_| {}).await {
            Ok(_) => return (attempt, window),
            Err(SyncError::Transport(TransportError::Offline(_))) => window.after_drop(),
            Err(other) => panic!("attempt {attempt}: {other}"),
        }
        between().await;
    }
    panic!("no end after {max_attempts} attempts")
}

/// Every document the server holds is on the phone, whole.
fn assert_holds_everything(saved: &SavedPhone, expected: &ServerDocs) {
    let mut pulled = saved.replicas();
    for (id, (_, heads)) in expected {
        let replica = pulled.get_mut(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(&replica.doc.get_heads(), heads, "{id} incomplete");
    }
}

#[tokio::test]
async fn a_cut_pull_resumes_and_fetches_no_round_more_than_twice() {
    let facilities = env_count("MOPAI_PULL_FACILITIES", 150);
    let fixed_kb = env_count("MOPAI_PULL_DROP_KB", 0);
    let seed = env_count("MOPAI_SEED", 0x5eed) as u64;
    println!("interrupted pull: {facilities} facilities, seed {seed}");

    let (server, _wang) = township(facilities).await;
    let expected = server_docs(&server);

    // The baseline: the same pull, windowed, over a connection that holds.
    let zhou = server.phone("zhou", PASSWORD).await;
    let start = Start {
        device: zhou.id,
        checkpoint: 0,
        window: PullWindow::default(),
    };
    let mut whole = SavedPhone::default();
    let mut replicas = BTreeMap::new();
    let uncut = sync_rounds(&zhou.transport, start, &mut replicas, &mut whole, |_| {})
        .await
        .expect("uncut pull");
    assert_eq!(whole.docs.len(), expected.len());
    println!(
        "uncut: {} rounds, {} B down, {} B up",
        uncut.rounds, uncut.bytes_received, uncut.bytes_sent
    );

    let li = server.phone("li", PASSWORD).await;
    let mut rng = Rng::new(seed);
    let budget = move || match fixed_kb {
        0 => (100 + rng.index(100)) * KB,
        kb => kb * KB,
    };
    let net = Flaky::new(li.transport.clone(), budget);
    let mut saved = SavedPhone::default();
    let total: usize = expected.len();
    let (attempts, window) =
        pull_until_done(&net, li.id, &mut saved, 3 + facilities / 5, async || {}).await;

    assert_holds_everything(&saved, &expected);
    // The checkpoint never covered a document not yet saved.
    for (checkpoint, docs) in &saved.history {
        for (id, (seq, _)) in &expected {
            assert!(
                seq > checkpoint || docs.contains(id),
                "checkpoint {checkpoint} covers {id} (seq {seq}) before it was saved"
            );
        }
    }
    let stats = net.stats.borrow();
    let most = stats.content_fetches.values().copied().max().unwrap_or(0);
    println!(
        "documents {total}; attempts {attempts}; cuts {}; answer bytes delivered {}; \
         largest answer {} B; cut short {} B; content fetched again {} B; \
         most fetches of one document {most}; window at the end {}; document writes {}",
        stats.cuts,
        stats.bytes_delivered,
        stats.largest_answer,
        stats.bytes_cut,
        stats.bytes_refetched,
        window.docs(),
        saved.writes
    );
    assert_eq!(stats.content_fetches.len(), total, "each document fetched");
    assert!(most <= 2, "a document's content was fetched {most} times");
    assert!(
        saved.writes <= 2 * total,
        "{} writes: a document re-confirmed unchanged is not written again",
        saved.writes
    );
    assert!(stats.cuts > 0, "the connection dropped at least once");
    assert!(
        stats.bytes_refetched <= stats.cuts * stats.largest_answer,
        "more than one round's worth fetched again per drop"
    );
}

/// Facilities edited on the server while the pull keeps being cut: the
/// safe checkpoint must not pass them, so the phone ends with every edit.
#[tokio::test]
async fn edits_made_between_cut_attempts_still_arrive() {
    let (server, mut wang) = township(60).await;
    let li = server.phone("li", PASSWORD).await;
    let mut rng = Rng::new(env_count("MOPAI_SEED", 0x5eed) as u64);
    let net = Flaky::new(li.transport.clone(), move || (20 + rng.index(40)) * KB);
    let ids = wang.editable_facilities();
    let mut saved = SavedPhone::default();
    let mut edits = 0;
    let (attempts, _) = pull_until_done(&net, li.id, &mut saved, 40, async || {
        let id = &ids[edits * 7 % ids.len()];
        edits += 1;
        wang.edit::<Facility>(id, |f| f.profile.beds = Some(100 + edits as u32));
        wang.sync().await.expect("edit reaches the server");
    })
    .await;
    println!("edits between attempts: {edits}; attempts {attempts}");
    assert!(edits > 0, "the connection dropped at least once");
    assert_holds_everything(&saved, &server_docs(&server));
}
