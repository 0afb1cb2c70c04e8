//! Table 4, 排查工作进度表: one row per township from the same roll-up the
//! dashboard shows, and the county total as the totals row.

use mopai_shared::dashboard::TownshipProgress;

use super::sheet::{Cell, Column, Sheet, Total, render, text};
use super::{Snapshot, Table};

struct Entry<'a> {
    serial: usize,
    p: &'a TownshipProgress,
}

fn col<'a>(header: &'static str, width: f64, value: fn(&Entry<'a>) -> Cell) -> Column<Entry<'a>> {
    Column::new(header, width, value)
}

/// A summed count column.
fn n<'a>(header: &'static str, value: fn(&Entry<'a>) -> Cell) -> Column<Entry<'a>> {
    col(header, 8.0, value).total(Total::Sum)
}

fn int(n: u32) -> Cell {
    Cell::Int(i64::from(n))
}

/// Column indexes the 进度% total is computed from.
const VISITED: usize = 6;
const LISTED: usize = 5;

fn columns<'a>() -> Vec<Column<Entry<'a>>> {
    const LISTED_GROUP: &str = "应排查数";
    const HAZARDS: &str = "发现隐患数";
    vec![
        col("序号", 6.0, |e| Cell::Int(e.serial as i64)).total(Total::Label),
        col("乡镇", 12.0, |e| {
            text(
                e.p.township
                    .as_ref()
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
            )
        }),
        n("已备案", |e| int(e.p.listed.filed)).group(LISTED_GROUP),
        n("未备案", |e| int(e.p.listed.unfiled)).group(LISTED_GROUP),
        n("未登记场所", |e| int(e.p.listed.venue)).group(LISTED_GROUP),
        n("合计", |e| int(e.p.listed.total)).group(LISTED_GROUP),
        n("已排查数", |e| int(e.p.visited)),
        col("进度%", 8.0, |e| {
            e.p.coverage_pct.map_or(Cell::Empty, Cell::Percent)
        })
        .total(Total::Percent {
            part: VISITED,
            whole: LISTED,
        }),
        n("询问老人数", |e| int(e.p.interviews)),
        n("红", |e| int(e.p.levels.red)).group(HAZARDS),
        n("橙", |e| int(e.p.levels.orange)).group(HAZARDS),
        n("黄", |e| int(e.p.levels.yellow)).group(HAZARDS),
        n("已报送县局", |e| int(e.p.reported_to_county)),
        n("已约谈", |e| int(e.p.disposal.warning_talks)),
        n("责令整改", |e| int(e.p.disposal.rectification_orders)),
        col("清退资金(万元)", 10.0, |e| {
            Cell::Money(e.p.disposal.refunded_yuan)
        })
        .total(Total::Sum),
        n("移交公安", |e| int(e.p.disposal.transferred_police)),
        n("移交市场监管", |e| {
            int(e.p.disposal.transferred_market_supervision)
        }),
        n("取缔关停", |e| int(e.p.disposal.banned_or_closed)),
        n("已化解", |e| int(e.p.disposal.resolved)),
        n("宣传活动场次", |e| int(e.p.publicity_activities)),
    ]
}

pub fn sheet(snapshot: &Snapshot) -> Sheet {
    let entries: Vec<Entry<'_>> = snapshot
        .progress
        .iter()
        .enumerate()
        .map(|(i, p)| Entry { serial: i + 1, p })
        .collect();
    render(Table::Progress.title(snapshot), &columns(), &entries)
}
