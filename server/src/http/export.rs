//! `GET /api/export/{n}.xlsx`, `GET /api/export/{n}.csv` (n = 1..5) and
//! `GET /api/export/all.zip`, each with an optional `?township=`.
//!
//! Allowed for the township lead (own township; the default), county staff
//! and the admin (the county by default); an inspector gets 403. Every
//! export is written to the audit log with its scope and size.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use mopai_shared::doc::Scope;

use super::dashboard::{ListQuery, area_for, china_now, query};
use crate::AppState;
use crate::auth::{AuthUser, ClientIp, policy};
use crate::clock::unix_now;
use crate::error::{AppError, AppResult};
use crate::export::{self, Snapshot, Table};
use crate::storage::audit::AuditEvent;
use crate::storage::rollups::Area;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What the file name asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    Xlsx(Table),
    Csv(Table),
    Zip,
}

impl Wanted {
    fn parse(file: &str) -> Option<Self> {
        if file == "all.zip" {
            return Some(Wanted::Zip);
        }
        let (n, ext) = file.split_once('.')?;
        let table = Table::from_number(n.parse().ok()?)?;
        match ext {
            "xlsx" => Some(Wanted::Xlsx(table)),
            "csv" => Some(Wanted::Csv(table)),
            _ => None,
        }
    }

    /// File name for the download, its ASCII fallback, and content type.
    fn naming(self, snapshot: &Snapshot) -> (String, String, &'static str) {
        match self {
            Wanted::Xlsx(t) => (
                t.file_name(snapshot, "xlsx"),
                format!("annex-{}.xlsx", t.number()),
                XLSX,
            ),
            Wanted::Csv(t) => (
                t.file_name(snapshot, "csv"),
                format!("annex-{}.csv", t.number()),
                "text/csv; charset=utf-8",
            ),
            Wanted::Zip => {
                let area = match snapshot.area {
                    Area::County => String::new(),
                    Area::Township(_) => format!("-{}", snapshot.unit),
                };
                (
                    format!("附件1-5{area}.zip"),
                    "annex-all.zip".into(),
                    "application/zip",
                )
            }
        }
    }

    fn build(self, snapshot: &Snapshot) -> Result<Vec<u8>, export::ExportError> {
        match self {
            Wanted::Xlsx(t) => export::xlsx(t, snapshot),
            Wanted::Csv(t) => export::csv(t, snapshot),
            Wanted::Zip => export::zip_all(snapshot),
        }
    }
}

pub async fn export(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    ClientIp(peer): ClientIp,
    Path(file): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> AppResult<Response> {
    let wanted = Wanted::parse(&file).ok_or(AppError::NotFound)?;
    let area = area_for(&user, query(q)?.township.as_deref())?;
    let scope = match area {
        Area::County => Scope::County,
        Area::Township(t) => Scope::Township(t),
    };
    policy::authorize_export(&user, scope)?;
    let now = china_now();
    let user_id = user.id();
    let (bytes, name, fallback, content_type) = state
        .blocking(move |app| {
            let snapshot = app.storage.read(|tx| Snapshot::load(tx, area, now))?;
            let bytes = wanted
                .build(&snapshot)
                .map_err(|e| AppError::Internal(format!("export {file}: {e}")))?;
            let (name, fallback, content_type) = wanted.naming(&snapshot);
            let detail = format!("file={file} scope={scope} bytes={}", bytes.len());
            app.storage.write(|tx| {
                tx.audit(
                    AuditEvent::Export,
                    Some(user_id),
                    &detail,
                    Some(&peer.to_string()),
                    unix_now(),
                )
            })?;
            Ok((bytes, name, fallback, content_type))
        })
        .await?;
    let disposition = format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        percent_encode(&name)
    );
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition)
                .map_err(|e| AppError::Internal(format!("content-disposition: {e}")))?,
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    Ok((headers, bytes).into_response())
}

/// RFC 5987 encoding of a UTF-8 file name.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_parse() {
        assert_eq!(Wanted::parse("1.xlsx"), Some(Wanted::Xlsx(Table::Survey)));
        assert_eq!(Wanted::parse("5.csv"), Some(Wanted::Csv(Table::Filed)));
        assert_eq!(Wanted::parse("all.zip"), Some(Wanted::Zip));
        for bad in [
            "6.xlsx", "0.csv", "1.pdf", "x.xlsx", "1", "all.xlsx", "-1.csv",
        ] {
            assert_eq!(Wanted::parse(bad), None, "{bad}");
        }
        assert_eq!(percent_encode("附件 1.xlsx"), "%E9%99%84%E4%BB%B6%201.xlsx");
    }
}
