//! The export buttons: annex tables 1–5 as XLSX and CSV, and the zip of all
//! five, for the county or one township. Downloads need the `Authorization`
//! header, so the page fetches them and saves a blob.

/// Annex tables, by number (the server's `export::Table`).
pub const TABLES: [(u8, &str); 5] = [
    (1, "摸底排查情况统计表"),
    (2, "未登记服务场所统计表"),
    (3, "“红橙黄”风险管控名单"),
    (4, "排查工作进度表"),
    (5, "备案养老机构情况摸底表"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportLink {
    /// Element id: `export-<n>-xlsx`, `export-<n>-csv`, `export-zip`.
    pub id: String,
    /// `/api/export/<file>` with `?township=` when one is chosen.
    pub url: String,
    /// File name when the server does not give one.
    pub fallback: String,
    pub label: String,
}

fn link(file: &str, id: String, label: String, township: Option<&str>) -> ExportLink {
    let url = match township {
        Some(t) => format!("/api/export/{file}?township={t}"),
        None => format!("/api/export/{file}"),
    };
    ExportLink {
        id,
        url,
        fallback: format!("annex-{file}"),
        label,
    }
}

/// Per table: (number, title, XLSX link, CSV link).
pub fn table_links(township: Option<&str>) -> Vec<(u8, &'static str, ExportLink, ExportLink)> {
    TABLES
        .iter()
        .map(|&(n, title)| {
            let one = |ext: &str| {
                link(
                    &format!("{n}.{ext}"),
                    format!("export-{n}-{ext}"),
                    ext.to_uppercase(),
                    township,
                )
            };
            (n, title, one("xlsx"), one("csv"))
        })
        .collect()
}

pub fn zip_link(township: Option<&str>) -> ExportLink {
    link(
        "all.zip",
        "export-zip".into(),
        "全部五张表（ZIP）".into(),
        township,
    )
}

/// The file name in a `Content-Disposition` header: the UTF-8
/// `filename*=UTF-8''…` form first, else the plain `filename="…"`.
pub fn file_name(disposition: &str) -> Option<String> {
    let mut plain = None;
    for part in disposition.split(';').map(str::trim) {
        if let Some(v) = part.strip_prefix("filename*=") {
            let v = v.trim_matches('"');
            let encoded = v
                .strip_prefix("UTF-8''")
                .or_else(|| v.strip_prefix("utf-8''"));
            if let Some(name) = encoded.and_then(percent_decode).filter(|n| !n.is_empty()) {
                return Some(sanitize(&name));
            }
        } else if let Some(v) = part.strip_prefix("filename=") {
            plain = Some(sanitize(v.trim_matches('"')));
        }
    }
    plain.filter(|n| !n.is_empty())
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// No path separators in a saved name.
fn sanitize(name: &str) -> String {
    name.replace(['/', '\\'], "_")
}

/// "12.3 KB" for the download note.
pub fn size_text(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_ids() {
        let links = table_links(None);
        assert_eq!(links.len(), 5);
        assert_eq!(links[0].2.id, "export-1-xlsx");
        assert_eq!(links[4].3.url, "/api/export/5.csv");
        let z = zip_link(Some("abc"));
        assert_eq!(
            (z.id.as_str(), z.url.as_str()),
            ("export-zip", "/api/export/all.zip?township=abc")
        );
    }

    #[test]
    fn file_names_from_disposition() {
        let d =
            "attachment; filename=\"annex-all.zip\"; filename*=UTF-8''%E9%99%84%E4%BB%B61-5.zip";
        assert_eq!(file_name(d).as_deref(), Some("附件1-5.zip"));
        assert_eq!(
            file_name("attachment; filename=\"annex-1.csv\"").as_deref(),
            Some("annex-1.csv")
        );
        assert_eq!(
            file_name("attachment; filename*=UTF-8''a%2Fb.csv").as_deref(),
            Some("a_b.csv")
        );
        assert_eq!(file_name("attachment"), None);
        assert_eq!(size_text(2048), "2.0 KB");
    }
}
