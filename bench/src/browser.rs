//! The client in headless Chromium (the tests' [`Browser`]: chromedriver,
//! fresh profile, a 360×740 phone), throttled through the Chrome DevTools
//! Protocol, which chromedriver forwards (`POST /session/{id}/goog/cdp/execute`):
//!
//! - `Network.emulateNetworkConditions` with DevTools' "Slow 4G" preset
//!   (562.5 ms latency, 180,000 B/s down, 84,375 B/s up);
//! - `Emulation.setCPUThrottlingRate` 4;
//! - `Page.addScriptToEvaluateOnNewDocument` installs [`OBSERVER`], which
//!   notes `performance.now()` (ms since navigation start) the moment each
//!   mark's selector first matches, so timings do not include WebDriver
//!   polling.
//!
//! Figures: time to interactive of a first load (empty profile: no HTTP
//! cache, no service worker) and of a repeat load (the service worker
//! answers), and the time to open a facility with 20 visits that the phone
//! already holds in IndexedDB: in the app (a click on its row) and cold
//! (loading `/facility/{id}`).
//!
//! # Hooks
//!
//! The page is still being built. The selectors the figures wait for are
//! the constants below; when the page changes, change them here.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::wd::WebDriverCompatibleCommand;
use mopai_server::admin::accounts::{self, NewAccount};
use mopai_shared::doc::Scope;
use mopai_shared::ids::{DocId, FacilityId, UserId};
use mopai_shared::roles::Role;
use mopai_tests::browser::Browser;
use serde_json::{Value, json};

use crate::server::{ServerProcess, add_accounts, add_townships, open_storage};
use crate::stats::{median, round};
use crate::sync::Phone;
use crate::workload::{Rng, national_facility};

/// The app is interactive: the login form, or the logged-in home page.
pub const READY: &str = "#username, #who, #facility-list";
/// Login form fields.
pub const LOGIN_USER: &str = "#username";
pub const LOGIN_PASSWORD: &str = "#password";
pub const LOGIN_SUBMIT: &str = "#login-submit";
/// Shown once logged in.
pub const LOGGED_IN: &str = "#who";
/// A facility's row in the home list; `{id}` is the facility id.
pub const FACILITY_ROW: &str = ".facility-row[data-id=\"{id}\"] a";
/// One visit on the facility page; the facility is open when all 20 show.
pub const VISIT_ROW: &str = "#visits .visit-row";
/// Visits on the benchmark facility.
pub const VISITS: usize = 20;

/// Records when each mark first holds, in ms since navigation start.
const OBSERVER: &str = r#"(() => {
  const marks = {};
  window.__bench = marks;
  const checks = {
    ready: () => document.querySelector('__READY__'),
    facility: () => document.querySelectorAll('__VISIT_ROW__').length >= __VISITS__,
  };
  const check = () => {
    const now = performance.now();
    for (const [k, f] of Object.entries(checks)) if (!(k in marks) && f()) marks[k] = now;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true });
})();"#;

/// Longest wait for one page state.
const WAIT: Duration = Duration::from_secs(180);
const PASSWORD: &str = "bench-browser-1";

#[derive(Debug, Clone)]
pub struct ClientArgs {
    pub mopai: PathBuf,
    pub work: PathBuf,
    pub reps: usize,
    pub cpu_slowdown: f64,
    pub seed: u32,
}

/// A raw CDP command through chromedriver.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

pub fn run(args: &ClientArgs) -> Result<Value, String> {
    let dir = args.work.join("client");
    let _ = std::fs::remove_dir_all(&dir);
    let storage = open_storage(&dir)?;
    let township = add_townships(&storage, &["开云镇".to_owned()])?[0];
    accounts::add(
        &storage,
        NewAccount {
            username: "wang",
            display_name: "王芳",
            role: Role::Inspector,
            township: Some("开云镇"),
        },
        PASSWORD,
    )
    .map_err(|e| e.to_string())?;
    let li = add_accounts(&storage, &[("li".into(), Role::Inspector, Some(township))])?;
    drop(storage);
    let server = ServerProcess::start(&args.mopai, &dir, "full")?;
    let runtime = crate::server::runtime()?;
    let result = runtime.block_on(async {
        // The facility with 20 visits, synced by another inspector's phone.
        let mut phone = Phone::new(server.url("/api/sync"), li[0].clone());
        let mut rng = Rng::new(args.seed);
        let facility = FacilityId::from_uuid(rng.uuid());
        let partner = UserId::from_uuid(rng.uuid());
        let body = national_facility(&mut rng, 0, VISITS, li[0].user, partner);
        phone
            .device
            .create(DocId::facility(facility), Scope::Township(township), &body);
        phone.sync().await?;
        measure(args, &server, facility).await
    });
    server.stop();
    result
}

async fn measure(
    args: &ClientArgs,
    server: &ServerProcess,
    facility: FacilityId,
) -> Result<Value, String> {
    let browser = Browser::start().await;
    let result = measure_in(&browser, args, server, facility).await;
    let _ = browser.client.clone().close().await;
    result
}

async fn cdp(browser: &Browser, cmd: &'static str, params: Value) -> Result<Value, String> {
    browser
        .client
        .issue_cmd(Cdp { cmd, params })
        .await
        .map_err(|e| format!("CDP {cmd}: {e}"))
}

/// Waits until `window.__bench[mark]` is set and returns it.
async fn mark(browser: &Browser, name: &str) -> Result<f64, String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let v = browser
            .client
            .execute(
                &format!("return (window.__bench || {{}})['{name}'] ?? null;"),
                vec![],
            )
            .await
            .map_err(|e| e.to_string())?;
        if let Some(ms) = v.as_f64() {
            return Ok(ms);
        }
        if Instant::now() > deadline {
            return Err(format!("mark {name} never reached within {WAIT:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Bytes the last navigation moved: transfer (on the wire) and encoded
/// body sizes of the document and every resource, and their encodings.
const TRANSFER: &str = r#"
  const all = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  const nav = performance.getEntriesByType('navigation')[0] || {};
  return {
    transfer: all.reduce((s, e) => s + (e.transferSize || 0), 0),
    encoded: all.reduce((s, e) => s + (e.encodedBodySize || 0), 0),
    decoded: all.reduce((s, e) => s + (e.decodedBodySize || 0), 0),
    resources: all.length,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd || null,
    load_ms: nav.loadEventEnd || null,
    sw_controlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
  };"#;

async fn page_load(browser: &Browser, url: &str) -> Result<Value, String> {
    browser.client.goto(url).await.map_err(|e| e.to_string())?;
    let ready = mark(browser, "ready").await?;
    let mut t = browser
        .client
        .execute(TRANSFER, vec![])
        .await
        .map_err(|e| e.to_string())?;
    t["ready_ms"] = json!(round(ready, 1));
    Ok(t)
}

async fn measure_in(
    browser: &Browser,
    args: &ClientArgs,
    server: &ServerProcess,
    facility: FacilityId,
) -> Result<Value, String> {
    let origin = server.url("");
    let home = server.url("/");
    cdp(browser, "Network.enable", json!({})).await?;
    cdp(
        browser,
        "Network.emulateNetworkConditions",
        json!({
            "offline": false,
            "latency": 562.5,
            "downloadThroughput": 180_000,
            "uploadThroughput": 84_375,
            "connectionType": "cellular4g",
        }),
    )
    .await?;
    cdp(
        browser,
        "Emulation.setCPUThrottlingRate",
        json!({ "rate": args.cpu_slowdown }),
    )
    .await?;
    let observer = OBSERVER
        .replace("__READY__", READY)
        .replace("__VISIT_ROW__", VISIT_ROW)
        .replace("__VISITS__", &VISITS.to_string());
    cdp(
        browser,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": observer }),
    )
    .await?;

    let reps = args.reps.max(1);
    let mut first = Vec::new();
    for rep in 0..reps {
        if rep > 0 {
            browser
                .client
                .goto("about:blank")
                .await
                .map_err(|e| e.to_string())?;
            cdp(
                browser,
                "Storage.clearDataForOrigin",
                json!({ "origin": origin, "storageTypes": "all" }),
            )
            .await?;
            cdp(browser, "Network.clearBrowserCache", json!({})).await?;
        }
        first.push(page_load(browser, &home).await?);
    }
    let sw = wait_for_service_worker(browser).await;
    let mut repeat = Vec::new();
    for _ in 0..reps {
        repeat.push(page_load(browser, &home).await?);
    }
    let facility_open = open_facility(browser, server, facility, reps).await;
    let ready = |loads: &[Value]| -> Vec<f64> {
        loads
            .iter()
            .filter_map(|l| l["ready_ms"].as_f64())
            .collect()
    };
    Ok(json!({
        "throttling": {
            "network": "DevTools Slow 4G: 562.5 ms latency, 180,000 B/s down, 84,375 B/s up",
            "cpu_slowdown": args.cpu_slowdown,
        },
        "ready_selector": READY,
        "first_load": {
            "ready_ms_median": round(median(&ready(&first)), 1),
            "loads": first,
        },
        "service_worker": sw,
        "repeat_load": {
            "ready_ms_median": round(median(&ready(&repeat)), 1),
            "loads": repeat,
        },
        "facility_open": facility_open.unwrap_or_else(|e| json!({ "error": e })),
    }))
}

/// Waits (bounded) until the service worker is active and controls the page.
async fn wait_for_service_worker(browser: &Browser) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let controlled = browser
            .client
            .execute(
                "return !!(navigator.serviceWorker && navigator.serviceWorker.controller);",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if controlled {
            return json!({ "controlling": true });
        }
        if Instant::now() > deadline {
            return json!({ "controlling": false, "note": "no service worker within the wait" });
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Logs in, waits for the facility to arrive, then opens it `reps` times in
/// the app and `reps` times cold.
async fn open_facility(
    browser: &Browser,
    server: &ServerProcess,
    facility: FacilityId,
    reps: usize,
) -> Result<Value, String> {
    let c = &browser.client;
    c.goto(&server.url("/")).await.map_err(|e| e.to_string())?;
    let find = |css: &'static str| async move {
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("no element {css}: {e}"))
    };
    find(LOGIN_USER)
        .await?
        .send_keys("wang")
        .await
        .map_err(|e| e.to_string())?;
    find(LOGIN_PASSWORD)
        .await?
        .send_keys(PASSWORD)
        .await
        .map_err(|e| e.to_string())?;
    find(LOGIN_SUBMIT)
        .await?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    find(LOGGED_IN).await?;
    let row = FACILITY_ROW.replace("{id}", &facility.to_string());
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&row))
        .await
        .map_err(|e| format!("the synced facility never showed ({row}): {e}"))?;

    let click_script = format!(
        r#"const done = arguments[arguments.length - 1];
        const t0 = performance.now();
        const ok = () => document.querySelectorAll('{VISIT_ROW}').length >= {VISITS};
        const el = document.querySelector('{row}');
        if (!el) {{ done({{ error: 'row not found' }}); }} else {{
          const obs = new MutationObserver(() => {{ if (ok()) {{ obs.disconnect(); done({{ ms: performance.now() - t0 }}); }} }});
          obs.observe(document, {{ subtree: true, childList: true }});
          setTimeout(() => {{ obs.disconnect(); done({{ error: 'timeout' }}); }}, 25000);
          el.click();
        }}"#,
        row = row.replace('"', "\\\"").replace('\'', "\\'"),
    );
    let mut in_app = Vec::new();
    let mut cold = Vec::new();
    for _ in 0..reps {
        c.goto(&server.url("/")).await.map_err(|e| e.to_string())?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&row))
            .await
            .map_err(|e| e.to_string())?;
        let v = c
            .execute_async(&click_script, vec![])
            .await
            .map_err(|e| e.to_string())?;
        match v["ms"].as_f64() {
            Some(ms) => in_app.push(ms),
            None => return Err(format!("opening the facility in the app: {v}")),
        }
        c.goto(&server.url(&format!("/facility/{facility}")))
            .await
            .map_err(|e| e.to_string())?;
        cold.push(mark(browser, "facility").await?);
    }
    Ok(json!({
        "visits": VISITS,
        "visit_selector": VISIT_ROW,
        "in_app_ms_median": round(median(&in_app), 1),
        "in_app_ms": in_app.iter().map(|x| round(*x, 1)).collect::<Vec<_>>(),
        "cold_ms_median": round(median(&cold), 1),
        "cold_ms": cold.iter().map(|x| round(*x, 1)).collect::<Vec<_>>(),
    }))
}
