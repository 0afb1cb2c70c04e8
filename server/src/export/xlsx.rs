//! XLSX, laid out like the paper form the plan asks to be signed and
//! stamped: a merged title row, a header block to fill in by hand, the
//! column header (frozen, repeated on every printed page), the rows with
//! risk-colour fills, a totals row, and a 数据来源 provenance sheet.
//!
//! The print layout ([`page_setup`]) is part of the form: the paper the
//! table's width needs ([`Paper::for_width`]), fit to the page width with
//! as many pages down as the rows take, the column header on every page,
//! the title and the signature block on the first, and 第 N 页 共 M 页 in
//! the footer.

use mopai_shared::model::RiskLevel;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::sheet::{Cell, Head, Sheet};
use super::{ExportError, Snapshot, Table, provenance};

/// The column header starts below the title (row 0) and the two rows of
/// the header block.
const HEADER_ROW: u32 = 3;

/// Paper the tables print on, always landscape: the tables are wider than tall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4Landscape,
    A3Landscape,
}

/// Margins in inches: left/right, top, bottom, and the footer's distance
/// from the bottom edge. Narrow, so fit-to-width shrinks the text less.
const MARGIN_SIDE: f64 = 0.4;
const MARGIN_TOP: f64 = 0.5;
const MARGIN_BOTTOM: f64 = 0.6;
const MARGIN_FOOTER: f64 = 0.25;

/// The smallest fit-to-width scale a printed table may take on A4 before
/// it goes on A3: 11 pt text printed at 7.7 pt or larger.
const MIN_A4_SCALE: f64 = 0.7;

/// The footer: "第 1 页 共 3 页", centred.
pub const FOOTER: &str = "&C第 &P 页 共 &N 页";

impl Paper {
    /// Excel's paper-size code.
    fn code(self) -> u8 {
        match self {
            Paper::A4Landscape => 9,
            Paper::A3Landscape => 8,
        }
    }

    /// The long side in points.
    fn width_pt(self) -> f64 {
        match self {
            Paper::A4Landscape => 841.89,
            Paper::A3Landscape => 1190.55,
        }
    }

    /// The fit-to-width scale a table of `width_pt` gets on this paper.
    pub fn scale(self, width_pt: f64) -> f64 {
        let printable = self.width_pt() - 2.0 * MARGIN_SIDE * 72.0;
        (printable / width_pt).min(1.0)
    }

    /// A4 when the table fits its width at [`MIN_A4_SCALE`] or larger,
    /// else A3.
    pub fn for_width(width_pt: f64) -> Self {
        if Paper::A4Landscape.scale(width_pt) >= MIN_A4_SCALE {
            Paper::A4Landscape
        } else {
            Paper::A3Landscape
        }
    }
}

/// The printed width of the columns in points, as Excel sizes them: a
/// width of `w` characters of the default font is `7w + 5` pixels.
pub fn width_pt(sheet: &Sheet) -> f64 {
    sheet
        .heads
        .iter()
        .map(|h| ((h.width * 7.0).trunc() + 5.0) * 0.75)
        .sum()
}

/// Fills per level: Excel's own "bad / neutral / good" shades, with an
/// orange between red and yellow.
fn fill(level: RiskLevel) -> Color {
    Color::RGB(match level {
        RiskLevel::Red => 0xFFC7CE,
        RiskLevel::Orange => 0xFFD8B0,
        RiskLevel::Yellow => 0xFFF2B2,
        RiskLevel::Green => 0xC6EFCE,
    })
}

fn boxed() -> Format {
    Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
}

/// The format of one cell; `bold` on the totals row.
fn format_of(cell: &Cell, bold: bool) -> Format {
    let f = match cell {
        Cell::Empty | Cell::Text(_) => boxed().set_text_wrap(),
        Cell::Int(_) => boxed().set_num_format("0"),
        Cell::Money(_) => boxed().set_num_format("0.00##"),
        Cell::Percent(_) => boxed().set_num_format("0.0"),
        Cell::Level(l) => boxed()
            .set_align(FormatAlign::Center)
            .set_background_color(fill(*l)),
    };
    if bold { f.set_bold() } else { f }
}

pub fn write(table: Table, sheet: &Sheet, snapshot: &Snapshot) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    // Rows go to a temporary file as they are written: a national table has
    // hundreds of thousands of rows, and the whole sheet in memory is GBs.
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(format!("附件{}", table.number()))?;
    let last_col = sheet.heads.len().saturating_sub(1) as u16;
    title_and_block(ws, sheet, snapshot, last_col)?;
    let data_row = column_header(ws, sheet)?;

    let mut row = data_row;
    for cells in &sheet.rows {
        write_row(ws, row, cells, &sheet.heads, false)?;
        row += 1;
    }
    if let Some(totals) = &sheet.totals {
        write_row(ws, row, totals, &sheet.heads, true)?;
    }
    for (i, head) in sheet.heads.iter().enumerate() {
        ws.set_column_width(i as u16, head.width)?;
    }
    ws.set_freeze_panes(data_row, 0)?;
    page_setup(ws, Paper::for_width(width_pt(sheet)), data_row)?;

    provenance::sheet(
        book.add_worksheet_with_constant_memory()?,
        table,
        sheet,
        snapshot,
    )?;
    Ok(book.save_to_buffer()?)
}

/// Landscape on `paper`, one page wide and as many down as the rows take,
/// the column header (the rows from [`HEADER_ROW`] to `data_row`) repeated
/// on every page. The title and the signature block above the header print
/// on the first page only.
fn page_setup(ws: &mut Worksheet, paper: Paper, data_row: u32) -> Result<(), XlsxError> {
    ws.set_repeat_rows(HEADER_ROW, data_row - 1)?;
    print_layout(ws, paper);
    Ok(())
}

/// What every printed sheet of a workbook shares: landscape on `paper`,
/// one page wide, narrow margins, and the sheet's own page numbers in the
/// footer (each sheet counts from 1).
pub(super) fn print_layout(ws: &mut Worksheet, paper: Paper) {
    ws.set_landscape()
        .set_paper_size(paper.code())
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_margins(
            MARGIN_SIDE,
            MARGIN_SIDE,
            MARGIN_TOP,
            MARGIN_BOTTOM,
            MARGIN_TOP / 2.0,
            MARGIN_FOOTER,
        )
        .set_print_first_page_number(1)
        .set_footer(FOOTER);
}

/// Row 0: the title. Rows 1-2: 填报单位（盖章）, 分管领导签字, 填报人 / 联系电话,
/// 填报日期, left for the township to sign and stamp.
fn title_and_block(
    ws: &mut Worksheet,
    sheet: &Sheet,
    snapshot: &Snapshot,
    last_col: u16,
) -> Result<(), XlsxError> {
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    merged(ws, 0, 0, last_col, &sheet.title, &title)?;
    ws.set_row_height(0, 32)?;

    let block = Format::new().set_align(FormatAlign::VerticalCenter);
    let n = last_col + 1;
    let date = snapshot.generated_at.0;
    let cells = [
        (1, 0, n / 3, format!("填报单位（盖章）：{}", snapshot.unit)),
        (1, n / 3, 2 * n / 3, "分管领导签字：".to_owned()),
        (1, 2 * n / 3, n, "填报人：".to_owned()),
        (2, 0, n / 2, "联系电话：".to_owned()),
        (
            2,
            n / 2,
            n,
            format!(
                "填报日期：{}年{}月{}日",
                date.year(),
                u8::from(date.month()),
                date.day()
            ),
        ),
    ];
    for (row, first, end, text) in cells {
        merged(
            ws,
            row,
            first,
            end.saturating_sub(1).max(first),
            &text,
            &block,
        )?;
        ws.set_row_height(row, 24)?;
    }
    Ok(())
}

/// The column header, one row or two where columns are grouped; returns
/// the first data row.
fn column_header(ws: &mut Worksheet, sheet: &Sheet) -> Result<u32, XlsxError> {
    let head = boxed()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(0xD9D9D9));
    if !sheet.grouped() {
        for (i, h) in sheet.heads.iter().enumerate() {
            ws.write_string_with_format(HEADER_ROW, i as u16, h.header, &head)?;
        }
        ws.set_row_height(HEADER_ROW, 45)?;
        return Ok(HEADER_ROW + 1);
    }
    // Row by row, as a constant-memory sheet needs: the groups and the
    // ungrouped heads (merged down both rows), then the grouped heads.
    let mut runs = Vec::new();
    let mut i = 0;
    while i < sheet.heads.len() {
        let group = sheet.heads[i].group;
        let run = sheet.heads[i..]
            .iter()
            .take_while(|h| group.is_some() && h.group == group)
            .count()
            .max(1);
        runs.push((i, i + run - 1, group));
        i += run;
    }
    for &(first, last, group) in &runs {
        let (first_col, last_col) = (first as u16, last as u16);
        match group {
            Some(g) => merged(ws, HEADER_ROW, first_col, last_col, g, &head)?,
            None => {
                ws.merge_range(
                    HEADER_ROW,
                    first_col,
                    HEADER_ROW + 1,
                    first_col,
                    sheet.heads[first].header,
                    &head,
                )?;
            }
        }
    }
    for &(first, last, _) in runs.iter().filter(|r| r.2.is_some()) {
        for (j, h) in sheet.heads[first..=last].iter().enumerate() {
            ws.write_string_with_format(HEADER_ROW + 1, (first + j) as u16, h.header, &head)?;
        }
    }
    ws.set_row_height(HEADER_ROW + 1, 30)?;
    Ok(HEADER_ROW + 2)
}

/// The height of one line of the default font, and the tallest row Excel allows.
const LINE_PT: f64 = 15.0;
const MAX_ROW_PT: f64 = 409.0;

/// How many lines `text` wraps to in a column `width` characters wide: a
/// CJK character takes about two widths of a digit.
fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = (width - 0.5).max(1.0);
    text.split('\n')
        .map(|line| {
            let units: f64 = line
                .chars()
                .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
                .sum();
            ((units / per_line).ceil() as usize).max(1)
        })
        .sum()
}

/// Writes one row. A row whose text wraps gets the height its lines need:
/// LibreOffice keeps the default height of rows written without one, and
/// wrapped lines would print over the rows below.
fn write_row(
    ws: &mut Worksheet,
    row: u32,
    cells: &[Cell],
    heads: &[Head],
    bold: bool,
) -> Result<(), XlsxError> {
    let lines = cells
        .iter()
        .zip(heads)
        .map(|(cell, head)| match cell {
            Cell::Text(s) => wrapped_lines(s, head.width),
            _ => 1,
        })
        .max()
        .unwrap_or(1);
    if lines > 1 {
        ws.set_row_height(row, (lines as f64 * LINE_PT).min(MAX_ROW_PT))?;
    }
    for (i, cell) in cells.iter().enumerate() {
        let col = i as u16;
        let f = format_of(cell, bold);
        match cell {
            Cell::Empty => ws.write_blank(row, col, &f)?,
            Cell::Text(s) => ws.write_string_with_format(row, col, clamp(s), &f)?,
            Cell::Int(n) => ws.write_number_with_format(row, col, *n as f64, &f)?,
            Cell::Money(yuan) => ws.write_number_with_format(row, col, *yuan as f64 / 1e4, &f)?,
            Cell::Percent(p) => ws.write_number_with_format(row, col, *p, &f)?,
            Cell::Level(l) => ws.write_string_with_format(row, col, l.label_zh(), &f)?,
        };
    }
    Ok(())
}

/// Characters one Excel cell holds.
pub(super) const CELL_LIMIT: usize = 32_767;

/// Text cut to fit one cell, saying so; the CSV keeps the whole text.
fn clamp(text: &str) -> std::borrow::Cow<'_, str> {
    const MARK: &str = "…（超出 Excel 单元格上限，全文见 CSV）";
    if text.chars().count() <= CELL_LIMIT {
        return text.into();
    }
    let keep = CELL_LIMIT - MARK.chars().count();
    let mut cut: String = text.chars().take(keep).collect();
    cut.push_str(MARK);
    cut.into()
}

/// Text in pieces that each fit one cell, for values written over several rows.
pub(super) fn pieces(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars
        .chunks(CELL_LIMIT)
        .map(|c| c.iter().collect())
        .collect()
}

/// A merged range, or a plain cell when the range is one cell wide (Excel
/// refuses to merge a single cell).
pub(super) fn merged(
    ws: &mut Worksheet,
    row: u32,
    first: u16,
    last: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if first >= last {
        ws.write_string_with_format(row, first, text, format)?;
    } else {
        ws.merge_range(row, first, row, last, text, format)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of_widths(widths: &[f64]) -> Sheet {
        Sheet {
            title: String::new(),
            heads: widths
                .iter()
                .map(|&width| Head {
                    header: "列",
                    group: None,
                    width,
                })
                .collect(),
            rows: Vec::new(),
            totals: None,
        }
    }

    #[test]
    fn wrapped_text_counts_its_lines() {
        assert_eq!(wrapped_lines("上门", 10.0), 1);
        // 10 CJK characters are 20 widths: three lines of 9.5.
        assert_eq!(wrapped_lines(&"甲".repeat(10), 10.0), 3);
        assert_eq!(wrapped_lines("2022-01-12", 12.0), 1);
        assert_eq!(wrapped_lines("一\n二", 10.0), 2);
    }

    #[test]
    fn narrow_tables_print_on_a4_and_wide_ones_on_a3() {
        // 10 columns of 8 characters: 10 × 61 px × 0.75 = 457.5 pt.
        let narrow = of_widths(&[8.0; 10]);
        assert_eq!(width_pt(&narrow), 457.5);
        assert_eq!(Paper::for_width(width_pt(&narrow)), Paper::A4Landscape);
        assert_eq!(Paper::A4Landscape.scale(width_pt(&narrow)), 1.0);

        let wide = of_widths(&[10.0; 30]);
        assert_eq!(Paper::for_width(width_pt(&wide)), Paper::A3Landscape);
        let on_a4 = Paper::A4Landscape.scale(width_pt(&wide));
        assert!(on_a4 < MIN_A4_SCALE, "{on_a4}");
        assert!(Paper::A3Landscape.scale(width_pt(&wide)) > on_a4);
    }

    #[test]
    fn text_over_one_cell_is_cut_with_a_note_and_pieces_rejoin() {
        let long = "甲".repeat(CELL_LIMIT + 10);
        let cut = clamp(&long);
        assert_eq!(cut.chars().count(), CELL_LIMIT);
        assert!(cut.ends_with("全文见 CSV）"));
        assert_eq!(clamp("短"), "短");

        let pieces = pieces(&long);
        assert_eq!(pieces.len(), 2);
        assert!(pieces.iter().all(|p| p.chars().count() <= CELL_LIMIT));
        assert_eq!(pieces.concat(), long);
        assert_eq!(super::pieces(""), [""]);
    }
}
