//! The scope matrix: every role × (own township, another township, the
//! county) × (read, write), through the HTTP API and the sync endpoint.
//!
//! Every forbidden read answers 404, or for a sync exactly what an unknown
//! id gets; every forbidden write is refused for that document
//! (`write_not_allowed` when the role never writes the kind, else
//! `not_in_scope`) and changes nothing (the server's sequence and every
//! document's sequence number stay as they were); every allowed cell works.
//!
//! The expected cells are written out here by hand from DOMAIN §1 and the
//! document split, not computed with the shared rules they test.
//!
//! Channels: reads go through `GET /api/docs`, `GET /api/docs/{id}`, a
//! device's full sync (the changed list) and a sync message naming the
//! document. Writes exist only as sync (there is no other write route).
//! Exports go through `GET /api/export/1.csv?township=…`, which checks
//! `mopai_server::auth::policy::authorize_export`.

use std::collections::BTreeSet;

use automerge::AutoCommit;
use automerge::sync::SyncDoc;
use mopai_server::admin::AdminError;
use mopai_server::admin::docs::{ServerWriter, settings_id};
use mopai_server::storage::StoredDocMeta;
use mopai_shared::api::DocSummary;
use mopai_shared::doc::{DocKind, Scope};
use mopai_shared::ids::{CommentId, DocId, FacilityId, TownshipId, UserId};
use mopai_shared::model::{
    Comment, CountyRecord, CountySettings, Facility, FacilityReview, Profile, Timestamp,
    TownshipLog,
};
use mopai_shared::roles::Role;
use mopai_shared::sync::{
    DocMessage, PROTOCOL_VERSION, RefusalCode, Replica, SyncRequest, decode_response, encode,
};
use mopai_tests::device::Device;
use mopai_tests::server::TestServer;
use uuid::Uuid;

const PASSWORD: &str = "matrix-password";
const ROLES: [(Role, &str); 4] = [
    (Role::Inspector, "inspector"),
    (Role::TownshipLead, "lead"),
    (Role::CountyStaff, "county"),
    (Role::Admin, "admin"),
];
/// Kinds that belong to a township, and the one that belongs to the county.
const TOWNSHIP_KINDS: [DocKind; 4] = [
    DocKind::Facility,
    DocKind::Review,
    DocKind::County,
    DocKind::TownshipLog,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Own,
    Other,
    County,
}

fn may_read(role: Role, target: Target) -> bool {
    !matches!(
        (role, target),
        (Role::Inspector | Role::TownshipLead, Target::Other)
    )
}

/// `None`: allowed; else the refusal. A township role that asks for no
/// township gets its own, so its county cell is its own township.
fn may_export(role: Role, target: Target) -> Option<u16> {
    match (role, target) {
        (Role::Inspector | Role::TownshipLead, Target::Other) => Some(404),
        (Role::Inspector, _) => Some(403),
        _ => None,
    }
}

fn may_write(role: Role, kind: DocKind, target: Target) -> bool {
    use DocKind as K;
    use Target as T;
    matches!(
        (role, kind, target),
        (Role::Inspector, K::Facility, T::Own)
            | (
                Role::TownshipLead,
                K::Facility | K::Review | K::TownshipLog,
                T::Own
            )
            | (Role::CountyStaff, K::County, T::Own | T::Other)
            | (Role::Admin, K::Settings, T::County)
    )
}

struct Seeded {
    id: String,
    kind: DocKind,
    target: Target,
}

struct World {
    server: TestServer,
    own: TownshipId,
    other: TownshipId,
    docs: Vec<Seeded>,
}

impl World {
    async fn new() -> Self {
        let server = TestServer::start().await;
        let ids = server.add_townships(&["开云镇", "白果镇"]);
        let (own, other) = (ids[0], ids[1]);
        for (role, name) in ROLES {
            let township = role.is_township_role().then_some("开云镇");
            server.add_user(name, role, township, PASSWORD);
        }
        let writer = ServerWriter::new("test-seed");
        let docs = server
            .storage()
            .write(|tx| {
                let mut docs = Vec::new();
                for (target, township) in [(Target::Own, own), (Target::Other, other)] {
                    let scope = Scope::Township(township);
                    let facility = FacilityId::random();
                    let body = Facility {
                        profile: Profile {
                            name: format!("{target:?}养老院"),
                            ..Profile::default()
                        },
                        ..Facility::default()
                    };
                    writer.create(tx, DocId::facility(facility), scope, &body)?;
                    let review = DocId::review(facility);
                    writer.create(tx, review, scope, &FacilityReview::default())?;
                    let county = DocId::county(facility);
                    writer.create(tx, county, scope, &CountyRecord::default())?;
                    let log = DocId::township_log(township);
                    writer.create(tx, log, scope, &TownshipLog::default())?;
                    for id in [DocId::facility(facility), review, county, log] {
                        docs.push(Seeded {
                            id: id.to_string(),
                            kind: id.kind,
                            target,
                        });
                    }
                }
                docs.push(Seeded {
                    id: settings_id(tx)?.to_string(),
                    kind: DocKind::Settings,
                    target: Target::County,
                });
                Ok::<_, AdminError>(docs)
            })
            .unwrap();
        Self {
            server,
            own,
            other,
            docs,
        }
    }

    /// A facility the server stores in `scope`, written as an import would.
    fn new_facility(&self, scope: Scope) -> FacilityId {
        let id = FacilityId::random();
        self.server
            .storage()
            .write(|tx| {
                ServerWriter::new("test-facility").create(
                    tx,
                    DocId::facility(id),
                    scope,
                    &Facility::default(),
                )
            })
            .unwrap();
        id
    }

    fn scope(&self, target: Target) -> Scope {
        match target {
            Target::Own => Scope::Township(self.own),
            Target::Other => Scope::Township(self.other),
            Target::County => Scope::County,
        }
    }

    async fn device(&self, username: &str) -> Device {
        self.server.phone(username, PASSWORD).await
    }

    /// The server sequence and every document's sequence number.
    fn snapshot(&self) -> (u64, Vec<StoredDocMeta>) {
        self.server
            .storage()
            .read(|tx| Ok::<_, AdminError>((tx.current_seq()?, tx.changed_since(0, 100_000)?)))
            .unwrap()
    }

    fn stored_bytes(&self, id: &str) -> Vec<u8> {
        let mut doc = self
            .server
            .storage()
            .read(|tx| tx.load_doc(id.parse().expect("a document id")))
            .unwrap()
            .expect("seeded document");
        doc.save()
    }
}

async fn http_get(world: &World, token: &str, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(world.server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Sends one sync message naming `id`, as a device that has nothing of it,
/// and returns the server's answer for it (`None`: no message).
async fn sync_probe(world: &World, token: &str, id: &str) -> Option<Vec<u8>> {
    let mut empty = AutoCommit::new();
    let message = empty
        .sync()
        .generate_sync_message(&mut automerge::sync::State::new())
        .expect("a first message")
        .encode();
    let body = encode(&SyncRequest {
        protocol: PROTOCOL_VERSION,
        device: Uuid::new_v4(),
        checkpoint: 0,
        docs: vec![DocMessage {
            doc: id.to_string(),
            message,
        }],
    });
    let response = reqwest::Client::new()
        .post(world.server.url("/api/sync"))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200, "probe of {id}");
    let reply = decode_response(&response.bytes().await.unwrap()).unwrap();
    assert!(
        reply.refused.is_empty(),
        "a probe changes nothing to refuse"
    );
    reply
        .docs
        .into_iter()
        .find(|m| m.doc == id)
        .map(|m| m.message)
}

/// An edit of the document's body that differs every time (`n`).
fn touch(device: &mut Device, id: &str, kind: DocKind, n: i64) {
    let at = Timestamp::from_unix(1_650_000_000 + n).unwrap();
    match kind {
        DocKind::Facility => device.edit::<Facility>(id, |f| f.profile.name.push('改')),
        DocKind::Review => {
            device.edit::<FacilityReview>(id, |r| r.reported_to_county_at = Some(at))
        }
        DocKind::County => device.edit::<CountyRecord>(id, |c| {
            c.notes.push(Comment {
                id: CommentId::random(),
                author: UserId::random(),
                at,
                text: "已核查".into(),
            });
        }),
        DocKind::TownshipLog => {
            device.edit::<TownshipLog>(id, |l| l.work_plan.title = format!("方案{n}"));
        }
        DocKind::Settings => {
            device.edit::<CountySettings>(id, |s| s.county_name = format!("县{n}"))
        }
    }
}

/// A new document of `kind` in `scope`, made on the device. A review or
/// county record names a new facility the server holds in that scope.
fn create(world: &World, device: &mut Device, kind: DocKind, scope: Scope) -> String {
    let id = match kind {
        DocKind::Review | DocKind::County => DocId::new(kind, world.new_facility(scope).as_uuid()),
        _ => DocId::new(kind, Uuid::new_v4()),
    };
    match kind {
        DocKind::Facility => device.create(id, scope, &Facility::default()),
        DocKind::Review => device.create(id, scope, &FacilityReview::default()),
        DocKind::County => device.create(id, scope, &CountyRecord::default()),
        DocKind::TownshipLog => device.create(id, scope, &TownshipLog::default()),
        DocKind::Settings => device.create(id, scope, &CountySettings::default()),
    }
}

/// The refusal of the one document a sync sent, or `None` when it was
/// stored.
async fn sync_status(device: &mut Device) -> Option<RefusalCode> {
    let outcome = device
        .sync()
        .await
        .expect("refusals are answers, not errors");
    assert!(outcome.refused.len() <= 1, "{:?}", outcome.refused);
    outcome.refused.into_values().next().map(|r| r.code)
}

/// The refusal a write the rules do not allow gets: a role that never
/// writes the kind hears so; any other is outside its scope.
fn refusal_for(role: Role, kind: DocKind) -> RefusalCode {
    if role.writes_kind(kind) {
        RefusalCode::NotInScope
    } else {
        RefusalCode::WriteNotAllowed
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_reads_exactly_its_scope() {
    let world = World::new().await;
    for (role, name) in ROLES {
        let expected: BTreeSet<String> = world
            .docs
            .iter()
            .filter(|d| may_read(role, d.target))
            .map(|d| d.id.clone())
            .collect();

        // A full sync pulls exactly the readable documents.
        let mut device = world.device(name).await;
        let token = device.transport.token.clone().unwrap();
        device.sync().await.expect("sync");
        let pulled: BTreeSet<String> = device.replicas.keys().cloned().collect();
        assert_eq!(pulled, expected, "{role}: documents pulled by sync");

        // The listing says the same.
        let listed: Vec<DocSummary> = http_get(&world, &token, "/api/docs")
            .await
            .json()
            .await
            .unwrap();
        let listed: BTreeSet<String> = listed.iter().map(|d| d.id.to_string()).collect();
        assert_eq!(listed, expected, "{role}: GET /api/docs");

        let before = world.snapshot();
        for doc in &world.docs {
            let readable = may_read(role, doc.target);
            let cell = format!("{role} read {} of {:?}", doc.kind, doc.target);
            let got = http_get(&world, &token, &format!("/api/docs/{}", doc.id)).await;
            let status = got.status().as_u16();
            assert_eq!(status, if readable { 200 } else { 404 }, "HTTP {cell}");
            if readable {
                let bytes = got.bytes().await.unwrap();
                assert_eq!(
                    AutoCommit::load(&bytes).unwrap().save(),
                    world.stored_bytes(&doc.id)
                );
            }
            let probed = sync_probe(&world, &token, &doc.id).await;
            if readable {
                assert!(probed.is_some(), "sync {cell}: no answer");
            } else {
                // No existence oracle: the same answer as for an unknown id.
                let unknown = DocId::new(doc.kind, Uuid::new_v4()).to_string();
                let for_unknown = sync_probe(&world, &token, &unknown).await;
                assert_eq!(probed, for_unknown, "sync {cell}");
            }
        }
        assert_eq!(
            world.snapshot(),
            before,
            "{role}: reading changed something"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_writes_exactly_its_kinds_and_scope() {
    let world = World::new().await;
    let mut n = 0;
    for (role, name) in ROLES {
        // Edit each existing document, as a device holding a copy of it.
        for doc in &world.docs {
            n += 1;
            let cell = format!("{role} edit {} of {:?}", doc.kind, doc.target);
            let mut device = world.device(name).await;
            let copy = AutoCommit::load(&world.stored_bytes(&doc.id)).unwrap();
            device.replicas.insert(doc.id.clone(), Replica::new(copy));
            touch(&mut device, &doc.id, doc.kind, n);
            let before = world.snapshot();
            let expected =
                (!may_write(role, doc.kind, doc.target)).then(|| refusal_for(role, doc.kind));
            assert_eq!(sync_status(&mut device).await, expected, "{cell}");
            assert_unchanged_unless_allowed(&world, &before, &doc.id, expected.is_none(), &cell);
        }

        // Create a new document of each kind in each scope it can live in.
        let targets = [Target::Own, Target::Other];
        let cells = TOWNSHIP_KINDS[..3]
            .iter()
            .flat_map(|k| targets.map(|t| (*k, t)))
            .chain([(DocKind::Settings, Target::County)]);
        for (kind, target) in cells {
            let cell = format!("{role} create {kind} in {target:?}");
            let mut device = world.device(name).await;
            let id = create(&world, &mut device, kind, world.scope(target));
            let before = world.snapshot();
            // A county has one settings document: a second one is refused
            // even to the admin, who edits the first.
            let allowed = may_write(role, kind, target) && kind != DocKind::Settings;
            let expected = (!allowed).then(|| refusal_for(role, kind));
            assert_eq!(sync_status(&mut device).await, expected, "{cell}");
            assert_unchanged_unless_allowed(&world, &before, &id, allowed, &cell);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_exports_exactly_its_scope() {
    let world = World::new().await;
    let exports = || {
        world
            .server
            .storage()
            .read(|tx| tx.audit_since(0, 10_000))
            .unwrap()
            .into_iter()
            .filter(|a| a.event == "export")
            .collect::<Vec<_>>()
    };
    for (role, name) in ROLES {
        let device = world.device(name).await;
        let token = device.transport.token.clone().unwrap();
        for target in [Target::Own, Target::Other, Target::County] {
            let cell = format!("{role} export {target:?}");
            let query = match world.scope(target) {
                Scope::Township(t) => format!("?township={t}"),
                Scope::County => String::new(),
            };
            let before = (world.snapshot(), exports().len());
            let got = http_get(&world, &token, &format!("/api/export/1.csv{query}")).await;
            let status = got.status().as_u16();
            let expected = may_export(role, target);
            assert_eq!(status, expected.unwrap_or(200), "{cell}");
            assert_eq!(
                world.snapshot(),
                before.0,
                "{cell}: an export wrote documents"
            );
            let after = exports();
            if expected.is_some() {
                assert_eq!(
                    after.len(),
                    before.1,
                    "{cell}: refused, but audited as an export"
                );
                continue;
            }
            let audited = &after[before.1..];
            assert_eq!(audited.len(), 1, "{cell}");
            let scope = match (role.is_township_role(), target) {
                (true, Target::County) => world.scope(Target::Own),
                _ => world.scope(target),
            };
            assert!(
                audited[0].detail.contains(&format!("scope={scope}")),
                "{cell}: {}",
                audited[0].detail
            );
        }
    }
}

/// A refused cell changed nothing; an allowed one wrote `id`.
fn assert_unchanged_unless_allowed(
    world: &World,
    before: &(u64, Vec<StoredDocMeta>),
    id: &str,
    allowed: bool,
    cell: &str,
) {
    let after = world.snapshot();
    if allowed {
        let seq_of = |s: &(u64, Vec<StoredDocMeta>)| {
            s.1.iter().find(|m| m.id.to_string() == id).map(|m| m.seq)
        };
        assert!(
            seq_of(&after) > seq_of(before),
            "{cell}: allowed, but nothing was stored"
        );
    } else {
        assert_eq!(&after, before, "{cell}: refused, but something changed");
    }
}

#[tokio::test]
async fn a_township_log_belongs_to_its_own_township() {
    let world = World::new().await;
    let mut device = world.device("lead").await;
    // The log of the other township, claimed for the lead's own.
    let id = device.create(
        DocId::township_log(world.other),
        world.scope(Target::Own),
        &TownshipLog::default(),
    );
    let before = world.snapshot();
    assert_eq!(
        sync_status(&mut device).await,
        Some(RefusalCode::NotInScope),
        "{id} is another township's"
    );
    assert_eq!(world.snapshot(), before);

    let mut device = world.device("lead").await;
    let stray = TownshipId::random();
    device.create(
        DocId::township_log(stray),
        world.scope(Target::Own),
        &TownshipLog::default(),
    );
    assert_eq!(
        sync_status(&mut device).await,
        Some(RefusalCode::NotInScope)
    );
    assert_eq!(world.snapshot(), before);
}
