//! `cargo xtask size`: the bytes a phone downloads on first start.

use std::path::Path;

use crate::client::{brotli, gzip};

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

pub fn print(dist: &Path) -> Result<(), String> {
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
        "total", "", total.0, total.1, total.2
    );
    Ok(())
}
