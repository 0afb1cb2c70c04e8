//! `GET /api/dashboard` (roll-ups), `GET /api/facilities` (list rows) and
//! `GET /api/leads` (the newest red and orange facilities), all read from the
//! projection tables and scoped by role: a township role sees its own
//! township (asking for another answers 404, as for a document); county
//! roles see the county, or one township with `?township=`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use mopai_shared::api::TownshipRef;
use mopai_shared::dashboard::{Dashboard, FacilityListRow, Lead, PlanSummary};
use mopai_shared::doc::Scope;
use mopai_shared::ids::TownshipId;
use mopai_shared::model::{Category, Day, RiskLevel, Timestamp};
use serde::Deserialize;
use time::{OffsetDateTime, UtcOffset};

use crate::AppState;
use crate::auth::{AuthUser, policy};
use crate::error::{AppError, AppResult};
use crate::storage::ReadTx;
use crate::storage::projections::FacilityRow;
use crate::storage::rollups::Area;
use crate::storage::scope::RecordedScope;

/// `?township=<id>&level=red,orange&category=unregistered_venue`; every
/// field optional.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub township: Option<String>,
    pub level: Option<String>,
    pub category: Option<String>,
}

/// The query, or a 400 in the API's error shape.
pub(super) fn query<T>(q: Result<Query<T>, QueryRejection>) -> AppResult<T> {
    q.map(|Query(q)| q)
        .map_err(|e| AppError::bad_request("bad_query", format!("查询参数错误：{e}")))
}

/// The schedule and the 化解时限 are judged in China time, whatever the
/// server's zone.
pub(super) fn china_now() -> Timestamp {
    let offset = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
    Timestamp(OffsetDateTime::now_utc().to_offset(offset))
}

/// The area a request covers: a township role's own township (another one
/// is 404); for county roles the county or the township asked for.
pub(super) fn area_for(user: &AuthUser, township: Option<&str>) -> AppResult<Area> {
    let requested = match township.map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(t.parse::<TownshipId>().map_err(|_| {
            AppError::bad_request("bad_township", format!("乡镇编号格式错误：{t:.40}"))
        })?),
    };
    let principal = user.principal();
    if !principal.role.is_township_role() {
        return Ok(requested.map_or(Area::County, Area::Township));
    }
    let own = principal.township.ok_or(AppError::NotFound)?;
    let wanted = requested.unwrap_or(own);
    policy::authorize_read(user, RecordedScope::Scope(Scope::Township(wanted)))?;
    Ok(Area::Township(wanted))
}

pub async fn dashboard(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> AppResult<Json<Dashboard>> {
    let area = area_for(&user, query(q)?.township.as_deref())?;
    let now = china_now();
    let dashboard = state
        .blocking(move |app| {
            Ok(app.storage.read(|tx| match area {
                Area::County => app.dashboards.county(tx, now),
                Area::Township(t) => {
                    let township = tx.township_refs()?.into_iter().find(|r| r.id == t);
                    tx.dashboard(area, township, now)
                }
            })?)
        })
        .await?;
    Ok(Json(dashboard))
}

pub async fn facilities(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> AppResult<Json<Vec<FacilityListRow>>> {
    let q = query(q)?;
    let area = area_for(&user, q.township.as_deref())?;
    let levels = parse_list(
        q.level.as_deref(),
        RiskLevel::from_code,
        "bad_level",
        "风险等级",
    )?;
    let categories = parse_list(
        q.category.as_deref(),
        Category::from_code,
        "bad_category",
        "类别",
    )?;
    let today = china_now().day();
    let (rows, names) = read_rows(&state, area).await?;
    let mut out = Vec::new();
    for (row, _) in &rows {
        let level = row.effective_level;
        let category = row.category.as_deref().and_then(Category::from_code);
        let wanted = (levels.is_empty() || levels.contains(&level))
            && (categories.is_empty() || category.is_some_and(|c| categories.contains(&c)));
        if wanted {
            out.push(list_row(row, &names, today)?);
        }
    }
    out.sort_by(|a, b| {
        (b.effective_level, b.priority)
            .cmp(&(a.effective_level, a.priority))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(Json(out))
}

/// Red and orange facilities, newest projection first.
/// The newest leads `GET /api/leads` lists; the feed adds later ones live.
const MAX_LEADS: usize = 500;

pub async fn leads(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> AppResult<Json<Vec<Lead>>> {
    let area = area_for(&user, query(q)?.township.as_deref())?;
    let (rows, names) = read(&state, move |tx| {
        let township = match area {
            Area::County => None,
            Area::Township(t) => Some(t.to_string()),
        };
        tx.lead_rows(township.as_deref(), MAX_LEADS)
    })
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (row, seq) in &rows {
        out.push(Lead {
            facility: facility_id(row)?,
            township: township_ref(&row.township, &names)?,
            name: row.name.clone(),
            level: row.effective_level,
            previous_level: None,
            main_problems: row.annex.review.main_problems.clone(),
            seq: *seq,
            last_visit_at: row.last_visit_at.clone(),
            conflicts: row.annex.conflicts.clone(),
            clock_ahead: row.annex.visits.clock_ahead.clone(),
        });
    }
    out.sort_by(|a, b| b.seq.cmp(&a.seq).then_with(|| b.level.cmp(&a.level)));
    Ok(Json(out))
}

type Names = BTreeMap<TownshipId, String>;

async fn read_rows(
    state: &Arc<AppState>,
    area: Area,
) -> AppResult<(Vec<(FacilityRow, u64)>, Names)> {
    read(state, move |tx| tx.facilities_in(area)).await
}

/// Facility rows as `rows` reads them, and the township names.
async fn read(
    state: &Arc<AppState>,
    rows: impl FnOnce(&ReadTx<'_>) -> crate::storage::Result<Vec<(FacilityRow, u64)>> + Send + 'static,
) -> AppResult<(Vec<(FacilityRow, u64)>, Names)> {
    state
        .blocking(move |app| {
            Ok(app.storage.read(|tx| {
                let names = tx
                    .township_refs()?
                    .into_iter()
                    .map(|t| (t.id, t.name))
                    .collect();
                Ok::<_, crate::storage::Error>((rows(tx)?, names))
            })?)
        })
        .await
}

/// A comma-separated list of codes; empty when absent.
fn parse_list<T>(
    raw: Option<&str>,
    parse: fn(&str) -> Option<T>,
    code: &'static str,
    what: &str,
) -> AppResult<Vec<T>> {
    raw.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            parse(s).ok_or_else(|| AppError::bad_request(code, format!("未知的{what}：{s:.40}")))
        })
        .collect()
}

fn facility_id(row: &FacilityRow) -> AppResult<mopai_shared::ids::FacilityId> {
    row.id
        .parse()
        .map_err(|e| AppError::Internal(format!("projected facility id {}: {e}", row.id)))
}

fn township_ref(id: &str, names: &Names) -> AppResult<TownshipRef> {
    let id: TownshipId = id
        .parse()
        .map_err(|e| AppError::Internal(format!("projected township {id}: {e}")))?;
    Ok(TownshipRef {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    })
}

fn list_row(row: &FacilityRow, names: &Names, today: Day) -> AppResult<FacilityListRow> {
    let a = &row.annex;
    let fired = row
        .fired
        .iter()
        .chain(&a.review.disposal_path)
        .map(|r| r.code().to_owned())
        .collect();
    Ok(FacilityListRow {
        id: facility_id(row)?,
        township: township_ref(&row.township, names)?,
        name: row.name.clone(),
        category: row.category.as_deref().and_then(Category::from_code),
        uscc: row.uscc.clone(),
        priority: row.priority,
        visit_count: row.visit_count,
        interviews: row.interviews,
        last_visit_at: row.last_visit_at.clone(),
        computed_level: row.computed_level,
        confirmed_level: row.confirmed_level,
        effective_level: row.effective_level,
        fired,
        must_report: row.must_report,
        reported_to_county: a.review.reported_to_county_at.is_some(),
        reviewed: a.visits.approved,
        conflicts: a.conflicts.clone(),
        clock_ahead: a.visits.clock_ahead.clone(),
        plan: PlanSummary {
            measures: a.plan.measures.len() as u32,
            measures_done: a
                .plan
                .measures
                .iter()
                .filter(|m| m.done_on.is_some())
                .count() as u32,
            responsible_unit: a.plan.responsible_unit.clone(),
            responsible_person: a.plan.responsible_person.clone(),
            deadline: a.plan.deadline,
            resolved_on: a.plan.resolved_on,
            overdue: a.plan.overdue(today),
        },
    })
}
