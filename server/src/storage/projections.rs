//! Read models of the documents: one row per facility (with its
//! [`AnnexRecord`] as JSON), per visit, and the facility's assessment; one
//! row per township log (publicity counts) and one for the county settings.
//! Rewritten in the same transaction as every write to their documents, so
//! dashboards and exports read only these tables and never hydrate
//! documents.

use mopai_shared::model::RiskLevel;
use mopai_shared::risk::RuleId;
use rusqlite::{OptionalExtension, params};

use super::WriteTx;
use super::annex_record::AnnexRecord;
use super::text::{parsed, parsed_list, parsed_opt};

/// Migration step that creates the projection tables.
pub const SCHEMA: &str = "CREATE TABLE facilities (
        id            TEXT PRIMARY KEY,
        township      TEXT NOT NULL,
        name          TEXT NOT NULL,
        category      TEXT,
        source        TEXT,
        uscc          TEXT NOT NULL,
        priority      INTEGER NOT NULL,
        visit_count   INTEGER NOT NULL,
        interviews    INTEGER NOT NULL,
        last_visit_at TEXT,
        computed_level  TEXT NOT NULL,
        confirmed_level TEXT,
        effective_level TEXT NOT NULL,
        fired         TEXT NOT NULL,
        must_report   INTEGER NOT NULL,
        updated_seq   INTEGER NOT NULL
     ) STRICT;
     CREATE INDEX facilities_by_township ON facilities(township, effective_level);
     CREATE TABLE visits (
        id          TEXT PRIMARY KEY,
        facility_id TEXT NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
        township    TEXT NOT NULL,
        phase       TEXT,
        method      TEXT,
        arrived_at  TEXT,
        entry_state TEXT NOT NULL,
        interviews  INTEGER NOT NULL,
        photos      INTEGER NOT NULL
     ) STRICT;
     CREATE INDEX visits_by_facility ON visits(facility_id);
     CREATE TABLE assessments (
        facility_id     TEXT PRIMARY KEY REFERENCES facilities(id) ON DELETE CASCADE,
        rule_set_version TEXT NOT NULL,
        level           TEXT NOT NULL,
        assessment      TEXT NOT NULL
     ) STRICT;";

/// Migration step that adds what the annex tables and the dashboard read:
/// the annex record of each facility, township logs and the settings.
/// Existing facility rows get an empty record, which `mismatches` reports
/// until the facility is projected again.
pub const ANNEX_SCHEMA: &str = "ALTER TABLE facilities ADD COLUMN annex TEXT NOT NULL DEFAULT '{}';
     CREATE INDEX facilities_by_level ON facilities(effective_level, updated_seq);
     CREATE TABLE township_logs (
        township      TEXT PRIMARY KEY,
        doc_id        TEXT NOT NULL,
        activities    INTEGER NOT NULL,
        participants  INTEGER NOT NULL,
        updated_seq   INTEGER NOT NULL
     ) STRICT;
     CREATE TABLE county_settings (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        doc_id      TEXT NOT NULL,
        settings    TEXT NOT NULL,
        updated_seq INTEGER NOT NULL
     ) STRICT;";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityRow {
    pub id: String,
    pub township: String,
    pub name: String,
    pub category: Option<String>,
    pub source: Option<String>,
    pub uscc: String,
    pub priority: bool,
    pub visit_count: u32,
    pub interviews: u32,
    pub last_visit_at: Option<String>,
    pub computed_level: RiskLevel,
    pub confirmed_level: Option<RiskLevel>,
    pub effective_level: RiskLevel,
    /// The rules that fired, in table order (stored as comma-joined codes).
    pub fired: Vec<RuleId>,
    pub must_report: bool,
    pub annex: AnnexRecord,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    pub id: String,
    pub phase: Option<String>,
    pub method: Option<String>,
    pub arrived_at: Option<String>,
    pub entry_state: String,
    pub interviews: u32,
    pub photos: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentRow {
    pub rule_set_version: String,
    pub level: String,
    /// The full `Assessment`, as JSON, for pages that show the reasons.
    pub json: String,
}

/// The projection of one township log document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TownshipLogRow {
    pub township: String,
    pub doc_id: String,
    /// 宣传活动场次.
    pub activities: u32,
    pub participants: u32,
}

/// Everything projected from one facility's documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityProjection {
    pub facility: FacilityRow,
    pub visits: Vec<VisitRow>,
    pub assessment: AssessmentRow,
}

impl WriteTx<'_> {
    /// Replaces every row projected from one facility.
    pub fn put_projection(&self, p: &FacilityProjection, seq: u64) -> rusqlite::Result<()> {
        let f = &p.facility;
        let annex = annex_json(&f.annex)?;
        self.tx
            .execute("DELETE FROM facilities WHERE id = ?1", [&f.id])?;
        self.tx.execute(
            "INSERT INTO facilities (id, township, name, category, source, uscc, priority,
                visit_count, interviews, last_visit_at, computed_level, confirmed_level,
                effective_level, fired, must_report, updated_seq, annex)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                f.id,
                f.township,
                f.name,
                f.category,
                f.source,
                f.uscc,
                f.priority,
                f.visit_count,
                f.interviews,
                f.last_visit_at,
                f.computed_level.code(),
                f.confirmed_level.map(RiskLevel::code),
                f.effective_level.code(),
                f.fired
                    .iter()
                    .map(|r| r.code())
                    .collect::<Vec<_>>()
                    .join(","),
                f.must_report,
                seq,
                annex
            ],
        )?;
        let mut insert_visit = self.tx.prepare_cached(
            "INSERT INTO visits (id, facility_id, township, phase, method, arrived_at,
                entry_state, interviews, photos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for v in &p.visits {
            insert_visit.execute(params![
                v.id,
                f.id,
                f.township,
                v.phase,
                v.method,
                v.arrived_at,
                v.entry_state,
                v.interviews,
                v.photos
            ])?;
        }
        let a = &p.assessment;
        self.tx.execute(
            "INSERT INTO assessments (facility_id, rule_set_version, level, assessment)
             VALUES (?1, ?2, ?3, ?4)",
            params![f.id, a.rule_set_version, a.level, a.json],
        )?;
        Ok(())
    }

    /// The stored projection of one facility, to compare with a recomputation.
    pub fn projection(&self, facility_id: &str) -> rusqlite::Result<Option<FacilityProjection>> {
        let facility = self.tx.query_row(
            &format!("SELECT {FACILITY_COLUMNS} FROM facilities WHERE id = ?1"),
            [facility_id],
            facility_row,
        );
        let facility = match facility {
            Ok(f) => f,
            Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, phase, method, arrived_at, entry_state, interviews, photos
             FROM visits WHERE facility_id = ?1 ORDER BY id",
        )?;
        let visits = stmt
            .query_map([facility_id], |r| {
                Ok(VisitRow {
                    id: r.get(0)?,
                    phase: r.get(1)?,
                    method: r.get(2)?,
                    arrived_at: r.get(3)?,
                    entry_state: r.get(4)?,
                    interviews: r.get(5)?,
                    photos: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let assessment = self.tx.query_row(
            "SELECT rule_set_version, level, assessment FROM assessments WHERE facility_id = ?1",
            [facility_id],
            |r| {
                Ok(AssessmentRow {
                    rule_set_version: r.get(0)?,
                    level: r.get(1)?,
                    json: r.get(2)?,
                })
            },
        )?;
        Ok(Some(FacilityProjection {
            facility,
            visits,
            assessment,
        }))
    }

    /// The effective level stored for a facility, before it is re-projected.
    pub fn effective_level(&self, facility_id: &str) -> rusqlite::Result<Option<String>> {
        self.tx
            .query_row(
                "SELECT effective_level FROM facilities WHERE id = ?1",
                [facility_id],
                |r| r.get(0),
            )
            .optional()
    }

    pub fn put_township_log(&self, row: &TownshipLogRow, seq: u64) -> rusqlite::Result<()> {
        self.tx.execute(
            "INSERT INTO township_logs (township, doc_id, activities, participants, updated_seq)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (township) DO UPDATE SET doc_id = ?2, activities = ?3,
                participants = ?4, updated_seq = ?5",
            params![
                row.township,
                row.doc_id,
                row.activities,
                row.participants,
                seq
            ],
        )?;
        Ok(())
    }

    /// Every projected township log, by township id.
    pub fn township_logs(&self) -> rusqlite::Result<Vec<TownshipLogRow>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT township, doc_id, activities, participants FROM township_logs ORDER BY township",
        )?;
        stmt.query_map([], |r| {
            Ok(TownshipLogRow {
                township: r.get(0)?,
                doc_id: r.get(1)?,
                activities: r.get(2)?,
                participants: r.get(3)?,
            })
        })?
        .collect()
    }

    /// Stores the county settings as JSON (the one settings document).
    pub fn put_settings(&self, doc_id: &str, json: &str, seq: u64) -> rusqlite::Result<()> {
        self.tx.execute(
            "INSERT INTO county_settings (id, doc_id, settings, updated_seq) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET doc_id = ?1, settings = ?2, updated_seq = ?3",
            params![doc_id, json, seq],
        )?;
        Ok(())
    }

    /// The projected settings: document id and JSON, if any were written.
    pub fn projected_settings(&self) -> rusqlite::Result<Option<(String, String)>> {
        self.tx
            .query_row(
                "SELECT doc_id, settings FROM county_settings WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }

    /// Facility rows of one township, or of all when `township` is `None`,
    /// with the sequence number of their last projection.
    pub fn facility_rows(
        &self,
        township: Option<&str>,
    ) -> rusqlite::Result<Vec<(FacilityRow, u64)>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {FACILITY_COLUMNS}, updated_seq FROM facilities
             WHERE ?1 IS NULL OR township = ?1 ORDER BY township, name, id"
        ))?;
        stmt.query_map([township], |r| Ok((facility_row(r)?, r.get(16)?)))?
            .collect()
    }

    /// One township's facility rows, sought through its index (the
    /// optional filter of [`Self::facility_rows`] makes SQLite scan them all).
    pub fn facility_rows_of(&self, township: &str) -> rusqlite::Result<Vec<(FacilityRow, u64)>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {FACILITY_COLUMNS}, updated_seq FROM facilities WHERE township = ?1"
        ))?;
        stmt.query_map([township], |r| Ok((facility_row(r)?, r.get(16)?)))?
            .collect()
    }

    /// Red and orange facilities of one township or all, the most recently
    /// written first, at most `limit`: through the level and township
    /// indexes, so the county's feed costs the same at any size.
    pub fn lead_rows(
        &self,
        township: Option<&str>,
        limit: usize,
    ) -> rusqlite::Result<Vec<(FacilityRow, u64)>> {
        let leads = "effective_level IN ('red', 'orange')";
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let row = |r: &rusqlite::Row<'_>| Ok((facility_row(r)?, r.get(16)?));
        match township {
            None => self
                .tx
                .prepare_cached(&format!(
                    "SELECT {FACILITY_COLUMNS}, updated_seq FROM facilities
                     WHERE {leads} ORDER BY updated_seq DESC LIMIT ?1"
                ))?
                .query_map(params![limit], row)?
                .collect(),
            Some(t) => self
                .tx
                .prepare_cached(&format!(
                    "SELECT {FACILITY_COLUMNS}, updated_seq FROM facilities
                     WHERE township = ?1 AND {leads} ORDER BY updated_seq DESC LIMIT ?2"
                ))?
                .query_map(params![t, limit], row)?
                .collect(),
        }
    }

    /// The rule-set versions stored assessments were computed under, in
    /// one township or all.
    pub fn rule_set_versions(&self, township: Option<&str>) -> rusqlite::Result<Vec<String>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT DISTINCT a.rule_set_version FROM assessments a
             JOIN facilities f ON f.id = a.facility_id
             WHERE ?1 IS NULL OR f.township = ?1 ORDER BY 1",
        )?;
        stmt.query_map([township], |r| r.get(0))?.collect()
    }

    /// Ids of every stored document of one kind.
    pub fn doc_ids_of_kind(&self, kind: &str) -> rusqlite::Result<Vec<String>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT id FROM docs WHERE kind = ?1 ORDER BY id")?;
        stmt.query_map([kind], |r| r.get(0))?.collect()
    }

    /// Ids of every projected facility.
    pub fn projected_facility_ids(&self) -> rusqlite::Result<Vec<String>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT id FROM facilities ORDER BY id")?;
        stmt.query_map([], |r| r.get(0))?.collect()
    }
}

const FACILITY_COLUMNS: &str = "id, township, name, category, source, uscc, priority, visit_count,
    interviews, last_visit_at, computed_level, confirmed_level, effective_level, fired,
    must_report, annex";

fn facility_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FacilityRow> {
    let annex: String = r.get(15)?;
    Ok(FacilityRow {
        id: r.get(0)?,
        township: r.get(1)?,
        name: r.get(2)?,
        category: r.get(3)?,
        source: r.get(4)?,
        uscc: r.get(5)?,
        priority: r.get(6)?,
        visit_count: r.get(7)?,
        interviews: r.get(8)?,
        last_visit_at: r.get(9)?,
        computed_level: parsed(r, 10)?,
        confirmed_level: parsed_opt(r, 11)?,
        effective_level: parsed(r, 12)?,
        fired: parsed_list(r, 13)?,
        must_report: r.get(14)?,
        annex: serde_json::from_str(&annex).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(15, rusqlite::types::Type::Text, Box::new(e))
        })?,
    })
}

fn annex_json(annex: &AnnexRecord) -> rusqlite::Result<String> {
    serde_json::to_string(annex).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}
