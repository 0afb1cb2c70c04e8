//! `GET /api/dashboard` → what the tables show: one row per township with
//! coverage and overdue flags, the schedule phases, and the counts per level
//! and per category with totals.

use mopai_shared::dashboard::{CategoryLevels, Dashboard, LevelCounts, TownshipProgress};
use mopai_shared::model::{Category, Day, RiskLevel};

/// Levels as the tables and charts order them: 红, 橙, 黄, 绿.
pub const LEVELS: [RiskLevel; 4] = [
    RiskLevel::Red,
    RiskLevel::Orange,
    RiskLevel::Yellow,
    RiskLevel::Green,
];

pub fn level_count(c: &LevelCounts, level: RiskLevel) -> u32 {
    match level {
        RiskLevel::Red => c.red,
        RiskLevel::Orange => c.orange,
        RiskLevel::Yellow => c.yellow,
        RiskLevel::Green => c.green,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TownshipRow {
    /// The township id (`data-township`); empty on the total row.
    pub key: String,
    pub name: String,
    pub listed: u32,
    pub visited: u32,
    pub reviewed: u32,
    /// "85.7%", or "—" when nothing is listed.
    pub coverage: String,
    pub survey_overdue: bool,
    pub review_overdue: bool,
    pub levels: LevelCounts,
    pub plans_overdue: u32,
}

impl TownshipRow {
    pub fn overdue(&self) -> bool {
        self.survey_overdue || self.review_overdue || self.plans_overdue > 0
    }

    /// "摸排逾期、审核逾期、一院一策逾期 2 家", empty when on time.
    pub fn overdue_text(&self) -> String {
        let mut parts = Vec::new();
        if self.survey_overdue {
            parts.push("摸排逾期".to_owned());
        }
        if self.review_overdue {
            parts.push("审核逾期".to_owned());
        }
        if self.plans_overdue > 0 {
            parts.push(format!("一院一策逾期 {} 家", self.plans_overdue));
        }
        parts.join("、")
    }
}

pub fn coverage_text(pct: Option<f64>) -> String {
    match pct {
        Some(p) if p.is_finite() => {
            let rounded = (p * 10.0).round() / 10.0;
            if rounded.fract() == 0.0 {
                format!("{rounded:.0}%")
            } else {
                format!("{rounded:.1}%")
            }
        }
        _ => "—".into(),
    }
}

fn row(p: &TownshipProgress) -> TownshipRow {
    TownshipRow {
        key: p
            .township
            .as_ref()
            .map_or_else(String::new, |t| t.id.to_string()),
        name: p
            .township
            .as_ref()
            .map_or_else(|| "合计".to_owned(), |t| t.name.clone()),
        listed: p.listed.total,
        visited: p.visited,
        reviewed: p.reviewed,
        coverage: coverage_text(p.coverage_pct),
        survey_overdue: p.survey_overdue,
        review_overdue: p.review_overdue,
        levels: p.levels,
        plans_overdue: p.disposal.plans_overdue,
    }
}

/// One row per township, in the server's order.
pub fn township_rows(d: &Dashboard) -> Vec<TownshipRow> {
    d.townships.iter().map(row).collect()
}

/// The total row.
pub fn total_row(d: &Dashboard) -> TownshipRow {
    row(&d.total)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseRow {
    pub name: &'static str,
    /// "2022-01-01 至 2022-01-31", or "至 2022-01-31".
    pub range: String,
    /// 已结束, 进行中 or 未开始.
    pub status: &'static str,
    pub visits: u32,
}

pub fn phase_rows(d: &Dashboard) -> Vec<PhaseRow> {
    d.schedule
        .iter()
        .map(|p| PhaseRow {
            name: p.phase.label_zh(),
            range: match p.starts {
                Some(s) => format!("{s} 至 {}", p.ends),
                None => format!("至 {}", p.ends),
            },
            status: phase_status(p.starts, p.ends, p.ended, d.today),
            visits: p.visits,
        })
        .collect()
}

fn phase_status(starts: Option<Day>, _ends: Day, ended: bool, today: Day) -> &'static str {
    if ended {
        "已结束"
    } else if starts.is_some_and(|s| today < s) {
        "未开始"
    } else {
        "进行中"
    }
}

/// Short category names, as the facility list uses.
pub fn category_label(c: Option<Category>) -> &'static str {
    match c {
        Some(Category::FiledInstitution) => "已备案机构",
        Some(Category::UnfiledInstitution) => "未备案机构",
        Some(Category::UnregisteredVenue) => "未登记场所",
        None => "类别未定",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRow {
    pub code: &'static str,
    pub label: &'static str,
    pub total: bool,
    pub levels: LevelCounts,
}

/// Per category, then the total row; a category with nothing in it (the
/// unknown one, usually) is left out.
pub fn category_rows(d: &Dashboard) -> Vec<CategoryRow> {
    d.by_category
        .iter()
        .filter(|c| c.total || c.levels.total > 0)
        .map(|c: &CategoryLevels| CategoryRow {
            code: if c.total {
                "total"
            } else {
                c.category.map_or("unknown", |k| k.code())
            },
            label: if c.total {
                "合计"
            } else {
                category_label(c.category)
            },
            total: c.total,
            levels: c.levels,
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use mopai_shared::api::TownshipRef;
    use mopai_shared::dashboard::{CategoryCounts, DayCount, DisposalCounts, PhaseStatus};
    use mopai_shared::ids::TownshipId;
    use mopai_shared::model::Phase;

    use super::*;

    pub(crate) fn day(d: u8) -> Day {
        Day::ymd(2022, 1, d).unwrap()
    }

    fn levels(red: u32, orange: u32, yellow: u32, green: u32) -> LevelCounts {
        LevelCounts {
            red,
            orange,
            yellow,
            green,
            total: red + orange + yellow + green,
        }
    }

    fn progress(name: Option<&str>, listed: u32, visited: u32, l: LevelCounts) -> TownshipProgress {
        TownshipProgress {
            township: name.map(|n| TownshipRef {
                id: TownshipId::random(),
                name: n.into(),
            }),
            listed: CategoryCounts {
                filed: listed,
                total: listed,
                ..CategoryCounts::default()
            },
            visited,
            reviewed: visited / 2,
            coverage_pct: (listed > 0).then(|| f64::from(visited) * 100.0 / f64::from(listed)),
            interviews: 0,
            levels: l,
            reported_to_county: 0,
            disposal: DisposalCounts::default(),
            publicity_activities: 0,
            survey_overdue: visited < listed,
            review_overdue: false,
        }
    }

    pub(crate) fn sample() -> Dashboard {
        Dashboard {
            today: day(20),
            township: None,
            schedule: vec![
                PhaseStatus {
                    phase: Phase::SelfInspection,
                    starts: None,
                    ends: day(5),
                    ended: true,
                    visits: 0,
                },
                PhaseStatus {
                    phase: Phase::FullSurvey,
                    starts: Some(day(6)),
                    ends: day(25),
                    ended: false,
                    visits: 5,
                },
                PhaseStatus {
                    phase: Phase::CovertCheck,
                    starts: Some(day(26)),
                    ends: day(31),
                    ended: false,
                    visits: 0,
                },
            ],
            townships: vec![
                progress(Some("城关镇"), 7, 3, levels(1, 1, 1, 4)),
                progress(Some("开云镇"), 3, 3, levels(0, 1, 0, 2)),
            ],
            total: progress(None, 10, 6, levels(1, 2, 1, 6)),
            by_category: vec![
                CategoryLevels {
                    category: Some(Category::FiledInstitution),
                    total: false,
                    levels: levels(1, 2, 1, 6),
                },
                CategoryLevels {
                    category: None,
                    total: false,
                    levels: LevelCounts::default(),
                },
                CategoryLevels {
                    category: None,
                    total: true,
                    levels: levels(1, 2, 1, 6),
                },
            ],
            by_day: vec![
                DayCount {
                    day: day(10),
                    visits: 2,
                    cumulative: 2,
                },
                DayCount {
                    day: day(12),
                    visits: 4,
                    cumulative: 6,
                },
            ],
        }
    }

    #[test]
    fn township_rows_coverage_and_overdue() {
        let d = sample();
        let rows = township_rows(&d);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "城关镇");
        assert_eq!(
            rows[0].key,
            d.townships[0].township.as_ref().unwrap().id.to_string()
        );
        assert_eq!(rows[0].coverage, "42.9%");
        assert!(rows[0].overdue());
        assert_eq!(rows[0].overdue_text(), "摸排逾期");
        assert_eq!(rows[1].coverage, "100%");
        assert!(!rows[1].overdue());
        let mut late = rows[1].clone();
        late.plans_overdue = 2;
        assert!(late.overdue(), "an overdue 一院一策 marks the township");
        assert_eq!(late.overdue_text(), "一院一策逾期 2 家");
        let total = total_row(&d);
        assert_eq!((total.name.as_str(), total.key.as_str()), ("合计", ""));
        assert_eq!((total.listed, total.visited), (10, 6));
        assert_eq!(coverage_text(None), "—");
    }

    #[test]
    fn phases_and_categories() {
        let d = sample();
        let phases = phase_rows(&d);
        let status: Vec<_> = phases.iter().map(|p| p.status).collect();
        assert_eq!(status, ["已结束", "进行中", "未开始"]);
        assert_eq!(phases[0].range, "至 2022-01-05");
        assert_eq!(phases[1].range, "2022-01-06 至 2022-01-25");
        let cats = category_rows(&d);
        let labels: Vec<_> = cats.iter().map(|c| c.label).collect();
        assert_eq!(labels, ["已备案机构", "合计"]);
        assert_eq!(cats[1].levels.total, 10);
        assert_eq!(level_count(&cats[1].levels, RiskLevel::Orange), 2);
    }
}
