//! The 一院一策 plan and county staff's online checks in a real browser at
//! 360×740 (issue 9):
//!
//! - a township lead opens the plan of a red facility from its page, finds
//!   the measures pre-filled for red, sets the responsible unit and person
//!   and a deadline already past, ticks a measure done and records progress;
//!   the page and the review queue flag the plan overdue, and after a sync
//!   the server's facility list, dashboard roll-up and annex table 3 carry it;
//! - county staff add an online check: the page refuses an incomplete one
//!   with Chinese messages, then a blacklist finding raises the level shown
//!   on the phone at once, and after a sync the server computes orange (O3).
//!
//! The inspectors' phones are native [`Device`](mopai_tests::device::Device)s.
//! Screenshots go to `artifacts/screenshots/` (not committed).

use mopai_shared::dashboard::{Dashboard, FacilityListRow};
use mopai_shared::doc::Scope;
use mopai_shared::ids::{DocId, FacilityId, TownshipId, UserId, VisitId};
use mopai_shared::model::{Category, Facility, Method, Phase, RiskLevel, Timestamp, Visit};
use mopai_tests::browser::Browser;
use mopai_tests::county::{self, PASSWORD};
use mopai_tests::server::TestServer;
use mopai_tests::wait::eventually;
use serde_json::json;

/// `insp-a`'s phone syncs a facility of 城关镇 with one submitted visit;
/// `findings` says what the visit found.
async fn seed(
    server: &TestServer,
    township: TownshipId,
    inspector: UserId,
    name: &str,
    findings: impl FnOnce(&mut Visit),
) -> FacilityId {
    let mut phone = county::device(server, "insp-a").await;
    let id = FacilityId::random();
    let mut body = Facility {
        category: Some(Category::UnfiledInstitution),
        ..Facility::default()
    };
    body.profile.name = name.into();
    let mut visit = Visit::new(VisitId::random(), inspector);
    visit.phase = Some(Phase::FullSurvey);
    visit.method = Some(Method::OnSite);
    visit.arrived_at = "2022-01-12T09:00:00+08:00".parse::<Timestamp>().ok();
    visit.submitted_at = "2022-01-12T11:00:00+08:00".parse::<Timestamp>().ok();
    findings(&mut visit);
    body.visits.push(visit);
    phone.create(DocId::facility(id), Scope::Township(township), &body);
    phone.sync().await.expect("inspector sync");
    id
}

/// A browser logged in as `username`, on the page of `facility` once the
/// first sync has brought it to the phone.
async fn open_facility(server: &TestServer, username: &str, facility: FacilityId) -> Browser {
    let browser = Browser::start().await;
    browser.client.goto(&server.url("/")).await.unwrap();
    browser.login(username, PASSWORD).await;
    browser
        .click(&format!(
            "#facility-list li.facility-row[data-id='{facility}'] a.open-facility"
        ))
        .await;
    browser.text_of("#facility-name").await;
    browser
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

async fn attr(browser: &Browser, css: &str, expression: &str) -> serde_json::Value {
    browser
        .eval(&format!(
            "(e => e && {expression})(document.querySelector({}))",
            json!(css)
        ))
        .await
}

/// Polls `GET path` with `token` until `check` holds for the JSON answer.
async fn poll<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    server: &TestServer,
    path: &str,
    token: &str,
    check: impl Fn(&T) -> bool,
) -> T {
    eventually(
        path,
        async || server.get_json::<T>(path, token).await.1,
        |found| found.as_ref().is_some_and(&check),
    )
    .await
    .expect("accepted only when present")
}

fn row(rows: &[FacilityListRow], id: FacilityId) -> Option<&FacilityListRow> {
    rows.iter().find(|r| r.id == id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_fills_in_a_red_plan_that_goes_overdue() {
    let (server, townships, inspectors, _) = county::accounts().await;
    let facility = seed(
        &server,
        townships[0],
        inspectors[0],
        "福满堂颐养中心",
        |v| {
            v.findings.suspected_fraud = Some(true);
            v.findings.suspected_fraud_basis = "以高额返利诱导老人预交养老费".into();
        },
    )
    .await;

    let lead = open_facility(&server, "lead-a", facility).await;
    lead.click("#open-plan").await;
    lead.wait_for_text("#plan-title", |t| t.contains("福满堂颐养中心"))
        .await;
    // Red: report, 处非, resettle residents, hand to the police; not stored yet.
    lead.text_of("#plan-prefilled").await;
    let kinds = lead
        .eval("[...document.querySelectorAll('#plan-measures li.measure')].map(li => li.dataset.kind)")
        .await;
    assert_eq!(
        kinds,
        json!([
            "report_county",
            "anti_fraud_mechanism",
            "resettle_residents",
            "transfer_police"
        ])
    );
    assert_eq!(
        attr(&lead, "#plan-level", "e.dataset.level").await,
        json!("red")
    );
    assert_eq!(
        attr(&lead, "#plan-status", "e.dataset.status").await,
        json!("not_started")
    );
    lead.screenshot("plan-1-prefilled").await;

    lead.fill("#plan-unit", "城关镇人民政府").await;
    lead.fill("#plan-person", "李明").await;
    lead.set_value("#plan-deadline", "2022-01-20").await;
    lead.click("#plan-measures li.measure[data-kind='report_county'] input.measure-done")
        .await;
    lead.wait_for_text("#measures-count", |t| t.contains("1/4"))
        .await;
    lead.fill("#progress-text", "已约谈机构负责人，责令停止收取预付费")
        .await;
    lead.click("#add-progress").await;
    lead.wait_for_text("#progress-list", |t| t.contains("已约谈机构负责人"))
        .await;
    lead.wait_for_text("#plan-status", |t| t == "已逾期").await;
    lead.wait_for_text("#plan-overdue", |t| t.contains("2022-01-20"))
        .await;
    assert!(
        lead.eval("!!document.querySelector('#plan-prefilled')")
            .await
            == json!(false)
    );
    lead.screenshot("plan-2-overdue").await;
    sync(&lead).await;

    // The server's list, roll-up and annex table 3 carry the plan.
    let staff = server.token("staff", PASSWORD).await;
    let rows: Vec<FacilityListRow> = poll(
        &server,
        "/api/facilities",
        &staff,
        |rows: &Vec<FacilityListRow>| row(rows, facility).is_some_and(|r| r.plan.overdue),
    )
    .await;
    let plan = &row(&rows, facility).expect("listed").plan;
    assert_eq!((plan.measures, plan.measures_done), (4, 1));
    assert_eq!(plan.responsible_unit, "城关镇人民政府");
    assert_eq!(plan.responsible_person, "李明");
    assert_eq!(
        plan.deadline.map(|d| d.to_string()).as_deref(),
        Some("2022-01-20")
    );
    assert_eq!(plan.resolved_on, None);
    let dashboard: Dashboard = poll(&server, "/api/dashboard", &staff, |_: &Dashboard| true).await;
    assert_eq!(dashboard.total.disposal.plans_overdue, 1);
    let table3 = reqwest::Client::new()
        .get(server.url("/api/export/3.csv"))
        .bearer_auth(&staff)
        .send()
        .await
        .expect("GET table 3")
        .text()
        .await
        .expect("csv");
    let line = table3
        .lines()
        .find(|l| l.contains("福满堂颐养中心"))
        .unwrap_or_else(|| panic!("facility in table 3: {table3}"));
    for text in [
        "城关镇人民政府",
        "李明",
        "2022-01-20",
        "报告县民政局养老股",
        "已逾期",
        "已约谈机构负责人",
    ] {
        assert!(line.contains(text), "{text} in {line}");
    }

    // The lead's queue flags it too.
    lead.client.goto(&server.url("/review")).await.unwrap();
    let selector = format!("#plan-list li.plan-row.overdue[data-facility='{facility}']");
    lead.wait_for_text(&selector, |t| t.contains("已逾期"))
        .await;
    lead.wait_for_text("#review-queue", |t| t.contains("一院一策逾期"))
        .await;
    lead.screenshot("plan-3-queue").await;
    lead.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn county_staff_record_a_blacklist_check_that_raises_the_level() {
    let (server, townships, inspectors, _) = county::accounts().await;
    let facility = seed(
        &server,
        townships[0],
        inspectors[0],
        "康宁老年公寓",
        |v| {
            v.findings.prepayment.collected = Some(false);
            v.findings.operations_stable = Some(true);
        },
    )
    .await;
    let staff_token = server.token("staff", PASSWORD).await;
    let level = |rows: &Vec<FacilityListRow>| row(rows, facility).map(|r| r.computed_level);
    let rows = poll(&server, "/api/facilities", &staff_token, |rows| {
        level(rows).is_some()
    })
    .await;
    assert_eq!(level(&rows), Some(RiskLevel::Green));

    let staff = open_facility(&server, "staff", facility).await;
    staff.click("#open-checks").await;
    staff
        .wait_for_text("#checks-title", |t| t.contains("康宁老年公寓"))
        .await;
    assert_eq!(
        attr(&staff, "#checks-level", "e.dataset.level").await,
        json!("green")
    );

    // Nothing chosen: every missing field is named, nothing is saved.
    staff.click("#add-check").await;
    let summary = staff.text_of("#check-errors").await;
    assert!(summary.contains("请选择核查来源"), "{summary}");
    assert!(summary.contains("请选择核查结果"), "{summary}");
    assert_eq!(staff.text_of("#check-subject-error").await, "必填项未填写");

    // A blacklist finding needs its reference.
    staff.click("#check-source-credit_china").await;
    staff.fill("#check-subject", "康宁老年公寓运营公司").await;
    staff.click("#check-finding-blacklist_elderly_care").await;
    staff
        .fill("#check-detail", "2021年列入养老服务领域失信名单")
        .await;
    staff.click("#add-check").await;
    staff
        .wait_for_text("#check-reference-error", |t| t.contains("须填写出处"))
        .await;
    staff.screenshot("checks-1-errors").await;
    staff
        .fill("#check-reference", "湘民养〔2021〕黑名单第12号")
        .await;
    staff.click("#add-check").await;
    staff.text_of("#check-done").await;
    staff
        .wait_for_text("#online-checks", |t| t.contains("列入养老服务领域黑名单"))
        .await;
    // The phone's own classification follows at once: O3, orange.
    staff
        .wait_for_text("#checks-rules", |t| t.contains("O3"))
        .await;
    assert_eq!(
        attr(&staff, "#checks-level", "e.dataset.level").await,
        json!("orange")
    );
    staff.screenshot("checks-2-saved").await;
    sync(&staff).await;

    let rows = poll(&server, "/api/facilities", &staff_token, |rows| {
        level(rows) == Some(RiskLevel::Orange)
    })
    .await;
    let listed = row(&rows, facility).expect("listed");
    assert!(listed.fired.iter().any(|r| r == "O3"), "{:?}", listed.fired);
    assert_eq!(listed.effective_level, RiskLevel::Orange);
    staff.close().await;
}
