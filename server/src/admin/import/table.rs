//! Reading a listing into text cells: the first sheet of an `.xlsx`, `.xlsm`,
//! `.xls` or `.ods` workbook (calamine), or a UTF-8 `.csv`.
//!
//! The first non-empty row is the header. Header cells are matched to a
//! command's [`Column`]s by name or alias, ignoring spaces and full-width
//! brackets; an unknown, repeated or missing required column fails the whole
//! file, since no row could be read reliably. Rows are numbered as the
//! spreadsheet numbers them, so an error message points at the row to fix.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

use super::{ImportFailed, RowError};
use crate::admin::{AdminError, AdminResult};

/// One column a listing may have.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    /// Other headings the same column goes by in the lists we get.
    pub aliases: &'static [&'static str],
    pub required: bool,
    /// What goes in it, for `--help`.
    pub help: &'static str,
}

/// One data row, its cells in the order of the command's columns.
#[derive(Debug, Clone)]
pub struct Record {
    pub row: usize,
    spec: &'static [Column],
    cells: Vec<String>,
}

impl Record {
    /// The trimmed text of column `name`, empty when absent or blank.
    pub fn get(&self, name: &str) -> &str {
        self.spec
            .iter()
            .position(|c| c.name == name)
            .and_then(|i| self.cells.get(i))
            .map_or("", |s| s.as_str())
    }
}

/// The header spec as help text: one line per column.
pub fn describe(spec: &[Column]) -> String {
    spec.iter()
        .map(|c| {
            let need = if c.required { "必填" } else { "可选" };
            let aliases = if c.aliases.is_empty() {
                String::new()
            } else {
                format!("（也可写作：{}）", c.aliases.join("、"))
            };
            format!("  {}　[{need}] {}{aliases}", c.name, c.help)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads `path` and maps its header onto `spec`.
pub fn read(path: &Path, spec: &'static [Column]) -> AdminResult<Vec<Record>> {
    let mut rows = raw_rows(path)?
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let Some((header_row, header)) = rows.next() else {
        return Err(AdminError::invalid(format!(
            "{}：文件是空的",
            path.display()
        )));
    };
    let positions = map_header(header_row, &header, spec)?;
    Ok(rows
        .map(|(row, cells)| Record {
            row,
            spec,
            cells: positions
                .iter()
                .map(|p| p.and_then(|i| cells.get(i)).cloned().unwrap_or_default())
                .collect(),
        })
        .collect())
}

/// Drops whitespace and makes brackets half-width, for headings and names.
pub fn normalize_name(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

/// For each column of `spec`, the index of its cell in a row, if present.
fn map_header(
    row: usize,
    header: &[String],
    spec: &[Column],
) -> Result<Vec<Option<usize>>, ImportFailed> {
    let mut positions = vec![None; spec.len()];
    let mut errors = Vec::new();
    let mut fail = |message: String| errors.push(RowError { row, message });
    for (index, heading) in header.iter().enumerate() {
        let heading = normalize_name(heading);
        if heading.is_empty() {
            continue;
        }
        let found = spec.iter().position(|c| {
            normalize_name(c.name) == heading
                || c.aliases.iter().any(|a| normalize_name(a) == heading)
        });
        match found {
            Some(col) if positions[col].is_some() => {
                fail(format!("表头中“{}”列出现了两次", spec[col].name));
            }
            Some(col) => positions[col] = Some(index),
            None => fail(format!("表头中的“{heading}”不是可识别的列名")),
        }
    }
    for (col, position) in spec.iter().zip(&positions) {
        if col.required && position.is_none() {
            fail(format!("表头缺少必需的列“{}”", col.name));
        }
    }
    if errors.is_empty() {
        Ok(positions)
    } else {
        Err(ImportFailed { errors })
    }
}

fn raw_rows(path: &Path) -> AdminResult<Vec<(usize, Vec<String>)>> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => csv_rows(path),
        Some("xlsx" | "xlsm" | "xls" | "ods") => sheet_rows(path),
        _ => Err(AdminError::invalid(format!(
            "{}：只能导入 .xlsx、.xls、.ods 或 .csv 文件",
            path.display()
        ))),
    }
}

fn csv_rows(path: &Path) -> AdminResult<Vec<(usize, Vec<String>)>> {
    let bytes = std::fs::read(path)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(AdminError::invalid(format!(
            "{}：CSV 文件须为 UTF-8 编码（在 Excel 中“另存为 CSV UTF-8”），或直接导入 xlsx 文件",
            path.display()
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let record = record.map_err(|e| {
                AdminError::invalid(format!("{}：第{}行无法读取：{e}", path.display(), i + 1))
            })?;
            Ok((i + 1, record.iter().map(|c| c.trim().to_string()).collect()))
        })
        .collect()
}

fn sheet_rows(path: &Path) -> AdminResult<Vec<(usize, Vec<String>)>> {
    let unreadable = |e: &dyn std::fmt::Display| {
        AdminError::invalid(format!("{}：无法读取表格：{e}", path.display()))
    };
    let mut workbook = open_workbook_auto(path).map_err(|e| unreadable(&e))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable(&"没有工作表"))?
        .map_err(|e| unreadable(&e))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let leading = std::iter::repeat_n(String::new(), first_col as usize);
            let row = leading.chain(cells.iter().map(cell_text)).collect();
            (first_row as usize + i + 1, row)
        })
        .collect())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        // Numbers typed into Excel arrive as floats: 120 beds, not 120.0.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (*f as i64).to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::Error(e) => format!("#{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &[Column] = &[
        Column {
            name: "机构名称",
            aliases: &["名称"],
            required: true,
            help: "",
        },
        Column {
            name: "村(社区)",
            aliases: &[],
            required: false,
            help: "",
        },
    ];

    #[test]
    fn headings_match_by_name_or_alias_ignoring_spaces_and_bracket_width() {
        let header = vec![" 村（社区） ".to_string(), "名 称".to_string()];
        assert_eq!(
            map_header(1, &header, SPEC).unwrap(),
            vec![Some(1), Some(0)]
        );
    }

    #[test]
    fn unknown_repeated_and_missing_columns_are_all_reported_on_the_header_row() {
        let header: Vec<String> = ["机构名", "村(社区)", "村(社区)"]
            .map(String::from)
            .to_vec();
        let errors = map_header(3, &header, SPEC).unwrap_err().errors;
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors.iter().all(|e| e.row == 3));
        assert!(errors[0].message.contains("机构名"));
        assert!(errors[2].message.contains("缺少必需的列“机构名称”"));
    }
}
