//! Security, beyond `scope.rs`, `login.rs` and `blobs.rs`:
//!
//! - the scope matrix extended to every export file (1-5 as XLSX and CSV,
//!   and the zip), to photos (every role reading every uploader's photo)
//!   and to the `GET /api/events` stream (who hears of which lead);
//! - a revoked token stops working at once, an open event stream included,
//!   and tokens are stored only hashed;
//! - login guessing is limited per account and per address, whatever the
//!   spelling of the name or the forwarding headers;
//! - every route of the router has a body limit (413 for a larger declared
//!   body on every route and method, and for a chunked one where a body is read);
//! - security headers (CSP with frame-ancestors, nosniff, X-Frame-Options)
//!   on API, error, stream, download and asset responses.
//!
//! The expected cells are written out by hand from DOMAIN §1, as in `scope.rs`.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::net::IpAddr;
use std::time::Duration;

use calamine::{Data, Reader, Xlsx};
use mopai_server::Config;
use mopai_server::storage::Database;
use mopai_shared::doc::Scope;
use mopai_shared::ids::{DocId, FacilityId, VisitId};
use mopai_tests::county::{self, PASSWORD, SPECS};
use mopai_tests::events::Events;
use mopai_tests::raw::{self, Send};
use mopai_tests::server::TestServer;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Own,
    Other,
    County,
}

/// (username, role as written in DOMAIN §1, township index or none).
const USERS: [(&str, &str, Option<usize>); 6] = [
    ("insp-a", "inspector", Some(0)),
    ("lead-a", "township_lead", Some(0)),
    ("insp-b", "inspector", Some(1)),
    ("lead-b", "township_lead", Some(1)),
    ("staff", "county_staff", None),
    ("admin", "admin", None),
];

async fn get(server: &TestServer, token: &str, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET")
}

/// Every string in every sheet of an XLSX file.
fn xlsx_text(bytes: &[u8]) -> String {
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an XLSX file");
    let mut text = String::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("sheet");
        for cell in range.used_cells() {
            if let Data::String(s) = cell.2 {
                text.push_str(s);
                text.push('\n');
            }
        }
    }
    text
}

/// The text of an export, whatever its format.
fn export_text(file: &str, bytes: &[u8]) -> String {
    if file.ends_with(".csv") {
        String::from_utf8_lossy(bytes).into_owned()
    } else if file.ends_with(".xlsx") {
        xlsx_text(bytes)
    } else {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip");
        let mut text = String::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).expect("entry");
            let mut inner = Vec::new();
            entry.read_to_end(&mut inner).expect("read entry");
            text.push_str(&xlsx_text(&inner));
        }
        text
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_exports_exactly_its_scope_in_every_file() {
    let county = county::build().await;
    let own = county.townships[0];
    let other = county.townships[1];
    // What must never leave a township: the other township's facility names and ids.
    let names_of = |t: usize| -> Vec<String> {
        county
            .facilities
            .iter()
            .filter(|s| s.spec.township == t)
            .flat_map(|s| [s.spec.name.to_string(), s.id.to_string()])
            .collect()
    };
    let (own_names, other_names) = (names_of(0), names_of(1));
    let mut files: Vec<String> = (1..=5)
        .flat_map(|n| [format!("{n}.xlsx"), format!("{n}.csv")])
        .collect();
    files.push("all.zip".into());

    let mut cells = 0;
    for (user, role, township) in USERS {
        if township == Some(1) {
            continue; // the mirror image of township 0's users
        }
        let token = county.token(user).await;
        for target in [Target::Own, Target::Other, Target::County] {
            let query = match target {
                Target::Own => format!("?township={own}"),
                Target::Other => format!("?township={other}"),
                Target::County => String::new(),
            };
            // Hand-written: township roles see only their own township, the
            // inspector exports nothing; county roles export anything.
            let expected = match (role, target) {
                ("inspector" | "township_lead", Target::Other) => 404,
                ("inspector", _) => 403,
                _ => 200,
            };
            for file in &files {
                cells += 1;
                let cell = format!("{user} export {file}{query}");
                let got = get(
                    &county.server,
                    &token,
                    &format!("/api/export/{file}{query}"),
                )
                .await;
                assert_eq!(got.status().as_u16(), expected, "{cell}");
                if expected != 200 {
                    continue;
                }
                let text = export_text(file, &got.bytes().await.expect("body"));
                // A township's export holds nothing of the other township.
                let (must_not, must) = match (township, target) {
                    (Some(_), _) | (None, Target::Own) => (&other_names, &own_names),
                    (None, Target::Other) => (&own_names, &other_names),
                    (None, Target::County) => (&Vec::new(), &own_names),
                };
                for name in must_not {
                    assert!(!text.contains(name.as_str()), "{cell}: leaked {name}");
                }
                // Not vacuous: the zip lists the scope's own facilities.
                if file == "all.zip" {
                    assert!(
                        must.iter().any(|n| text.contains(n.as_str())),
                        "{cell}: lists none of its own facilities"
                    );
                }
            }
        }
    }
    println!(
        "export scope: {cells} cells (4 roles x 3 scopes x 11 files), no leak across townships"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_reads_exactly_the_photos_of_its_scope() {
    let (server, _, _, _) = county::accounts().await;
    let mut tokens = Vec::new();
    for (user, _, _) in USERS {
        tokens.push(server.token(user, PASSWORD).await);
    }
    // One photo each from a 城关镇 inspector, a 开云镇 inspector and county staff.
    let uploaders = [(0usize, Some(0usize)), (2, Some(1)), (4, None)];
    let mut photos = Vec::new();
    for (i, (uploader, _)) in uploaders.iter().enumerate() {
        let bytes: Vec<u8> = (0..3000u32).map(|b| (b as u8) ^ (i as u8 * 77)).collect();
        let hash = hex::encode(Sha256::digest(&bytes));
        let put = reqwest::Client::new()
            .put(server.url(&format!("/api/blobs/{hash}")))
            .bearer_auth(&tokens[*uploader])
            .header("content-type", "image/jpeg")
            .body(bytes)
            .send()
            .await
            .expect("PUT");
        assert_eq!(put.status(), 201);
        photos.push(hash);
    }
    let mut cells = 0;
    for (r, (reader, _, reader_township)) in USERS.iter().enumerate() {
        for ((_, uploaded_in), hash) in uploaders.iter().zip(&photos) {
            // Hand-written: county roles read every photo; a township role
            // reads the photos uploaded in its own township only.
            let readable = match reader_township {
                None => true,
                Some(t) => *uploaded_in == Some(*t),
            };
            for method in [reqwest::Method::GET, reqwest::Method::HEAD] {
                cells += 1;
                let status = reqwest::Client::new()
                    .request(method.clone(), server.url(&format!("/api/blobs/{hash}")))
                    .bearer_auth(&tokens[r])
                    .send()
                    .await
                    .expect("request")
                    .status()
                    .as_u16();
                assert_eq!(
                    status,
                    if readable { 200 } else { 404 },
                    "{reader} {method} a photo uploaded in {uploaded_in:?}"
                );
            }
        }
    }
    for hash in &photos {
        let anonymous = reqwest::get(server.url(&format!("/api/blobs/{hash}")))
            .await
            .expect("GET");
        assert_eq!(anonymous.status(), 401);
    }
    println!("photo scope: {cells} cells (6 users x 3 uploaders x GET/HEAD), anonymous 401");
}

/// Syncs a red facility from an inspector's phone; returns its id.
async fn red_lead(server: &TestServer, inspector: &str, township: usize) -> FacilityId {
    let (townships, user) = {
        let storage = server.storage();
        let townships: Vec<_> = storage
            .read(|tx| tx.townships())
            .expect("townships")
            .into_iter()
            .map(|t| (t.name, t.id))
            .collect();
        let user = storage
            .read(|tx| tx.user_by_username(inspector))
            .expect("read")
            .expect("user")
            .id;
        (townships, user)
    };
    let township_id = townships
        .iter()
        .find(|(name, _)| name == county::TOWNSHIPS[township])
        .expect("township")
        .1;
    let red = SPECS
        .iter()
        .find(|s| s.level == mopai_shared::model::RiskLevel::Red)
        .expect("a red spec");
    let mut phone = county::device(server, inspector).await;
    let id = FacilityId::random();
    let body = county::facility(red, VisitId::random(), user, 14);
    phone.create(DocId::facility(id), Scope::Township(township_id), &body);
    phone.sync().await.expect("sync");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_stream_tells_each_role_only_its_scope_and_ends_with_the_session() {
    let (server, _, _, _) = county::accounts().await;
    let mut streams = Vec::new();
    for (user, _, _) in USERS {
        let token = server.token(user, PASSWORD).await;
        streams.push(Events::open(&server, &token).await);
    }
    let anonymous = reqwest::get(server.url("/api/events")).await.expect("GET");
    assert_eq!(anonymous.status(), 401);

    // A red lead in township 0, then one in township 1, then one in 0 again.
    let first = red_lead(&server, "insp-a", 0).await;
    let second = red_lead(&server, "insp-b", 1).await;
    let third = red_lead(&server, "insp-a", 0).await;
    let mut cells = 0;
    for ((user, _, township), stream) in USERS.iter().zip(&mut streams) {
        // Hand-written: county roles hear of every lead in order; a
        // township role hears only its own township's.
        let expected: Vec<FacilityId> = match township {
            None => vec![first, second, third],
            Some(0) => vec![first, third],
            Some(_) => vec![second],
        };
        for want in expected {
            cells += 1;
            let lead = stream.next_lead().await.expect("stream open");
            assert_eq!(lead.facility, want, "{user}");
        }
    }

    // Revoked while listening: logout, a disabled account. The next lead
    // is not delivered; the stream ends.
    let staff_token = server.token("staff", PASSWORD).await;
    let admin_token = server.token("admin", PASSWORD).await;
    let mut staff = Events::open(&server, &staff_token).await;
    let mut admin = Events::open(&server, &admin_token).await;
    let logout = reqwest::Client::new()
        .post(server.url("/api/logout"))
        .bearer_auth(&staff_token)
        .send()
        .await
        .expect("logout");
    assert_eq!(logout.status(), 204);
    mopai_server::admin::accounts::set_active(&server.storage(), "admin", false)
        .expect("disable admin");
    red_lead(&server, "insp-a", 0).await;
    assert!(
        staff.next_lead().await.is_none(),
        "a logged-out stream heard a lead"
    );
    assert!(
        admin.next_lead().await.is_none(),
        "a disabled user's stream heard a lead"
    );
    // Every other route refuses the revoked token at once.
    for path in [
        "/api/me",
        "/api/docs",
        "/api/dashboard",
        "/api/events",
        "/api/export/1.csv",
    ] {
        assert_eq!(
            get(&server, &staff_token, path).await.status(),
            401,
            "{path}"
        );
    }
    println!(
        "event scope: {cells} deliveries checked over 6 roles and 3 leads; logged-out and \
         disabled streams ended without the next lead; anonymous 401"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_stored_hashed() {
    let (server, _, _, _) = county::accounts().await;
    let token = server.token("insp-a", PASSWORD).await;
    let hash = Sha256::digest(token.as_bytes());
    let mut found_token = 0;
    let mut found_hash = 0;
    let mut count = |bytes: &[u8]| {
        let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        found_token += usize::from(contains(token.as_bytes()));
        found_hash += usize::from(contains(&hash) || contains(hex::encode(hash).as_bytes()));
    };
    match server.database() {
        Database::Sqlite { dir } => {
            for entry in std::fs::read_dir(dir).expect("data dir") {
                count(&std::fs::read(entry.expect("entry").path()).unwrap_or_default());
            }
        }
        // Every row of every table of the server's schema, as text (bytea
        // prints as hex).
        Database::Postgres { url } => {
            for row in mopai_tests::postgres::all_rows_as_text(&url).await {
                count(row.as_bytes());
            }
        }
    }
    assert_eq!(found_token, 0, "the token itself is at rest");
    assert!(found_hash > 0, "the token's SHA-256 is what is stored");
    println!("tokens at rest: plain token found 0 times, its SHA-256 {found_hash} times");
}

async fn login_from(server: &TestServer, from: IpAddr, user: &str, password: &str) -> u16 {
    reqwest::Client::builder()
        .local_address(from)
        .build()
        .expect("client")
        .post(server.url("/api/login"))
        .header(
            "x-forwarded-for",
            format!("10.9.{}.{}", user.len(), password.len()),
        )
        .header("x-real-ip", "10.0.0.99")
        .json(&serde_json::json!({ "username": user, "password": password }))
        .send()
        .await
        .expect("login")
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_guessing_is_limited_per_account_and_per_address() {
    use mopai_server::auth::rate_limit::{ACCOUNT_FAILURES, IP_FAILURES};
    let (server, _, _, _) = county::accounts().await;

    // One account from one address, its name spelled differently each time,
    // forwarding headers changing: locked after ACCOUNT_FAILURES.
    let here: IpAddr = "127.0.0.2".parse().expect("ip");
    let spellings = ["insp-a", "INSP-A", " insp-a ", "Insp-A", "insp-a\t"];
    for i in 0..ACCOUNT_FAILURES as usize {
        let status = login_from(&server, here, spellings[i % spellings.len()], "guess").await;
        assert_eq!(status, 401);
    }
    assert_eq!(login_from(&server, here, "insp-a", PASSWORD).await, 429);
    assert_eq!(login_from(&server, here, "INSP-A", PASSWORD).await, 429);

    // One address trying many accounts, known and unknown: locked for all.
    let sprayer: IpAddr = "127.0.0.3".parse().expect("ip");
    let mut guesses = 0;
    for i in 0..IP_FAILURES as usize {
        let user = if i % 2 == 0 {
            format!("nobody{i}")
        } else {
            ["lead-a", "staff", "admin"][i % 3].to_string()
        };
        let status = login_from(&server, sprayer, &user, &format!("guess{i}")).await;
        assert!(status == 401 || status == 429, "{status}");
        guesses += 1;
    }
    for user in ["insp-b", "lead-b", "staff"] {
        assert_eq!(
            login_from(&server, sprayer, user, PASSWORD).await,
            429,
            "{user}"
        );
    }
    // Elsewhere, everyone still logs in.
    let elsewhere: IpAddr = "127.0.0.4".parse().expect("ip");
    assert_eq!(
        login_from(&server, elsewhere, "insp-a", PASSWORD).await,
        200
    );
    println!(
        "login guessing: locked after {ACCOUNT_FAILURES} guesses per account and address (5 spellings, \
         spoofed X-Forwarded-For) and after {IP_FAILURES} per address ({guesses} spread over accounts); \
         other addresses unaffected"
    );
}

/// The routes of `server/src/http/mod.rs`, read from its source, with the
/// methods each one answers.
fn routes_in_source() -> Vec<(String, Vec<String>)> {
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../server/src/http/mod.rs"
    ))
    .expect("read the router source");
    let body = &source[source.find("pub fn router(").expect("router fn")..];
    let mut routes = Vec::new();
    for chunk in body.split(".route(").skip(1) {
        let path = chunk.split('"').nth(1).expect("a path").to_string();
        let spec = chunk.split(".route(").next().unwrap_or(chunk);
        let spec = spec.split(".fallback(").next().unwrap_or(spec);
        let methods = ["get(", "post(", "put(", "head(", "delete(", "patch("]
            .iter()
            .filter(|m| spec.contains(*m))
            .map(|m| m.trim_end_matches('(').to_uppercase())
            .collect();
        routes.push((path, methods));
    }
    assert!(body.contains(".fallback("), "the router has a fallback");
    routes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_refuses_a_body_over_its_limit() {
    let county = county::accounts().await;
    let server = county.0;
    let token = server.token("staff", PASSWORD).await;
    let config = Config::for_data_dir(".");
    let limit_of = |path: &str| match path {
        "/api/sync" => config.max_sync_body,
        p if p.starts_with("/api/blobs/") => config.max_blob_bytes,
        _ => 64 * 1024,
    };
    let concrete = |path: &str| {
        path.replace("{id}", &DocId::facility(FacilityId::random()).to_string())
            .replace("{file}", "1.csv")
            .replace("{sha256}", &"ab".repeat(32))
    };
    let mut routes = routes_in_source();
    let listed: BTreeSet<&str> = routes.iter().map(|(p, _)| p.as_str()).collect();
    for expected in [
        "/api/sync",
        "/api/login",
        "/api/blobs/{sha256}",
        "/api/events",
    ] {
        assert!(
            listed.contains(expected),
            "{expected} not found in the router source"
        );
    }
    // The fallback: the app's pages and files.
    routes.push(("/".into(), vec!["GET".into(), "POST".into()]));
    routes.push(("/facilities/x".into(), vec!["GET".into(), "PUT".into()]));

    let mut cells = 0;
    for (path, methods) in &routes {
        let url_path = concrete(path);
        let limit = limit_of(&url_path);
        for method in methods.iter().map(String::as_str).chain(["DELETE"]) {
            for with_token in [true, false] {
                cells += 1;
                let head = raw::head(
                    method,
                    &url_path,
                    with_token.then_some(token.as_str()),
                    &[
                        format!("Content-Length: {}", limit + 1),
                        "Connection: close".into(),
                    ],
                );
                let exchange = raw::exchange(
                    server.addr,
                    vec![Send::Bytes(head)],
                    Duration::from_secs(10),
                )
                .await;
                assert_eq!(
                    exchange.statuses.first(),
                    Some(&413),
                    "{method} {url_path} declaring {} B: {}",
                    limit + 1,
                    exchange.text
                );
            }
        }
    }
    // Chunked bodies, where a route reads its body: cut at the limit.
    let chunked = [
        (
            "POST",
            "/api/login".to_string(),
            64 * 1024,
            "application/json",
        ),
        (
            "POST",
            "/api/sync".to_string(),
            config.max_sync_body,
            "application/octet-stream",
        ),
        (
            "PUT",
            format!("/api/blobs/{}", "cd".repeat(32)),
            config.max_blob_bytes,
            "image/jpeg",
        ),
    ];
    for (method, path, limit, content_type) in chunked {
        cells += 1;
        let head = raw::head(
            method,
            &path,
            Some(&token),
            &[
                "Transfer-Encoding: chunked".into(),
                format!("Content-Type: {content_type}"),
                "Connection: close".into(),
            ],
        );
        let size = limit + 1;
        let mut chunk = format!("{size:x}\r\n").into_bytes();
        chunk.extend(std::iter::repeat_n(b'{', size));
        chunk.extend_from_slice(b"\r\n0\r\n\r\n");
        let exchange = raw::exchange(
            server.addr,
            vec![Send::Bytes(head), Send::Bytes(chunk)],
            Duration::from_secs(30),
        )
        .await;
        assert_eq!(
            exchange.statuses.first(),
            Some(&413),
            "chunked {method} {path}: {}",
            &exchange.text[..exchange.text.len().min(300)]
        );
    }
    println!(
        "body limits: {} routes from the router source + the fallback, {cells} cells: all 413",
        routes.len() - 2
    );
}

fn assert_security_headers(what: &str, headers: &reqwest::header::HeaderMap) {
    let csp = headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(headers["x-frame-options"], "DENY", "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_are_on_every_kind_of_response() {
    let county = county::build().await;
    let server = &county.server;
    let token = county.token("staff").await;
    let client = reqwest::Client::new();
    let mut checked = Vec::new();
    let mut check = |what: &str, response: &reqwest::Response| {
        assert_security_headers(what, response.headers());
        checked.push(format!("{what} {}", response.status().as_u16()));
    };

    for path in [
        "/api/me",
        "/api/docs",
        "/api/dashboard",
        "/api/facilities",
        "/api/leads",
        "/api/export/1.xlsx",
        "/api/export/all.zip",
        "/api/nothing",
        "/api/export/9.pdf",
        "/healthz",
    ] {
        check(path, &get(server, &token, path).await);
    }
    check(
        "no session",
        &client.get(server.url("/api/me")).send().await.expect("GET"),
    );
    check(
        "bad login",
        &client
            .post(server.url("/api/login"))
            .body("{")
            .send()
            .await
            .expect("POST"),
    );
    check(
        "sync garbage",
        &client
            .post(server.url("/api/sync"))
            .bearer_auth(&token)
            .body(vec![1, 2, 3])
            .send()
            .await
            .expect("POST"),
    );
    let too_large = client
        .post(server.url("/api/login"))
        .body(vec![b' '; 64 * 1024 + 1])
        .send()
        .await
        .expect("POST");
    check("too large", &too_large);
    // The body was not read: the connection must not be pooled for the next
    // request, or that request is lost to a connection the server closes.
    assert_eq!(too_large.headers()["connection"], "close");
    let events = get(server, &token, "/api/events").await;
    check("event stream", &events);
    drop(events);
    let bytes: Vec<u8> = (0..500u32).map(|b| b as u8).collect();
    let hash = hex::encode(Sha256::digest(&bytes));
    let put = client
        .put(server.url(&format!("/api/blobs/{hash}")))
        .bearer_auth(&token)
        .header("content-type", "image/png")
        .body(bytes)
        .send()
        .await
        .expect("PUT");
    check("photo upload", &put);
    check(
        "photo",
        &get(server, &token, &format!("/api/blobs/{hash}")).await,
    );

    // The app's own files (whatever state the embedded client is in).
    let index = client.get(server.url("/")).send().await.expect("GET /");
    let etag = index.headers().get("etag").cloned();
    check("index.html", &index);
    let html = index.text().await.unwrap_or_default();
    for path in [
        "/sw.js",
        "/manifest.webmanifest",
        "/facilities/123",
        "/nothing.js",
    ] {
        check(
            path,
            &client.get(server.url(path)).send().await.expect("GET"),
        );
    }
    if let Some(asset) = html.split('"').find(|s| s.starts_with("/assets/")) {
        check(
            "hashed asset",
            &client
                .get(server.url(asset))
                .header("accept-encoding", "br")
                .send()
                .await
                .expect("GET"),
        );
    }
    if let Some(etag) = etag {
        check(
            "not modified",
            &client
                .get(server.url("/"))
                .header("if-none-match", etag)
                .send()
                .await
                .expect("GET"),
        );
    }
    println!(
        "security headers: CSP with frame-ancestors 'none', nosniff and X-Frame-Options on {} responses: {}",
        checked.len(),
        checked.join(", ")
    );
}
