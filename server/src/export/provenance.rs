//! The 数据来源 sheet: what a table was generated from, so it can be
//! regenerated and checked later. It names the time, the program and
//! rule-set versions, the settings in force, a digest of the table's own
//! cells, and every document in scope with a SHA-256 of its heads (the
//! exact Automerge version the projections were computed from).

use mopai_shared::model::Thresholds;
use mopai_shared::risk::RULE_SET_VERSION;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};
use sha2::{Digest, Sha256};

use super::sheet::{Cell, Sheet};
use super::{Snapshot, Table, xlsx};
use crate::storage::rollups::Area;

pub const SHEET_NAME: &str = "数据来源";

/// Lowercase hex SHA-256 of a document's heads as stored (32 bytes per hash,
/// in Automerge's sorted order).
pub fn heads_digest(heads: &[u8]) -> String {
    hex::encode(Sha256::digest(heads))
}

/// Lowercase hex SHA-256 over every cell of the table, row by row: the
/// same data gives the same digest whatever the file format.
pub fn content_digest(sheet: &Sheet) -> String {
    let mut h = Sha256::new();
    for row in sheet.rows.iter().chain(&sheet.totals) {
        for cell in row {
            h.update(cell.text().as_bytes());
            h.update([0x1f]);
        }
        h.update([0x1e]);
    }
    hex::encode(h.finalize())
}

/// One line per document, `id digest`, hashed together.
fn documents_digest(snapshot: &Snapshot) -> String {
    let mut h = Sha256::new();
    for d in &snapshot.heads {
        h.update(format!("{} {}\n", d.id, heads_digest(&d.heads)).as_bytes());
    }
    hex::encode(h.finalize())
}

fn thresholds_zh(t: &Thresholds) -> String {
    format!(
        "会员卡·会籍费视为大额：{}；单人预付超过{}个月；单人预付≥{}元；预付总额≥{}元；\
         重点机构床位≥{}张；{}年内变更≥{}次为频繁；资金去向不明列黄色：{}",
        yes(t.membership_fee_is_large),
        t.large_prepay_months,
        t.large_prepay_per_person_yuan,
        t.large_prepay_total_yuan,
        t.priority_beds,
        t.frequent_changes_years,
        t.frequent_changes,
        yes(t.unknown_use_is_yellow)
    )
}

fn yes(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

pub fn sheet(
    ws: &mut Worksheet,
    table: Table,
    sheet: &Sheet,
    snapshot: &Snapshot,
) -> Result<(), XlsxError> {
    ws.set_name(SHEET_NAME)?;
    xlsx::print_layout(ws, xlsx::Paper::A4Landscape);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let s = &snapshot.settings;
    let schedule = &s.schedule;
    let scope = match snapshot.area {
        Area::County => format!("全县（{}）", snapshot.unit),
        Area::Township(t) => format!("{}（{t}）", snapshot.unit),
    };
    let facts: Vec<(&str, String)> = vec![
        ("报表", format!("附件{} {}", table.number(), sheet.title)),
        ("范围", scope),
        ("生成时间", snapshot.generated_at.to_string()),
        ("程序版本", format!("mopai {}", env!("CARGO_PKG_VERSION"))),
        ("规则集版本（本程序）", RULE_SET_VERSION.to_owned()),
        (
            "规则集版本（已存评估结果）",
            snapshot.rule_set_versions.join("、"),
        ),
        ("数据行数", sheet.rows.len().to_string()),
        ("表格内容摘要（SHA-256）", content_digest(sheet)),
        ("文档版本总摘要（SHA-256）", documents_digest(snapshot)),
        (
            "时间安排",
            format!(
                "报表截止{}；自查自改至{}；全面摸排至{}；暗访督查{}至{}",
                schedule.tables_due,
                schedule.self_inspection_ends,
                schedule.full_survey_ends,
                schedule.covert_check_starts,
                schedule.covert_check_ends
            ),
        ),
        ("判定阈值", thresholds_zh(&s.thresholds)),
        ("设置（JSON）", serde_json::to_string(s).unwrap_or_default()),
    ];
    let mut row = 0u32;
    for (key, value) in &facts {
        // A county's settings list every township: more than one cell holds.
        for (i, piece) in xlsx::pieces(value).iter().enumerate() {
            let key = if i == 0 {
                key.to_string()
            } else {
                format!("{key}（续{i}）")
            };
            ws.write_string_with_format(row, 0, key, &bold)?;
            ws.write_string_with_format(row, 1, piece, &wrap)?;
            row += 1;
        }
    }
    row += 1;
    let heads = [
        "文档",
        "类型",
        "范围",
        "服务器序号",
        "版本摘要（SHA-256）",
        "头数",
    ];
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *h, &bold)?;
    }
    for d in &snapshot.heads {
        row += 1;
        let township = d.township.as_deref().unwrap_or("");
        let values = [
            Cell::Text(d.id.clone()),
            Cell::Text(d.kind.clone()),
            Cell::Text(snapshot.township_name(township).to_owned()),
            Cell::Int(d.seq as i64),
            Cell::Text(heads_digest(&d.heads)),
            Cell::Int((d.heads.len() / 32) as i64),
        ];
        for (i, v) in values.iter().enumerate() {
            match v {
                Cell::Int(n) => ws.write_number(row, i as u16, *n as f64)?,
                other => ws.write_string(row, i as u16, other.text())?,
            };
        }
    }
    for (col, width) in [
        (0, 28.0),
        (1, 60.0),
        (2, 14.0),
        (3, 12.0),
        (4, 66.0),
        (5, 6.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    Ok(())
}
