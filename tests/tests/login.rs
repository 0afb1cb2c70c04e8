//! Login, sessions and the login rate limit, over real HTTP.

use std::net::IpAddr;

use mopai_server::admin::accounts;
use mopai_shared::api::{ErrorBody, Me};
use mopai_shared::roles::Role;
use mopai_tests::server::TestServer;

const PASSWORD: &str = "correct-horse-1";

async fn me(server: &TestServer, token: Option<&str>) -> (u16, Option<Me>) {
    let mut request = reqwest::Client::new().get(server.url("/api/me"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.ok())
}

async fn login_from(
    server: &TestServer,
    from: IpAddr,
    username: &str,
    password: &str,
) -> reqwest::Response {
    reqwest::Client::builder()
        .local_address(from)
        .build()
        .unwrap()
        .post(server.url("/api/login"))
        .json(&serde_json::json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
}

/// The audit rows about logging in and out.
fn logins(server: &TestServer) -> Vec<mopai_server::storage::audit::AuditRow> {
    let all = server.storage().read(|tx| tx.audit_since(0, 1000)).unwrap();
    all.into_iter()
        .filter(|a| a.event.starts_with("log"))
        .collect()
}

async fn server_with_inspector() -> TestServer {
    let server = TestServer::start().await;
    server.add_townships(&["开云镇"]);
    server.add_user("wang", Role::Inspector, Some("开云镇"), PASSWORD);
    server
}

#[tokio::test]
async fn login_gives_a_token_that_me_accepts_until_logout() {
    let server = server_with_inspector().await;
    let (status, body) = server.login(" WANG ", PASSWORD).await;
    assert_eq!(status, 200, "usernames ignore case and spaces");
    let body = body.unwrap();
    assert_eq!(body.user.username, "wang");
    assert_eq!(body.user.role, Role::Inspector);
    assert_eq!(body.user.township.as_ref().unwrap().name, "开云镇");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let days = (body.expires_at.0.unix_timestamp() - now) / 86_400;
    assert!((29..=30).contains(&days), "expires in {days} days");

    let (status, me_body) = me(&server, Some(&body.token)).await;
    assert_eq!((status, me_body), (200, Some(body.user.clone())));

    let missing = reqwest::get(server.url("/api/me")).await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.headers()["www-authenticate"], "Bearer");
    assert_eq!(me(&server, Some("not-a-real-token")).await.0, 401);

    let logout = reqwest::Client::new()
        .post(server.url("/api/logout"))
        .bearer_auth(&body.token)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    assert_eq!(me(&server, Some(&body.token)).await.0, 401, "revoked");

    let audit = logins(&server);
    let events: Vec<&str> = audit.iter().map(|a| a.event.as_str()).collect();
    assert_eq!(events, ["login", "logout"]);
    assert_eq!(audit[0].user, Some(body.user.id));
    assert_eq!(audit[0].peer.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_401() {
    let server = server_with_inspector().await;
    for (user, password) in [("wang", "wrong-password"), ("nobody", PASSWORD)] {
        let response = login_from(&server, "127.0.0.1".parse().unwrap(), user, password).await;
        assert_eq!(response.status(), 401);
        let body: ErrorBody = response.json().await.unwrap();
        assert_eq!(body.code, "bad_credentials");
    }
    let audit = logins(&server);
    assert!(audit.iter().all(|a| a.event == "login_failed"));
    assert_eq!(audit.len(), 2);
    let bad_body = reqwest::Client::new()
        .post(server.url("/api/login"))
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_body.status(), 400);
}

#[tokio::test]
async fn disabling_a_user_refuses_login_and_ends_open_sessions() {
    let server = server_with_inspector().await;
    let token = server.token("wang", PASSWORD).await;
    accounts::set_active(&server.storage(), "wang", false).unwrap();
    assert_eq!(me(&server, Some(&token)).await.0, 401);
    let (status, _) = server.login("wang", PASSWORD).await;
    assert_eq!(status, 401);

    accounts::set_active(&server.storage(), "wang", true).unwrap();
    assert_eq!(
        me(&server, Some(&token)).await.0,
        401,
        "enabling revives no session"
    );
    assert_eq!(server.login("wang", PASSWORD).await.0, 200);
}

#[tokio::test]
async fn resetting_a_password_ends_sessions_and_changes_the_password() {
    let server = server_with_inspector().await;
    let token = server.token("wang", PASSWORD).await;
    accounts::reset_password(&server.storage(), "wang", "a-new-password").unwrap();
    assert_eq!(me(&server, Some(&token)).await.0, 401);
    assert_eq!(server.login("wang", PASSWORD).await.0, 401);
    assert_eq!(server.login("wang", "a-new-password").await.0, 200);
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    let server = TestServer::start_with(|config| config.session_days = 0).await;
    server.add_townships(&["开云镇"]);
    server.add_user("wang", Role::Inspector, Some("开云镇"), PASSWORD);
    let token = server.token("wang", PASSWORD).await;
    assert_eq!(me(&server, Some(&token)).await.0, 401);
}

#[tokio::test]
async fn guessing_locks_one_account_from_one_address_only() {
    let server = server_with_inspector().await;
    server.add_user("li", Role::Inspector, Some("开云镇"), PASSWORD);
    let here: IpAddr = "127.0.0.1".parse().unwrap();
    let elsewhere: IpAddr = "127.0.0.2".parse().unwrap();

    for _ in 0..mopai_server::auth::rate_limit::ACCOUNT_FAILURES {
        let response = login_from(&server, here, "wang", "guess-guess").await;
        assert_eq!(response.status(), 401);
    }
    // Locked for this account from this address, even with the right password.
    let locked = login_from(&server, here, "wang", PASSWORD).await;
    assert_eq!(locked.status(), 429);
    let retry: u64 = locked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    let body: ErrorBody = locked.json().await.unwrap();
    assert_eq!(body.code, "too_many_attempts");

    // Another user on the same address, and the same user elsewhere, still log in.
    assert_eq!(
        login_from(&server, here, "li", PASSWORD).await.status(),
        200
    );
    assert_eq!(
        login_from(&server, elsewhere, "wang", PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn sync_requires_a_session() {
    let server = server_with_inspector().await;
    let mut device = mopai_tests::device::Device::new(server.url("/api/sync"));
    let refused = device.sync().await.unwrap_err();
    assert!(
        matches!(
            refused,
            mopai_shared::sync::SyncError::Transport(
                mopai_shared::sync::session::TransportError::Unauthorized
            )
        ),
        "{refused:?}"
    );
    device.transport.token = Some("forged-token".into());
    assert!(device.sync().await.is_err());
    device
        .login(&server.url("/api/login"), "wang", PASSWORD)
        .await
        .unwrap();
    device.sync().await.expect("a logged-in device syncs");
}
