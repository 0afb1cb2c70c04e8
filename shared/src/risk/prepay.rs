//! 大额预付费 (large prepayment), which the plan leaves undefined and DOMAIN
//! §4 defines from four county settings ([`Thresholds`](crate::model::Thresholds)):
//!
//! - any 会员卡·会籍费, when `membership_fee_is_large`;
//! - one person paid ahead *more than* `large_prepay_months` months;
//! - one person paid *at least* `large_prepay_per_person_yuan`;
//! - *at least* `large_prepay_total_yuan` in total.
//!
//! **\[decision\]** 一次性预付多年 ticked as a fee method means at least
//! [`MULTI_YEAR_MONTHS`] months ahead even when no figure was written, so it
//! counts once that exceeds the month threshold: the form often gets the
//! tick before anyone finds the contract.
//!
//! The verdict is three-way: large, not large (every figure answered and
//! under its threshold, which a "not collected" answer gives at once), or
//! not yet known, with the figures still missing.

use super::facts::{Answer, Fact, Facts};
use crate::model::{FeeMethod, Yuan};

/// The fewest months "预付多年" can mean.
pub const MULTI_YEAR_MONTHS: u32 = 24;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LargePrepay {
    /// Each criterion met; non-empty exactly when the prepayment is large.
    pub because: Vec<Fact>,
    /// Figures not answered by any visit, when not large.
    pub missing: Vec<&'static str>,
}

impl LargePrepay {
    pub fn is_large(&self) -> bool {
        !self.because.is_empty()
    }

    /// `Some(true)` large, `Some(false)` known not to be, `None` not yet known.
    pub fn verdict(&self) -> Option<bool> {
        if self.is_large() {
            Some(true)
        } else {
            self.missing.is_empty().then_some(false)
        }
    }
}

pub(super) fn decide(f: &Facts) -> LargePrepay {
    let t = f.thresholds;
    let mut out = LargePrepay::default();

    if t.membership_fee_is_large
        && let Some(a) = Facts::ticked(&f.fees, FeeMethod::MembershipCard)
    {
        out.because.push(a.fact("收费方式含会员卡·会籍费"));
    }

    let months = f.prepay_longest_months;
    match months {
        Some(a) if a.value > t.large_prepay_months => out.because.push(a.fact(format!(
            "单人最长预付{}个月，超过{}个月",
            a.value, t.large_prepay_months
        ))),
        Some(_) => {}
        None => out.missing.push("单人最长预付月数"),
    }
    let months_large = months.is_some_and(|a| a.value > t.large_prepay_months);
    if !months_large
        && MULTI_YEAR_MONTHS > t.large_prepay_months
        && let Some(a) = Facts::ticked(&f.fees, FeeMethod::MultiYearPrepay)
    {
        out.because.push(a.fact(format!(
            "收费方式含一次性预付多年（至少{MULTI_YEAR_MONTHS}个月），超过{}个月",
            t.large_prepay_months
        )));
    }

    at_least(
        &mut out,
        f.prepay_max_per_person_yuan,
        t.large_prepay_per_person_yuan,
        ("单人最高预付", "单人最高预付金额"),
    );
    at_least(
        &mut out,
        f.prepay_total_yuan,
        t.large_prepay_total_yuan,
        ("预付总额", "预付总额"),
    );

    if out.is_large() {
        out.missing.clear();
    }
    out
}

/// `what`: how the fact reads, and how the figure is named when missing.
fn at_least(
    out: &mut LargePrepay,
    amount: Option<Answer<Yuan>>,
    min: Yuan,
    (what, missing): (&str, &'static str),
) {
    match amount {
        Some(a) if a.value >= min => out
            .because
            .push(a.fact(format!("{what}{}元，达到{min}元", a.value))),
        Some(_) => {}
        None => out.missing.push(missing),
    }
}
