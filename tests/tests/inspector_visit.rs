//! The inspector app in a real browser at 360×740: a full visit recorded
//! offline (arrival, findings, two interviews, a photo), still there after an
//! offline reload, synced when the network returns, and classified by the
//! server; and two phones editing one facility offline, both edits arriving.
//!
//! Screenshots of each step go to `artifacts/screenshots/` (not committed).

use mopai_shared::doc::Scope;
use mopai_shared::ids::{DocId, FacilityId, TownshipId};
use mopai_shared::model::{Category, Facility};
use mopai_shared::roles::Role;
use mopai_tests::browser::Browser;
use mopai_tests::device::Device;
use mopai_tests::server::TestServer;

const PASSWORD: &str = "inspector-password";

/// A township with two inspectors and a lead, and one listed facility that
/// the lead's phone has already synced.
async fn township() -> (TestServer, TownshipId, FacilityId) {
    let server = TestServer::start().await;
    let township = server.add_townships(&["开云镇"])[0];
    for (name, role) in [
        ("wang", Role::Inspector),
        ("li", Role::Inspector),
        ("zhou", Role::TownshipLead),
    ] {
        server.add_user(name, role, Some("开云镇"), PASSWORD);
    }
    let mut lead = server.phone("zhou", PASSWORD).await;
    let facility = FacilityId::random();
    let mut body = Facility {
        category: Some(Category::FiledInstitution),
        ..Facility::default()
    };
    body.profile.name = "康乐园养老院".into();
    lead.create(DocId::facility(facility), Scope::Township(township), &body);
    lead.sync().await.unwrap();
    (server, township, facility)
}

/// Logs in online, waits for the facility list and the service worker.
async fn phone_ready(server: &TestServer, username: &str) -> Browser {
    let browser = Browser::start().await;
    browser.client.goto(&server.url("/")).await.unwrap();
    browser.login(username, PASSWORD).await;
    browser
        .wait_for_text("#facility-list", |t| t.contains("康乐园养老院"))
        .await;
    browser.wait_for_service_worker().await;
    browser
}

async fn open_facility(browser: &Browser, server: &TestServer, facility: FacilityId) {
    browser
        .client
        .goto(&server.url(&format!("/facility/{facility}")))
        .await
        .unwrap();
    browser
        .wait_for_text("#facility-name", |t| t.contains("康乐园养老院"))
        .await;
}

/// Syncs from the list page (where the sync bar is) and waits for it to finish.
async fn sync_now(browser: &Browser, server: &TestServer) {
    browser.client.goto(&server.url("/")).await.unwrap();
    browser.click("#sync").await;
    wait_synced(browser).await;
}

async fn wait_synced(browser: &Browser) {
    browser
        .wait_for_text("#sync-status", |t| t.contains("未同步 0 条"))
        .await;
}

/// A small real PNG for the camera input.
fn photo_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("facility-gate.png");
    let mut png = Vec::new();
    let size = 64u32;
    let raw: Vec<u8> = (0..size)
        .flat_map(|y| {
            std::iter::once(0u8).chain((0..size).flat_map(move |x| [x as u8 * 4, y as u8 * 4, 128]))
        })
        .collect();
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    };
    png.extend(b"\x89PNG\r\n\x1a\n");
    let mut header = size.to_be_bytes().to_vec();
    header.extend(size.to_be_bytes());
    header.extend([8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib_stored(&raw));
    chunk(&mut png, b"IEND", &[]);
    std::fs::write(&path, png).unwrap();
    path
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// zlib with uncompressed deflate blocks: valid, and needs no compressor.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend(len.to_le_bytes());
        out.extend((!len).to_le_bytes());
        out.extend(*block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + byte as u32) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend(((b << 16) | a).to_be_bytes());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_visit_recorded_offline_survives_reload_and_syncs() {
    let (mut server, _township, facility) = township().await;
    let files = tempfile::tempdir().unwrap();
    let photo = photo_file(files.path());
    let phone = phone_ready(&server, "wang").await;
    open_facility(&phone, &server, facility).await;
    phone.screenshot("visit-0-facility-online").await;

    server.stop().await;
    phone.click("#new-visit").await;

    // 1. Arrival: how and when, the six 四不两直 ticks. No GPS in headless Chromium.
    phone.click("#v-phase-full_survey").await;
    phone.click("#v-method-on_site").await;
    for tick in [
        "no_notice",
        "no_greeting",
        "no_briefing",
        "no_escort",
        "straight_to_grassroots",
        "straight_to_scene",
    ] {
        phone.click(&format!("#v-attestation-{tick}")).await;
    }
    phone.click("#arrived-now").await;
    phone.screenshot("visit-1-arrival").await;
    phone.click("#next-step").await;

    // 2. Findings: a large prepayment and insolvency make R2 (red).
    phone.click("#v-findings-prepayment-collected-yes").await;
    phone
        .fill("#v-findings-prepayment-total_yuan", "600000")
        .await;
    phone.fill("#v-findings-prepayment-persons", "31").await;
    phone.click("#v-findings-solvency-insolvent").await;
    phone.screenshot("visit-2-findings").await;
    phone.click("#next-step").await;

    // 3. Two interviews, labels only.
    phone.click("#add-interview").await;
    phone.click("#add-interview").await;
    phone.fill("#i1-label", "3号床 张奶奶").await;
    phone.fill("#i2-label", "5号床 李爷爷的女儿").await;
    phone.screenshot("visit-3-interviews").await;
    phone.click("#next-step").await;

    // 4. A photo, compressed and stored on the phone.
    phone
        .fill("#photo-input", &photo.display().to_string())
        .await;
    phone.text_of("#photo-1").await;
    phone.screenshot("visit-4-photo").await;
    phone.click("#next-step").await;

    // 5. Summary: the provisional level, then submit.
    phone
        .wait_for_text("#level-panel", |t| t.contains("R2"))
        .await;
    // The profile's gaps warn once each, naming the field, and lead to the
    // profile where they are filled in.
    let listed = phone.text_of("#issues").await;
    assert!(listed.contains("必填项未填写：地址"), "{listed}");
    assert_eq!(listed.matches("备案回执号").count(), 1, "{listed}");
    phone.text_of("#issues a.go-profile").await;
    let blocked = phone
        .eval(
            "document.querySelector('#submit-blocked') \
             ? (document.querySelector('#issues')?.innerText ?? 'blocked') : ''",
        )
        .await;
    assert_eq!(
        blocked,
        serde_json::json!(""),
        "submit blocked by: {blocked}"
    );
    phone.click("#submit").await;
    phone
        .wait_for_text("#entry-state", |t| t.contains("已提交"))
        .await;
    phone.screenshot("visit-5-submitted-offline").await;

    // Reload with no network: everything is still on the phone.
    open_facility(&phone, &server, facility).await;
    let visits = phone.text_of("#visits").await;
    assert!(
        visits.contains("已提交"),
        "visit list after reload: {visits}"
    );
    let interviews = phone.text_of("#interviews").await;
    assert!(
        interviews.contains("张奶奶") && interviews.contains("李爷爷"),
        "{interviews}"
    );
    phone.text_of("#photos img").await;
    phone.screenshot("visit-6-reloaded-offline").await;

    // Online again: sync, and the photo follows.
    server.restart().await;
    sync_now(&phone, &server).await;
    phone.screenshot("visit-7-synced").await;

    // The server's projections hold the visit and its authoritative level.
    let projection = server
        .storage()
        .read(|tx| tx.projection(&facility.to_string()))
        .unwrap()
        .expect("projected");
    assert_eq!(projection.visits.len(), 1);
    assert_eq!(projection.visits[0].interviews, 2);
    assert_eq!(projection.visits[0].photos, 1);
    assert_eq!(projection.visits[0].entry_state, "submitted");
    assert_eq!(
        projection.facility.computed_level,
        mopai_shared::model::RiskLevel::Red
    );
    assert!(
        projection
            .facility
            .fired
            .contains(&mopai_shared::risk::RuleId::R2),
        "{:?}",
        projection.facility.fired
    );

    // And the photo's bytes reached the server.
    let mut county = Device::new(server.url("/api/sync"));
    server.add_user("zhao", Role::CountyStaff, None, PASSWORD);
    let login = county
        .login(&server.url("/api/login"), "zhao", PASSWORD)
        .await
        .unwrap();
    county.sync().await.unwrap();
    let synced = county
        .body::<Facility>(&DocId::facility(facility).to_string())
        .unwrap();
    let sha = &synced.visits[0].photos[0].sha256;
    // The phone uploads photos right after a sync; give it a bounded while.
    let mut status = 0;
    for _ in 0..300 {
        status = reqwest::Client::new()
            .get(server.url(&format!("/api/blobs/{sha}")))
            .bearer_auth(&login.token)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "photo uploaded after sync");
    phone.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_phones_editing_one_facility_offline_both_arrive() {
    let (mut server, _township, facility) = township().await;
    let wang = phone_ready(&server, "wang").await;
    let li = phone_ready(&server, "li").await;
    open_facility(&wang, &server, facility).await;
    open_facility(&li, &server, facility).await;

    server.stop().await;
    wang.fill("#f-profile-address", "开云镇解放路 8 号").await;
    wang.fill("#f-profile-beds", "120").await;
    li.fill("#f-profile-village", "城南社区").await;
    li.fill("#f-profile-beds", "150").await;
    for phone in [&wang, &li] {
        phone
            .wait_for_text("#save-state", |t| t.contains("已保存"))
            .await;
    }

    server.restart().await;
    for _ in 0..2 {
        for phone in [&wang, &li] {
            sync_now(phone, &server).await;
        }
    }
    li.screenshot("two-phones-li-after-sync").await;

    let mut county = Device::new(server.url("/api/sync"));
    server.add_user("zhao", Role::CountyStaff, None, PASSWORD);
    county
        .login(&server.url("/api/login"), "zhao", PASSWORD)
        .await
        .unwrap();
    county.sync().await.unwrap();
    let id = DocId::facility(facility).to_string();
    let merged = county.body::<Facility>(&id).unwrap();
    assert_eq!(merged.profile.address, "开云镇解放路 8 号");
    assert_eq!(merged.profile.village, "城南社区");
    let conflicts = mopai_shared::doc::conflicts(&county.replicas[&id].doc);
    assert!(
        conflicts
            .iter()
            .any(|c| c.path.to_string().ends_with("beds")),
        "both bed counts kept for the lead: {conflicts:?}"
    );
    // The phone shows the disagreement too.
    open_facility(&li, &server, facility).await;
    li.wait_for_text("#conflicts", |t| t.contains("120") && t.contains("150"))
        .await;
    li.screenshot("two-phones-conflict-shown").await;
    wang.close().await;
    li.close().await;
}
