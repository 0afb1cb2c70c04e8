//! Importing facility listings (plan §一.二: 日常掌握 + 公安 + 市场监管).
//!
//! Every import runs in one transaction: rows are read and checked, then
//! compared with each other and with the facilities already stored, then the
//! accepted rows become facility documents. Any row error fails the whole
//! import, so nothing is stored, unless `skip_invalid` is set, which stores
//! the good rows and reports the rest by row number.
//!
//! Duplicates: two rows (or a row and a stored facility) are the same
//! facility when their USCCs are equal, or when they have the same name in
//! the same township and do not carry two different USCCs. A duplicate
//! within the file is an error (the file contradicts itself); a row already
//! stored is skipped and reported, so an updated list can be imported again.
//!
//! - [`table`]: reading xlsx/csv and matching the header.
//! - [`fields`]: parsing cells (USCC, counts, dates, vocabularies, townships).
//! - [`known`]: the duplicate index.
//! - [`facilities`]: `mopai import facilities` (its header spec).
//! - [`market`]: `mopai import market-entities` (its header spec).

pub mod facilities;
pub mod fields;
pub mod known;
pub mod market;
pub mod table;

use std::fmt;

use mopai_shared::doc::Scope;
use mopai_shared::ids::{DocId, FacilityId, TownshipId};
use mopai_shared::model::Facility;

use super::AdminResult;
use super::docs::ServerWriter;
use crate::storage::WriteTx;
use known::Known;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Store the good rows and report the bad ones instead of failing.
    pub skip_invalid: bool,
    /// Check everything, store nothing.
    pub dry_run: bool,
}

/// A row that could not be imported, by its spreadsheet row number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第{}行：{}", self.row, self.message)
    }
}

/// The import stored nothing because of these errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportFailed {
    pub errors: Vec<RowError>,
}

impl fmt::Display for ImportFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "导入失败，未导入任何数据（{} 处错误；修正后重新导入，或加 --skip-invalid 只导入无误的行）：",
            self.errors.len()
        )?;
        for e in &self.errors {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

/// A row ready to become a facility document.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub township: TownshipId,
    pub facility: Facility,
}

/// What one row turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Boxed: a facility is large next to the other outcomes.
    Facility(Box<Candidate>),
    /// Readable but not for this survey (a business without 养老服务).
    Irrelevant,
    Invalid(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub row: usize,
    pub id: DocId,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: Vec<Imported>,
    /// Rows that match a stored facility, with which one.
    pub already_present: Vec<RowError>,
    /// Rows not for this survey.
    pub irrelevant: Vec<usize>,
    /// Rows skipped for errors (only with `skip_invalid`).
    pub skipped: Vec<RowError>,
    pub dry_run: bool,
}

/// Checks `rows` against each other and the stored facilities, then stores
/// the accepted ones (unless a dry run). Call inside a write transaction.
pub fn store_rows(
    tx: &WriteTx<'_>,
    writer: &ServerWriter,
    rows: Vec<(usize, Parsed)>,
    options: ImportOptions,
) -> AdminResult<ImportReport> {
    let stored = known::stored_facilities(tx)?;
    let mut in_file: Known<usize> = Known::default();
    let mut report = ImportReport {
        dry_run: options.dry_run,
        ..ImportReport::default()
    };
    let mut errors = Vec::new();
    let mut accepted = Vec::new();
    for (row, parsed) in rows {
        let candidate = match parsed {
            Parsed::Facility(c) => *c,
            Parsed::Irrelevant => {
                report.irrelevant.push(row);
                continue;
            }
            Parsed::Invalid(messages) => {
                errors.push(RowError {
                    row,
                    message: messages.join("；"),
                });
                continue;
            }
        };
        if let Some((first, why)) = in_file.find(&candidate) {
            errors.push(RowError {
                row,
                message: format!("与第{first}行重复（{why}）"),
            });
        } else if let Some((name, why)) = stored.find(&candidate) {
            report.already_present.push(RowError {
                row,
                message: format!("已有档案{name}（{why}），未重复导入"),
            });
        } else {
            in_file.add(&candidate, row);
            accepted.push((row, candidate));
        }
    }
    if !errors.is_empty() && !options.skip_invalid {
        return Err(ImportFailed { errors }.into());
    }
    report.skipped = errors;
    for (row, candidate) in accepted {
        let id = DocId::facility(FacilityId::random());
        if !options.dry_run {
            writer.create(
                tx,
                id,
                Scope::Township(candidate.township),
                &candidate.facility,
            )?;
        }
        report.imported.push(Imported {
            row,
            id,
            name: candidate.facility.profile.name,
        });
    }
    Ok(report)
}
