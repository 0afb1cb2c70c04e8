//! Builds the client: cargo (wasm32, `wasm-release` profile) → JS glue with
//! wasm-bindgen-cli-support → Binaryen's `wasm-opt -Oz` ([`tools::ensure_wasm_opt`])
//! → content-hashed files → `.br` and `.gz` beside each.
//!
//! Output, `client/dist/`:
//! - `index.html`, `sw.js`, `manifest.webmanifest`, `icons/`: fixed names, revalidated;
//! - `assets/*-<hash>.*`: the wasm, its glue, the boot scripts and the stylesheet,
//!   named by content so they can be cached forever.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{root, shell, tools};

const STATIC_DIR: &str = "client/static";
const DIST_DIR: &str = "client/dist";
/// Smaller files are not worth a compressed twin.
const COMPRESS_FROM_BYTES: usize = 512;

/// Builds the client and returns the dist folder.
pub fn build() -> Result<PathBuf, String> {
    let wasm_opt = tools::ensure_wasm_opt()?;
    let glue_dir = shell::target_dir().join("wasm-bindgen");
    let raw = compile("wasm-release", &glue_dir, false)?;
    let optimised = glue_dir.join("app_bg.opt.wasm");
    optimise(&wasm_opt, &raw, &optimised, false)?;
    let (before, after) = (file_len(&raw)?, file_len(&optimised)?);
    println!("xtask: wasm-opt -Oz: {before} → {after} bytes");

    let root = root();
    let dist = root.join(DIST_DIR);
    if dist.exists() {
        fs::remove_dir_all(&dist).map_err(|e| format!("clean {}: {e}", dist.display()))?;
    }
    let statics = root.join(STATIC_DIR);
    let mut out = Dist::new(&dist)?;
    let wasm = out.hashed("app", "_bg.wasm", &read(&optimised)?)?;
    let glue = out.hashed("app", ".js", &read(&glue_dir.join("app.js"))?)?;
    let style = out.hashed("style", ".css", &read(&statics.join("style.css"))?)?;
    let boot_src = read_text(&statics.join("boot.js"))?
        .replace("{{glue}}", &glue)
        .replace("{{wasm}}", &wasm);
    let boot = out.hashed("boot", ".js", boot_src.as_bytes())?;
    let preboot = out.hashed("preboot", ".js", &read(&statics.join("preboot.js"))?)?;
    let index = read_text(&statics.join("index.html"))?
        .replace("{{style}}", &style)
        .replace("{{glue}}", &glue)
        .replace("{{boot}}", &boot)
        .replace("{{preboot}}", &preboot);
    out.fixed("index.html", index.as_bytes())?;
    out.fixed(
        "manifest.webmanifest",
        &read(&statics.join("manifest.webmanifest"))?,
    )?;
    for icon in ["icon-192.png", "icon-512.png"] {
        out.fixed(
            &format!("icons/{icon}"),
            &read(&statics.join("icons").join(icon))?,
        )?;
    }
    let mut shell_files: Vec<String> = out.urls.clone();
    shell_files.sort();
    let version = hex::encode(&Sha256::digest(shell_files.join("\n").as_bytes())[..6]);
    let sw = read_text(&statics.join("sw.js"))?
        .replace("{{version}}", &version)
        .replace("{{shell}}", &format!("{shell_files:?}"));
    out.fixed("sw.js", sw.as_bytes())?;
    println!("xtask: client {version} built into {}", dist.display());
    Ok(dist)
}

/// Builds `mopai-client` for wasm32 in `profile` and runs wasm-bindgen into
/// `glue_dir` (`app.js`, `app_bg.wasm`, with the name section when
/// `keep_names`); returns the path of the wasm.
pub fn compile(profile: &str, glue_dir: &Path, keep_names: bool) -> Result<PathBuf, String> {
    compile_with(profile, glue_dir, keep_names, &[])
}

/// [`compile`], with extra environment variables for cargo.
pub fn compile_with(
    profile: &str,
    glue_dir: &Path,
    keep_names: bool,
    env: &[(&str, &str)],
) -> Result<PathBuf, String> {
    tools::ensure_wasm_target()?;
    let mut cargo = shell::cargo(&[
        "build",
        "-p",
        "mopai-client",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        profile,
    ]);
    cargo.envs(env.iter().copied());
    shell::status(&mut cargo)?;
    let input = shell::target_dir()
        .join("wasm32-unknown-unknown")
        .join(profile)
        .join("mopai-client.wasm");
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(input)
        .web(true)
        .map_err(|e| format!("wasm-bindgen: {e}"))?
        .typescript(false)
        .remove_name_section(!keep_names)
        .remove_producers_section(true)
        .out_name("app");
    bindgen
        .generate(glue_dir)
        .map_err(|e| format!("wasm-bindgen: {e:#}"))?;
    Ok(glue_dir.join("app_bg.wasm"))
}

/// The WebAssembly features that rustc's wasm32-unknown-unknown output (and
/// wasm-bindgen's glue in it) uses; wasm-opt refuses the module without them.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// `wasm-opt -Oz` from `input` to `output`; `keep_names` keeps the name
/// section (`-g`) for the size breakdown.
pub fn optimise(
    wasm_opt: &Path,
    input: &Path,
    output: &Path,
    keep_names: bool,
) -> Result<(), String> {
    let mut cmd = std::process::Command::new(wasm_opt);
    cmd.arg("-Oz").args(WASM_FEATURES);
    if keep_names {
        cmd.arg("-g");
    } else {
        cmd.args([
            "--strip-debug",
            "--strip-producers",
            "--strip-target-features",
        ]);
    }
    cmd.arg(input).arg("-o").arg(output);
    shell::status(&mut cmd)
}

fn file_len(path: &Path) -> Result<u64, String> {
    fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("read {}: {e}", path.display()))
}

/// Writes files into dist, with their compressed twins, and remembers the
/// URLs the service worker must precache.
struct Dist {
    dir: PathBuf,
    urls: Vec<String>,
}

impl Dist {
    fn new(dir: &Path) -> Result<Self, String> {
        fs::create_dir_all(dir.join("assets")).map_err(|e| e.to_string())?;
        fs::create_dir_all(dir.join("icons")).map_err(|e| e.to_string())?;
        Ok(Self {
            dir: dir.to_path_buf(),
            urls: Vec::new(),
        })
    }

    /// `assets/{stem}-{hash}{suffix}`; returns its URL.
    fn hashed(&mut self, stem: &str, suffix: &str, bytes: &[u8]) -> Result<String, String> {
        let hash = hex::encode(&Sha256::digest(bytes)[..8]);
        self.fixed(&format!("assets/{stem}-{hash}{suffix}"), bytes)
    }

    fn fixed(&mut self, name: &str, bytes: &[u8]) -> Result<String, String> {
        let path = self.dir.join(name);
        write(&path, bytes)?;
        if bytes.len() >= COMPRESS_FROM_BYTES && !name.ends_with(".png") {
            write(&with_suffix(&path, "gz"), &gzip(bytes)?)?;
            write(&with_suffix(&path, "br"), &brotli(bytes)?)?;
        }
        let url = format!("/{name}");
        if name != "sw.js" {
            self.urls.push(url.clone());
        }
        Ok(url)
    }
}

pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).map_err(|e| e.to_string())?;
    enc.finish().map_err(|e| e.to_string())
}

pub fn brotli(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| e.to_string())?;
    Ok(out)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("read {}: {e}", path.display()))
}

fn read_text(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("read {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|e| format!("write {}: {e}", path.display()))
}
