//! The five annex tables of the plan (附件1-5, DOMAIN §7) for the county or
//! one township, as XLSX or CSV, and a zip of all five XLSX.
//!
//! Everything is read in one transaction into a [`Snapshot`] of projection
//! rows (never documents), so the five tables of one zip agree with each
//! other and with `GET /api/facilities` at that moment. Each table is a list
//! of column specs ([`sheet::Column`]) applied to its rows; the writers only
//! lay out the resulting [`sheet::Sheet`].
//!
//! Formats:
//! - XLSX: a merged title row; a header block with 填报单位（盖章）, 分管领导签字,
//!   填报人, 联系电话 and 填报日期 to fill in by hand; a frozen column header
//!   (two rows where columns are grouped); set widths; risk-colour fills on
//!   the level column; a totals row; a 数据来源 (provenance) sheet; and a
//!   print layout for signing and stamping ([`xlsx`]).
//! - CSV: UTF-8 with a BOM so Excel and WPS detect the encoding; one header
//!   line (grouped columns as "组-列"), the rows, then the totals row. No title
//!   or header block, so the file loads as data.
//!
//! Which rows each table holds (**\[decision\]** where DOMAIN leaves it open):
//! 1 filed and unfiled institutions; 2 unregistered venues; 3 every red,
//! orange or yellow facility by effective level; 4 one row per township plus
//! the county total; 5 filed institutions whose filing date falls in the
//! three years before the year the tables are due (2019-2021 for 2022). A
//! facility whose category is not yet recorded is in none of 1, 2 and 5.
//!
//! - [`sheet`]: cells, column specs, totals.
//! - [`facility_tables`]: the specs of tables 1, 2, 3 and 5.
//! - [`progress_table`]: the spec of table 4.
//! - [`xlsx`], [`csv`]: the writers; [`provenance`]: the 数据来源 sheet.

pub mod csv;
pub mod facility_tables;
pub mod progress_table;
pub mod provenance;
pub mod sheet;
pub mod xlsx;

use std::collections::BTreeMap;
use std::io::Write;

use mopai_shared::dashboard::TownshipProgress;
use mopai_shared::ids::UserId;
use mopai_shared::model::{CountySettings, Timestamp};
use zip::write::SimpleFileOptions;

use crate::storage::ReadTx;
use crate::storage::heads::DocHeads;
use crate::storage::projections::FacilityRow;
use crate::storage::rollups::Area;
use sheet::Sheet;

/// 附件1-5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Survey,
    Venues,
    RiskList,
    Progress,
    Filed,
}

impl Table {
    pub const ALL: [Table; 5] = [
        Table::Survey,
        Table::Venues,
        Table::RiskList,
        Table::Progress,
        Table::Filed,
    ];

    pub fn number(self) -> u8 {
        match self {
            Table::Survey => 1,
            Table::Venues => 2,
            Table::RiskList => 3,
            Table::Progress => 4,
            Table::Filed => 5,
        }
    }

    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.number() == n)
    }

    pub fn title(self, snapshot: &Snapshot) -> String {
        match self {
            Table::Survey => "养老服务领域诈骗风险隐患摸底排查情况统计表".into(),
            Table::Venues => "未经登记从事养老服务经营活动的服务场所风险摸底排查情况统计表".into(),
            Table::RiskList => "养老服务领域诈骗风险隐患“红橙黄”风险管控名单".into(),
            Table::Progress => "养老服务领域诈骗风险隐患排查工作进度表".into(),
            Table::Filed => {
                let years = snapshot.filed_years();
                format!("{}-{}年备案养老机构情况摸底表", years.start(), years.end())
            }
        }
    }

    /// "附件1-…表.xlsx".
    pub fn file_name(self, snapshot: &Snapshot, ext: &str) -> String {
        let area = match &snapshot.area {
            Area::County => String::new(),
            Area::Township(_) => format!("-{}", snapshot.unit),
        };
        format!("附件{}-{}{area}.{ext}", self.number(), self.title(snapshot))
    }

    pub fn sheet(self, snapshot: &Snapshot) -> Sheet {
        match self {
            Table::Progress => progress_table::sheet(snapshot),
            _ => facility_tables::sheet(self, snapshot),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("csv: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

/// Everything the tables of one area show, read at one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub area: Area,
    /// 填报单位: the township's name, or the county's.
    pub unit: String,
    pub generated_at: Timestamp,
    pub settings: CountySettings,
    /// In table order: by township (as added), then level (highest first), then name.
    pub facilities: Vec<FacilityRow>,
    /// Township id → name.
    pub township_names: BTreeMap<String, String>,
    pub user_names: BTreeMap<UserId, String>,
    pub progress: Vec<TownshipProgress>,
    pub total: TownshipProgress,
    pub heads: Vec<DocHeads>,
    /// Rule-set versions of the stored assessments in the area.
    pub rule_set_versions: Vec<String>,
}

impl Snapshot {
    pub fn load(tx: &ReadTx<'_>, area: Area, now: Timestamp) -> crate::storage::Result<Self> {
        let settings = tx.settings_in_force()?;
        let townships = tx.township_refs()?;
        let order: BTreeMap<String, usize> = townships
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.to_string(), i))
            .collect();
        let rows = tx.facilities_in(area)?;
        let (progress, total) = tx.progress(area, &rows, now)?;
        let mut facilities: Vec<FacilityRow> = rows.into_iter().map(|(r, _)| r).collect();
        facilities.sort_by(|a, b| {
            let key = |r: &FacilityRow| order.get(&r.township).copied().unwrap_or(usize::MAX);
            key(a)
                .cmp(&key(b))
                .then(b.effective_level.cmp(&a.effective_level))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.id.cmp(&b.id))
        });
        let township_names: BTreeMap<String, String> = townships
            .into_iter()
            .map(|t| (t.id.to_string(), t.name))
            .collect();
        let unit = match area {
            Area::County => settings.county_name.clone(),
            Area::Township(t) => township_names
                .get(&t.to_string())
                .cloned()
                .unwrap_or_default(),
        };
        let filter = match area {
            Area::County => None,
            Area::Township(t) => Some(t.to_string()),
        };
        Ok(Self {
            area,
            unit,
            generated_at: now,
            facilities,
            township_names,
            user_names: tx
                .users()?
                .into_iter()
                .map(|u| (u.id, u.display_name))
                .collect(),
            progress,
            total,
            heads: tx.doc_heads(filter.as_deref())?,
            rule_set_versions: tx.rule_set_versions(filter.as_deref())?,
            settings,
        })
    }

    /// Table 5's filing years: the three before the year the tables are due.
    pub fn filed_years(&self) -> std::ops::RangeInclusive<i32> {
        let due = self.settings.schedule.tables_due.0.year();
        (due - 3)..=(due - 1)
    }

    pub fn township_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.township_names.get(id).map_or(id, String::as_str)
    }
}

pub fn xlsx(table: Table, snapshot: &Snapshot) -> Result<Vec<u8>, ExportError> {
    xlsx::write(table, &table.sheet(snapshot), snapshot)
}

pub fn csv(table: Table, snapshot: &Snapshot) -> Result<Vec<u8>, ExportError> {
    csv::write(&table.sheet(snapshot))
}

/// The five tables as XLSX in one zip.
pub fn zip_all(snapshot: &Snapshot) -> Result<Vec<u8>, ExportError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // An XLSX is itself a deflated zip: deflating it again costs time and saves little.
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for table in Table::ALL {
        zip.start_file(table.file_name(snapshot, "xlsx"), options)?;
        zip.write_all(&xlsx(table, snapshot)?)?;
    }
    Ok(zip.finish()?.into_inner())
}
