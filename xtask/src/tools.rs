//! What the tasks need from outside cargo, installed when possible.

use std::path::PathBuf;
use std::process::Command;

use crate::shell;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const SOFFICE: &str = "/usr/bin/soffice";
const PDFINFO: &str = "/usr/bin/pdfinfo";
const PDFTOTEXT: &str = "/usr/bin/pdftotext";
const PDFTOPPM: &str = "/usr/bin/pdftoppm";
/// A CJK font, so screenshots of the zh-CN page and printed tables are readable.
const CJK_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
/// Must equal the `wasm-bindgen` pin in the workspace Cargo.toml.
const WASM_BINDGEN_VERSION: &str = "0.2.130";

/// Binaryen's version, from the npm package `binaryen` (Debian's 108 rejects
/// wasm-bindgen 0.2.130 output).
const BINARYEN_VERSION: &str = "132.0.0";

/// Binaryen's `wasm-opt` at [`BINARYEN_VERSION`], installed once with npm under
/// `target/tools/binaryen-<version>` and reused; returns its path.
pub fn ensure_wasm_opt() -> Result<PathBuf, String> {
    let dir = shell::target_dir()
        .join("tools")
        .join(format!("binaryen-{BINARYEN_VERSION}"));
    let bin = dir.join("node_modules").join(".bin").join("wasm-opt");
    let major = BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_VERSION);
    let wanted = format!("version {major}");
    let works = |bin: &PathBuf| {
        shell::output(Command::new(bin).arg("--version")).is_some_and(|v| v.contains(&wanted))
    };
    if works(&bin) {
        return Ok(bin);
    }
    if shell::output(Command::new("npm").arg("--version")).is_none() {
        return Err(format!(
            "the client build runs Binaryen {BINARYEN_VERSION}'s wasm-opt from the npm package \
             `binaryen`, but `npm --version` did not run: install Node.js 18 or newer with npm \
             (Debian: `apt-get install -y nodejs npm`), then rerun"
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    shell::status(
        Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(&dir)
            .args(["--no-audit", "--no-fund", "--loglevel=error"])
            .arg(format!("binaryen@{BINARYEN_VERSION}")),
    )?;
    if works(&bin) {
        Ok(bin)
    } else {
        Err(format!(
            "npm installed binaryen@{BINARYEN_VERSION} into {}, but `{} --version` does not \
             say {wanted}",
            dir.display(),
            bin.display()
        ))
    }
}

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
    ensure_debian(
        "browser tests",
        &[CHROMIUM, CHROMEDRIVER, CJK_FONT],
        &["chromium", "chromium-driver", "fonts-wqy-microhei"],
    )
}

/// LibreOffice's headless Calc and poppler, with which the print-layout
/// test turns the annex XLSX into PDF and reads the pages back.
pub fn ensure_print_tools() -> Result<(), String> {
    ensure_debian(
        "the print-layout test",
        &[SOFFICE, PDFINFO, PDFTOTEXT, PDFTOPPM, CJK_FONT],
        &[
            "libreoffice-calc-nogui",
            "poppler-utils",
            "fonts-wqy-microhei",
        ],
    )
}

/// Installs the Debian `packages` with apt-get when any of `paths` is
/// missing (as root), or says what to install.
pub fn ensure_debian(needed_by: &str, paths: &[&str], packages: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|p| !std::path::Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !is_root() {
        return Err(format!(
            "{needed_by} cannot run without {}: run `sudo apt-get install -y {}`, then rerun",
            missing.join(", "),
            packages.join(" ")
        ));
    }
    shell::status(Command::new("apt-get").arg("update"))?;
    shell::status(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(packages)
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
