//! The dashboard as a sum of per-township parts.
//!
//! A township's part holds everything it adds to `GET /api/dashboard`: its
//! progress counts, its levels per category, and its submitted visits per
//! phase and per arrival day. A dashboard is the parts of its area summed
//! and judged against the schedule at the moment asked. Because the county's
//! dashboard is only a sum, a cache may keep the parts and recompute just
//! those of the townships written since ([`ReadTx::townships_written_since`]);
//! `crate::dashboard_cache` does, for the county.

use std::collections::{BTreeMap, BTreeSet};

use super::ReadTx;
use super::projections::FacilityRow;
use super::rollups::{Area, judge, phase_status, progress_of, total_of};
use super::sql::{Error, Result, params};
use mopai_shared::api::TownshipRef;
use mopai_shared::dashboard::{CategoryLevels, Dashboard, DayCount, LevelCounts, TownshipProgress};
use mopai_shared::ids::TownshipId;
use mopai_shared::model::{Category, Day, Schedule, Timestamp};

/// What one township adds to a dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct TownshipPart {
    /// Counted on the day the part was computed (plans overdue), judged
    /// again whenever it is shown.
    pub progress: TownshipProgress,
    pub categories: BTreeMap<Option<Category>, LevelCounts>,
    /// Submitted visits per phase code.
    pub phases: BTreeMap<String, u32>,
    /// Submitted visits per arrival day (the day the phone recorded).
    pub days: BTreeMap<Day, u32>,
}

/// Parts by township id.
pub type Parts = BTreeMap<String, TownshipPart>;

/// Visit counts per township and per key (a phase code or a day).
pub type VisitCounts = BTreeMap<String, BTreeMap<String, u32>>;

impl ReadTx<'_> {
    /// The parts of `townships`, or of every township with facilities or
    /// visits when `None`. `now` gives the day plans are judged overdue on.
    pub fn township_parts(
        &self,
        townships: Option<&BTreeSet<String>>,
        now: Timestamp,
    ) -> Result<Parts> {
        let (rows, phases, days) = match townships {
            None => (
                self.facility_rows(None)?,
                self.visit_counts(PHASES_ALL, None)?,
                self.visit_counts(DAYS_ALL, None)?,
            ),
            Some(set) => {
                let (mut rows, mut phases, mut days) =
                    (Vec::new(), VisitCounts::new(), VisitCounts::new());
                for township in set {
                    rows.extend(self.facility_rows_of(township)?);
                    phases.extend(self.visit_counts(PHASES_OF, Some(township))?);
                    days.extend(self.visit_counts(DAYS_OF, Some(township))?);
                }
                (rows, phases, days)
            }
        };
        let schedule = self.settings_in_force()?.schedule;
        parts_from(&rows, &phases, &days, &schedule, now)
    }

    /// Townships with a facility re-projected after `seq` (a write to its
    /// facility, review or county document).
    pub fn townships_written_since(&self, seq: u64) -> Result<BTreeSet<String>> {
        let townships = self.rows(
            "SELECT DISTINCT township FROM facilities WHERE updated_seq > ?1",
            params![seq],
            |r| r.get(0),
        )?;
        Ok(townships.into_iter().collect())
    }

    /// Each township's progress in `area` from its part (none: nothing
    /// listed), with its publicity count, judged at `now`; and the total.
    /// Every township is listed, registered or only named by a facility.
    pub fn progress_from(
        &self,
        area: Area,
        parts: &Parts,
        now: Timestamp,
    ) -> Result<(Vec<TownshipProgress>, TownshipProgress)> {
        let schedule = self.settings_in_force()?.schedule;
        let publicity: BTreeMap<String, u32> = self
            .township_logs()?
            .into_iter()
            .map(|l| (l.township, l.activities))
            .collect();
        let mut refs = self.township_refs()?;
        // A facility of a township nobody registered still counts, by id.
        let known: BTreeSet<String> = refs.iter().map(|t| t.id.to_string()).collect();
        for key in parts.keys().filter(|k| !known.contains(*k)) {
            if let Ok(id) = key.parse::<TownshipId>() {
                refs.push(TownshipRef {
                    id,
                    name: key.clone(),
                });
            }
        }
        if let Area::Township(only) = area {
            refs.retain(|t| t.id == only);
        }
        let townships: Vec<TownshipProgress> = refs
            .into_iter()
            .map(|t| {
                let key = t.id.to_string();
                let mut progress = match parts.get(&key) {
                    Some(part) => part.progress.clone(),
                    None => progress_of(None, std::iter::empty(), 0, &schedule, now),
                };
                progress.publicity_activities = publicity.get(&key).copied().unwrap_or(0);
                progress.township = Some(t);
                judge(&mut progress, &schedule, now);
                progress
            })
            .collect();
        let total = total_of(&townships, &schedule, now);
        Ok((townships, total))
    }

    /// The dashboard of `area` from the parts of its townships, judged at `now`.
    pub fn dashboard_from(
        &self,
        area: Area,
        township: Option<TownshipRef>,
        parts: &Parts,
        now: Timestamp,
    ) -> Result<Dashboard> {
        let schedule = self.settings_in_force()?.schedule;
        let (townships, total) = self.progress_from(area, parts, now)?;
        let mut categories: BTreeMap<Option<Category>, LevelCounts> = BTreeMap::new();
        let mut phases: BTreeMap<String, u32> = BTreeMap::new();
        let mut days: BTreeMap<Day, u32> = BTreeMap::new();
        let listed = townships
            .iter()
            .filter_map(|p| parts.get(&p.township.as_ref()?.id.to_string()));
        for part in listed {
            for (category, levels) in &part.categories {
                categories.entry(*category).or_default().merge(levels);
            }
            for (phase, n) in &part.phases {
                *phases.entry(phase.clone()).or_default() += n;
            }
            for (day, n) in &part.days {
                *days.entry(*day).or_default() += n;
            }
        }
        let mut cumulative = 0;
        let by_day = days
            .into_iter()
            .map(|(day, visits)| {
                cumulative += visits;
                DayCount {
                    day,
                    visits,
                    cumulative,
                }
            })
            .collect();
        Ok(Dashboard {
            today: now.day(),
            township,
            schedule: phase_status(&schedule, now.day(), &phases),
            townships,
            total,
            by_category: by_category(&categories),
            by_day,
        })
    }

    fn visit_counts(&self, sql: &str, township: Option<&str>) -> Result<VisitCounts> {
        let mut out = VisitCounts::new();
        let filter = [&township as &dyn super::sql::ToValue];
        let params = match township {
            Some(_) => &filter[..],
            None => params![],
        };
        self.each(sql, params, |r| {
            let (township, key, n): (String, String, u32) = (r.get(0)?, r.get(1)?, r.get(2)?);
            out.entry(township).or_default().insert(key, n);
            Ok(())
        })?;
        Ok(out)
    }
}

const PHASES_ALL: &str = "SELECT township, phase, COUNT(*) FROM visits
     WHERE phase IS NOT NULL AND entry_state != 'draft' GROUP BY township, phase";
const PHASES_OF: &str = "SELECT township, phase, COUNT(*) FROM visits
     WHERE township = ?1 AND phase IS NOT NULL AND entry_state != 'draft' GROUP BY township, phase";
const DAYS_ALL: &str = "SELECT township, substr(arrived_at, 1, 10) AS day, COUNT(*) FROM visits
     WHERE arrived_at IS NOT NULL AND entry_state != 'draft' GROUP BY township, day";
const DAYS_OF: &str = "SELECT township, substr(arrived_at, 1, 10) AS day, COUNT(*) FROM visits
     WHERE township = ?1 AND arrived_at IS NOT NULL AND entry_state != 'draft' GROUP BY township, day";

/// Parts from facility rows and visit counts, by township: plans judged
/// overdue on `now`'s day.
pub fn parts_from(
    rows: &[(FacilityRow, u64)],
    phases: &VisitCounts,
    days: &VisitCounts,
    schedule: &Schedule,
    now: Timestamp,
) -> Result<Parts> {
    let mut by_township: BTreeMap<&str, Vec<&FacilityRow>> = BTreeMap::new();
    for (row, _) in rows {
        by_township.entry(&row.township).or_default().push(row);
    }
    let keys: BTreeSet<&str> = by_township
        .keys()
        .copied()
        .chain(phases.keys().map(String::as_str))
        .chain(days.keys().map(String::as_str))
        .collect();
    let mut parts = Parts::new();
    for key in keys {
        let mine = by_township.get(key).map(Vec::as_slice).unwrap_or_default();
        let mut categories: BTreeMap<Option<Category>, LevelCounts> = BTreeMap::new();
        for row in mine {
            let category = row.category.as_deref().and_then(Category::from_code);
            categories
                .entry(category)
                .or_default()
                .add(row.effective_level);
        }
        let days = days
            .get(key)
            .into_iter()
            .flatten()
            .map(|(day, n)| Ok((parse_day(day)?, *n)))
            .collect::<Result<_>>()?;
        let part = TownshipPart {
            progress: progress_of(None, mine.iter().copied(), 0, schedule, now),
            categories,
            phases: phases.get(key).cloned().unwrap_or_default(),
            days,
        };
        parts.insert(key.to_owned(), part);
    }
    Ok(parts)
}

fn parse_day(text: &str) -> Result<Day> {
    text.parse::<Day>().map_err(|e| Error::Conversion {
        column: 1,
        message: format!("visit day {text:?}: {e}"),
    })
}

/// Levels per category in the order the page shows them (every category,
/// then "not yet known"), and a total row.
fn by_category(counts: &BTreeMap<Option<Category>, LevelCounts>) -> Vec<CategoryLevels> {
    let keys = Category::ALL.iter().copied().map(Some).chain([None]);
    let mut out: Vec<CategoryLevels> = keys
        .map(|category| CategoryLevels {
            category,
            total: false,
            levels: counts.get(&category).copied().unwrap_or_default(),
        })
        .collect();
    let mut total = LevelCounts::default();
    for levels in counts.values() {
        total.merge(levels);
    }
    out.push(CategoryLevels {
        category: None,
        total: true,
        levels: total,
    });
    out
}
