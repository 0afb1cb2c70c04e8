//! Read models of the documents: one row per facility (with its
//! [`AnnexRecord`] as JSON), per visit, and the facility's assessment; one
//! row per township log (publicity counts) and one for the county settings.
//! Rewritten in the same transaction as every write to their documents, so
//! dashboards and exports read only these tables and never hydrate
//! documents.

use mopai_shared::doc::DocKind;
use mopai_shared::ids::DocId;
use mopai_shared::model::RiskLevel;
use mopai_shared::risk::RuleId;

use super::annex_record::AnnexRecord;
use super::sql::{Error, Result, Row, params};
use super::{ReadTx, WriteTx};

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
    pub doc_id: DocId,
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
    pub fn put_projection(&self, p: &FacilityProjection, seq: u64) -> Result<()> {
        let f = &p.facility;
        let annex = serde_json::to_string(&f.annex).map_err(|e| Error::Encode(e.to_string()))?;
        self.execute("DELETE FROM facilities WHERE id = ?1", params![f.id])?;
        self.execute(
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
                f.computed_level,
                f.confirmed_level,
                f.effective_level,
                f.fired,
                f.must_report,
                seq,
                annex
            ],
        )?;
        for v in &p.visits {
            self.execute(
                "INSERT INTO visits (id, facility_id, township, phase, method, arrived_at,
                    entry_state, interviews, photos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    v.id,
                    f.id,
                    f.township,
                    v.phase,
                    v.method,
                    v.arrived_at,
                    v.entry_state,
                    v.interviews,
                    v.photos
                ],
            )?;
        }
        let a = &p.assessment;
        self.execute(
            "INSERT INTO assessments (facility_id, rule_set_version, level, assessment)
             VALUES (?1, ?2, ?3, ?4)",
            params![f.id, a.rule_set_version, a.level, a.json],
        )?;
        Ok(())
    }

    pub fn put_township_log(&self, row: &TownshipLogRow, seq: u64) -> Result<()> {
        self.execute(
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

    /// Stores the county settings as JSON (the one settings document).
    pub fn put_settings(&self, doc_id: DocId, json: &str, seq: u64) -> Result<()> {
        self.execute(
            "INSERT INTO county_settings (id, doc_id, settings, updated_seq) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET doc_id = ?1, settings = ?2, updated_seq = ?3",
            params![doc_id, json, seq],
        )?;
        Ok(())
    }
}

impl ReadTx<'_> {
    /// The stored projection of one facility, to compare with a recomputation.
    pub fn projection(&self, facility_id: &str) -> Result<Option<FacilityProjection>> {
        let facility = self.optional(
            &format!("SELECT {FACILITY_COLUMNS} FROM facilities WHERE id = ?1"),
            params![facility_id],
            facility_row,
        )?;
        let Some(facility) = facility else {
            return Ok(None);
        };
        let visits = self.rows(
            "SELECT id, phase, method, arrived_at, entry_state, interviews, photos
             FROM visits WHERE facility_id = ?1 ORDER BY id",
            params![facility_id],
            |r| {
                Ok(VisitRow {
                    id: r.get(0)?,
                    phase: r.get(1)?,
                    method: r.get(2)?,
                    arrived_at: r.get(3)?,
                    entry_state: r.get(4)?,
                    interviews: r.get(5)?,
                    photos: r.get(6)?,
                })
            },
        )?;
        let assessment = self.one(
            "SELECT rule_set_version, level, assessment FROM assessments WHERE facility_id = ?1",
            params![facility_id],
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
    pub fn effective_level(&self, facility_id: &str) -> Result<Option<RiskLevel>> {
        self.optional(
            "SELECT effective_level FROM facilities WHERE id = ?1",
            params![facility_id],
            |r| r.get(0),
        )
    }

    /// Every projected township log, by township id.
    pub fn township_logs(&self) -> Result<Vec<TownshipLogRow>> {
        self.rows(
            "SELECT township, doc_id, activities, participants FROM township_logs ORDER BY township",
            params![],
            |r| {
                Ok(TownshipLogRow {
                    township: r.get(0)?,
                    doc_id: r.get(1)?,
                    activities: r.get(2)?,
                    participants: r.get(3)?,
                })
            },
        )
    }

    /// The projected settings: document id and JSON, if any were written.
    pub fn projected_settings(&self) -> Result<Option<(DocId, String)>> {
        self.optional(
            "SELECT doc_id, settings FROM county_settings WHERE id = 1",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Facility rows of one township, or of all when `township` is `None`,
    /// with the sequence number of their last projection.
    pub fn facility_rows(&self, township: Option<&str>) -> Result<Vec<(FacilityRow, u64)>> {
        self.rows(
            &format!(
                "SELECT {FACILITY_COLUMNS}, updated_seq FROM facilities
                 WHERE CAST(?1 AS TEXT) IS NULL OR township = ?1 ORDER BY township, name, id"
            ),
            params![township],
            row_and_seq,
        )
    }

    /// One township's facility rows, sought through its index (the
    /// optional filter of [`Self::facility_rows`] makes SQLite scan them all).
    pub fn facility_rows_of(&self, township: &str) -> Result<Vec<(FacilityRow, u64)>> {
        self.rows(
            &format!("SELECT {FACILITY_COLUMNS}, updated_seq FROM facilities WHERE township = ?1"),
            params![township],
            row_and_seq,
        )
    }

    /// Red and orange facilities of one township or all, the most recently
    /// written first, at most `limit`: through the level and township
    /// indexes, so the county's feed costs the same at any size.
    pub fn lead_rows(
        &self,
        township: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(FacilityRow, u64)>> {
        let leads = "effective_level IN ('red', 'orange')";
        match township {
            None => self.rows(
                &format!(
                    "SELECT {FACILITY_COLUMNS}, updated_seq FROM facilities
                     WHERE {leads} ORDER BY updated_seq DESC LIMIT ?1"
                ),
                params![limit],
                row_and_seq,
            ),
            Some(t) => self.rows(
                &format!(
                    "SELECT {FACILITY_COLUMNS}, updated_seq FROM facilities
                     WHERE township = ?1 AND {leads} ORDER BY updated_seq DESC LIMIT ?2"
                ),
                params![t, limit],
                row_and_seq,
            ),
        }
    }

    /// The rule-set versions stored assessments were computed under, in
    /// one township or all.
    pub fn rule_set_versions(&self, township: Option<&str>) -> Result<Vec<String>> {
        self.rows(
            "SELECT DISTINCT a.rule_set_version FROM assessments a
             JOIN facilities f ON f.id = a.facility_id
             WHERE CAST(?1 AS TEXT) IS NULL OR f.township = ?1 ORDER BY 1",
            params![township],
            |r| r.get(0),
        )
    }

    /// Ids of every stored document of one kind.
    pub fn doc_ids_of_kind(&self, kind: DocKind) -> Result<Vec<DocId>> {
        self.rows(
            "SELECT id FROM docs WHERE kind = ?1 ORDER BY id",
            params![kind],
            |r| r.get(0),
        )
    }

    /// Ids of every projected facility.
    pub fn projected_facility_ids(&self) -> Result<Vec<String>> {
        self.rows("SELECT id FROM facilities ORDER BY id", params![], |r| {
            r.get(0)
        })
    }
}

const FACILITY_COLUMNS: &str = "id, township, name, category, source, uscc, priority, visit_count,
    interviews, last_visit_at, computed_level, confirmed_level, effective_level, fired,
    must_report, annex";

fn facility_row(r: &Row<'_>) -> Result<FacilityRow> {
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
        computed_level: r.get(10)?,
        confirmed_level: r.get(11)?,
        effective_level: r.get(12)?,
        fired: r.get(13)?,
        must_report: r.get(14)?,
        annex: r.get(15)?,
    })
}

fn row_and_seq(r: &Row<'_>) -> Result<(FacilityRow, u64)> {
    Ok((facility_row(r)?, r.get(16)?))
}
