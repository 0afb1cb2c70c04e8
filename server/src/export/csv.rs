//! CSV: UTF-8 with a byte-order mark, which Excel and WPS need to read
//! Chinese text as UTF-8 instead of GBK. One header line, the rows, then
//! the totals row; no title or header block, so the file loads as data.

use super::ExportError;
use super::sheet::{Cell, Head, Sheet};

const BOM: &str = "\u{FEFF}";

pub fn write(sheet: &Sheet) -> Result<Vec<u8>, ExportError> {
    let mut out = BOM.as_bytes().to_vec();
    {
        let mut w = ::csv::Writer::from_writer(&mut out);
        w.write_record(sheet.heads.iter().map(Head::flat))?;
        for row in sheet.rows.iter().chain(&sheet.totals) {
            w.write_record(row.iter().map(Cell::text))?;
        }
        w.flush()?;
    }
    Ok(out)
}
