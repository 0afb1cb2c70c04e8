//! The county dashboard in a real browser at 360×740: county staff open
//! `/dashboard`, an inspector's phone syncs a visit that makes a facility
//! red, and the lead appears in the live feed (`#lead-feed`) with an unread
//! count, without a reload (a bounded wait on the page, never a sleep); then
//! the zip of all five annex tables is downloaded and its blob size checked.
//!
//! Screenshots go to `artifacts/screenshots/` (not committed).

use mopai_shared::doc::Scope;
use mopai_shared::ids::{DocId, FacilityId, VisitId};
use mopai_shared::model::{Category, Facility, Method, Phase, Timestamp, Visit};
use mopai_tests::browser::Browser;
use mopai_tests::county;

#[tokio::test]
async fn county_staff_see_a_red_lead_live_and_download_the_zip() {
    let (server, townships, inspectors, _) = county::accounts().await;

    let browser = Browser::start().await;
    browser.client.goto(&server.url("/")).await.unwrap();
    browser.login("staff", county::PASSWORD).await;
    browser.click("#nav-dashboard").await;
    browser.text_of("#township-table").await;
    // `live`: the stream is subscribed and the (empty) list is loaded, so
    // what appears next can only come from a `lead` event.
    browser
        .wait_for_text("#lead-feed-status", |t| t.contains("已连接"))
        .await;
    assert_eq!(browser.text_of("#unread-count").await, "0");
    let rows = browser
        .eval("document.querySelectorAll('#township-table tbody tr[data-township]').length")
        .await;
    assert_eq!(rows, serde_json::json!(2));
    browser.screenshot("dashboard-01-empty").await;

    // An inspector's phone syncs a visit that suspects fraud: red (R1).
    let mut phone = county::device(&server, "insp-a").await;
    let id = FacilityId::random();
    let mut body = Facility {
        category: Some(Category::UnfiledInstitution),
        ..Facility::default()
    };
    body.profile.name = "福满堂颐养中心".into();
    let mut visit = Visit::new(VisitId::random(), inspectors[0]);
    visit.phase = Some(Phase::FullSurvey);
    visit.method = Some(Method::OnSite);
    visit.arrived_at = "2022-01-12T09:00:00+08:00".parse::<Timestamp>().ok();
    visit.submitted_at = "2022-01-12T11:00:00+08:00".parse::<Timestamp>().ok();
    visit.findings.suspected_fraud = Some(true);
    visit.findings.suspected_fraud_basis = "以高额返利诱导老人预交养老费".into();
    body.visits.push(visit);
    phone.create(DocId::facility(id), Scope::Township(townships[0]), &body);
    phone.sync().await.expect("inspector sync");

    let selector = format!("#lead-feed li.lead[data-facility='{id}']");
    let text = browser
        .wait_for_text(&selector, |t| t.contains("福满堂颐养中心"))
        .await;
    assert!(text.contains(county::TOWNSHIPS[0]), "{text}");
    let level = browser
        .eval(&format!(
            "document.querySelector(\"{selector}\").dataset.level"
        ))
        .await;
    assert_eq!(level, serde_json::json!("red"));
    assert_eq!(browser.text_of("#unread-count").await, "1");
    // The counts refresh with the lead: one red in the level totals.
    browser
        .wait_for_text("#level-totals td[data-level='red']", |t| t == "1")
        .await;
    browser.screenshot("dashboard-02-lead").await;

    // Viewing the feed marks it read.
    browser.click("#unread-count").await;
    browser.wait_for_text("#unread-count", |t| t == "0").await;

    // The zip of all five tables: fetched with the token, saved as a blob.
    browser.click("#export-zip").await;
    let status = browser
        .wait_for_text("#download-status", |t| t.contains("已下载"))
        .await;
    assert!(status.contains(".zip"), "{status}");
    let bytes = browser
        .eval("Number(document.querySelector('#download-status').dataset.bytes)")
        .await;
    assert!(
        bytes.as_f64().unwrap_or(0.0) > 0.0,
        "zip blob size: {bytes}"
    );
    browser.screenshot("dashboard-03-zip").await;

    browser.close().await;
}
