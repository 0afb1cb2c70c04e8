//! From documents to read models: hydrate a facility's three documents
//! (facility, review, county), classify it with the shared engine, and write
//! its rows. Runs inside the write transaction of every sync that touched
//! those documents, so the rows are never behind a committed document.
//!
//! The server's level is authoritative: it is computed here from the facts,
//! never taken from the phone.
//!
//! Township logs and the settings document are projected here too, so the
//! dashboard and the annex tables read only projection tables.
//!
//! # Live leads
//!
//! [`refresh`] returns the facilities whose effective level this write
//! raised to orange or red (or that arrived at it when first projected).
//! The caller publishes them on [`AppState::leads`](crate::AppState) only
//! after its transaction committed, so no event ever announces a write
//! that rolled back:
//!
//! ```ignore
//! let leads = storage.write(|tx| { /* append changes */ projection::refresh(tx, &written, seq) })?;
//! state.leads.publish(leads);
//! ```
//!
//! - [`annex`]: the [`AnnexRecord`](annex::AnnexRecord) stored with each facility row.
//! - [`clock`]: visits ordered by the server's clock where the phone's runs ahead of it.
//!
//! Every document read here also passes the write gate's content checks
//! ([`mopai_shared::gate::check_document`]); one that fails (stored before
//! the gate) is recorded in `problem_docs` with its reason.

pub mod annex;
pub mod clock;

use std::collections::BTreeSet;

use automerge::AutoCommit;
use mopai_shared::api::TownshipRef;
use mopai_shared::dashboard::Lead;
use mopai_shared::doc::{
    DocBody, DocKind, OpenConflict, Scope, hydrate_doc, open_conflicts, read_header,
};
use mopai_shared::gate::{check_document, check_sizes};
use mopai_shared::ids::{DocId, FacilityId, TownshipId};
use mopai_shared::model::{
    CountyRecord, CountySettings, Facility, FacilityReview, RiskLevel, TownshipLog, entry_state,
};
use mopai_shared::risk::{LevelView, classify};

use crate::error::{AppError, AppResult};
use crate::storage::projections::{
    AssessmentRow, FacilityProjection, FacilityRow, TownshipLogRow, VisitRow,
};
use crate::storage::scope::RecordedScope;
use crate::storage::{ReadTx, WriteTx};

/// Re-projects everything `written` touched: each facility of a facility,
/// review or county document, each township log, and on a settings change
/// (new thresholds) the settings and every facility. `seq` is the sequence
/// number of the transaction's last write: rows keep it as `updated_seq`,
/// and it is the id of the `lead` events. Returns the new leads.
pub fn refresh(tx: &WriteTx<'_>, written: &[DocId], seq: u64) -> AppResult<Vec<Lead>> {
    let settings_changed = written.iter().any(|d| d.kind == DocKind::Settings);
    let mut found = Problems::new();
    let settings = settings(tx, &mut found)?;
    if settings_changed && let Some((id, json)) = settings_projection(tx, &settings)? {
        tx.put_settings(id, &json, seq)?;
    }
    for log in written.iter().filter(|d| d.kind == DocKind::TownshipLog) {
        if let Some(row) = township_log(tx, *log, &mut found)? {
            tx.put_township_log(&row, seq)?;
        }
    }
    let facilities: BTreeSet<FacilityId> = if settings_changed {
        all_facilities(tx)?
    } else {
        written.iter().filter_map(DocId::facility_id).collect()
    };
    let mut leads = Vec::new();
    for facility in facilities {
        let Some(projection) = compute(tx, facility, &settings, &mut found)? else {
            continue;
        };
        let before = tx.effective_level(&projection.facility.id)?;
        tx.put_projection(&projection, seq)?;
        if let Some(lead) = new_lead(tx, &projection.facility, before, seq, &settings)? {
            leads.push(lead);
        }
    }
    record_problems(tx, found)?;
    Ok(leads)
}

/// A lead when the effective level is orange or red and higher than before.
fn new_lead(
    tx: &ReadTx<'_>,
    row: &FacilityRow,
    before: Option<RiskLevel>,
    seq: u64,
    settings: &CountySettings,
) -> AppResult<Option<Lead>> {
    let level = row.effective_level;
    let Ok(township) = row.township.parse::<TownshipId>() else {
        return Ok(None);
    };
    if level < RiskLevel::Orange || before.is_some_and(|b| b >= level) {
        return Ok(None);
    }
    let name = match tx.township(township)? {
        Some(t) => t.name,
        None => settings
            .township(township)
            .map(|t| t.name.clone())
            .unwrap_or_default(),
    };
    Ok(Some(Lead {
        facility: row
            .id
            .parse()
            .map_err(|e| AppError::Internal(format!("projected facility id: {e}")))?,
        township: TownshipRef { id: township, name },
        name: row.name.clone(),
        level,
        previous_level: before,
        main_problems: row.annex.review.main_problems.clone(),
        seq,
        last_visit_at: row.last_visit_at.clone(),
        conflicts: row.annex.conflicts.clone(),
        clock_ahead: row.annex.visits.clock_ahead.clone(),
    }))
}

/// Projections that differ from a fresh computation, named by facility id,
/// `township_log:…` or `settings`; empty when the projections are exact.
pub fn mismatches(tx: &ReadTx<'_>) -> AppResult<Vec<String>> {
    let ignored = &mut Problems::new();
    let settings = settings(tx, ignored)?;
    let mut out = Vec::new();
    let mut projected: BTreeSet<String> = tx.projected_facility_ids()?.into_iter().collect();
    for facility in all_facilities(tx)? {
        let id = facility.to_string();
        projected.remove(&id);
        let fresh = compute(tx, facility, &settings, ignored)?;
        if tx.projection(&id)? != fresh {
            out.push(id);
        }
    }
    out.extend(
        projected
            .into_iter()
            .map(|id| format!("{id} (no document)")),
    );

    let mut logs = tx.township_logs()?;
    for id in tx.doc_ids_of_kind(DocKind::TownshipLog)? {
        let fresh = township_log(tx, id, ignored)?;
        let stored = logs
            .iter()
            .position(|l| l.doc_id == id)
            .map(|i| logs.swap_remove(i));
        if stored != fresh {
            out.push(id.to_string());
        }
    }
    out.extend(
        logs.into_iter()
            .map(|l| format!("{} (no document)", l.doc_id)),
    );

    if tx.projected_settings()? != settings_projection(tx, &settings)? {
        out.push("settings".to_owned());
    }
    Ok(out)
}

/// The settings row: the document's id and the settings as JSON; `None`
/// while no settings document is stored.
fn settings_projection(
    tx: &ReadTx<'_>,
    settings: &CountySettings,
) -> AppResult<Option<(DocId, String)>> {
    let Some(id) = tx.doc_ids_of_kind(DocKind::Settings)?.into_iter().next() else {
        return Ok(None);
    };
    let json = serde_json::to_string(settings)
        .map_err(|e| AppError::Internal(format!("settings to JSON: {e}")))?;
    Ok(Some((id, json)))
}

/// A township log's row, or `None` when the document is missing or does not
/// hydrate.
fn township_log(
    tx: &ReadTx<'_>,
    id: DocId,
    found: &mut Problems,
) -> AppResult<Option<TownshipLogRow>> {
    let Some(Loaded {
        scope, body: log, ..
    }) = document::<TownshipLog>(tx, id, found)?
    else {
        return Ok(None);
    };
    Ok(Some(TownshipLogRow {
        township: scope.to_string(),
        doc_id: id,
        activities: log.activities.len() as u32,
        participants: log.activities.iter().map(|a| a.participants).sum(),
    }))
}

fn all_facilities(tx: &ReadTx<'_>) -> AppResult<BTreeSet<FacilityId>> {
    Ok(tx
        .doc_ids_of_kind(DocKind::Facility)?
        .iter()
        .filter_map(DocId::facility_id)
        .collect())
}

fn settings(tx: &ReadTx<'_>, found: &mut Problems) -> AppResult<CountySettings> {
    let ids = tx.doc_ids_of_kind(DocKind::Settings)?;
    match ids.first() {
        Some(id) => Ok(body::<CountySettings>(tx, *id, found)?.unwrap_or_default()),
        None => Ok(CountySettings::default()),
    }
}

fn body<B: DocBody>(tx: &ReadTx<'_>, id: DocId, found: &mut Problems) -> AppResult<Option<B>> {
    Ok(document::<B>(tx, id, found)?.map(|d| d.body))
}

/// A stored document as projection reads it.
struct Loaded<B> {
    scope: Scope,
    body: B,
    /// Its fields with concurrent values, in words.
    conflicts: Vec<OpenConflict>,
}

/// A stored document's scope and body. One that fails the write gate's
/// content checks (stored before the gate, or by an older build) is noted
/// in `found` with its reason, and still projected when it hydrates, so it
/// is never silently missing.
fn document<B: DocBody>(
    tx: &ReadTx<'_>,
    id: DocId,
    found: &mut Problems,
) -> AppResult<Option<Loaded<B>>> {
    let Some(doc): Option<AutoCommit> = tx
        .load_doc(id)
        .map_err(|e| AppError::Internal(e.to_string()))?
    else {
        return Ok(None);
    };
    let prefix = (B::KIND != DocKind::Facility).then(|| B::KIND.label_zh());
    let checked = check_document(&doc);
    // The conflict walk recurses: only over a document of bounded depth.
    let conflicts = match checked.is_ok() || check_sizes(&doc).is_ok() {
        true => open_conflicts(&doc, prefix),
        false => Vec::new(),
    };
    let fault = match checked {
        Ok((header, body)) => {
            found.push((id, Some(header.township), None));
            return Ok(B::from_body(body).map(|body| Loaded {
                scope: header.township,
                body,
                conflicts,
            }));
        }
        Err(fault) => fault,
    };
    let township = read_header(&doc).ok().map(|h| h.township);
    found.push((id, township, Some(fault.message)));
    match hydrate_doc::<B, _>(&doc) {
        Ok(d) => Ok(Some(Loaded {
            scope: d.header.township,
            body: d.body,
            conflicts,
        })),
        Err(e) => {
            tracing::warn!(doc = %id, error = %e, "stored document does not hydrate");
            Ok(None)
        }
    }
}

/// A document that belongs to a facility in `scope`. One recorded in another
/// township (stored before the write gate took a review's or county
/// record's township from its facility) is left out and listed as a problem,
/// so it can never set another township's facility's level.
fn belonging<B: DocBody>(
    tx: &ReadTx<'_>,
    id: DocId,
    scope: Scope,
    found: &mut Problems,
) -> AppResult<Option<Loaded<B>>> {
    match tx.doc_scope(id)? {
        None => Ok(None),
        Some(RecordedScope::Scope(s)) if s == scope => document::<B>(tx, id, found),
        Some(recorded) => {
            let township = match recorded {
                RecordedScope::Scope(s) => Some(s),
                RecordedScope::Unrecorded => None,
            };
            let reason = "记录所属乡镇与其机构不一致，未计入".to_owned();
            found.push((id, township, Some(reason)));
            Ok(None)
        }
    }
}

/// What projecting found about each document it read: `None` when it
/// passes the gate's content checks, or the reason it does not.
type Problems = Vec<(DocId, Option<Scope>, Option<String>)>;

fn record_problems(tx: &WriteTx<'_>, found: Problems) -> AppResult<()> {
    let now = crate::clock::unix_now();
    for (doc, township, reason) in found {
        match reason {
            Some(reason) => tx.put_problem(doc, township, &reason, now)?,
            None => tx.clear_problem(doc)?,
        }
    }
    Ok(())
}

/// The rows of one facility, or `None` when its facility document is missing.
fn compute(
    tx: &ReadTx<'_>,
    facility_id: FacilityId,
    settings: &CountySettings,
    found: &mut Problems,
) -> AppResult<Option<FacilityProjection>> {
    let facility_doc = DocId::facility(facility_id);
    let Some(Loaded {
        scope,
        body: facility,
        conflicts: mut open,
    }) = document::<Facility>(tx, facility_doc, found)?
    else {
        return Ok(None);
    };
    let township = scope.to_string();
    let receipts = tx.visit_receipts(facility_id)?;
    let (facility, clock_ahead) = clock::by_server_clock(facility, &receipts);
    let review =
        belonging::<FacilityReview>(tx, DocId::review(facility_id), scope, found)?.map(|d| {
            open.extend(d.conflicts);
            d.body
        });
    let county =
        belonging::<CountyRecord>(tx, DocId::county(facility_id), scope, found)?.map(|d| {
            open.extend(d.conflicts);
            d.body
        });
    let assessment = classify(&facility, county.as_ref(), settings);
    let view = LevelView::new(assessment.level, review.as_ref());

    let mut visits: Vec<VisitRow> = facility
        .visits
        .iter()
        .map(|v| VisitRow {
            id: v.id.to_string(),
            phase: v.phase.map(|p| p.code().to_string()),
            method: v.method.map(|m| m.code().to_string()),
            arrived_at: v.arrived_at.map(|t| t.to_string()),
            entry_state: entry_state(v, review.as_ref().and_then(|r| r.review_of(v.id)))
                .code()
                .to_string(),
            interviews: v.interviews.len() as u32,
            photos: v.photos.len() as u32,
        })
        .collect();
    visits.sort_by(|a, b| a.id.cmp(&b.id));
    let profile = &facility.profile;
    let row = FacilityRow {
        id: facility_id.to_string(),
        township,
        name: profile.name.clone(),
        category: facility.category.map(|c| c.code().to_string()),
        source: facility.source.map(|s| s.code().to_string()),
        uscc: profile.uscc.clone(),
        priority: facility.is_priority(&settings.thresholds),
        visit_count: facility.visits.len() as u32,
        interviews: facility
            .visits
            .iter()
            .map(|v| v.interviews.len() as u32)
            .sum(),
        last_visit_at: visits.iter().filter_map(|v| v.arrived_at.clone()).max(),
        computed_level: assessment.level,
        confirmed_level: view.confirmed.as_ref().map(|c| c.level),
        effective_level: view.effective(),
        fired: assessment.fired_ids().collect(),
        must_report: assessment.must_report_to_county,
        annex: annex::record(&annex::Sources {
            facility: &facility,
            review: review.as_ref(),
            county: county.as_ref(),
            thresholds: &settings.thresholds,
            assessment: &assessment,
            view: &view,
            clock_ahead: &clock_ahead,
            conflicts: open,
        }),
    };
    let json = serde_json::to_string(&assessment)
        .map_err(|e| AppError::Internal(format!("assessment to JSON: {e}")))?;
    Ok(Some(FacilityProjection {
        facility: row,
        visits,
        assessment: AssessmentRow {
            rule_set_version: assessment.rule_set_version.clone(),
            level: assessment.level.code().to_string(),
            json,
        },
    }))
}
