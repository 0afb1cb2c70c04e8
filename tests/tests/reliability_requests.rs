//! Bad requests against a real server: replayed, duplicated and reordered
//! sync requests; bodies cut at random points; slow-trickle and stalled
//! bodies; wrong `Content-Length` (raw TCP to 127.0.0.1).
//!
//! Each one is answered with a 4xx — or, for a well-formed replay of what
//! the server already has, with 200 and nothing stored, which is what makes
//! a retry after a lost answer safe — never a 5xx, and leaves the server's
//! state (the write sequence, every document's sequence number and heads)
//! exactly as it was. The extended `sync_protocol.rs` cases (one cut per 7
//! bytes, one replay 5×) stay where they are; this goes further.

use std::time::Duration;

use automerge::sync::State;
use mopai_server::http::body::{BODY_GRACE, BODY_IDLE};
use mopai_shared::ids::{TownshipId, UserId, VisitId};
use mopai_shared::model::{Facility, Visit};
use mopai_shared::roles::Role;
use mopai_tests::device::Device;
use mopai_tests::ledger::{Fingerprint, fingerprint};
use mopai_tests::raw::{self, Send};
use mopai_tests::rng::Rng;
use mopai_tests::server::TestServer;

const PASSWORD: &str = "requests-password";
/// Longer than any body deadline, so a missing 408 fails instead of hanging.
const RAW_WAIT: Duration = Duration::from_secs(45);

struct World {
    server: TestServer,
    township: TownshipId,
    phone: Device,
    token: String,
    ids: Vec<String>,
}

impl World {
    /// One inspector's phone with three synced facilities.
    async fn new() -> Self {
        let server = TestServer::start().await;
        let township = server.add_townships(&["开云镇"])[0];
        server.add_user("wang", Role::Inspector, Some("开云镇"), PASSWORD);
        let mut phone = server.phone("wang", PASSWORD).await;
        let ids = (0..3)
            .map(|i| phone.create_facility(township, &format!("机构{i}")))
            .collect();
        phone.sync().await.expect("first sync");
        let token = phone.transport.token.clone().expect("token");
        Self {
            server,
            township,
            phone,
            token,
            ids,
        }
    }

    fn user(&self) -> UserId {
        self.phone.user.as_ref().expect("logged in").id
    }

    fn fingerprint(&self) -> Fingerprint {
        fingerprint(&self.server.storage())
    }

    /// Adds a visit to every facility on the phone, unsynced.
    fn edit_all(&mut self) {
        let by = self.user();
        for id in self.ids.clone() {
            self.phone
                .edit::<Facility>(&id, |f| f.visits.push(Visit::new(VisitId::random(), by)));
        }
    }

    /// The body the phone would send next, recorded and not delivered.
    async fn pending_body(&mut self) -> Vec<u8> {
        self.phone.pending_body().await
    }

    async fn post_sync(&self, body: Vec<u8>) -> u16 {
        self.post_sync_as(&self.token, body).await
    }

    async fn post_sync_as(&self, token: &str, body: Vec<u8>) -> u16 {
        reqwest::Client::new()
            .post(self.server.url("/api/sync"))
            .bearer_auth(token)
            .body(body)
            .send()
            .await
            .expect("POST /api/sync")
            .status()
            .as_u16()
    }

    fn sync_head(&self, extra: &[String]) -> Vec<u8> {
        raw::head("POST", "/api/sync", Some(&self.token), extra)
    }
}

/// Keeps every request body; sends it on when it has a transport.
/// One full sync session of `phone`; returns its (token, request) pairs.
async fn record_session(phone: &mut Device) -> Vec<(String, Vec<u8>)> {
    let (_, requests) = phone.sync_recorded().await.expect("sync");
    let token = phone.transport.token.clone().expect("token");
    requests.into_iter().map(|r| (token.clone(), r)).collect()
}

fn assert_no_5xx(statuses: &[u16], what: &str) {
    assert!(
        statuses.iter().all(|s| (200..500).contains(s)),
        "{what}: {statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_duplicated_and_reordered_requests_store_nothing_twice() {
    let mut world = World::new().await;
    let mut rng = Rng::from_env("replays");

    // Real sessions of two phones, every request recorded with its token:
    // the inspector's edits; a new phone of the township lead pulling
    // everything (several rounds) and editing; the inspector pulling that.
    world
        .server
        .add_user("zhou", Role::TownshipLead, Some("开云镇"), PASSWORD);
    let mut lead = world.server.phone("zhou", PASSWORD).await;
    let mut requests: Vec<(String, Vec<u8>)> = Vec::new();
    world.edit_all();
    requests.extend(record_session(&mut world.phone).await);
    requests.extend(record_session(&mut lead).await);
    let first = world.ids[1].clone();
    lead.edit::<Facility>(&first, |f| f.profile.beds = Some(42));
    requests.extend(record_session(&mut lead).await);
    requests.extend(record_session(&mut world.phone).await);
    let before = world.fingerprint();

    // Every request 1-3 times, in a random order, some two at once.
    let mut sends: Vec<(String, Vec<u8>)> = requests
        .iter()
        .flat_map(|r| std::iter::repeat_n(r.clone(), 1 + rng.index(3)))
        .collect();
    for i in (1..sends.len()).rev() {
        sends.swap(i, rng.index(i + 1));
    }
    let mut statuses = Vec::new();
    for pair in sends.chunks(2) {
        let (a, b) = match pair {
            [a, b] => (a.clone(), Some(b.clone())),
            [a] => (a.clone(), None),
            _ => unreachable!(),
        };
        let (sa, sb) = tokio::join!(world.post_sync_as(&a.0, a.1), async {
            match b {
                Some(b) => Some(world.post_sync_as(&b.0, b.1).await),
                None => None,
            }
        });
        statuses.push(sa);
        statuses.extend(sb);
    }
    assert_no_5xx(&statuses, "replays");
    assert_eq!(world.fingerprint(), before, "a replay changed the state");

    // Reordered: a request whose changes build on one that has not arrived
    // yet. It is answered and stores nothing; the server asks for what it
    // lacks, and the earlier request, arriving late, still applies.
    let id = world.ids[0].clone();
    let by = world.user();
    world
        .phone
        .edit::<Facility>(&id, |f| f.profile.beds = Some(80));
    let first = world.pending_body().await;
    {
        // As if the first had been acknowledged: the next body carries only
        // the second edit.
        let replica = world.phone.replicas.get_mut(&id).expect("replica");
        let heads = replica.doc.get_heads();
        let mut state = State::new();
        state.shared_heads = heads;
        replica.state = State::decode(&state.encode()).expect("state");
    }
    world
        .phone
        .edit::<Facility>(&id, |f| f.visits.push(Visit::new(VisitId::random(), by)));
    let second = world.pending_body().await;
    let before = world.fingerprint();
    assert_eq!(world.post_sync(second.clone()).await, 200);
    assert_eq!(
        world.fingerprint(),
        before,
        "a change whose dependency is missing was stored"
    );
    assert_eq!(world.post_sync(first).await, 200);
    let after_first = world.fingerprint();
    assert_ne!(after_first, before, "the late first request applied");
    assert_eq!(world.post_sync(second).await, 200);
    world.phone.sync().await.expect("sync");
    let mut stored = world
        .server
        .storage()
        .read(|tx| tx.load_doc(id.parse().expect("a document id")))
        .expect("read")
        .expect("stored");
    let local = &mut world.phone.replicas.get_mut(&id).expect("replica").doc;
    assert_eq!(stored.get_heads(), local.get_heads());
    assert_eq!(
        stored.get_changes(&[]).len(),
        local.get_changes(&[]).len(),
        "each change stored once"
    );
    let mismatches = world
        .server
        .storage()
        .read(mopai_server::projection::mismatches)
        .expect("recompute");
    assert!(mismatches.is_empty(), "{mismatches:?}");
    println!(
        "replays: {} requests of 4 sessions by 2 phones replayed {} times (in pairs at once), \
         reordered pair applied late: 5xx 0, state changes by replays 0",
        requests.len(),
        statuses.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_cut_at_random_points_get_4xx_and_change_nothing() {
    let mut world = World::new().await;
    let mut rng = Rng::from_env("cut bodies");
    world.edit_all();
    let valid = world.pending_body().await;
    let before = world.fingerprint();
    let mut cuts: Vec<usize> = (0..200).map(|_| rng.index(valid.len())).collect();
    cuts.extend([0, 1, 2, valid.len() - 1]);
    let mut refused = 0;
    for cut in &cuts {
        let status = world.post_sync(valid[..*cut].to_vec()).await;
        assert!((400..500).contains(&status), "cut at {cut}: {status}");
        refused += 1;
    }
    assert_eq!(world.fingerprint(), before);

    // Cut on the wire: the declared length never arrives, the client goes
    // away. There is nobody to answer; the server stores nothing.
    let addr = world.server.addr;
    for _ in 0..10 {
        let cut = 1 + rng.index(valid.len() - 1);
        let head = world.sync_head(&[format!("Content-Length: {}", valid.len())]);
        let exchange = raw::exchange(
            addr,
            vec![
                Send::Bytes(head),
                Send::Bytes(valid[..cut].to_vec()),
                Send::Shutdown,
            ],
            RAW_WAIT,
        )
        .await;
        assert_no_5xx(&exchange.statuses, "cut on the wire");
        assert!(exchange.closed, "the server closes a cut connection");
    }
    assert_eq!(world.fingerprint(), before);
    // The whole body still goes through afterwards.
    assert_eq!(world.post_sync(valid).await, 200);
    assert_ne!(world.fingerprint(), before);
    println!(
        "cut bodies: {refused} random cuts over HTTP and 10 on the wire: all 4xx or closed, state unchanged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_trickle_stalled_and_wrong_length_bodies_time_out_or_get_4xx() {
    let mut world = World::new().await;
    world.edit_all();
    let valid = world.pending_body().await;
    let len = valid.len();
    let before = world.fingerprint();
    let addr = world.server.addr;
    let head = |extra: &[String]| world.sync_head(extra);
    let cl = |n: usize| format!("Content-Length: {n}");

    // One byte every 400 ms: far below the minimum rate.
    let trickle: Vec<Send> = std::iter::once(Send::Bytes(head(&[cl(len)])))
        .chain(valid.iter().take(200).flat_map(|b| {
            [
                Send::Bytes(vec![*b]),
                Send::Pause(Duration::from_millis(400)),
            ]
        }))
        .collect();
    // Chunked, one tiny chunk every 400 ms.
    let chunked: Vec<Send> =
        std::iter::once(Send::Bytes(head(&["Transfer-Encoding: chunked".into()])))
            .chain(valid.iter().take(200).flat_map(|b| {
                let mut chunk = b"1\r\n".to_vec();
                chunk.push(*b);
                chunk.extend_from_slice(b"\r\n");
                [Send::Bytes(chunk), Send::Pause(Duration::from_millis(400))]
            }))
            .collect();
    // Half the body, then nothing (the connection stays open).
    let stalled = vec![
        Send::Bytes(head(&[cl(len)])),
        Send::Bytes(valid[..len / 2].to_vec()),
        Send::Pause(RAW_WAIT),
    ];
    // The whole body, but the head promised more.
    let too_long = vec![
        Send::Bytes(head(&[cl(len + 100)])),
        Send::Bytes(valid.clone()),
        Send::Pause(RAW_WAIT),
    ];
    let timed = [
        ("trickle", trickle),
        ("chunked trickle", chunked),
        ("stalled", stalled),
        ("Content-Length too long", too_long),
    ];

    // The head promised less than follows: the rest is a second, garbage request.
    let too_short = vec![
        Send::Bytes(head(&[cl(len / 2)])),
        Send::Bytes(valid.clone()),
        Send::Shutdown,
    ];
    let bad_heads = [
        ("Content-Length too short", too_short),
        (
            "Content-Length not a number",
            vec![
                Send::Bytes(head(&["Content-Length: twelve".into()])),
                Send::Bytes(valid.clone()),
            ],
        ),
        (
            "negative Content-Length",
            vec![
                Send::Bytes(head(&["Content-Length: -1".into()])),
                Send::Bytes(valid.clone()),
            ],
        ),
        (
            "two different Content-Lengths",
            vec![
                Send::Bytes(head(&[cl(len), cl(len + 1)])),
                Send::Bytes(valid.clone()),
            ],
        ),
        (
            "Content-Length and chunked",
            vec![
                Send::Bytes(head(&[cl(len / 2), "Transfer-Encoding: chunked".into()])),
                Send::Bytes(valid[..len / 2].to_vec()),
            ],
        ),
        (
            "Content-Length over the limit",
            vec![Send::Bytes(head(&[cl(1 << 40)]))],
        ),
    ];

    // The head itself trickles in, one byte a second, and never ends.
    let slow_head: Vec<Send> = std::iter::once(Send::Bytes(
        b"POST /api/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".to_vec(),
    ))
    .chain((0..40).flat_map(|_| {
        [
            Send::Bytes(b"a".to_vec()),
            Send::Pause(Duration::from_secs(1)),
        ]
    }))
    .collect();
    let slow_head = tokio::spawn(raw::exchange(addr, slow_head, RAW_WAIT));

    // All at once: the timeouts run side by side.
    let handles: Vec<_> = timed
        .iter()
        .chain(bad_heads.iter())
        .map(|(what, pieces)| {
            let (what, pieces) = (*what, pieces.clone());
            tokio::spawn(async move { (what, raw::exchange(addr, pieces, RAW_WAIT).await) })
        })
        .collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.expect("exchange task"));
    }
    let deadline = BODY_GRACE.max(BODY_IDLE) + Duration::from_secs(5);
    for (what, exchange) in &results[..timed.len()] {
        assert_eq!(
            exchange.statuses.first(),
            Some(&408),
            "{what}: {}",
            exchange.text
        );
        let body = raw::first_json(&exchange.text).expect("a JSON error body");
        assert_eq!(body["code"], "request_timeout", "{what}");
        let head = exchange.text.to_ascii_lowercase();
        assert!(
            head.contains("x-content-type-options: nosniff")
                && head.contains("frame-ancestors 'none'"),
            "{what}: security headers on the 408"
        );
        let after = exchange.first_response_after.expect("answered");
        assert!(after <= deadline, "{what}: answered after {after:?}");
        println!("{what}: 408 after {:.1} s", after.as_secs_f64());
    }
    for (what, exchange) in &results[timed.len()..] {
        assert!(!exchange.statuses.is_empty(), "{what}: no answer");
        assert!(
            exchange.statuses.iter().all(|s| (400..500).contains(s)),
            "{what}: {:?}\n{}",
            exchange.statuses,
            exchange.text
        );
        println!("{what}: {:?}", exchange.statuses);
    }
    let slow_head = slow_head.await.expect("slow head");
    assert!(
        slow_head.closed && slow_head.statuses.iter().all(|s| *s == 408),
        "a head trickling for {RAW_WAIT:?} was not cut off: {slow_head:?}"
    );
    let after = slow_head
        .first_response_after
        .map_or("closed".into(), |d| format!("{:.1} s", d.as_secs_f64()));
    println!(
        "slow head: cut off ({after}), statuses {:?}",
        slow_head.statuses
    );
    assert_eq!(
        world.fingerprint(),
        before,
        "a bad request changed the state"
    );
    // The server is still well: the right request goes through.
    assert_eq!(world.post_sync(valid).await, 200);
    let township = world.township;
    assert_ne!(world.fingerprint(), before, "{township}");
}

/// The server speaks HTTP/1.1 only, where every request head is timed: an
/// HTTP/2 connection preface (prior knowledge) gets no HTTP/2 session.
#[tokio::test]
async fn an_http2_preface_gets_no_http2_session() {
    let server = TestServer::start().await;
    let preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    let exchange = raw::exchange(server.addr, vec![raw::Send::Bytes(preface)], RAW_WAIT).await;
    // An HTTP/2 server answers the preface with a SETTINGS frame (type 4).
    let settings_frame = exchange.text.as_bytes().get(3) == Some(&4);
    println!(
        "HTTP/2 preface: closed {}, answered {:?}",
        exchange.closed, exchange.statuses
    );
    assert!(!settings_frame, "answered with an HTTP/2 SETTINGS frame");
    assert!(exchange.closed, "the connection is closed");
    assert!(
        exchange
            .statuses
            .iter()
            .all(|s| (400..500).contains(s) || *s == 505)
    );
}
