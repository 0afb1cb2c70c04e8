//! The township lead's review in a real browser at 360×740 (issue 8):
//!
//! - the review loop: an inspector's phone submits a visit, the lead returns
//!   it with a comment, the inspector reads the comment offline, corrects the
//!   entry and resubmits, the lead changes the level with a reason, approves
//!   and signs off; the server's projections follow every step;
//! - a conflict two phones made offline, settled by the lead's pick, which
//!   every device then shows;
//! - a lead never sees another township's facility in the pages, and keeps
//!   the township work log.
//!
//! The submitting phone is a native [`Device`] (the inspector's form has its
//! own browser test); the inspector who corrects the entry is a browser.
//! Screenshots of each step go to `artifacts/screenshots/` (not committed).

use mopai_server::storage::projections::FacilityProjection;
use mopai_shared::doc::{Scope, conflicts};
use mopai_shared::ids::{DocId, FacilityId, TownshipId, UserId, VisitId};
use mopai_shared::model::{Category, Facility, Method, Phase, Solvency, Timestamp, Visit};
use mopai_shared::roles::Role;
use mopai_tests::browser::Browser;
use mopai_tests::device::Device;
use mopai_tests::server::TestServer;
use mopai_tests::wait::eventually;

const PASSWORD: &str = "review-password";
const NAME: &str = "康乐园养老院";

/// A county of two townships: 开云镇 with inspectors wang and li and the lead
/// zhou, 白果镇 with the inspector chen.
async fn county() -> (TestServer, TownshipId, TownshipId) {
    let server = TestServer::start().await;
    let ids = server.add_townships(&["开云镇", "白果镇"]);
    for (name, role, township) in [
        ("wang", Role::Inspector, "开云镇"),
        ("li", Role::Inspector, "开云镇"),
        ("zhou", Role::TownshipLead, "开云镇"),
        ("chen", Role::Inspector, "白果镇"),
    ] {
        server.add_user(name, role, Some(township), PASSWORD);
    }
    (server, ids[0], ids[1])
}

/// A native phone logged in as `username`.
async fn device(server: &TestServer, username: &str) -> Device {
    server.phone(username, PASSWORD).await
}

/// A facility with one visit submitted an hour ago: a large prepayment and
/// insolvency (R2, red), with the number of people paying left out.
fn submitted_facility(name: &str, by: UserId) -> (FacilityId, VisitId, Facility) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let ago = |s: i64| Timestamp::from_unix(now - s);
    let mut visit = Visit::new(VisitId::random(), by);
    visit.phase = Some(Phase::FullSurvey);
    visit.method = Some(Method::OnSite);
    visit.arrived_at = ago(7200);
    visit.findings.prepayment.collected = Some(true);
    visit.findings.prepayment.total_yuan = Some(600_000);
    visit.findings.solvency = Some(Solvency::Insolvent);
    visit.submitted_at = ago(3600);
    let mut body = Facility {
        category: Some(Category::FiledInstitution),
        ..Facility::default()
    };
    body.profile.name = name.into();
    let visit_id = visit.id;
    body.visits.push(visit);
    (FacilityId::random(), visit_id, body)
}

/// `username`'s phone creates and syncs a facility with a submitted visit.
async fn inspector_submits(
    server: &TestServer,
    username: &str,
    township: TownshipId,
    name: &str,
) -> (FacilityId, VisitId) {
    let mut phone = device(server, username).await;
    let by = phone.user.as_ref().expect("logged in").id;
    let (facility, visit, body) = submitted_facility(name, by);
    phone.create(DocId::facility(facility), Scope::Township(township), &body);
    phone.sync().await.expect("inspector syncs");
    (facility, visit)
}

/// A browser profile logged in online, with the app installed for offline use.
async fn phone(server: &TestServer, username: &str) -> Browser {
    let browser = Browser::start().await;
    browser.client.goto(&server.url("/")).await.unwrap();
    browser.login(username, PASSWORD).await;
    browser.wait_for_service_worker().await;
    browser
}

async fn goto(browser: &Browser, server: &TestServer, path: &str) {
    browser.client.goto(&server.url(path)).await.unwrap();
}

/// Asks for a sync and waits until nothing is left unsynced.
async fn sync(browser: &Browser) {
    browser.click("#sync").await;
    browser
        .wait_for_text("#sync-status", |t| {
            t.contains("未同步 0 条") && !t.contains("失败")
        })
        .await;
}

/// Polls until `check` holds for the browser's answer to `expression`.
async fn wait_eval(
    browser: &Browser,
    expression: &str,
    check: impl Fn(&serde_json::Value) -> bool,
) {
    eventually(expression, async || browser.eval(expression).await, check).await;
}

/// Polls the server's projection of `facility` until `check` holds.
async fn projection(
    server: &TestServer,
    facility: FacilityId,
    check: impl Fn(&FacilityProjection) -> bool,
) -> FacilityProjection {
    let read = async || {
        server
            .storage()
            .read(|tx| tx.projection(&facility.to_string()))
            .unwrap()
    };
    eventually("projection", read, |found| {
        found.as_ref().is_some_and(&check)
    })
    .await
    .expect("accepted only when present")
}

fn entry_state(p: &FacilityProjection) -> &str {
    &p.visits[0].entry_state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn return_correct_resubmit_approve_and_sign_off() {
    let (mut server, kaiyun, _) = county().await;
    // 1. An inspector's phone submits a visit.
    let (facility, visit) = inspector_submits(&server, "wang", kaiyun, NAME).await;
    projection(&server, facility, |p| entry_state(p) == "submitted").await;

    // 2. The lead finds it in the queue and returns it with a comment.
    let lead = phone(&server, "zhou").await;
    lead.wait_for_text("#nav-review", |t| t.contains("待审 1"))
        .await;
    lead.click("#nav-review").await;
    lead.wait_for_text("#review-queue", |t| t.contains(NAME))
        .await;
    assert_eq!(lead.text_of("#count-new strong").await, "1");
    lead.screenshot("review-1-lead-queue").await;
    lead.click("#review-queue li.review-row a.open-review")
        .await;
    lead.wait_for_text("#review-state", |t| t.contains("已提交"))
        .await;
    lead.wait_for_text("#level-panel", |t| t.contains("R2"))
        .await;
    // What the inspector recorded, read-only.
    wait_eval(
        &lead,
        "(b => b && b.disabled && b.getAttribute('aria-pressed'))(document.querySelector('#v-findings-solvency-insolvent'))",
        |v| v == &serde_json::json!("true"),
    )
    .await;
    lead.screenshot("review-2-lead-entry").await;
    let comment = "请补充预付费涉及人数";
    lead.fill("#return-comment", comment).await;
    lead.click("#return").await;
    lead.wait_for_text("#review-state", |t| t.contains("已退回"))
        .await;
    sync(&lead).await;
    projection(&server, facility, |p| entry_state(p) == "returned").await;
    lead.screenshot("review-3-lead-returned").await;

    // 3. The inspector's browser syncs the comment, then loses the network.
    let inspector = phone(&server, "wang").await;
    inspector
        .wait_for_text("#facility-list", |t| {
            t.contains(NAME) && t.contains("已退回")
        })
        .await;
    server.stop().await;
    inspector.client.refresh().await.unwrap();
    let visit_page = format!("/facility/{facility}/visit/{visit}");
    goto(&inspector, &server, &visit_page).await;
    inspector
        .wait_for_text("#returned-banner", |t| t.contains(comment))
        .await;
    inspector
        .screenshot("review-4-inspector-offline-comment")
        .await;
    // Corrects the entry and resubmits, still offline.
    inspector.click("#step-tab-2").await;
    inspector.fill("#v-findings-prepayment-persons", "35").await;
    inspector.click("#step-tab-5").await;
    inspector.fill("#reply", "已补充：涉及 35 人").await;
    inspector.click("#submit").await;
    inspector
        .wait_for_text("#entry-state", |t| t.contains("已重新提交"))
        .await;
    inspector
        .screenshot("review-5-inspector-resubmitted-offline")
        .await;
    server.restart().await;
    goto(&inspector, &server, "/").await;
    sync(&inspector).await;
    projection(&server, facility, |p| entry_state(p) == "resubmitted").await;

    // 4. The lead sees the resubmission and the reply, lowers the level with
    // a reason (both levels kept), approves, and signs the tables.
    sync(&lead).await;
    lead.wait_for_text("#review-state", |t| t.contains("已重新提交"))
        .await;
    lead.wait_for_text("#review-thread", |t| t.contains("涉及 35 人"))
        .await;
    lead.click("#decide-level-orange").await;
    lead.text_of("#level-reason-error").await;
    lead.click("#approve").await;
    lead.wait_for_text("#decision-error", |t| t.contains("理由"))
        .await;
    lead.fill("#level-reason", "已签订退费协议，正在分期清退")
        .await;
    lead.click("#approve").await;
    lead.wait_for_text("#review-state", |t| t.contains("已通过"))
        .await;
    lead.screenshot("review-6-lead-approved").await;
    lead.click("#back").await;
    lead.wait_for_text("#signoff-summary", |t| t.contains("待签字 1 家"))
        .await;
    lead.click("#sign-off").await;
    lead.wait_for_text("#signoff-summary", |t| t.contains("已签字 1 家"))
        .await;
    sync(&lead).await;
    lead.screenshot("review-7-lead-signed").await;

    let done = projection(&server, facility, |p| {
        entry_state(p) == "approved" && p.facility.annex.review.signed_off_at.is_some()
    })
    .await;
    assert_eq!(
        done.facility.computed_level,
        mopai_shared::model::RiskLevel::Red
    );
    assert_eq!(
        done.facility.confirmed_level,
        Some(mopai_shared::model::RiskLevel::Orange)
    );
    assert_eq!(
        done.facility.effective_level,
        mopai_shared::model::RiskLevel::Orange
    );
    assert_eq!(
        done.facility.annex.review.level_reason,
        "已签订退费协议，正在分期清退"
    );
    lead.close().await;
    inspector.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflict_settled_by_the_lead_reaches_every_device() {
    let (server, kaiyun, _) = county().await;
    let mut wang = device(&server, "wang").await;
    let mut li = device(&server, "li").await;
    let facility = FacilityId::random();
    let mut body = Facility::default();
    body.profile.name = NAME.into();
    let id = wang.create(DocId::facility(facility), Scope::Township(kaiyun), &body);
    wang.sync().await.unwrap();
    li.sync().await.unwrap();
    // Offline, both record a different number of beds; then both sync.
    wang.edit::<Facility>(&id, |f| f.profile.beds = Some(80));
    li.edit::<Facility>(&id, |f| f.profile.beds = Some(120));
    wang.sync().await.unwrap();
    li.sync().await.unwrap();
    wang.sync().await.unwrap();
    assert!(!conflicts(&wang.replicas[&id].doc).is_empty());

    let lead = phone(&server, "zhou").await;
    goto(&lead, &server, "/review").await;
    let beds = "#conflict-queue li.conflict[data-path='body.profile.beds']";
    lead.wait_for_text(beds, |t| t.contains("80") && t.contains("120"))
        .await;
    lead.screenshot("conflict-1-lead-sees-both").await;
    lead.click(&format!("{beds} button.pick-value[data-text='120']"))
        .await;
    wait_eval(
        &lead,
        "document.querySelector('#conflict-queue') === null",
        |v| v == &serde_json::json!(true),
    )
    .await;
    sync(&lead).await;
    lead.screenshot("conflict-2-lead-picked").await;

    for phone in [&mut wang, &mut li] {
        phone.sync().await.unwrap();
        let body = phone.body::<Facility>(&id).unwrap();
        assert_eq!(body.profile.beds, Some(120));
        assert!(conflicts(&phone.replicas[&id].doc).is_empty());
    }
    goto(&lead, &server, &format!("/facility/{facility}")).await;
    wait_eval(
        &lead,
        "document.querySelector('#f-profile-beds')?.value ?? null",
        |v| v == &serde_json::json!("120"),
    )
    .await;
    assert_eq!(
        lead.eval("document.querySelector('#conflicts') === null")
            .await,
        serde_json::json!(true)
    );
    lead.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_sees_only_the_own_township_and_keeps_its_work_log() {
    let (server, kaiyun, baiguo) = county().await;
    inspector_submits(&server, "wang", kaiyun, NAME).await;
    let (elsewhere, elsewhere_visit) =
        inspector_submits(&server, "chen", baiguo, "白果镇福寿园").await;

    let lead = phone(&server, "zhou").await;
    lead.wait_for_text("#nav-review", |t| t.contains("待审 1"))
        .await;
    let home = lead.text_of("#facility-list").await;
    assert!(home.contains(NAME) && !home.contains("福寿园"), "{home}");
    lead.click("#nav-review").await;
    let queue = lead
        .wait_for_text("#review-queue", |t| t.contains(NAME))
        .await;
    assert!(!queue.contains("福寿园"), "{queue}");
    for path in [
        format!("/facility/{elsewhere}"),
        format!("/review/{elsewhere}/{elsewhere_visit}"),
    ] {
        goto(&lead, &server, &path).await;
        lead.text_of("#not-found").await;
    }
    lead.screenshot("scope-1-other-township-not-found").await;

    // The work log: plan, a group member, one publicity activity.
    goto(&lead, &server, "/").await;
    lead.click("#nav-township-log").await;
    lead.fill("#plan-title", "开云镇养老服务领域诈骗风险隐患摸排工作方案")
        .await;
    lead.click("#add-member").await;
    lead.fill("#m1-name", "周建国").await;
    lead.click("#m1-group_role-leader").await;
    lead.eval(
        "(() => { const d = document.querySelector('#new-activity-date');
                  d.value = '2022-01-12';
                  d.dispatchEvent(new Event('change', { bubbles: true }));
                  return true; })()",
    )
    .await;
    lead.click("#new-activity-venue_type-square").await;
    lead.fill("#new-activity-venue", "开云镇文化广场").await;
    lead.fill("#new-activity-participants", "120").await;
    lead.click("#add-activity").await;
    lead.wait_for_text("#activity-totals", |t| t.contains("共 1 场，参加 120 人次"))
        .await;
    lead.wait_for_text("#members", |t| t.contains("1 人")).await;
    sync(&lead).await;
    lead.screenshot("scope-2-township-log").await;

    let logs = eventually(
        "township log projected",
        async || server.storage().read(|tx| tx.township_logs()).unwrap(),
        |logs| logs.iter().any(|r| r.township == kaiyun.to_string()),
    )
    .await;
    let row = logs
        .iter()
        .find(|r| r.township == kaiyun.to_string())
        .expect("found");
    assert_eq!((row.activities, row.participants), (1, 120));
    lead.close().await;
}
