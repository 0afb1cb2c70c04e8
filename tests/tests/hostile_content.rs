//! Semantically hostile content: documents that decode and apply, but whose
//! state the write gate must refuse. One case per finding of the outside
//! client's review (issue "One write gate") and per document kind.
//!
//! Every case sends the bad document together with a good one in the same
//! request and asserts: the bad one is refused with its code (and field),
//! nothing of it was stored, the good one was, and every projection equals a
//! fresh recomputation.

use automerge::transaction::Transactable;
use automerge::{ObjType, ROOT, ReadDoc, ScalarValue};
use mopai_shared::api::ErrorBody;
use mopai_shared::doc::{DocKind, Scope};
use mopai_shared::gate::MAX_TEXT_CHARS;
use mopai_shared::ids::{DocId, FacilityId, TownshipId, VisitId};
use mopai_shared::model::{
    CountyRecord, Facility, FacilityReview, FundUse, Review, ReviewState, RiskLevel, Timestamp,
    Visit,
};
use mopai_shared::roles::Role;
use mopai_shared::sync::{
    DocMessage, PROTOCOL_VERSION, RefusalCode, SyncOutcome, SyncRequest, encode,
};
use mopai_tests::device::Device;
use mopai_tests::server::TestServer;
use uuid::Uuid;

const PASSWORD: &str = "hostile-password";

struct World {
    server: TestServer,
    kaiyun: TownshipId,
    baiguo: TownshipId,
}

async fn world() -> World {
    let server = TestServer::start().await;
    let ids = server.add_townships(&["开云镇", "白果镇"]);
    for (name, role, township) in [
        ("ky-inspector", Role::Inspector, Some("开云镇")),
        ("ky-lead", Role::TownshipLead, Some("开云镇")),
        ("bg-inspector", Role::Inspector, Some("白果镇")),
        ("bg-lead", Role::TownshipLead, Some("白果镇")),
        ("county", Role::CountyStaff, None),
        ("admin", Role::Admin, None),
    ] {
        server.add_user(name, role, township, PASSWORD);
    }
    World {
        server,
        kaiyun: ids[0],
        baiguo: ids[1],
    }
}

impl World {
    async fn phone(&self, name: &str) -> Device {
        self.server.phone(name, PASSWORD).await
    }

    fn doc_seq(&self, id: &str) -> Option<u64> {
        self.server
            .storage()
            .read(|tx| tx.doc_meta(id.parse().expect("a document id")))
            .unwrap()
            .map(|m| m.seq)
    }

    fn level(&self, facility: &str) -> Option<RiskLevel> {
        let id = facility.trim_start_matches("facility:");
        self.server
            .storage()
            .read(|tx| tx.effective_level(id))
            .unwrap()
    }

    fn assert_projections_exact(&self) {
        let mismatches = self
            .server
            .storage()
            .read(mopai_server::projection::mismatches)
            .unwrap();
        assert!(mismatches.is_empty(), "projections differ: {mismatches:?}");
    }
}

/// Syncs `bad` beside a good new facility of the phone's township and
/// checks the refusal: its code, that `bad` kept its stored state, that the
/// good one was stored. Returns the refusal's field.
async fn refused_beside_a_good_one(
    w: &World,
    phone: &mut Device,
    bad: &str,
    code: RefusalCode,
) -> String {
    let home = phone
        .user
        .as_ref()
        .and_then(|u| u.township.as_ref())
        .expect("a township role")
        .id;
    let good = phone.create_facility(home, "同请求中的正常机构");
    let before = w.doc_seq(bad);
    let outcome: SyncOutcome = phone.sync().await.expect("refusals are answers");
    let refusal = outcome
        .refused
        .get(bad)
        .unwrap_or_else(|| panic!("{bad} was not refused: {:?}", outcome.refused));
    assert_eq!(refusal.code, code, "{}", refusal.message);
    assert!(!refusal.message.is_empty());
    assert_eq!(outcome.refused.len(), 1, "{:?}", outcome.refused);
    assert_eq!(w.doc_seq(bad), before, "the refused document changed");
    assert!(
        w.doc_seq(&good).is_some(),
        "the good document was not stored"
    );
    w.assert_projections_exact();
    refusal.field.clone()
}

/// An orange facility of 白果镇 (O4: a large prepayment moved to an
/// affiliated company), stored by its own inspector.
async fn orange_baiguo_facility(w: &World) -> (String, Device) {
    let mut bg = w.phone("bg-inspector").await;
    let id = bg.create_facility(w.baiguo, "白果镇福寿园");
    let by = bg.user.as_ref().unwrap().id;
    bg.edit::<Facility>(&id, |f| f.visits.push(orange_visit(by, 1_780_000_000)));
    bg.sync().await.unwrap();
    assert_eq!(w.level(&id), Some(RiskLevel::Orange));
    (id, bg)
}

fn orange_visit(by: mopai_shared::ids::UserId, at: i64) -> Visit {
    let mut v = Visit::new(VisitId::random(), by);
    v.arrived_at = Timestamp::from_unix(at);
    let p = &mut v.findings.prepayment;
    p.collected = Some(true);
    p.total_yuan = Some(5_000_000);
    p.persons = Some(40);
    p.fund_use = p.fund_use.clone().with(FundUse::DivertedToAffiliates, true);
    v
}

#[tokio::test]
async fn a_lead_cannot_review_another_townships_facility_and_its_own_lead_still_can() {
    let w = world().await;
    let (facility, _) = orange_baiguo_facility(&w).await;
    let facility_id: FacilityId = facility.trim_start_matches("facility:").parse().unwrap();
    let review = DocId::review(facility_id);
    let green = |r: &mut FacilityReview| {
        r.reviews.push(Review {
            visit: VisitId::random(),
            state: ReviewState::Approved,
            state_at: Timestamp::from_unix(1_780_000_100).unwrap(),
            reviewer: mopai_shared::ids::UserId::random(),
            comments: Vec::new(),
            computed_level: Some(RiskLevel::Orange),
            confirmed_level: Some(RiskLevel::Green),
            level_reason: "已整改".into(),
        });
    };
    // With its own township in the header, and with 白果镇's.
    for scope in [Scope::Township(w.kaiyun), Scope::Township(w.baiguo)] {
        let mut ky = w.phone("ky-lead").await;
        let id = ky.create(review, scope, &FacilityReview::default());
        ky.edit::<FacilityReview>(&id, green);
        let field = refused_beside_a_good_one(&w, &mut ky, &id, RefusalCode::NotInScope).await;
        assert_eq!(field, "header.township");
        assert_eq!(
            w.level(&facility),
            Some(RiskLevel::Orange),
            "level untouched"
        );
    }
    // A county record of the same facility claimed for 开云镇, by county staff.
    let mut county = w.phone("county").await;
    let id = county.create(
        DocId::county(facility_id),
        Scope::Township(w.kaiyun),
        &CountyRecord::default(),
    );
    county.edit::<CountyRecord>(&id, |c| c.notes.clear());
    let outcome = county.sync().await.unwrap();
    assert_eq!(outcome.refused[&id].code, RefusalCode::NotInScope);

    // 白果镇's own lead reviews it as usual.
    let mut bg_lead = w.phone("bg-lead").await;
    bg_lead.sync().await.unwrap();
    let id = bg_lead.create(
        review,
        Scope::Township(w.baiguo),
        &FacilityReview::default(),
    );
    bg_lead.edit::<FacilityReview>(&id, |r| {
        r.reported_to_county_at = Timestamp::from_unix(1_780_000_200)
    });
    let outcome = bg_lead.sync().await.unwrap();
    assert!(outcome.refused.is_empty(), "{:?}", outcome.refused);
    assert!(w.doc_seq(&id).is_some());
    w.assert_projections_exact();
}

/// A write into `/body/profile`, bypassing the model.
type RawWrite = fn(&mut automerge::AutoCommit, &automerge::ObjId);

fn put_raw(phone: &mut Device, id: &str, value: RawWrite) {
    let actor = phone.actor.clone();
    let doc = &mut phone.replicas.get_mut(id).unwrap().doc;
    doc.set_actor(actor);
    let body = doc.get(ROOT, "body").unwrap().unwrap().1;
    let profile = doc.get(&body, "profile").unwrap().unwrap().1;
    value(doc, &profile);
    doc.commit();
}

#[tokio::test]
async fn fields_of_the_wrong_automerge_type_are_refused() {
    let w = world().await;
    let cases: [(&str, RawWrite); 4] = [
        ("a string where a number belongs", |d, p| {
            d.put(p, "beds", "十二").unwrap()
        }),
        ("Int where Uint belongs", |d, p| {
            d.put(p, "beds", ScalarValue::Int(-12)).unwrap()
        }),
        ("Text where a scalar string belongs", |d, p| {
            let text = d.put_object(p, "name", ObjType::Text).unwrap();
            d.splice_text(&text, 0, 0, "文本对象").unwrap();
        }),
        ("a list where a map belongs", |d, p| {
            d.put_object(p, "venue", ObjType::List).unwrap();
        }),
    ];
    for (case, write) in cases {
        let mut phone = w.phone("ky-inspector").await;
        let id = phone.create_facility(w.kaiyun, "类型错误的机构");
        put_raw(&mut phone, &id, write);
        let field = refused_beside_a_good_one(&w, &mut phone, &id, RefusalCode::ShapeInvalid).await;
        assert_eq!(field, "body", "{case}");
    }
}

#[tokio::test]
async fn unknown_schema_versions_and_header_rewrites_are_refused() {
    let w = world().await;
    let header_edit =
        |phone: &mut Device,
         id: &str,
         edit: &dyn Fn(&mut automerge::AutoCommit, &automerge::ObjId)| {
            let actor = phone.actor.clone();
            let doc = &mut phone.replicas.get_mut(id).unwrap().doc;
            doc.set_actor(actor);
            let header = doc.get(ROOT, "header").unwrap().unwrap().1;
            edit(doc, &header);
            doc.commit();
        };
    let mut phone = w.phone("ky-inspector").await;
    let id = phone.create_facility(w.kaiyun, "版本错误");
    header_edit(&mut phone, &id, &|d, h| {
        d.delete(h, "schema_version").unwrap()
    });
    refused_beside_a_good_one(&w, &mut phone, &id, RefusalCode::SchemaVersionUnknown).await;

    let mut phone = w.phone("ky-inspector").await;
    let id = phone.create_facility(w.kaiyun, "版本99");
    header_edit(&mut phone, &id, &|d, h| {
        d.put(h, "schema_version", 99u64).unwrap()
    });
    let field =
        refused_beside_a_good_one(&w, &mut phone, &id, RefusalCode::SchemaVersionUnknown).await;
    assert_eq!(field, "header.schema_version");

    // A stored document whose header is rewritten.
    let mut phone = w.phone("ky-inspector").await;
    let id = phone.create_facility(w.kaiyun, "已存的机构");
    phone.sync().await.unwrap();
    for (key, value) in [
        ("entity", Uuid::new_v4().to_string()),
        ("kind", "review".into()),
    ] {
        let mut phone = w.phone("ky-inspector").await;
        phone.sync().await.unwrap();
        header_edit(&mut phone, &id, &|d, h| {
            d.put(h, key, value.clone()).unwrap()
        });
        let code = if key == "entity" || key == "kind" {
            // The header no longer names this document at all.
            RefusalCode::HeaderInvalid
        } else {
            RefusalCode::HeaderChanged
        };
        refused_beside_a_good_one(&w, &mut phone, &id, code).await;
    }
    let mut phone = w.phone("ky-inspector").await;
    phone.sync().await.unwrap();
    header_edit(&mut phone, &id, &|d, h| {
        d.put(h, "schema_version", 0u64).unwrap()
    });
    let field = refused_beside_a_good_one(&w, &mut phone, &id, RefusalCode::HeaderChanged).await;
    assert_eq!(field, "header.schema_version");
}

#[tokio::test]
async fn visit_ids_are_unique_in_a_document_and_across_the_county() {
    let w = world().await;
    let mut phone = w.phone("ky-inspector").await;
    let by = phone.user.as_ref().unwrap().id;
    let id = phone.create_facility(w.kaiyun, "重复走访");
    let visit = VisitId::random();
    phone.edit::<Facility>(&id, |f| {
        f.visits.push(Visit::new(visit, by));
        f.visits.push(Visit::new(visit, by));
    });
    let field = refused_beside_a_good_one(&w, &mut phone, &id, RefusalCode::IdDuplicate).await;
    assert_eq!(field, format!("visits[{visit}]"));

    // Another facility's visit id.
    let (_, bg) = orange_baiguo_facility(&w).await;
    let taken = bg
        .replicas
        .keys()
        .find_map(|id| bg.body::<Facility>(id)?.visits.first().map(|v| v.id))
        .unwrap();
    let mut phone = w.phone("ky-inspector").await;
    let id = phone.create_facility(w.kaiyun, "借用走访编号");
    phone.edit::<Facility>(&id, |f| f.visits.push(Visit::new(taken, by)));
    refused_beside_a_good_one(&w, &mut phone, &id, RefusalCode::IdDuplicate).await;
}

#[tokio::test]
async fn values_and_sizes_follow_the_shared_rules() {
    let w = world().await;
    let mut phone = w.phone("ky-inspector").await;
    let by = phone.user.as_ref().unwrap().id;
    let id = phone.create_facility(w.kaiyun, "负数预付");
    let visit = VisitId::random();
    phone.edit::<Facility>(&id, |f| {
        let mut v = Visit::new(visit, by);
        v.findings.prepayment.total_yuan = Some(-500_000);
        f.visits.push(v);
    });
    let field = refused_beside_a_good_one(&w, &mut phone, &id, RefusalCode::ValueInvalid).await;
    assert_eq!(
        field,
        format!("visits[{visit}].findings.prepayment.total_yuan")
    );

    // The way out: fix the field on the phone; the next sync stores both
    // the refused change and the fix.
    phone.edit::<Facility>(&id, |f| {
        f.visits[0].findings.prepayment.total_yuan = Some(500_000)
    });
    let outcome = phone.sync().await.unwrap();
    assert!(outcome.refused.is_empty(), "{:?}", outcome.refused);
    assert!(w.doc_seq(&id).is_some(), "stored after the fix");
    w.assert_projections_exact();

    // A resident's ID number is never stored.
    let mut phone = w.phone("ky-inspector").await;
    let id = phone.create_facility(w.kaiyun, "身份证号");
    phone.edit::<Facility>(&id, |f| f.profile.address = "430421199001011234".into());
    phone.edit::<Facility>(&id, |f| {
        let mut v = Visit::new(VisitId::random(), by);
        v.interviews.push(mopai_shared::model::ResidentInterview {
            label: "张某 430421199001011234".into(),
            ..mopai_shared::model::ResidentInterview::new(mopai_shared::ids::InterviewId::random())
        });
        f.visits.push(v);
    });
    refused_beside_a_good_one(&w, &mut phone, &id, RefusalCode::ValueInvalid).await;

    // A 5 MB name, and one just over the cap.
    for chars in [5 * 1024 * 1024 / 3, MAX_TEXT_CHARS + 1] {
        let mut phone = w.phone("ky-inspector").await;
        let id = phone.create_facility(w.kaiyun, "超长名称");
        phone.edit::<Facility>(&id, |f| f.profile.name = "长".repeat(chars));
        let field = refused_beside_a_good_one(&w, &mut phone, &id, RefusalCode::TooLarge).await;
        assert_eq!(field, "profile.name");
    }
}

#[tokio::test]
async fn a_phone_clock_ahead_cannot_outrank_a_later_finding() {
    let w = world().await;
    let mut wrong_clock = w.phone("bg-inspector").await;
    let by = wrong_clock.user.as_ref().unwrap().id;
    let facility = wrong_clock.create_facility(w.baiguo, "白果镇福寿园");
    // A clean visit from a phone whose clock says 2032, received first.
    let clean = VisitId::random();
    wrong_clock.edit::<Facility>(&facility, |f| {
        let mut v = Visit::new(clean, by);
        v.arrived_at = Timestamp::from_unix(1_960_000_000);
        v.findings.prepayment.collected = Some(false);
        f.visits.push(v);
    });
    assert!(wrong_clock.sync().await.unwrap().refused.is_empty());
    assert_eq!(w.level(&facility), Some(RiskLevel::Green));
    // Later, a colleague with a right clock finds the money moved away.
    let mut colleague = w.phone("bg-inspector").await;
    colleague.sync().await.unwrap();
    let now = mopai_server::clock::unix_now();
    colleague.edit::<Facility>(&facility, |f| f.visits.push(orange_visit(by, now + 120)));
    assert!(colleague.sync().await.unwrap().refused.is_empty());
    assert_eq!(
        w.level(&facility),
        Some(RiskLevel::Orange),
        "the wrong clock's visit still sorted as the latest"
    );
    let row = w
        .server
        .storage()
        .read(|tx| tx.projection(facility.trim_start_matches("facility:")))
        .unwrap()
        .unwrap();
    assert_eq!(
        row.facility.annex.visits.clock_ahead,
        vec![clean],
        "flagged for the lead"
    );
    w.assert_projections_exact();
}

async fn raw_sync(w: &World, token: &str, checkpoint: u64) -> (u16, Option<ErrorBody>) {
    let body = encode(&SyncRequest {
        protocol: PROTOCOL_VERSION,
        device: Uuid::new_v4(),
        checkpoint,
        docs: vec![DocMessage {
            doc: DocId::new(DocKind::Facility, Uuid::new_v4()).to_string(),
            message: Vec::new(),
        }],
    });
    w.server.post_sync(token, body).await
}

#[tokio::test]
async fn checkpoints_beyond_the_servers_sequence_are_refused_and_the_phone_starts_over() {
    let w = world().await;
    let token = w.server.token("ky-inspector", PASSWORD).await;
    for checkpoint in [1u64 << 63, u64::MAX, 5] {
        let (status, body) = raw_sync(&w, &token, checkpoint).await;
        assert_eq!(status, 400, "checkpoint {checkpoint}");
        assert_eq!(body.unwrap().code, "checkpoint_ahead");
    }
    // A malformed message is refused for its document, not for the request.
    let (status, _) = raw_sync(&w, &token, 0).await;
    assert_eq!(status, 200);

    let mut other = w.phone("ky-inspector").await;
    let id = other.create_facility(w.kaiyun, "别的设备写的");
    other.sync().await.unwrap();
    let mut phone = w.phone("ky-inspector").await;
    phone.checkpoint = 1_000_000;
    let outcome = phone.sync().await.unwrap();
    assert!(
        phone.replicas.contains_key(&id),
        "started over from 0 and pulled it"
    );
    assert!(outcome.checkpoint < 1_000_000);
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_gets_the_json_413() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let w = world().await;
    let token = w.server.token("ky-inspector", PASSWORD).await;
    let addr = w
        .server
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/sync HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![0u8; 64 * 1024];
    // 9 MB in 64 KB chunks, over the 8 MB limit; the server may stop reading.
    for _ in 0..144 {
        let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        if stream.write_all(&frame).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        stream.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer:.200}");
    let body = &answer[answer.find("\r\n\r\n").expect("a body") + 4..];
    let json = body.find('{').map(|i| &body[i..]).expect("a JSON body");
    let end = json.rfind('}').expect("a JSON body");
    let error: ErrorBody = serde_json::from_str(&json[..=end]).expect("the JSON error body");
    assert!(!error.message.is_empty() && !error.code.is_empty());
}

#[tokio::test]
async fn a_stored_document_that_no_longer_projects_is_listed_and_counted() {
    let mut w = world().await;
    // A facility stored before the gate: a negative prepayment, written
    // straight into storage as an older build would have, not projected.
    let mut phone = w.phone("ky-inspector").await;
    let id = phone.create_facility(w.kaiyun, "旧版本写入的机构");
    let by = phone.user.as_ref().unwrap().id;
    phone.edit::<Facility>(&id, |f| {
        let mut v = Visit::new(VisitId::random(), by);
        v.findings.prepayment.total_yuan = Some(-500_000);
        f.visits.push(v);
    });
    let doc_id: DocId = id.parse().unwrap();
    let mut doc = phone.replicas[&id].doc.clone();
    w.server
        .storage()
        .write(|tx| {
            tx.append_changes(mopai_server::storage::DocWrite {
                id: doc_id,
                doc: &mut doc,
                base_heads: &[],
            })?;
            tx.record_doc_scope(doc_id, Scope::Township(w.kaiyun))?;
            // As before this build: the rules were never checked.
            tx.set_meta("gate_rules_scanned", "0")
        })
        .unwrap();
    // The next start checks every stored document in the background.
    w.server.restart().await;
    let health = mopai_tests::wait::eventually(
        "the problem document counted in /healthz",
        async || -> mopai_shared::api::Health {
            reqwest::get(w.server.url("/healthz"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap()
        },
        |h| h.problem_docs == 1,
    )
    .await;
    assert_eq!(health.status, "ok");
    let token = w.server.token("county", PASSWORD).await;
    let (status, problems) = w
        .server
        .get_json::<Vec<mopai_shared::api::ProblemDoc>>("/api/problems", &token)
        .await;
    assert_eq!(status, 200);
    let problems = problems.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].doc, doc_id);
    assert!(
        problems[0].reason.contains("total_yuan"),
        "{}",
        problems[0].reason
    );
    // A township role does not see the list.
    let lead = w.server.token("ky-lead", PASSWORD).await;
    let status = reqwest::Client::new()
        .get(w.server.url("/api/problems"))
        .bearer_auth(&lead)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 403);

    // Fixed by its inspector, it leaves the list.
    phone.edit::<Facility>(&id, |f| {
        f.visits[0].findings.prepayment.total_yuan = Some(500_000)
    });
    assert!(phone.sync().await.unwrap().refused.is_empty());
    let (_, problems) = w
        .server
        .get_json::<Vec<mopai_shared::api::ProblemDoc>>("/api/problems", &token)
        .await;
    assert_eq!(problems.unwrap(), vec![]);
}

/// Syncs `phone` and checks that `bad` alone was refused with `code`, left
/// as stored, and that projections are exact.
async fn refused_alone(w: &World, phone: &mut Device, bad: &str, code: RefusalCode) -> String {
    let before = w.doc_seq(bad);
    let outcome = phone.sync().await.expect("refusals are answers");
    let refusal = outcome
        .refused
        .get(bad)
        .unwrap_or_else(|| panic!("{bad} was not refused: {:?}", outcome.refused));
    assert_eq!(refusal.code, code, "{}", refusal.message);
    assert_eq!(w.doc_seq(bad), before, "the refused document changed");
    w.assert_projections_exact();
    refusal.field.clone()
}

/// A raw write at `/body/<key>` of a document, bypassing the model.
fn put_in_body(phone: &mut Device, id: &str, key: &str, value: &str) {
    let actor = phone.actor.clone();
    let doc = &mut phone.replicas.get_mut(id).unwrap().doc;
    doc.set_actor(actor);
    let body = doc.get(ROOT, "body").unwrap().unwrap().1;
    doc.put(&body, key, value).unwrap();
    doc.commit();
}

#[tokio::test]
async fn every_kind_is_checked_for_shape_and_values() {
    let w = world().await;
    let (facility, _) = orange_baiguo_facility(&w).await;
    let facility_id: FacilityId = facility.trim_start_matches("facility:").parse().unwrap();

    // review: a list where a map belongs, and a negative refund.
    let mut lead = w.phone("bg-lead").await;
    lead.sync().await.unwrap();
    let review = lead.create(
        DocId::review(facility_id),
        Scope::Township(w.baiguo),
        &FacilityReview::default(),
    );
    lead.sync().await.unwrap();
    put_in_body(&mut lead, &review, "disposal", "不是对象");
    refused_alone(&w, &mut lead, &review, RefusalCode::ShapeInvalid).await;
    let mut lead = w.phone("bg-lead").await;
    lead.sync().await.unwrap();
    let measure = mopai_shared::ids::MeasureId::random();
    lead.edit::<FacilityReview>(&review, |r| {
        r.disposal.measures.push(mopai_shared::model::Measure {
            id: measure,
            kind: mopai_shared::model::MeasureKind::Refund,
            detail: "清退".into(),
            done_on: None,
            refunded_yuan: Some(-1),
        });
    });
    let field = refused_alone(&w, &mut lead, &review, RefusalCode::ValueInvalid).await;
    assert_eq!(field, format!("disposal.measures[{measure}].refunded_yuan"));

    // county record: a check dated 1800, and a string where a list belongs.
    let mut county = w.phone("county").await;
    county.sync().await.unwrap();
    let record = county.create(
        DocId::county(facility_id),
        Scope::Township(w.baiguo),
        &CountyRecord::default(),
    );
    let check = mopai_shared::ids::CheckId::random();
    county.edit::<CountyRecord>(&record, |c| {
        c.online_checks.push(mopai_shared::model::OnlineCheck {
            id: check,
            source: mopai_shared::model::CheckSource::CreditChina,
            subject: "福寿园".into(),
            finding: None,
            detail: String::new(),
            checked_on: mopai_shared::model::Day::ymd(1800, 1, 1).unwrap(),
            reference: String::new(),
            checked_by: mopai_shared::ids::UserId::random(),
        });
    });
    let field = refused_alone(&w, &mut county, &record, RefusalCode::ValueInvalid).await;
    assert_eq!(field, format!("online_checks[{check}].checked_on"));
    let mut county = w.phone("county").await;
    county.sync().await.unwrap();
    let record = county.create(
        DocId::county(facility_id),
        Scope::Township(w.baiguo),
        &CountyRecord::default(),
    );
    put_in_body(&mut county, &record, "online_checks", "没有");
    refused_alone(&w, &mut county, &record, RefusalCode::ShapeInvalid).await;

    // township log: more participants than anyone counts, and a string list.
    let mut lead = w.phone("bg-lead").await;
    lead.sync().await.unwrap();
    let log = lead.create(
        DocId::township_log(w.baiguo),
        Scope::Township(w.baiguo),
        &mopai_shared::model::TownshipLog::default(),
    );
    let activity = mopai_shared::ids::ActivityId::random();
    lead.edit::<mopai_shared::model::TownshipLog>(&log, |l| {
        l.activities.push(mopai_shared::model::PublicityActivity {
            id: activity,
            date: mopai_shared::model::Day::ymd(2026, 11, 1).unwrap(),
            venue_type: mopai_shared::model::VenueType::Community,
            venue: "白果镇文化广场".into(),
            participants: 10_000_000,
            note: String::new(),
        });
    });
    let field = refused_alone(&w, &mut lead, &log, RefusalCode::ValueInvalid).await;
    assert_eq!(field, format!("activities[{activity}].participants"));
    let mut lead = w.phone("bg-lead").await;
    lead.sync().await.unwrap();
    let log = lead.create(
        DocId::township_log(w.baiguo),
        Scope::Township(w.baiguo),
        &mopai_shared::model::TownshipLog::default(),
    );
    put_in_body(&mut lead, &log, "activities", "无");
    refused_alone(&w, &mut lead, &log, RefusalCode::ShapeInvalid).await;

    // settings: a zero threshold, and a string where the thresholds belong.
    let settings = w
        .server
        .storage()
        .write(|tx| {
            let writer = mopai_server::admin::docs::ServerWriter::new("test-settings");
            mopai_server::admin::docs::update_settings(tx, &writer, |_| {})?;
            mopai_server::admin::docs::settings_id(tx)
        })
        .unwrap()
        .to_string();
    let mut admin = w.phone("admin").await;
    admin.sync().await.unwrap();
    admin.edit::<mopai_shared::model::CountySettings>(&settings, |s| {
        s.thresholds.large_prepay_months = 0;
    });
    let field = refused_alone(&w, &mut admin, &settings, RefusalCode::ValueInvalid).await;
    assert_eq!(field, "thresholds.large_prepay_months");
    let mut admin = w.phone("admin").await;
    admin.sync().await.unwrap();
    put_in_body(&mut admin, &settings, "thresholds", "零");
    refused_alone(&w, &mut admin, &settings, RefusalCode::ShapeInvalid).await;
}

#[tokio::test]
async fn a_foreign_id_and_an_unknown_id_get_the_same_refusals() {
    let w = world().await;
    let (foreign, _) = orange_baiguo_facility(&w).await;
    let foreign_id: FacilityId = foreign.trim_start_matches("facility:").parse().unwrap();
    let unknown_id = FacilityId::random();
    let visit = VisitId::random();
    let mut answers = Vec::new();
    for id in [foreign_id, unknown_id] {
        // Created under 开云镇's header with a negative amount: the checks of
        // the content answer the same, whoever holds the id.
        let mut phone = w.phone("ky-inspector").await;
        let by = phone.user.as_ref().unwrap().id;
        let doc = phone.create(
            DocId::facility(id),
            Scope::Township(w.kaiyun),
            &Facility::default(),
        );
        phone.edit::<Facility>(&doc, |f| {
            let mut v = Visit::new(visit, by);
            v.findings.prepayment.total_yuan = Some(-1);
            f.visits.push(v);
        });
        let outcome = phone.sync().await.unwrap();
        let r = &outcome.refused[&doc];
        answers.push((r.code, r.message.replace(&id.to_string(), "<id>")));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, RefusalCode::ValueInvalid);
    assert_eq!(w.level(&foreign), Some(RiskLevel::Orange));
    w.assert_projections_exact();
}
