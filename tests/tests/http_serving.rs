//! How the server serves the embedded client and refuses bad sync bodies:
//! content types, precompressed bodies, cache headers, limits, HTTPS.

use std::sync::Arc;

use mopai_server::Config;
use mopai_tests::server::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn get(server: &TestServer, path: &str, accept_encoding: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(server.url(path))
        .header("accept-encoding", accept_encoding)
        .send()
        .await
        .expect("GET")
}

/// The hashed wasm file named by the built index.html.
async fn wasm_path(server: &TestServer) -> String {
    let index = get(server, "/", "identity").await.text().await.unwrap();
    let boot = index
        .split('"')
        .find(|s| s.starts_with("/assets/boot-"))
        .expect("index.html names the boot script: run `cargo xtask build-client` first");
    let boot_js = get(server, boot, "identity").await.text().await.unwrap();
    boot_js
        .split('"')
        .find(|s| s.ends_with("_bg.wasm"))
        .expect("boot script names the wasm")
        .to_string()
}

#[tokio::test]
async fn health_answers() {
    let server = TestServer::start().await;
    let health: mopai_shared::api::Health = reqwest::get(server.url("/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health.status, "ok");
}

#[tokio::test]
async fn index_is_revalidated_and_hashed_assets_are_immutable() {
    let server = TestServer::start().await;
    let index = get(&server, "/", "identity").await;
    assert_eq!(index.status(), 200);
    assert_eq!(index.headers()["cache-control"], "no-cache");
    assert!(
        index.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(index.headers().contains_key("content-security-policy"));
    assert_eq!(index.headers()["x-content-type-options"], "nosniff");

    let wasm = get(&server, &wasm_path(&server).await, "identity").await;
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(!wasm.headers().contains_key("content-encoding"));
}

#[tokio::test]
async fn precompressed_bodies_follow_accept_encoding() {
    let server = TestServer::start().await;
    let path = wasm_path(&server).await;
    let plain = get(&server, &path, "identity").await.bytes().await.unwrap();
    let br = get(&server, &path, "gzip, deflate, br").await;
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["vary"], "accept-encoding");
    let br_len = br.bytes().await.unwrap().len();
    let gz = get(&server, &path, "gzip").await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let gz_len = gz.bytes().await.unwrap().len();
    assert!(
        br_len < gz_len && gz_len < plain.len(),
        "{br_len} {gz_len} {}",
        plain.len()
    );
}

#[tokio::test]
async fn app_routes_load_the_shell_and_unknown_files_are_404() {
    let server = TestServer::start().await;
    let route = get(&server, "/facilities/abc", "identity").await;
    assert_eq!(route.status(), 200);
    assert!(route.text().await.unwrap().contains("<!doctype html>"));
    assert_eq!(get(&server, "/nothing.js", "identity").await.status(), 404);
    assert_eq!(get(&server, "/api/nothing", "identity").await.status(), 404);
}

#[tokio::test]
async fn manifest_and_service_worker_are_served() {
    let server = TestServer::start().await;
    let manifest = get(&server, "/manifest.webmanifest", "identity").await;
    assert_eq!(
        manifest.headers()["content-type"],
        "application/manifest+json"
    );
    let manifest: serde_json::Value = manifest.json().await.unwrap();
    assert_eq!(manifest["display"], "standalone");
    assert_eq!(manifest["start_url"], "/");
    let sizes: Vec<&str> = manifest["icons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sizes"].as_str().unwrap())
        .collect();
    assert_eq!(sizes, ["192x192", "512x512"]);
    let sw = get(&server, "/sw.js", "identity").await;
    assert_eq!(sw.headers()["cache-control"], "no-cache");
    assert!(sw.text().await.unwrap().contains("mopai-shell-"));
}

#[tokio::test]
async fn garbage_and_oversized_sync_bodies_get_4xx_with_a_reason() {
    let server = TestServer::start().await;
    server.add_user(
        "county",
        mopai_shared::roles::Role::CountyStaff,
        None,
        "password-1",
    );
    let token = server.token("county", "password-1").await;
    let (status, body) = server
        .post_sync(&token, b"not a sync request".to_vec())
        .await;
    assert_eq!(status, 400);
    let body = body.expect("error body");
    assert!(body.code.starts_with("sync_"), "{body:?}");
    assert!(!body.message.is_empty());

    let too_big = vec![1u8; Config::for_data_dir(".").max_sync_body + 1];
    let (status, _) = server.post_sync(&token, too_big).await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn https_serves_the_same_app_with_the_given_certificate() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let mut config = Config::for_data_dir(dir.path());
    config.tls_cert = Some(cert_path);
    config.tls_key = Some(key_path);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mopai_server::run(config, listener, async {
        let _ = stopped.await;
    }));

    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let client_config = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.expect("TLS handshake");
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    tls.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"status\":\"ok\""), "{response}");

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
