//! Photos by content hash: verified on receipt, idempotent, size-limited,
//! and readable only where they belong.

use mopai_server::Config;
use mopai_shared::roles::Role;
use mopai_tests::server::TestServer;
use sha2::{Digest, Sha256};

/// A server with two townships, an inspector in each, and county staff;
/// returns the tokens (开云镇 inspector, 白果镇 inspector, county staff).
async fn county() -> (TestServer, [String; 3]) {
    let server = TestServer::start().await;
    server.add_townships(&["开云镇", "白果镇"]);
    server.add_user("wang", Role::Inspector, Some("开云镇"), "pw-wang-123");
    server.add_user("li", Role::Inspector, Some("白果镇"), "pw-li-1234");
    server.add_user("zhao", Role::CountyStaff, None, "pw-zhao-123");
    let tokens = [
        server.token("wang", "pw-wang-123").await,
        server.token("li", "pw-li-1234").await,
        server.token("zhao", "pw-zhao-123").await,
    ];
    (server, tokens)
}

fn photo(seed: u8, len: usize) -> (String, Vec<u8>) {
    let bytes: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ seed)
        .collect();
    (hex::encode(Sha256::digest(&bytes)), bytes)
}

async fn put(server: &TestServer, token: &str, hash: &str, mime: &str, body: Vec<u8>) -> u16 {
    reqwest::Client::new()
        .put(server.url(&format!("/api/blobs/{hash}")))
        .bearer_auth(token)
        .header("content-type", mime)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn status(server: &TestServer, token: &str, method: reqwest::Method, hash: &str) -> u16 {
    reqwest::Client::new()
        .request(method, server.url(&format!("/api/blobs/{hash}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn upload_is_verified_idempotent_and_read_back() {
    let (server, [wang, _, _]) = county().await;
    let (hash, bytes) = photo(1, 200_000);
    assert_eq!(
        status(&server, &wang, reqwest::Method::HEAD, &hash).await,
        404
    );

    // A cut upload does not match its hash: refused, nothing stored.
    assert_eq!(
        put(&server, &wang, &hash, "image/jpeg", bytes[..1000].to_vec()).await,
        400
    );
    assert_eq!(
        status(&server, &wang, reqwest::Method::HEAD, &hash).await,
        404
    );

    // Sending it again, whole, stores it; a repeat is a harmless 200.
    assert_eq!(
        put(&server, &wang, &hash, "image/jpeg", bytes.clone()).await,
        201
    );
    assert_eq!(
        put(&server, &wang, &hash, "image/jpeg", bytes.clone()).await,
        200
    );
    assert_eq!(
        status(&server, &wang, reqwest::Method::HEAD, &hash).await,
        200
    );

    let got = reqwest::Client::new()
        .get(server.url(&format!("/api/blobs/{hash}")))
        .bearer_auth(&wang)
        .send()
        .await
        .unwrap();
    assert_eq!(got.headers()["content-type"], "image/jpeg");
    assert_eq!(got.bytes().await.unwrap().to_vec(), bytes);
}

#[tokio::test]
async fn photos_are_readable_only_by_their_township_and_the_county() {
    let (server, [wang, li, zhao]) = county().await;
    let (hash, bytes) = photo(4, 5000);
    assert_eq!(put(&server, &wang, &hash, "image/png", bytes).await, 201);
    let get = reqwest::Method::GET;
    assert_eq!(status(&server, &wang, get.clone(), &hash).await, 200);
    assert_eq!(status(&server, &zhao, get.clone(), &hash).await, 200);
    assert_eq!(
        status(&server, &li, get.clone(), &hash).await,
        404,
        "other township"
    );
    assert_eq!(
        status(&server, "no-such-token", get.clone(), &hash).await,
        401
    );
    let anonymous = reqwest::Client::new()
        .put(server.url(&format!("/api/blobs/{hash}")))
        .header("content-type", "image/png")
        .body(vec![1, 2, 3])
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn bad_hashes_types_and_sizes_are_refused() {
    let (server, [wang, _, _]) = county().await;
    let (hash, bytes) = photo(2, 100);
    assert_eq!(
        put(&server, &wang, "not-hex", "image/jpeg", bytes.clone()).await,
        400
    );
    assert_eq!(
        put(&server, &wang, &hash, "text/html", bytes.clone()).await,
        400
    );
    assert_eq!(
        status(&server, &wang, reqwest::Method::GET, "abc").await,
        400
    );

    let limit = Config::for_data_dir(".").max_blob_bytes;
    let (big_hash, big) = photo(3, limit + 1);
    assert_eq!(put(&server, &wang, &big_hash, "image/jpeg", big).await, 413);
    assert_eq!(
        status(&server, &wang, reqwest::Method::HEAD, &big_hash).await,
        404
    );
}
