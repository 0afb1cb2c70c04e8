//! Headless Chromium over WebDriver, at a phone's size.
//!
//! Each [`Browser`] runs its own chromedriver on a free loopback port and its
//! own fresh profile directory, so two browsers are two independent phones.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The phone the UI is designed for first.
pub const VIEWPORT: (u32, u32) = (360, 740);
/// Longest wait for one thing to appear in the page.
pub const WAIT: Duration = Duration::from_secs(30);

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> Self {
        for path in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(path).exists(),
                "{path} is missing: run `cargo xtask test`, which installs chromium and chromium-driver"
            );
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "mobileEmulation": {
                    "deviceMetrics": { "width": VIEWPORT.0, "height": VIEWPORT.1, "pixelRatio": 2.0 }
                }
            }
        });
        let caps = caps.as_object().expect("object").clone();
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        // chromedriver needs a moment to listen; retry the session a bounded number of times.
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        driver,
                        _profile: profile,
                    };
                }
                Err(e) => {
                    last_error = Some(e);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("chromedriver did not start a session: {last_error:?}");
    }

    /// Waits until `css` matches an element, then returns its text.
    /// The element's text. The page replaces elements as it renders (the
    /// plain login form before the wasm, then the app), so an element that
    /// went stale between finding and reading is found again.
    pub async fn text_of(&self, css: &str) -> String {
        let mut attempts = 0;
        loop {
            match self.wait_for(css).await.text().await {
                Ok(text) => return text,
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                        && attempts < 50 =>
                {
                    attempts += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => panic!("text of {css}: {e}"),
            }
        }
    }

    /// Waits for the element, then types `text` into it.
    pub async fn fill(&self, css: &str, text: &str) {
        self.wait_for(css)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Waits for the element, then clicks it.
    pub async fn click(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Waits until the element's text satisfies `pred`; returns the text.
    pub async fn wait_for_text(&self, css: &str, pred: impl Fn(&str) -> bool) -> String {
        crate::wait::eventually(css, async || self.text_of(css).await, |t| pred(t)).await
    }

    /// Evaluates a JS expression that returns a JSON value (promises are awaited).
    pub async fn eval(&self, expression: &str) -> serde_json::Value {
        let script = format!(
            "const done = arguments[arguments.length - 1];\
             Promise.resolve().then(() => ({expression})).then(done, e => done({{error: String(e)}}));"
        );
        self.client
            .execute_async(&script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script {expression}: {e}"))
    }

    /// Waits until a service worker controls the page, so it can reload offline.
    pub async fn wait_for_service_worker(&self) {
        let controlled = self
            .eval(
                "navigator.serviceWorker.ready.then(() => new Promise(resolve => {
                     if (navigator.serviceWorker.controller) return resolve(true);
                     navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true));
                     setTimeout(() => resolve(false), 20000);
                 }))",
            )
            .await;
        assert_eq!(controlled, json!(true), "service worker never took control");
    }

    /// Waits for the element, then sets its value as the browser's own
    /// picker would and fires `input` and `change`. For `<input type=date>`,
    /// whose typed form depends on the browser's locale.
    pub async fn set_value(&self, css: &str, value: &str) {
        self.wait_for(css).await;
        let (css_js, value_js) = (json!(css), json!(value));
        let done = self
            .eval(&format!(
                "(e => {{ e.value = {value_js};\
                   e.dispatchEvent(new Event('input', {{bubbles: true}}));\
                   e.dispatchEvent(new Event('change', {{bubbles: true}}));\
                   return e.value; }})(document.querySelector({css_js}))"
            ))
            .await;
        assert_eq!(done, json!(value), "set {css}");
    }

    /// Logs in on the page and waits for the home screen.
    pub async fn login(&self, username: &str, password: &str) {
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.click("#login-submit").await;
        self.text_of("#who").await;
    }

    /// Saves a screenshot under `artifacts/screenshots/` for a reviewer to look at.
    pub async fn screenshot(&self, name: &str) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../artifacts/screenshots");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}
