//! Garbage and hostile Automerge input against a real server, from a
//! logged-in inspector (the worst case: a stolen or tampered phone):
//!
//! - random bytes; a valid request around random sync messages; valid sync
//!   messages around random change chunks; bit flips in valid changes;
//! - very large documents (a 4 MB text; more changes than one request may
//!   bring) and deeply nested ones;
//! - Bloom-filter poisoning: crafted `have` filters (probe counts and sizes
//!   chosen to make the server loop), poisoned answers to an honest phone,
//!   and many crafted commits (concurrent branches) in a shared document.
//!
//! Goals: 0 panics (counted by a panic hook in this process, which runs the
//! server, so a panic caught by the server's own `catch_unwind` counts too),
//! 0 answers 5xx, every refused request leaves the state unchanged, the
//! server answers each within seconds, honest phones still converge within
//! the protocol's round limit, and the resident memory stays bounded
//! (`/proc/self/status`, before and after).

use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use automerge::sync::{BloomFilter, Have, Message, MessageVersion};
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ChangeHash, ObjType, ROOT, ReadDoc};
use mopai_shared::doc::Scope;
use mopai_shared::ids::{DocId, FacilityId, TownshipId};
use mopai_shared::model::Facility;
use mopai_shared::roles::Role;
use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{
    DocMessage, MAX_ROUNDS, PROTOCOL_VERSION, RefusalCode, SyncRequest, Transport, decode_response,
    encode, sync_replicas,
};
use mopai_tests::device::Device;
use mopai_tests::ledger::fingerprint;
use mopai_tests::process::rss_kib;
use mopai_tests::rng::{Rng, env_count};
use mopai_tests::server::TestServer;

const PASSWORD: &str = "hostile-password";
/// Longest any single hostile request may take to be answered.
const ANSWER_WITHIN: Duration = Duration::from_secs(15);
/// Resident memory the whole run may add (the process also holds the
/// test's own documents).
const RSS_GROWTH_LIMIT_KIB: u64 = 512 * 1024;

static PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
}

struct World {
    server: TestServer,
    township: TownshipId,
    /// The hostile inspector's phone.
    phone: Device,
    token: String,
    /// A facility the phone created and synced.
    doc: String,
    answered: usize,
    slowest: Duration,
    /// The error code of the last refusal.
    last_code: String,
}

impl World {
    async fn new() -> Self {
        let server = TestServer::start().await;
        let township = server.add_townships(&["开云镇"])[0];
        server.add_user("wang", Role::Inspector, Some("开云镇"), PASSWORD);
        server.add_user("zhou", Role::TownshipLead, Some("开云镇"), PASSWORD);
        let mut phone = server.phone("wang", PASSWORD).await;
        let doc = phone.create_facility(township, "康乐园");
        phone.sync().await.expect("sync");
        let token = phone.transport.token.clone().expect("token");
        Self {
            server,
            township,
            phone,
            token,
            doc,
            answered: 0,
            slowest: Duration::ZERO,
            last_code: String::new(),
        }
    }

    /// Posts a body; returns the status. Fails on 5xx or a slow answer.
    async fn post(&mut self, body: Vec<u8>) -> u16 {
        let started = Instant::now();
        let response = tokio::time::timeout(
            ANSWER_WITHIN * 2,
            reqwest::Client::new()
                .post(self.server.url("/api/sync"))
                .bearer_auth(&self.token)
                .body(body)
                .send(),
        )
        .await
        .expect("answered at all")
        .expect("answered, not dropped");
        let took = started.elapsed();
        let status = response.status().as_u16();
        self.answered += 1;
        self.slowest = self.slowest.max(took);
        let text = response.text().await.unwrap_or_default();
        assert!(status < 500, "5xx: {status} {text}");
        assert!(took <= ANSWER_WITHIN, "answered after {took:?}");
        if status >= 400 {
            self.last_code = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["code"].as_str().map(str::to_owned))
                .unwrap_or_default();
        }
        status
    }

    /// A request with one message for `doc`.
    fn request(&self, doc: &str, message: Vec<u8>) -> Vec<u8> {
        encode(&SyncRequest {
            protocol: PROTOCOL_VERSION,
            device: self.phone.id,
            checkpoint: 0,
            docs: vec![DocMessage {
                doc: doc.to_string(),
                message,
            }],
        })
    }

    /// The stored document.
    fn stored(&self, id: &str) -> AutoCommit {
        self.server
            .storage()
            .read(|tx| tx.load_doc(id.parse().expect("a document id")))
            .expect("read")
            .expect("stored")
    }

    /// Posts every body; each must be refused (4xx) or change nothing.
    async fn refused_or_harmless(&mut self, what: &str, bodies: Vec<Vec<u8>>) -> (usize, usize) {
        self.refused_or_allowed(what, bodies, |_| false).await
    }

    /// As [`Self::refused_or_harmless`], but a change of state is accepted
    /// when `allowed` says the stored state is one an honest phone could
    /// have written.
    async fn refused_or_allowed(
        &mut self,
        what: &str,
        bodies: Vec<Vec<u8>>,
        allowed: impl Fn(&World) -> bool,
    ) -> (usize, usize) {
        let before = fingerprint(&self.server.storage());
        let (mut refused, mut harmless) = (0, 0);
        for body in bodies {
            match self.post(body).await {
                400..=499 => refused += 1,
                _ => harmless += 1,
            }
        }
        let after = fingerprint(&self.server.storage());
        if after != before && allowed(self) {
            println!("{what}: the state changed, to one an honest phone could have written");
        } else {
            assert_eq!(after, before, "{what}: a hostile request changed the state");
        }
        println!("{what}: {refused} refused (4xx), {harmless} answered");
        (refused, harmless)
    }
}

/// A sync message with the given parts.
fn message(heads: Vec<ChangeHash>, have: Vec<Have>, changes: Vec<Vec<u8>>) -> Vec<u8> {
    Message {
        heads,
        need: Vec::new(),
        have,
        changes: changes.into(),
        flags: None,
        version: MessageVersion::V1,
    }
    .encode()
}

/// A Bloom filter's wire form with chosen parameters.
fn bloom(entries: u32, bits_per_entry: u32, probes: u32, bits: Vec<u8>) -> BloomFilter {
    let mut bytes = Vec::new();
    for v in [entries, bits_per_entry, probes] {
        leb128(&mut bytes, u64::from(v));
    }
    bytes.extend(bits);
    BloomFilter::try_from(&bytes[..]).expect("a well-formed filter")
}

fn leb128(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn bits_len(entries: u32, bits_per_entry: u32) -> usize {
    (u64::from(entries) * u64::from(bits_per_entry)).div_ceil(8) as usize
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_automerge_input_is_refused_without_panics_and_memory_stays_bounded() {
    count_panics();
    let rss_before = rss_kib();
    let mut rng = Rng::from_env("hostile");
    let n = env_count("MOPAI_HOSTILE_CASES", 150);
    let mut world = World::new().await;
    let doc = world.doc.clone();
    let mut garbage = (0, 0);
    let mut add = |(r, h): (usize, usize)| {
        garbage.0 += r;
        garbage.1 += h;
    };

    // Random bytes.
    let bodies = (0..n).map(|_| rng.bytes_below(4096)).collect();
    add(world.refused_or_harmless("random bytes", bodies).await);

    // A valid request around random messages, some starting like a sync message.
    let bodies = (0..n)
        .map(|i| {
            let mut m = rng.bytes_below(2048);
            if i % 2 == 0 && !m.is_empty() {
                m[0] = [0x42, 0x43][i % 4 / 2];
            }
            world.request(&doc, m)
        })
        .collect();
    add(world
        .refused_or_harmless("valid request, random message", bodies)
        .await);

    // Valid sync messages around random change chunks (some with the
    // Automerge chunk magic, so the parser goes further).
    let heads = world.stored(&doc).get_heads();
    let bodies = (0..n)
        .map(|i| {
            let mut chunk = rng.bytes_below(512);
            chunk.push(0);
            if i % 2 == 0 && chunk.len() > 10 {
                chunk[..4].copy_from_slice(&[0x85, 0x6f, 0x4a, 0x83]);
                chunk[8] = (i % 3) as u8;
            }
            world.request(&doc, message(heads.clone(), Vec::new(), vec![chunk]))
        })
        .collect();
    add(world
        .refused_or_harmless("valid message, random change chunks", bodies)
        .await);

    // Bit flips in valid changes. A change chunk's checksum covers all it
    // decodes to, but a deflated change can end in padding bits that decode
    // to nothing: such a flip *is* the genuine change, and storing it (and
    // only it) is what the server would do with the unflipped one.
    let mut edited = world.stored(&doc);
    // An actor of its own: if a flip turns out to be the genuine change and
    // is stored, the phone's later edits must not reuse its sequence number.
    edited.set_actor(automerge::ActorId::random());
    let base = edited.get_heads();
    edited
        .put(ROOT, "flipped", "这条修改的比特被翻转")
        .expect("edit");
    edited.commit();
    let change = edited.get_changes(&base)[0].raw_bytes().to_vec();
    let genuine = vec![edited.get_changes(&base)[0].hash()];
    let bodies = (0..n)
        .map(|_| {
            let mut flipped = change.clone();
            for _ in 0..1 + rng.index(3) {
                let bit = rng.index(flipped.len() * 8);
                flipped[bit / 8] ^= 1 << (bit % 8);
            }
            world.request(&doc, message(base.clone(), Vec::new(), vec![flipped]))
        })
        .collect();
    add(world
        .refused_or_allowed("bit flips in a valid change", bodies, |w| {
            w.stored(&doc).get_heads() == genuine
        })
        .await);

    // Hashes out of order (the wire format wants them sorted; Automerge's
    // decoder takes them as they come, and the server answers with them).
    let stored = world.stored(&doc).get_heads();
    let mut pair = vec![stored[0], ChangeHash([0xff; 32])];
    pair.sort();
    let sorted = message(pair, Vec::new(), Vec::new());
    let mut unsorted = sorted.clone();
    // Type byte, count (2), then the two 32-byte heads: swap them.
    let (first, second) = unsorted[2..66].split_at_mut(32);
    first.swap_with_slice(second);
    add(world
        .refused_or_harmless(
            "unsorted heads",
            vec![world.request(&doc, unsorted), world.request(&doc, sorted)],
        )
        .await);

    let large = large_and_nested_documents(&mut world).await;
    let bloom_refused = bloom_poisoning(&mut world, &mut rng).await;
    let (branches, rounds) = many_crafted_commits(&mut world).await;
    poisoned_answers_stop_within_the_round_limit(&mut world).await;

    let panics = PANICS.load(Ordering::SeqCst);
    let rss_after = rss_kib();
    let alive = reqwest::get(world.server.url("/healthz"))
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    let (before, after) = (rss_before.unwrap_or((0, 0)), rss_after.unwrap_or((0, 0)));
    println!(
        "hostile: {} requests answered ({} garbage inputs: {} refused 4xx, {} answered 200 storing nothing but a genuine change; \
         {large}, {bloom_refused} crafted \
         Bloom filters refused, {branches} crafted branches refused, honest phone converged in \
         {rounds} rounds); 5xx: 0; panics: {panics}; slowest answer {:.2} s; server alive: {}; \
         RSS {} MiB before, {} MiB after, peak {} MiB",
        world.answered,
        garbage.0 + garbage.1,
        garbage.0,
        garbage.1,
        world.slowest.as_secs_f64(),
        alive == 200,
        before.0 / 1024,
        after.0 / 1024,
        after.1 / 1024,
    );
    assert_eq!(panics, 0, "panics while handling hostile input");
    assert_eq!(alive, 200);
    if rss_before.is_some() {
        assert!(
            after.0.saturating_sub(before.0) < RSS_GROWTH_LIMIT_KIB,
            "RSS grew from {} to {} KiB",
            before.0,
            after.0
        );
    }
}

/// A 4 MB text, deep nesting and more changes than a request may bring:
/// each refused for its document (`too_large`), never the whole request.
async fn large_and_nested_documents(world: &mut World) -> String {
    let township = world.township;
    let mut phone = Device::new(world.server.url("/api/sync"));
    phone.transport.token = Some(world.token.clone());
    phone.user = world.phone.user.clone();
    phone.actor = world.phone.actor.clone();

    // 4 MB of text in one field: under the 8 MB body limit, over the
    // write gate's text cap.
    let text = "长".repeat(1_400_000);
    let big = phone.create(
        DocId::facility(FacilityId::random()),
        Scope::Township(township),
        &Facility::default(),
    );
    phone.edit::<Facility>(&big, |f| f.profile.address = text);
    let started = Instant::now();
    let outcome = phone.sync().await.expect("a refusal is an answer");
    let large_took = started.elapsed();
    assert_eq!(outcome.refused[&big].code, RefusalCode::TooLarge);

    // 25,000 changes in one request: more than the server takes at once.
    let mut many = Device::new(world.server.url("/api/sync"));
    many.transport.token = Some(world.token.clone());
    many.actor = world.phone.actor.clone();
    let id = many.create(
        DocId::facility(FacilityId::random()),
        Scope::Township(township),
        &Facility::default(),
    );
    let replica = many.replicas.get_mut(&id).expect("replica");
    for i in 0..25_000 {
        replica.doc.put(ROOT, "n", i).expect("put");
        replica.doc.commit();
    }
    let before = fingerprint(&world.server.storage());
    let outcome = many
        .sync()
        .await
        .expect("one large document is refused alone");
    let refused = outcome.refused[&id].code;
    assert_eq!(refused, RefusalCode::TooLarge);
    assert_eq!(fingerprint(&world.server.storage()), before);

    // 20,000 nested maps, under the body and beside it.
    let nested = phone.create(
        DocId::facility(FacilityId::random()),
        Scope::Township(township),
        &Facility::default(),
    );
    let replica = phone.replicas.get_mut(&nested).expect("replica");
    let body = replica
        .doc
        // The body's key (`mopai_shared::doc::header::BODY`, crate-private).
        .get(ROOT, "body")
        .expect("read")
        .expect("body")
        .1;
    for root in [ROOT, body] {
        let mut obj = replica
            .doc
            .put_object(root, "deep", ObjType::Map)
            .expect("nest");
        for _ in 0..20_000 {
            obj = replica
                .doc
                .put_object(&obj, "d", ObjType::Map)
                .expect("nest");
        }
    }
    replica.doc.commit();
    let started = Instant::now();
    let outcome = phone.sync().await.expect("a refusal is an answer");
    let nested_took = started.elapsed();
    let status = outcome.refused[&nested].code;
    assert_eq!(status, RefusalCode::TooLarge);
    let mismatches = world
        .server
        .storage()
        .read(mopai_server::projection::mismatches)
        .expect("recompute");
    assert!(mismatches.is_empty(), "{mismatches:?}");
    // The lead's phone pulls all of it.
    let mut lead = world.server.phone("zhou", PASSWORD).await;
    let pulled = lead
        .sync()
        .await
        .expect("the lead pulls the large documents");
    assert!(pulled.rounds <= MAX_ROUNDS);
    format!(
        "4 MB text refused (too_large) in {:.1} s, 25,000 changes refused with {refused}, \
         20,000-deep nesting refused ({status}) in {:.1} s",
        large_took.as_secs_f64(),
        nested_took.as_secs_f64()
    )
}

/// `have` entries whose Bloom filters are built to make the server work:
/// a huge probe count, zero bits per entry, all bits set, many filters,
/// many `last_sync` hashes.
async fn bloom_poisoning(world: &mut World, rng: &mut Rng) -> usize {
    // Give the document some history, so every filter is probed often.
    let doc = world.doc.clone();
    for i in 0..50 {
        world
            .phone
            .edit::<Facility>(&doc, |f| f.profile.beds = Some(i));
    }
    world.phone.sync().await.expect("sync");
    let heads = world.stored(&doc).get_heads();
    let some_hash = heads[0];
    let filters: Vec<(&str, Vec<Have>)> = vec![
        (
            "10^8 probes",
            vec![Have {
                last_sync: Vec::new(),
                bloom: bloom(1, 8, 100_000_000, vec![0xff]),
            }],
        ),
        (
            "u32::MAX probes",
            vec![Have {
                last_sync: Vec::new(),
                bloom: bloom(1, 8, u32::MAX, vec![0xff]),
            }],
        ),
        (
            "zero bits per entry",
            vec![Have {
                last_sync: Vec::new(),
                bloom: bloom(1000, 0, 7, Vec::new()),
            }],
        ),
        (
            "all bits set",
            vec![Have {
                last_sync: Vec::new(),
                bloom: bloom(1000, 10, 7, vec![0xff; bits_len(1000, 10)]),
            }],
        ),
        (
            "a 4 MB filter",
            vec![Have {
                last_sync: Vec::new(),
                bloom: bloom(3_000_000, 10, 7, rng.bytes(bits_len(3_000_000, 10))),
            }],
        ),
        (
            "5,000 filters",
            (0..5000)
                .map(|_| Have {
                    last_sync: vec![some_hash],
                    bloom: bloom(100, 10, 7, rng.bytes(bits_len(100, 10))),
                })
                .collect(),
        ),
        (
            "50,000 last_sync hashes",
            vec![Have {
                last_sync: {
                    // Sorted, as the wire format wants them.
                    let mut hashes: Vec<ChangeHash> = (0..50_000)
                        .map(|_| ChangeHash(rng.bytes(32).try_into().expect("32 bytes")))
                        .collect();
                    hashes.sort();
                    hashes
                },
                bloom: BloomFilter::default(),
            }],
        ),
    ];
    let mut refused = 0;
    for (what, have) in filters {
        let body = world.request(&doc, message(heads.clone(), have, Vec::new()));
        let (r, _) = world
            .refused_or_harmless(&format!("Bloom filter: {what}"), vec![body])
            .await;
        refused += r;
    }
    refused
}

/// A hostile phone forks a shared document into many concurrent branches
/// (one crafted commit per new actor) and sends them at once. The
/// document's other users must still be able to sync it, within the round
/// limit. Returns the branches refused and the honest phone's rounds.
async fn many_crafted_commits(world: &mut World) -> (usize, usize) {
    let doc = world.doc.clone();
    let mut lead = world.server.phone("zhou", PASSWORD).await;
    lead.sync().await.expect("the lead pulls the facility");

    let mut base = world.stored(&doc);
    let base_heads = base.get_heads();
    let branches = 1500;
    let changes: Vec<Vec<u8>> = (0..branches)
        .map(|i| {
            let mut fork = base.fork().with_actor(ActorId::random());
            fork.put(ROOT, "branch", i as i64).expect("put");
            fork.commit();
            fork.get_changes(&base_heads)[0].raw_bytes().to_vec()
        })
        .collect();
    let hostile = world.request(&doc, message(Vec::new(), Vec::new(), changes));
    let before = fingerprint(&world.server.storage());
    let status = world.post(hostile).await;
    if status >= 400 {
        assert_eq!(world.last_code, "too_many_branches");
        assert_eq!(fingerprint(&world.server.storage()), before);
    }

    // The lead edits the facility and syncs: it must go through.
    let by = lead.user.as_ref().expect("user").id;
    lead.edit::<Facility>(&doc, |f| f.profile.operator = format!("运营方{by}"));
    let outcome = lead.sync().await;
    let rounds = match &outcome {
        Ok(o) => o.rounds,
        Err(e) => panic!(
            "after {branches} crafted branches (answered {status}), an honest phone cannot sync: {e}"
        ),
    };
    let heads = world.stored(&doc).get_heads().len();
    println!(
        "crafted commits: {branches} concurrent branches answered {status} {}; the document has {heads} heads; \
         the lead synced in {rounds} rounds",
        world.last_code
    );
    (if status >= 400 { branches } else { 0 }, rounds)
}

/// An honest phone whose answers are poisoned on the way (every filter
/// claims everything, so the phone never sends its change) stops after
/// the protocol's round limit instead of looping.
async fn poisoned_answers_stop_within_the_round_limit(world: &mut World) {
    struct Poisoning<'a>(
        &'a mopai_tests::device::HttpTransport,
        std::cell::Cell<usize>,
    );
    impl Transport for Poisoning<'_> {
        async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
            self.1.set(self.1.get() + 1);
            let reply = self.0.exchange(body).await?;
            let mut response = decode_response(&reply).expect("response");
            for m in &mut response.docs {
                let mut message = Message::decode(&m.message).expect("message");
                message.have = vec![Have {
                    last_sync: Vec::new(),
                    bloom: bloom(1000, 10, 7, vec![0xff; bits_len(1000, 10)]),
                }];
                m.message = message.encode();
            }
            Ok(encode(&response))
        }
    }
    let doc = world.doc.clone();
    world
        .phone
        .edit::<Facility>(&doc, |f| f.profile.residents = Some(42));
    // As a phone that lost its sync state: it learns from the server's
    // filter what to send, and the filter claims everything.
    let replica = world.phone.replicas.get_mut(&doc).expect("replica");
    replica.state = automerge::sync::State::new();
    let transport = world.phone.transport.clone();
    let poisoning = Poisoning(&transport, std::cell::Cell::new(0));
    let phone = &mut world.phone;
    let started = Instant::now();
    let result = tokio::time::timeout(
        Duration::from_secs(60),
        sync_replicas(
            &poisoning,
            phone.id,
            phone.checkpoint,
            &mut phone.replicas,
            |_| {},
        ),
    )
    .await
    .expect("the session ends");
    let exchanges = poisoning.1.get();
    assert!(exchanges <= MAX_ROUNDS, "{exchanges} exchanges");
    println!(
        "poisoned answers: the phone stopped after {exchanges} exchanges in {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        match &result {
            Ok(_) => "completed".to_string(),
            Err(e) => e.to_string(),
        }
    );
    let heads = |world: &mut World| {
        world
            .phone
            .replicas
            .get_mut(&doc)
            .expect("replica")
            .doc
            .get_heads()
    };
    let mine = heads(world);
    let delivered = |world: &World| {
        let stored = world.stored(&doc);
        mine.iter().all(|h| stored.get_change_by_hash(h).is_some())
    };
    let during = delivered(world);
    // Unpoisoned, it completes and the change arrives.
    world.phone.sync().await.expect("a clean sync");
    assert!(delivered(world), "the change never arrived");
    println!(
        "poisoned answers: change delivered during the poisoned session: {during}; \
         after one clean session: true"
    );
}
