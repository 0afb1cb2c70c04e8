//! Actor binding: an Automerge actor id belongs to the user who first synced
//! a change by it; changes by an actor bound to somebody else, by the shared
//! genesis actor beyond the genesis, or that move a document to another
//! township are refused, and a refused request keeps nothing.

use automerge::transaction::Transactable;
use automerge::{ActorId, ROOT, ReadDoc};
use mopai_server::storage::actors::ActorOwner;
use mopai_shared::doc::{DocHeader, Scope, genesis_actor};
use mopai_shared::ids::{DocId, FacilityId, TownshipId};
use mopai_shared::model::{Facility, FacilityReview, Profile};
use mopai_shared::roles::Role;
use mopai_shared::sync::{RefusalCode, SyncError};
use mopai_tests::device::Device;
use mopai_tests::server::TestServer;

const PASSWORD: &str = "actor-password";

struct Setup {
    server: TestServer,
    kaiyun: TownshipId,
    baiguo: TownshipId,
}

async fn setup() -> Setup {
    let server = TestServer::start().await;
    let ids = server.add_townships(&["开云镇", "白果镇"]);
    for name in ["wang", "li"] {
        server.add_user(name, Role::Inspector, Some("开云镇"), PASSWORD);
    }
    server.add_user("lead", Role::TownshipLead, Some("开云镇"), PASSWORD);
    Setup {
        server,
        kaiyun: ids[0],
        baiguo: ids[1],
    }
}

impl Setup {
    async fn device(&self, username: &str) -> Device {
        self.server.phone(username, PASSWORD).await
    }

    fn owner(&self, actor: &ActorId) -> Option<ActorOwner> {
        self.server
            .storage()
            .read(|tx| tx.actor_owner(actor.to_bytes()))
            .unwrap()
    }

    fn seq(&self) -> u64 {
        self.server.storage().read(|tx| tx.current_seq()).unwrap()
    }

    fn new_facility(&self, device: &mut Device, name: &str) -> String {
        let body = Facility {
            profile: Profile {
                name: name.into(),
                ..Profile::default()
            },
            ..Facility::default()
        };
        device.create(
            DocId::facility(FacilityId::random()),
            Scope::Township(self.kaiyun),
            &body,
        )
    }
}

/// The one refusal of a sync that must refuse exactly one document.
fn refusal_code(result: Result<mopai_shared::sync::SyncOutcome, SyncError>) -> RefusalCode {
    let outcome = result.expect("a refusal is an answer, not an error");
    let mut refused = outcome.refused.into_values();
    match (refused.next(), refused.next()) {
        (Some(r), None) => r.code,
        other => panic!("expected one refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn an_actor_is_bound_on_first_sync_and_refused_for_anybody_else() {
    let s = setup().await;
    let mut wang = s.device("wang").await;
    let id = s.new_facility(&mut wang, "夕阳红养老院");
    wang.sync().await.expect("wang's first sync");
    let wang_user = s
        .server
        .storage()
        .read(|tx| tx.user_by_username("wang"))
        .unwrap()
        .unwrap();
    assert_eq!(s.owner(&wang.actor), Some(ActorOwner::User(wang_user.id)));

    // Li's phone pulls the document, then writes under wang's actor.
    let mut li = s.device("li").await;
    li.sync().await.expect("li pulls");
    li.actor = wang.actor.clone();
    li.edit::<Facility>(&id, |f| f.profile.name.push_str("（冒名）"));
    let seq = s.seq();
    assert_eq!(refusal_code(li.sync().await), RefusalCode::ActorNotYours);
    assert_eq!(s.seq(), seq, "nothing stored");

    // The refused change stays on that phone and would be refused again;
    // from a clean copy, with an actor of her own, the edit goes through.
    let mut li = s.device("li").await;
    li.sync().await.expect("li pulls again");
    li.edit::<Facility>(&id, |f| f.profile.name = "夕阳红养老院（李）".into());
    li.sync().await.expect("li's own edit");
    assert!(matches!(s.owner(&li.actor), Some(ActorOwner::User(_))));
    // A later session starts from the saved replicas, as the app does.
    wang.reload_from_storage();
    wang.sync().await.unwrap();
    assert_eq!(
        wang.body::<Facility>(&id).unwrap().profile.name,
        "夕阳红养老院（李）"
    );
}

#[tokio::test]
async fn the_genesis_actor_may_make_only_the_genesis() {
    let s = setup().await;
    let mut wang = s.device("wang").await;
    let id = s.new_facility(&mut wang, "白果镇康乐中心");
    let header = DocHeader::new(id.parse().unwrap(), Scope::Township(s.kaiyun));
    // A second change under the shared genesis actor.
    wang.actor = genesis_actor(&header);
    wang.edit::<Facility>(&id, |f| f.profile.name.push_str("（伪造）"));
    let seq = s.seq();
    assert_eq!(refusal_code(wang.sync().await), RefusalCode::ActorNotYours);
    assert_eq!(s.seq(), seq);
}

#[tokio::test]
async fn a_document_cannot_be_moved_to_another_township() {
    let s = setup().await;
    let mut lead = s.device("lead").await;
    let id = s.new_facility(&mut lead, "开云镇敬老院");
    lead.sync().await.unwrap();
    let replica = lead.replicas.get_mut(&id).unwrap();
    let header = match replica.doc.get(ROOT, "header").unwrap() {
        Some((_, obj)) => obj,
        None => panic!("no header"),
    };
    replica.doc.set_actor(lead.actor.clone());
    replica
        .doc
        .put(&header, "township", s.baiguo.to_string())
        .unwrap();
    replica.doc.commit();
    let seq = s.seq();
    assert_eq!(refusal_code(lead.sync().await), RefusalCode::HeaderChanged);
    assert_eq!(s.seq(), seq);
}

#[tokio::test]
async fn one_refused_document_leaves_the_others_stored() {
    let s = setup().await;
    let mut wang = s.device("wang").await;
    let allowed = s.new_facility(&mut wang, "托老所");
    // An inspector may not write a review, not even of a new facility.
    let facility: DocId = allowed.parse().unwrap();
    let review = DocId::review(facility.facility_id().unwrap());
    wang.create(
        review,
        Scope::Township(s.kaiyun),
        &FacilityReview::default(),
    );
    wang.edit::<FacilityReview>(&review.to_string(), |r| {
        r.reported_to_county_at = mopai_shared::model::Timestamp::from_unix(1_650_000_000);
    });
    let seq = s.seq();
    assert_eq!(
        refusal_code(wang.sync().await),
        RefusalCode::WriteNotAllowed
    );
    assert_eq!(
        s.seq(),
        seq + 1,
        "the allowed facility was stored, the review not"
    );
    let stored = s
        .server
        .storage()
        .read(|tx| tx.doc_scope(review.to_string().parse().expect("a document id")))
        .unwrap();
    assert_eq!(stored, None, "the review left no trace");
    assert!(
        matches!(s.owner(&wang.actor), Some(ActorOwner::User(_))),
        "bound by the stored facility"
    );
}
