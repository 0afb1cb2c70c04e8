//! Geometry of the two SVG charts, in view-box units (the SVG scales to its
//! container's width):
//! - [`township_bars`]: one horizontal bar per township, split by level
//!   (红, 橙, 黄, 绿), scaled to the largest township;
//! - [`progress`]: cumulative visits per day as a line over a filled area,
//!   with days spaced by date (gaps show), and the number listed as the goal.

use mopai_shared::dashboard::Dashboard;
use mopai_shared::model::RiskLevel;

use super::view::{LEVELS, level_count};

/// View-box width of both charts.
pub const WIDTH: f64 = 340.0;
/// Left margin for the township names.
pub const LABEL_WIDTH: f64 = 64.0;
/// Right margin for the total after each bar.
pub const COUNT_WIDTH: f64 = 32.0;
pub const BAR_HEIGHT: f64 = 18.0;
pub const ROW_HEIGHT: f64 = 28.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub level: RiskLevel,
    pub x: f64,
    pub width: f64,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub key: String,
    pub label: String,
    /// Top of the bar.
    pub y: f64,
    pub total: u32,
    /// Non-empty levels only, left to right.
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub height: f64,
    pub bars: Vec<Bar>,
}

pub fn township_bars(d: &Dashboard) -> BarChart {
    let span = WIDTH - LABEL_WIDTH - COUNT_WIDTH;
    let max = d
        .townships
        .iter()
        .map(|t| t.levels.total)
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = span / f64::from(max);
    let bars = d
        .townships
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut x = LABEL_WIDTH;
            let mut segments = Vec::new();
            for level in LEVELS {
                let count = level_count(&t.levels, level);
                if count == 0 {
                    continue;
                }
                let width = f64::from(count) * scale;
                segments.push(Segment {
                    level,
                    x,
                    width,
                    count,
                });
                x += width;
            }
            Bar {
                key: t
                    .township
                    .as_ref()
                    .map_or_else(String::new, |r| r.id.to_string()),
                label: t
                    .township
                    .as_ref()
                    .map_or_else(String::new, |r| r.name.clone()),
                y: i as f64 * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2.0,
                total: t.levels.total,
                segments,
            }
        })
        .collect::<Vec<_>>();
    BarChart {
        height: (bars.len().max(1) as f64) * ROW_HEIGHT,
        bars,
    }
}

pub const LINE_HEIGHT: f64 = 160.0;
/// Margins of the progress plot: left (axis numbers), top, bottom (dates).
pub const PLOT_LEFT: f64 = 32.0;
pub const PLOT_TOP: f64 = 10.0;
pub const PLOT_BOTTOM: f64 = 24.0;
pub const PLOT_RIGHT: f64 = 8.0;

#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// SVG path of the cumulative line, starting from 0 on the first day.
    pub line: String,
    /// The same, closed down to the axis.
    pub area: String,
    /// Each day's point: (x, y, day, cumulative).
    pub points: Vec<(f64, f64, String, u32)>,
    /// The y of the goal (facilities listed) when it is above zero.
    pub goal_y: Option<f64>,
    pub goal: u32,
    /// Top of the scale.
    pub max: u32,
    pub first_day: String,
    pub last_day: String,
    /// y of the axis (0 visits).
    pub base_y: f64,
}

/// `None` while nothing is visited.
pub fn progress(d: &Dashboard) -> Option<LineChart> {
    let first = d.by_day.first()?;
    let last = d.by_day.last()?;
    let start = first.day.0.to_julian_day();
    let days = f64::from((last.day.0.to_julian_day() - start).max(1));
    let goal = d.total.listed.total;
    let top = d
        .by_day
        .iter()
        .map(|c| c.cumulative)
        .max()
        .unwrap_or(0)
        .max(goal)
        .max(1);
    let base_y = LINE_HEIGHT - PLOT_BOTTOM;
    let plot_w = WIDTH - PLOT_LEFT - PLOT_RIGHT;
    let plot_h = base_y - PLOT_TOP;
    let y_of = |n: u32| base_y - f64::from(n) * plot_h / f64::from(top);
    let points: Vec<_> = d
        .by_day
        .iter()
        .map(|c| {
            let x = PLOT_LEFT + f64::from(c.day.0.to_julian_day() - start) * plot_w / days;
            (x, y_of(c.cumulative), c.day.to_string(), c.cumulative)
        })
        .collect();
    let mut line = format!("M{} {}", num(PLOT_LEFT), num(base_y));
    for (x, y, _, _) in &points {
        line.push_str(&format!(" L{} {}", num(*x), num(*y)));
    }
    let last_x = points.last().map_or(PLOT_LEFT, |p| p.0);
    // A single day still draws a visible step.
    let end_x = if points.len() == 1 {
        PLOT_LEFT + plot_w
    } else {
        last_x
    };
    if end_x > last_x {
        line.push_str(&format!(" L{} {}", num(end_x), num(y_of(last.cumulative))));
    }
    let area = format!("{line} L{} {} Z", num(end_x), num(base_y));
    Some(LineChart {
        line,
        area,
        points,
        goal_y: (goal > 0).then(|| y_of(goal)),
        goal,
        max: top,
        first_day: first.day.to_string(),
        last_day: last.day.to_string(),
        base_y,
    })
}

/// A coordinate with at most one decimal, for short paths.
pub fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::view::tests::sample;

    #[test]
    fn bars_scale_to_the_largest_township() {
        let d = sample();
        let chart = township_bars(&d);
        assert_eq!(chart.bars.len(), 2);
        assert_eq!(chart.height, 2.0 * ROW_HEIGHT);
        let first = &chart.bars[0];
        assert_eq!(first.label, "城关镇");
        let levels: Vec<_> = first.segments.iter().map(|s| (s.level, s.count)).collect();
        assert_eq!(
            levels,
            [
                (RiskLevel::Red, 1),
                (RiskLevel::Orange, 1),
                (RiskLevel::Yellow, 1),
                (RiskLevel::Green, 4)
            ]
        );
        let end = first.segments.last().map(|s| s.x + s.width).unwrap();
        assert!((end - (WIDTH - COUNT_WIDTH)).abs() < 1e-9);
        // Segments touch.
        for w in first.segments.windows(2) {
            assert!((w[0].x + w[0].width - w[1].x).abs() < 1e-9);
        }
        // 开云镇 has 3 of 7: three sevenths of the span; no red segment.
        let second = &chart.bars[1];
        assert_eq!(second.segments[0].level, RiskLevel::Orange);
        let w: f64 = second.segments.iter().map(|s| s.width).sum();
        assert!((w - (WIDTH - LABEL_WIDTH - COUNT_WIDTH) * 3.0 / 7.0).abs() < 1e-9);
    }

    #[test]
    fn empty_county_has_no_bars_and_no_line() {
        let mut d = sample();
        d.townships.clear();
        d.by_day.clear();
        assert!(township_bars(&d).bars.is_empty());
        assert!(progress(&d).is_none());
    }

    #[test]
    fn progress_spaces_days_by_date() {
        let d = sample();
        let c = progress(&d).unwrap();
        // Goal 10 is the top; days 10 and 12 are the ends of the plot.
        assert_eq!(c.max, 10);
        assert_eq!(c.points[0].0, PLOT_LEFT);
        assert_eq!(c.points[1].0, WIDTH - PLOT_RIGHT);
        assert_eq!(c.goal_y, Some(PLOT_TOP));
        assert_eq!(c.first_day, "2022-01-10");
        assert!(c.line.starts_with("M32 136 L32 "));
        assert!(c.area.ends_with(" L332 136 Z"));
        // One day: a flat step to the right edge.
        let mut one = sample();
        one.by_day.truncate(1);
        let c = progress(&one).unwrap();
        assert!(c.line.ends_with(&format!(
            " L{} {}",
            num(WIDTH - PLOT_RIGHT),
            num(c.points[0].1)
        )));
    }
}
