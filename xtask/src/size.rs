//! `cargo xtask size [--check]`: the bytes a phone downloads on first start,
//! and what the wasm is made of, by crate.
//!
//! The first load is every wasm, JS and CSS file under `client/dist/assets`,
//! brotli-compressed as the server sends them; `--check` fails when it is over
//! [`BUDGET_BROTLI`].
//!
//! The breakdown builds the client once more in the `wasm-size` profile (the
//! `wasm-release` code, with symbols and v0 mangling, so that the names carry
//! the concrete generic arguments), runs wasm-bindgen and `wasm-opt -Oz -g`
//! like the release build, and reads the function sizes and the name section.
//! See [`Profile`] for how a function is given to a crate.

use std::collections::BTreeMap;
use std::path::Path;

use crate::client::{brotli, gzip};
use crate::{client, shell, tools};

/// The first load's budget, brotli bytes (350 KB; 1 KB = 1,000 B).
pub const BUDGET_BROTLI: usize = 350_000;

/// One client file: kind (`wasm`, `js`, `css`), name, raw, gzip and brotli bytes.
pub type Row = (&'static str, String, usize, usize, usize);

/// The wasm, JS and CSS files of a built client, sorted by kind and name.
pub fn rows(dist: &Path) -> Result<Vec<Row>, String> {
    let assets = dist.join("assets");
    let mut rows = Vec::new();
    for entry in std::fs::read_dir(&assets).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".gz") || name.ends_with(".br") {
            continue;
        }
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("wasm") => "wasm",
            Some("js") => "js",
            Some("css") => "css",
            _ => continue,
        };
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        rows.push((
            kind,
            name.to_string(),
            bytes.len(),
            gzip(&bytes)?.len(),
            brotli(&bytes)?.len(),
        ));
    }
    rows.sort();
    Ok(rows)
}

const USAGE: &str = "size [--check] [--no-breakdown] [--functions FILE.tsv]";

/// `cargo xtask size [--check] [--no-breakdown] [--functions FILE.tsv]`;
/// `--functions` writes every function of the breakdown (bytes, crate, name).
pub fn run(args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut breakdown = true;
    let mut functions = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--no-breakdown" => breakdown = false,
            "--functions" => {
                functions = Some(
                    args.next()
                        .ok_or(format!("--functions needs a file ({USAGE})"))?,
                )
            }
            other => return Err(format!("size: unknown argument `{other}` ({USAGE})")),
        }
    }
    let dist = client::build()?;
    let first_load = print(&dist)?;
    if breakdown {
        let profile = breakdown_profile()?;
        if let Some(file) = functions {
            let tsv: String = profile
                .functions
                .iter()
                .map(|(bytes, name)| format!("{bytes}\t{}\t{name}\n", owner(name).0))
                .collect();
            std::fs::write(file, tsv).map_err(|e| format!("write {file}: {e}"))?;
            println!(
                "xtask: wrote {} functions to {file}",
                profile.functions.len()
            );
        }
    }
    let verdict = if first_load <= BUDGET_BROTLI {
        "within"
    } else {
        "OVER"
    };
    println!(
        "\nfirst load: {} B brotli, {verdict} the budget of {} B",
        thousands(first_load),
        thousands(BUDGET_BROTLI)
    );
    if check && first_load > BUDGET_BROTLI {
        return Err(format!(
            "size --check: the first load is {} B brotli, {} B over the budget of {} B",
            thousands(first_load),
            thousands(first_load - BUDGET_BROTLI),
            thousands(BUDGET_BROTLI)
        ));
    }
    Ok(())
}

/// Prints the file table; returns the first load (brotli bytes).
pub fn print(dist: &Path) -> Result<usize, String> {
    let rows = rows(dist)?;
    println!(
        "{:<6} {:<34} {:>10} {:>10} {:>10}",
        "kind", "file", "raw", "gzip", "brotli"
    );
    let mut total = (0, 0, 0);
    for (kind, name, raw, gz, br) in &rows {
        println!("{kind:<6} {name:<34} {raw:>10} {gz:>10} {br:>10}");
        total = (total.0 + raw, total.1 + gz, total.2 + br);
    }
    println!(
        "{:<6} {:<34} {:>10} {:>10} {:>10}",
        "total", "first load (wasm + JS + CSS)", total.0, total.1, total.2
    );
    Ok(total.2)
}

/// Builds the `wasm-size` wasm, prints its breakdown by crate and returns it.
fn breakdown_profile() -> Result<Profile, String> {
    let wasm_opt = tools::ensure_wasm_opt()?;
    let dir = shell::target_dir().join("wasm-size");
    // v0 mangling names the generic arguments (`Vec<yew::…>`, not `Vec<T>`);
    // only the symbols differ from the release build, not the code.
    let raw = client::compile_with(
        "wasm-size",
        &dir,
        true,
        &[(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "-Csymbol-mangling-version=v0",
        )],
    )?;
    let optimised = dir.join("app_bg.opt.wasm");
    client::optimise(&wasm_opt, &raw, &optimised, true)?;
    let bytes =
        std::fs::read(&optimised).map_err(|e| format!("read {}: {e}", optimised.display()))?;
    let profile = Profile::read(&bytes)?;
    profile.print(&optimised);
    Ok(profile)
}

/// Where the bytes of one wasm module go.
#[derive(Debug, Default)]
pub struct Profile {
    /// Bytes of every section but `name`, by section.
    pub sections: BTreeMap<String, usize>,
    /// Function bodies, bytes by crate.
    pub crates: BTreeMap<String, Share>,
    /// Functions of other crates instantiated for a workspace type
    /// (`serde::…<mopai_shared::…>`), bytes by the crate whose code it is.
    pub for_workspace: BTreeMap<String, Share>,
    /// Every function: bytes, demangled name.
    pub functions: Vec<(usize, String)>,
}

/// Bytes and function count.
#[derive(Debug, Default, Clone, Copy)]
pub struct Share {
    pub bytes: usize,
    pub functions: usize,
}

impl Share {
    fn add(&mut self, bytes: usize) {
        self.bytes += bytes;
        self.functions += 1;
    }
}

impl Profile {
    /// Reads a module with a name section.
    pub fn read(wasm: &[u8]) -> Result<Self, String> {
        use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};
        let err = |e: wasmparser::BinaryReaderError| format!("parse wasm: {e}");
        let mut profile = Profile::default();
        let mut imported = 0u32;
        let mut bodies: Vec<usize> = Vec::new();
        let mut names: BTreeMap<u32, String> = BTreeMap::new();
        for payload in Parser::new(0).parse_all(wasm) {
            let payload = payload.map_err(err)?;
            match &payload {
                Payload::ImportSection(reader) => {
                    for import in reader.clone().into_imports() {
                        if matches!(import.map_err(err)?.ty, TypeRef::Func(_)) {
                            imported += 1;
                        }
                    }
                }
                Payload::CodeSectionEntry(body) => bodies.push(body.range().len()),
                Payload::CustomSection(reader) => {
                    if let KnownCustom::Name(subsections) = reader.as_known() {
                        for sub in subsections {
                            if let Name::Function(map) = sub.map_err(err)? {
                                for naming in map {
                                    let naming = naming.map_err(err)?;
                                    names.insert(naming.index, naming.name.to_string());
                                }
                            }
                        }
                        continue;
                    }
                }
                _ => {}
            }
            if let Some((id, range)) = payload.as_section() {
                let section = match &payload {
                    Payload::CustomSection(reader) => format!("custom `{}`", reader.name()),
                    _ => section_name(id).to_string(),
                };
                // The section's id byte and size field are not in `range`.
                *profile.sections.entry(section).or_default() +=
                    range.len() + 1 + leb_len(range.len());
            }
        }
        for (i, bytes) in bodies.into_iter().enumerate() {
            let index = imported + i as u32;
            let name = names
                .get(&index)
                .map(|n| demangle(n))
                .unwrap_or_else(|| format!("(function {index}, no name)"));
            let (owner, workspace) = owner(&name);
            profile.crates.entry(owner.clone()).or_default().add(bytes);
            if workspace && !owner.starts_with("mopai") {
                profile.for_workspace.entry(owner).or_default().add(bytes);
            }
            profile.functions.push((bytes, name));
        }
        profile.functions.sort_by(|a, b| b.cmp(a));
        Ok(profile)
    }

    fn print(&self, path: &Path) {
        let total: usize = self.sections.values().sum();
        let code: usize = self.crates.values().map(|s| s.bytes).sum();
        println!(
            "\nwasm by section ({}, built as shipped but with names; the name section is left out):",
            path.display()
        );
        let mut sections: Vec<_> = self.sections.iter().collect();
        sections.sort_by_key(|s| std::cmp::Reverse(*s.1));
        for (name, bytes) in sections {
            println!(
                "  {name:<28} {:>10} {:>5.1}%",
                thousands(*bytes),
                pct(*bytes, total)
            );
        }
        println!("  {:<28} {:>10}", "total", thousands(total));

        println!(
            "\nfunction bodies by crate ({} B in {} functions): a function counts for the \
             first crate in its name that is not core, alloc or std",
            thousands(code),
            self.functions.len()
        );
        print_shares(&self.crates, code, 30);
        println!(
            "\nof which instantiated for workspace types (a mopai_* type in the name), by crate:"
        );
        print_shares(&self.for_workspace, code, 15);
        println!("\nlargest functions:");
        for (bytes, name) in self.functions.iter().take(25) {
            println!("  {:>8}  {}", thousands(*bytes), shorten(name, 110));
        }
    }
}

fn print_shares(shares: &BTreeMap<String, Share>, total: usize, top: usize) {
    let mut rows: Vec<_> = shares.iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1.bytes));
    let rest = rows
        .iter()
        .skip(top)
        .fold(Share::default(), |acc, (_, s)| Share {
            bytes: acc.bytes + s.bytes,
            functions: acc.functions + s.functions,
        });
    for (name, share) in rows.iter().take(top) {
        println!(
            "  {name:<28} {:>10} {:>5.1}% {:>6} fn",
            thousands(share.bytes),
            pct(share.bytes, total),
            share.functions
        );
    }
    if rest.functions > 0 {
        println!(
            "  {:<28} {:>10} {:>5.1}% {:>6} fn",
            format!("({} more crates)", rows.len() - top),
            thousands(rest.bytes),
            pct(rest.bytes, total),
            rest.functions
        );
    }
}

/// The crate a demangled function name belongs to, and whether a workspace
/// crate (`mopai_*`) appears in it at all.
///
/// The owner is the first crate named in the path (the first identifier
/// followed by `::` that does not itself follow `::`), skipping `core`,
/// `alloc` and `std` when another crate appears: `<alloc::vec::Vec<yew::Html>
/// as core::ops::Drop>::drop` is yew's. wasm-bindgen's generated imports and
/// exports (no `::`) are `(wasm-bindgen glue)`.
pub fn owner(name: &str) -> (String, bool) {
    let crates = crates_in(name);
    let workspace = crates.iter().any(|c| c.starts_with("mopai"));
    let std = |c: &&str| matches!(*c, "core" | "alloc" | "std");
    let owner = crates
        .iter()
        .find(|c| !std(c))
        .or_else(|| crates.first())
        .map(|c| c.to_string())
        .unwrap_or_else(|| {
            if name.starts_with("__wbg") || name.starts_with("__wbindgen") {
                "(wasm-bindgen glue)".to_string()
            } else if name.starts_with("(function") {
                "(no name)".to_string()
            } else {
                "(other)".to_string()
            }
        });
    (owner, workspace)
}

/// The path-initial identifiers of a demangled name, in order.
fn crates_in(name: &str) -> Vec<&str> {
    let bytes = name.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !ident(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && ident(bytes[i]) {
            i += 1;
        }
        let after_path = start >= 1 && bytes[start - 1] == b':';
        let is_digit = bytes[start].is_ascii_digit();
        if !after_path && !is_digit && name[i..].starts_with("::") {
            out.push(&name[start..i]);
        }
    }
    out
}

/// The demangled name without v0's crate disambiguators (`yew[d5fb…]::` → `yew::`).
fn demangle(name: &str) -> String {
    without_disambiguators(&format!("{:#}", rustc_demangle::demangle(name)))
}

fn without_disambiguators(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut rest = full;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) if close > 0 && after[..close].bytes().all(|b| b.is_ascii_hexdigit()) => {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn section_name(id: u8) -> &'static str {
    match id {
        0 => "custom",
        1 => "type",
        2 => "import",
        3 => "function",
        4 => "table",
        5 => "memory",
        6 => "global",
        7 => "export",
        8 => "start",
        9 => "element",
        10 => "code",
        11 => "data",
        12 => "data count",
        13 => "tag",
        _ => "other",
    }
}

fn leb_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

fn pct(part: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * part as f64 / total as f64
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let head: String = s.chars().take(max - 1).collect();
        format!("{head}…")
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_skips_std_for_the_first_other_crate() {
        let of = |name: &str| {
            let (crate_name, workspace) = owner(name);
            (crate_name, workspace)
        };
        assert_eq!(
            of("<alloc::vec::Vec<yew::html::Html> as core::ops::drop::Drop>::drop"),
            ("yew".into(), false)
        );
        assert_eq!(
            of("core::ptr::drop_in_place::<mopai_shared::model::Visit>"),
            ("mopai_shared".into(), true)
        );
        assert_eq!(of("core::fmt::write"), ("core".into(), false));
        assert_eq!(
            of(
                "<serde_json::de::Deserializer<serde_json::read::StrRead> as \
                serde_core::de::Deserializer>::deserialize_struct::<mopai_shared::wire::Login>"
            ),
            ("serde_json".into(), true)
        );
        assert_eq!(owner_of("__wbg_fetch_123"), "(wasm-bindgen glue)");
        assert_eq!(owner_of("dlmalloc"), "(other)");
    }

    #[test]
    fn demangle_drops_v0_disambiguators() {
        assert_eq!(
            without_disambiguators(
                "<yew[d5fbf99a65e0e486]::Html as core[c5930c85a12de822]::Clone>::clone"
            ),
            "<yew::Html as core::Clone>::clone"
        );
        assert_eq!(
            without_disambiguators("<[u8; 4] as x[]>::f[ab"),
            "<[u8; 4] as x[]>::f[ab"
        );
    }

    fn owner_of(name: &str) -> String {
        owner(name).0
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(2_941_388), "2,941,388");
    }
}
