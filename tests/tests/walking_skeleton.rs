//! The whole path, end to end, in a real browser: page served by the server,
//! installed service worker, offline reload (the bar keeps the last sync
//! time, the badge says the server cannot be reached), a document created
//! offline, synced when the server is back, and read by a second client.
//!
//! The inspector logs in once online; everything after that works offline.

use mopai_shared::model::Facility;
use mopai_shared::roles::Role;
use mopai_tests::browser::Browser;
use mopai_tests::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_page_creates_a_document_that_a_second_client_reads_after_sync() {
    let mut server = TestServer::start().await;
    server.add_townships(&["开云镇"]);
    server.add_user("wang", Role::Inspector, Some("开云镇"), "wang-password");
    let browser = Browser::start().await;
    let page = &browser.client;

    // 1. Load the page, log in, and wait for the service worker to control it.
    page.goto(&server.url("/")).await.unwrap();
    browser.fill("#username", "wang").await;
    browser.fill("#password", "wang-password").await;
    browser.click("#login-submit").await;
    browser
        .wait_for_text("#who", |t| t.contains("开云镇"))
        .await;
    browser.wait_for_service_worker().await;
    browser.screenshot("skeleton-1-online").await;

    // 2. Take the network away and reload: the shell comes from the service worker.
    server.stop().await;
    assert!(
        reqwest::get(server.url("/healthz")).await.is_err(),
        "server still answers after stop"
    );
    page.refresh().await.unwrap();
    let title = browser.text_of("h1").await;
    assert_eq!(title, "摸排");
    // The bar still says when the phone last synced (kept in IndexedDB),
    // and the badge says the server, not the network, is missing once the
    // sync at start gets no answer.
    let status = browser
        .wait_for_text("#sync-status", |t| t.contains("上次同步"))
        .await;
    assert!(!status.contains("尚未同步"), "sync status: {status}");
    browser
        .wait_for_text("#online", |t| t.contains("服务器无法连接"))
        .await;
    browser.screenshot("skeleton-2-offline-reload").await;

    // 3. Create a facility offline, from the list's "new" page.
    let name = "离线新建·夕阳红养老院";
    browser.click("#new-facility").await;
    browser.fill("#new-name", name).await;
    browser.click("#create").await;
    browser
        .wait_for_text("#facility-name", |t| t.contains(name))
        .await;
    page.goto(&server.url("/")).await.unwrap();
    browser
        .wait_for_text("#facility-list", |t| t.contains(name))
        .await;
    assert_eq!(
        browser
            .eval("document.querySelectorAll('#facility-list li.facility-row .unsynced').length")
            .await,
        serde_json::json!(1),
        "the new facility is marked unsynced"
    );
    // It is in IndexedDB, not only on screen: reload offline and it is still there.
    page.refresh().await.unwrap();
    browser
        .wait_for_text("#facility-list", |t| t.contains(name))
        .await;
    browser.screenshot("skeleton-3-created-offline").await;

    // 4. Bring the server back and sync.
    server.restart().await;
    browser.click("#sync").await;
    let status = browser
        .wait_for_text("#sync-status", |t| {
            t.contains("上次同步") || t.contains("失败")
        })
        .await;
    assert!(status.contains("未同步 0 条"), "sync status: {status}");
    browser.screenshot("skeleton-4-synced").await;

    // 5. A second client, logged in as county staff (who read every
    // township), reads the document back from the server.
    server.add_user("county", Role::CountyStaff, None, "second-client");
    let mut second = server.phone("county", "second-client").await;
    second.sync().await.expect("second client syncs");
    let facility_ids: Vec<String> = second
        .replicas
        .keys()
        .filter(|id| id.starts_with("facility:"))
        .cloned()
        .collect();
    let names: Vec<String> = facility_ids
        .iter()
        .filter_map(|id| second.body::<Facility>(id))
        .map(|f| f.profile.name)
        .collect();
    assert_eq!(names, vec![name.to_string()]);

    browser.close().await;
    server.stop().await;
}
