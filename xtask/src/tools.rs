//! What the tasks need from outside cargo, installed when possible.

use std::process::Command;

use crate::shell;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// A CJK font, so screenshots of the zh-CN page are readable.
const CJK_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
/// Must equal the `wasm-bindgen` pin in the workspace Cargo.toml.
const WASM_BINDGEN_VERSION: &str = "0.2.130";

pub fn ensure_wasm_target() -> Result<(), String> {
    let installed = shell::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .ok_or(
        "rustup is not on PATH: install Rust with rustup (https://rustup.rs), then rerun",
    )?;
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    shell::status(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// Debian's Chromium and ChromeDriver, which browser tests drive headless.
pub fn ensure_chromium() -> Result<(), String> {
    let present = |p: &str| std::path::Path::new(p).exists();
    if present(CHROMIUM) && present(CHROMEDRIVER) && present(CJK_FONT) {
        return Ok(());
    }
    if !is_root() {
        return Err(format!(
            "browser tests need {CHROMIUM}, {CHROMEDRIVER} and a CJK font: run \
             `sudo apt-get install -y chromium chromium-driver fonts-wqy-microhei`, then rerun"
        ));
    }
    shell::status(Command::new("apt-get").arg("update"))?;
    shell::status(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(["chromium", "chromium-driver", "fonts-wqy-microhei"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// `wasm-bindgen-test-runner` at the pinned version, for wasm tests in Chromium.
pub fn ensure_wasm_bindgen_test_runner() -> Result<(), String> {
    let version = shell::output(Command::new("wasm-bindgen-test-runner").arg("--version"));
    if version.is_some_and(|v| v.contains(WASM_BINDGEN_VERSION)) {
        return Ok(());
    }
    shell::status(&mut shell::cargo(&[
        "install",
        "wasm-bindgen-cli",
        "--version",
        &format!("={WASM_BINDGEN_VERSION}"),
    ]))
}

fn is_root() -> bool {
    shell::output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0")
}
