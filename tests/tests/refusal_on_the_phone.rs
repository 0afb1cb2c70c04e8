//! End to end in the browser: a document the write gate refuses (written by
//! an older version of the app, here put straight into the phone's
//! IndexedDB) is shown on its entry and in the sync bar, stays on the
//! phone, does not hold up the other entries, and once the user fixes the
//! named field the next sync stores it (the refused change and the fix).

use automerge::ActorId;
use mopai_shared::doc::{DocHeader, Scope, create, reconcile_body};
use mopai_shared::ids::{DocId, FacilityId};
use mopai_shared::model::{Category, Facility};
use mopai_shared::roles::Role;
use mopai_tests::browser::Browser;
use mopai_tests::server::TestServer;

const PASSWORD: &str = "refusal-password";

/// A facility as an older build wrote it: 200,000 beds, over the cap.
fn old_version_facility(township: mopai_shared::ids::TownshipId) -> (FacilityId, Vec<u8>) {
    let id = FacilityId::random();
    let header = DocHeader::new(DocId::facility(id), Scope::Township(township));
    let mut doc = create::<Facility>(&header, ActorId::random()).unwrap();
    let mut body = Facility {
        category: Some(Category::FiledInstitution),
        ..Facility::default()
    };
    body.profile.name = "旧版本写下的敬老院".into();
    body.profile.beds = Some(200_000);
    reconcile_body(&mut doc, &body).unwrap();
    (id, doc.save())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_entry_is_shown_kept_and_stored_once_fixed() {
    let server = TestServer::start().await;
    let township = server.add_townships(&["开云镇"])[0];
    server.add_user("wang", Role::Inspector, Some("开云镇"), PASSWORD);
    let phone = Browser::start().await;
    phone.client.goto(&server.url("/")).await.unwrap();
    phone.login("wang", PASSWORD).await;
    phone
        .wait_for_text("#sync-status", |t| t.contains("未同步 0 条"))
        .await;

    let (facility, bytes) = old_version_facility(township);
    let doc = DocId::facility(facility).to_string();
    let injected = phone
        .eval(&format!(
            "new Promise((done, fail) => {{
                const bytes = new Uint8Array([{}]);
                const open = indexedDB.open('mopai');
                open.onerror = () => fail(open.error);
                open.onsuccess = () => {{
                    const tx = open.result.transaction('docs', 'readwrite');
                    tx.objectStore('docs').put(bytes, '{doc}');
                    tx.oncomplete = () => {{ open.result.close(); done(true); }};
                    tx.onerror = () => fail(tx.error);
                }};
            }})",
            bytes
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ))
        .await;
    assert_eq!(injected, serde_json::json!(true), "{injected}");
    phone.client.refresh().await.unwrap();
    phone
        .wait_for_text("#facility-list", |t| t.contains("旧版本写下的敬老院"))
        .await;
    // A good entry made now, beside the refused one.
    let good = server.storage().read(|tx| tx.current_seq()).unwrap();

    phone.click("#sync").await;
    let refused = phone
        .wait_for_text("#refused", |t| t.contains("beds"))
        .await;
    assert!(refused.contains("数量超出合理范围"), "{refused}");
    phone.screenshot("refused-in-the-sync-bar").await;
    let stored = |id: &str| {
        server
            .storage()
            .read(|tx| tx.doc_meta(id.parse().expect("a document id")))
            .unwrap()
            .is_some()
    };
    assert!(!stored(&doc), "refused, so not stored");
    assert_eq!(
        server.storage().read(|tx| tx.current_seq()).unwrap(),
        good,
        "nothing else was pending"
    );

    // The entry says why; the user fixes the field it names.
    phone
        .client
        .goto(&server.url(&format!("/facility/{facility}")))
        .await
        .unwrap();
    let banner = phone
        .wait_for_text("#refused-entry", |t| t.contains("beds"))
        .await;
    assert!(banner.contains("仍保存在本机"), "{banner}");
    phone.set_value("#f-profile-beds", "120").await;
    phone
        .wait_for_text("#save-state", |t| t.contains("已保存"))
        .await;
    phone.client.goto(&server.url("/")).await.unwrap();
    phone.click("#sync").await;
    phone
        .wait_for_text("#sync-status", |t| t.contains("未同步 0 条"))
        .await;
    assert!(stored(&doc), "stored after the fix");
    let beds = server
        .storage()
        .read(|tx| tx.projection(&facility.to_string()))
        .unwrap()
        .expect("projected")
        .facility
        .annex
        .profile
        .beds;
    assert_eq!(beds, Some(120));
    assert!(
        phone
            .client
            .find(fantoccini::Locator::Css("#refused"))
            .await
            .is_err()
    );
    phone.close().await;
}
