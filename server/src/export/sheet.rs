//! A table before it is written: column specs as data ([`Column`]), the
//! typed cells they produce, and [`Sheet`], which the XLSX and CSV writers
//! both render, so the two formats cannot disagree on a value.

use mopai_shared::model::{Coded, Day, RiskLevel, Yuan};

/// One value. Money stays in whole 元 until written, so sums are exact.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// Written as 万元.
    Money(Yuan),
    /// Already in percent.
    Percent(f64),
    /// Written as 红/橙/黄/绿 with the level's fill.
    Level(RiskLevel),
}

impl Cell {
    /// The value as CSV and the provenance digest show it.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(yuan) => wan(*yuan),
            Cell::Percent(p) => format!("{p:.1}"),
            Cell::Level(l) => l.label_zh().to_owned(),
        }
    }
}

/// 元 as 万元, exact: up to four decimals, trailing zeros dropped.
pub fn wan(yuan: Yuan) -> String {
    let sign = if yuan < 0 { "-" } else { "" };
    let (whole, frac) = (yuan.unsigned_abs() / 10_000, yuan.unsigned_abs() % 10_000);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let frac = format!("{frac:04}");
    format!("{sign}{whole}.{}", frac.trim_end_matches('0'))
}

/// What the totals row shows under a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    None,
    /// "合计".
    Label,
    /// The number of rows, as "N家".
    Count,
    /// The sum of the column's numbers.
    Sum,
    /// `part / whole` of two summed columns (by index), in percent.
    Percent {
        part: usize,
        whole: usize,
    },
}

/// One column of an annex table, over rows of type `R`.
pub struct Column<R> {
    pub header: &'static str,
    /// Columns sharing a group get a merged header above theirs.
    pub group: Option<&'static str>,
    /// In Excel character widths.
    pub width: f64,
    pub total: Total,
    pub value: fn(&R) -> Cell,
}

impl<R> Column<R> {
    pub const fn new(header: &'static str, width: f64, value: fn(&R) -> Cell) -> Self {
        Self {
            header,
            group: None,
            width,
            total: Total::None,
            value,
        }
    }

    pub const fn total(self, total: Total) -> Self {
        Self { total, ..self }
    }

    pub const fn group(self, group: &'static str) -> Self {
        Self {
            group: Some(group),
            ..self
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub header: &'static str,
    pub group: Option<&'static str>,
    pub width: f64,
}

impl Head {
    /// The header as one line (CSV): "应排查数-已备案".
    pub fn flat(&self) -> String {
        match self.group {
            Some(g) => format!("{g}-{}", self.header),
            None => self.header.to_owned(),
        }
    }
}

/// A rendered table: title, columns, rows, and the totals row if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub title: String,
    pub heads: Vec<Head>,
    pub rows: Vec<Vec<Cell>>,
    pub totals: Option<Vec<Cell>>,
}

impl Sheet {
    pub fn grouped(&self) -> bool {
        self.heads.iter().any(|h| h.group.is_some())
    }
}

/// Applies the column specs to the rows.
pub fn render<R>(title: String, columns: &[Column<R>], rows: &[R]) -> Sheet {
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| columns.iter().map(|c| (c.value)(r)).collect())
        .collect();
    let has_totals = columns.iter().any(|c| c.total != Total::None);
    let sum = |i: usize| -> Cell {
        let mut money = false;
        let mut total = 0i64;
        for row in &cells {
            match row[i] {
                Cell::Int(n) => total += n,
                Cell::Money(y) => {
                    money = true;
                    total += y;
                }
                _ => {}
            }
        }
        if money {
            Cell::Money(total)
        } else {
            Cell::Int(total)
        }
    };
    let number = |c: &Cell| match c {
        Cell::Int(n) | Cell::Money(n) => *n as f64,
        _ => 0.0,
    };
    let totals = has_totals.then(|| {
        columns
            .iter()
            .enumerate()
            .map(|(i, c)| match c.total {
                Total::None => Cell::Empty,
                Total::Label => Cell::Text("合计".into()),
                Total::Count => Cell::Text(format!("{}家", rows.len())),
                Total::Sum => sum(i),
                Total::Percent { part, whole } => {
                    let whole = number(&sum(whole));
                    if whole > 0.0 {
                        Cell::Percent((number(&sum(part)) * 1000.0 / whole).round() / 10.0)
                    } else {
                        Cell::Empty
                    }
                }
            })
            .collect()
    });
    Sheet {
        title,
        heads: columns
            .iter()
            .map(|c| Head {
                header: c.header,
                group: c.group,
                width: c.width,
            })
            .collect(),
        rows: cells,
        totals,
    }
}

// Cell helpers the specs share.

pub fn text(s: impl Into<String>) -> Cell {
    let s = s.into();
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s)
    }
}

pub fn count(n: Option<u32>) -> Cell {
    n.map_or(Cell::Empty, |n| Cell::Int(i64::from(n)))
}

pub fn money(yuan: Option<Yuan>) -> Cell {
    yuan.map_or(Cell::Empty, Cell::Money)
}

/// 是 / 否, blank when unanswered.
pub fn yes_no(answer: Option<bool>) -> Cell {
    match answer {
        Some(true) => text("是"),
        Some(false) => text("否"),
        None => Cell::Empty,
    }
}

pub fn label<T: Coded>(value: Option<T>) -> Cell {
    value.map_or(Cell::Empty, |v| text(v.label_zh()))
}

pub fn labels<T: Coded>(values: &[T]) -> Cell {
    join(values.iter().map(|v| v.label_zh().to_owned()))
}

pub fn day(d: Option<Day>) -> Cell {
    d.map_or(Cell::Empty, |d| text(d.to_string()))
}

/// Non-empty parts joined with "；".
pub fn join(parts: impl IntoIterator<Item = String>) -> Cell {
    let parts: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    text(parts.join("；"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wan_is_exact() {
        assert_eq!(wan(50_000), "5");
        assert_eq!(wan(1_234), "0.1234");
        assert_eq!(wan(125_000), "12.5");
        assert_eq!(wan(-5_000), "-0.5");
    }

    #[test]
    fn totals_sum_count_and_percent() {
        let columns: [Column<(i64, Yuan)>; 4] = [
            Column::new("名称", 10.0, |_| text("x")).total(Total::Count),
            Column::new("数", 10.0, |r: &(i64, Yuan)| Cell::Int(r.0)).total(Total::Sum),
            Column::new("钱", 10.0, |r: &(i64, Yuan)| Cell::Money(r.1)).total(Total::Sum),
            Column::new("比", 10.0, |_| Cell::Empty).total(Total::Percent { part: 1, whole: 2 }),
        ];
        let sheet = render("t".into(), &columns, &[(1, 10), (2, 30)]);
        assert_eq!(
            sheet.totals.unwrap(),
            [
                text("2家"),
                Cell::Int(3),
                Cell::Money(40),
                Cell::Percent(7.5)
            ]
        );
    }
}
