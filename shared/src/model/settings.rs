//! County settings: townships, the schedule (DOMAIN §6) and every threshold
//! DOMAIN.md marks **\[decision\]**. This is the body of the settings document,
//! which only the admin writes. `Default` gives DOMAIN's defaults.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use time::macros::{date, datetime};

use super::values::Yuan;
use super::when::{Day, Timestamp};
use crate::ids::TownshipId;

#[derive(Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct CountySettings {
    pub county_name: String,
    pub townships: Vec<Township>,
    pub schedule: Schedule,
    pub thresholds: Thresholds,
}

impl CountySettings {
    pub fn township(&self, id: TownshipId) -> Option<&Township> {
        self.townships.iter().find(|t| t.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Township {
    #[key]
    pub id: TownshipId,
    pub name: String,
    /// A township is retired rather than deleted: its documents stay.
    pub active: bool,
}

/// Plan §三. Days are inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Schedule {
    /// Annex tables due, signed and stamped.
    pub tables_due: Timestamp,
    pub self_inspection_ends: Day,
    pub full_survey_ends: Day,
    pub covert_check_starts: Day,
    pub covert_check_ends: Day,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            tables_due: Timestamp(datetime!(2022-01-14 12:00 +8)),
            self_inspection_ends: Day(date!(2022 - 01 - 15)),
            full_survey_ends: Day(date!(2022 - 01 - 20)),
            covert_check_starts: Day(date!(2022 - 01 - 15)),
            covert_check_ends: Day(date!(2022 - 01 - 25)),
        }
    }
}

/// The **\[decision\]** figures of DOMAIN.md. Each field says how it compares,
/// so classification and the settings page agree on "more than" vs "at least".
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Thresholds {
    /// Large prepayment: any member-card or membership fee counts.
    pub membership_fee_is_large: bool,
    /// Large prepayment: one person paid ahead *more than* this many months.
    pub large_prepay_months: u32,
    /// Large prepayment: one person paid *at least* this much.
    pub large_prepay_per_person_yuan: Yuan,
    /// Large prepayment: *at least* this much in total.
    pub large_prepay_total_yuan: Yuan,
    /// Priority target: *at least* this many beds.
    pub priority_beds: u32,
    /// Y3: *at least* this many changes of legal representative or registered
    /// address (counted together) …
    pub frequent_changes: u32,
    /// … within this many years.
    pub frequent_changes_years: u32,
    /// Y5: a large prepayment whose use or solvency is still 不明 is yellow
    /// ("to verify") until answered. Off: it adds nothing.
    pub unknown_use_is_yellow: bool,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            membership_fee_is_large: true,
            large_prepay_months: 12,
            large_prepay_per_person_yuan: 50_000,
            large_prepay_total_yuan: 500_000,
            priority_beds: 100,
            frequent_changes: 2,
            frequent_changes_years: 3,
            unknown_use_is_yellow: true,
        }
    }
}
