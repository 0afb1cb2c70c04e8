//! The sync protocol against a real server: several phones converge, cut and
//! replayed requests lose and duplicate nothing, and the bytes on the wire
//! stay within budget. Byte counts are request and response bodies (what the
//! protocol controls), never times.

use std::cell::Cell;

use mopai_shared::ids::{TownshipId, UserId};
use mopai_shared::model::Facility;
use mopai_shared::roles::Role;
use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{MAX_DOCS_PER_REQUEST, SyncOutcome, Transport, sync_replicas};
use mopai_tests::device::{Device, HttpTransport};
use mopai_tests::sample::visit;
use mopai_tests::server::TestServer;

const PASSWORD: &str = "sync-password";

async fn township_with(users: &[(&str, Role)]) -> (TestServer, TownshipId, Vec<Device>) {
    let server = TestServer::start().await;
    let township = server.add_townships(&["开云镇"])[0];
    let mut devices = Vec::new();
    for (name, role) in users {
        server.add_user(name, *role, Some("开云镇"), PASSWORD);
        let device = server.phone(name, PASSWORD).await;
        devices.push(device);
    }
    (server, township, devices)
}

fn server_heads(server: &TestServer, id: &str) -> Vec<automerge::ChangeHash> {
    let mut doc = server
        .storage()
        .read(|tx| tx.load_doc(id.parse().expect("a document id")))
        .expect("read")
        .expect("stored");
    doc.get_heads()
}

fn assert_projections_exact(server: &TestServer) {
    let mismatches = server
        .storage()
        .read(mopai_server::projection::mismatches)
        .expect("recompute");
    assert!(mismatches.is_empty(), "projections differ: {mismatches:?}");
}

fn user_id(device: &Device) -> UserId {
    device.user.as_ref().expect("logged in").id
}

#[tokio::test]
async fn three_phones_editing_one_facility_offline_converge() {
    let (server, township, mut phones) = township_with(&[
        ("wang", Role::Inspector),
        ("li", Role::Inspector),
        ("zhou", Role::TownshipLead),
    ])
    .await;
    let id = phones[0].create_facility(township, "康乐园养老院");
    phones[0].sync().await.unwrap();
    for phone in &mut phones[1..] {
        phone.sync().await.unwrap();
        assert!(phone.replicas.contains_key(&id), "pulled the new facility");
    }

    // Offline: different fields, and the same field (beds) at once.
    let wang = user_id(&phones[0]);
    phones[0].edit::<Facility>(&id, |f| {
        f.visits.push(visit(wang));
        f.profile.beds = Some(120);
    });
    phones[1].edit::<Facility>(&id, |f| {
        f.profile.address = "开云镇解放路 8 号".into();
        f.profile.beds = Some(150);
    });
    phones[2].edit::<Facility>(&id, |f| {
        f.profile.operator = "康乐园养老服务有限公司".into()
    });

    // Sync in turns until everyone has seen everyone (two passes suffice).
    for _ in 0..2 {
        for phone in &mut phones {
            phone.sync().await.unwrap();
        }
    }
    let expected = server_heads(&server, &id);
    for phone in &mut phones {
        assert_eq!(
            phone.replicas.get_mut(&id).unwrap().doc.get_heads(),
            expected
        );
    }
    let merged = phones[2].body::<Facility>(&id).unwrap();
    assert_eq!(merged.visits.len(), 1);
    assert_eq!(merged.visits[0].interviews.len(), 2);
    assert_eq!(merged.profile.address, "开云镇解放路 8 号");
    assert_eq!(merged.profile.operator, "康乐园养老服务有限公司");
    let conflicts = mopai_shared::doc::conflicts(&phones[2].replicas[&id].doc);
    assert!(
        conflicts
            .iter()
            .any(|c| c.path.to_string().ends_with("beds")),
        "the same-field edit is kept as a conflict: {conflicts:?}"
    );
    assert_projections_exact(&server);
}

/// Cuts exchanges the way a bad network does: sometimes the request never
/// arrives whole, sometimes the answer is lost after the server committed.
struct FlakyNetwork {
    inner: HttpTransport,
    seed: Cell<u64>,
}

impl FlakyNetwork {
    fn next(&self) -> u64 {
        // xorshift: deterministic, so a failure reproduces.
        let mut x = self.seed.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.seed.set(x);
        x
    }
}

impl Transport for FlakyNetwork {
    async fn exchange(&self, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        match self.next() % 3 {
            0 => {
                let cut = (self.next() as usize) % body.len().max(1);
                let refused = self.inner.exchange(body[..cut].to_vec()).await;
                assert!(
                    matches!(
                        refused,
                        Err(TransportError::Rejected {
                            status: 400..=499,
                            ..
                        })
                    ),
                    "a truncated body is refused with 4xx: {refused:?}"
                );
                Err(TransportError::Offline("request cut".into()))
            }
            1 => {
                self.inner.exchange(body).await?;
                Err(TransportError::Offline("answer lost".into()))
            }
            _ => self.inner.exchange(body).await,
        }
    }
}

async fn sync_over(device: &mut Device, transport: &impl Transport) -> Option<SyncOutcome> {
    let outcome = sync_replicas(
        transport,
        device.id,
        device.checkpoint,
        &mut device.replicas,
        |_| {},
    )
    .await
    .ok()?;
    device.checkpoint = outcome.checkpoint;
    Some(outcome)
}

#[tokio::test]
async fn cut_requests_retried_lose_nothing_and_duplicate_nothing() {
    let (server, township, mut phones) =
        township_with(&[("wang", Role::Inspector), ("li", Role::Inspector)]).await;
    let wang = user_id(&phones[0]);
    let ids: Vec<String> = (0..4)
        .map(|i| phones[0].create_facility(township, &format!("机构{i}")))
        .collect();
    for id in &ids {
        phones[0].edit::<Facility>(id, |f| f.visits.push(visit(wang)));
    }
    let expected_changes: usize = ids
        .iter()
        .map(|id| {
            phones[0]
                .replicas
                .get_mut(id)
                .unwrap()
                .doc
                .get_changes(&[])
                .len()
        })
        .sum();

    let mut attempts = 0;
    let network = FlakyNetwork {
        inner: phones[0].transport.clone(),
        seed: Cell::new(0x9e37_79b9_7f4a_7c15),
    };
    while sync_over(&mut phones[0], &network).await.is_none() {
        attempts += 1;
        assert!(attempts < 50, "sync never got through the flaky network");
    }
    // One clean pass settles whatever the last cut left unconfirmed.
    phones[0].sync().await.unwrap();
    println!("flaky sync got through after {attempts} failed sessions");

    let li = &mut phones[1];
    li.sync().await.unwrap();
    let mut stored_changes = 0;
    for id in &ids {
        let mut stored = server
            .storage()
            .read(|tx| tx.load_doc(id.parse().expect("a document id")))
            .unwrap()
            .unwrap();
        stored_changes += stored.get_changes(&[]).len();
        assert_eq!(
            li.body::<Facility>(id).unwrap().visits.len(),
            1,
            "no visit lost or doubled"
        );
    }
    assert_eq!(
        stored_changes, expected_changes,
        "every change stored exactly once"
    );
    assert_projections_exact(&server);
}

/// Keeps every request body that went through, for replaying.
fn fingerprint(server: &TestServer, ids: &[String]) -> (u64, Vec<Vec<automerge::ChangeHash>>) {
    let seq = server.storage().read(|tx| tx.current_seq()).unwrap();
    (seq, ids.iter().map(|id| server_heads(server, id)).collect())
}

#[tokio::test]
async fn replaying_any_request_five_times_changes_nothing() {
    let (server, township, mut phones) = township_with(&[("wang", Role::Inspector)]).await;
    let wang = user_id(&phones[0]);
    let id = phones[0].create_facility(township, "福寿院");
    phones[0].edit::<Facility>(&id, |f| f.visits.push(visit(wang)));
    let phone = &mut phones[0];
    let (_, requests) = phone.sync_recorded().await.unwrap();
    assert!(!requests.is_empty());
    let before = fingerprint(&server, std::slice::from_ref(&id));
    for request in &requests {
        for _ in 0..5 {
            phone
                .transport
                .exchange(request.clone())
                .await
                .expect("a replay is answered");
        }
    }
    assert_eq!(fingerprint(&server, std::slice::from_ref(&id)), before);
    assert_projections_exact(&server);
}

#[tokio::test]
async fn steady_state_is_one_small_request_and_a_visit_fits_the_budget() {
    let (_server, township, mut phones) = township_with(&[("wang", Role::Inspector)]).await;
    let wang = user_id(&phones[0]);
    let phone = &mut phones[0];
    for i in 0..20 {
        phone.create_facility(township, &format!("已同步机构{i}"));
    }
    phone.sync().await.unwrap();
    phone.reload_from_storage();

    let steady = phone.sync().await.unwrap();
    println!(
        "steady state: {} request(s), {} B up, {} B down",
        steady.rounds, steady.bytes_sent, steady.bytes_received
    );
    assert_eq!(steady.rounds, 1, "nothing new: one request");
    assert!(steady.bytes_sent + steady.bytes_received < 1024);

    let id = phone.replicas.keys().next().unwrap().clone();
    phone.edit::<Facility>(&id, |f| f.visits.push(visit(wang)));
    phone.reload_from_storage();
    let one_visit = phone.sync().await.unwrap();
    println!(
        "one visit: {} round trip(s), {} B up, {} B down",
        one_visit.rounds, one_visit.bytes_sent, one_visit.bytes_received
    );
    assert!(one_visit.rounds <= 2, "{} round trips", one_visit.rounds);
    assert!(one_visit.bytes_sent + one_visit.bytes_received <= 8 * 1024);
}

/// More documents than one request may carry, both ways: the client batches
/// them over rounds of one session instead of being refused.
#[tokio::test]
async fn a_township_larger_than_one_request_pushes_and_pulls_in_one_session() {
    let (server, township, mut phones) =
        township_with(&[("wang", Role::Inspector), ("li", Role::Inspector)]).await;
    let count = 2 * MAX_DOCS_PER_REQUEST + 50;
    let ids: Vec<String> = (0..count)
        .map(|i| phones[0].create_facility(township, &format!("大乡镇机构{i}")))
        .collect();
    let pushed = phones[0].sync().await.expect("push in batches");
    println!(
        "push of {count} documents: {} rounds, {} B up",
        pushed.rounds, pushed.bytes_sent
    );
    assert!(
        pushed.rounds >= 3,
        "{count} documents fit no fewer than 3 requests"
    );
    for id in [&ids[0], &ids[count / 2], &ids[count - 1]] {
        assert_eq!(
            server_heads(&server, id),
            phones[0].replicas.get_mut(id).unwrap().doc.get_heads()
        );
    }

    let pulled = phones[1]
        .sync()
        .await
        .expect("fresh phone pulls in batches");
    println!(
        "fresh pull of {count} documents: {} rounds, {} B down",
        pulled.rounds, pulled.bytes_received
    );
    let names: std::collections::BTreeSet<String> = ids
        .iter()
        .map(|id| phones[1].body::<Facility>(id).expect("pulled").profile.name)
        .collect();
    assert_eq!(names.len(), count);
    let again = phones[1].sync().await.unwrap();
    assert_eq!(again.rounds, 1, "in sync after the batched pull");
    assert_projections_exact(&server);
}

#[tokio::test]
async fn garbage_truncated_and_oversized_bodies_get_4xx_and_change_nothing() {
    let (server, township, mut phones) = township_with(&[("wang", Role::Inspector)]).await;
    let wang = user_id(&phones[0]);
    let id = phones[0].create_facility(township, "安康院");
    phones[0].sync().await.unwrap();
    phones[0].edit::<Facility>(&id, |f| f.visits.push(visit(wang)));
    let phone = &mut phones[0];
    // The body that would carry the new visit, recorded and not sent.
    let valid = phone.pending_body().await;
    let before = fingerprint(&server, std::slice::from_ref(&id));

    let mut bodies: Vec<Vec<u8>> = (1..valid.len())
        .step_by(7)
        .map(|cut| valid[..cut].to_vec())
        .collect();
    bodies.push(b"\x01\x02 definitely not a sync request".to_vec());
    let mut flipped = valid.clone();
    let last = flipped.len() - 1;
    flipped[last / 2] ^= 0xff;
    bodies.push(flipped);
    bodies.push(vec![0u8; 9 * 1024 * 1024]);
    for body in bodies {
        let len = body.len();
        match phone.transport.exchange(body).await {
            Err(TransportError::Rejected { status, .. }) => {
                assert!((400..500).contains(&status), "{len} B body: {status}")
            }
            // A flipped byte may still decode into a harmless request.
            Ok(_) => assert_eq!(len, valid.len(), "only the bit-flipped body may pass"),
            Err(e) => panic!("{len} B body: {e}"),
        }
    }
    assert_eq!(fingerprint(&server, std::slice::from_ref(&id)), before);
}
