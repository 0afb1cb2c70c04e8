//! [`PlanEdit`]: one change the lead makes to a facility's 一院一策 plan
//! (the `disposal` of its review document), and [`apply`].
//!
//! A plan starts from the measures its level prescribes
//! ([`mopai_shared::risk::plan::prefill`]). The page shows them before
//! anything is stored and sends [`PlanEdit::Prefill`] ahead of the lead's
//! first change, so viewing a plan writes nothing and the first change
//! stores the measures the lead saw (same ids, so a tick on a pre-filled
//! measure finds it).

use mopai_shared::ids::MeasureId;
use mopai_shared::model::{Day, DisposalPlan, Measure, ProgressEntry, Yuan};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanEdit {
    /// Stores these measures if the plan has none yet; otherwise nothing
    /// (the plan was started already, on this phone or by a sync).
    Prefill(Vec<Measure>),
    /// 责任单位.
    Unit(String),
    /// 责任人.
    Person(String),
    /// 化解时限.
    Deadline(Option<Day>),
    /// The measure was carried out on this day; `None` undoes that.
    Done {
        measure: MeasureId,
        on: Option<Day>,
    },
    /// 清退资金 so far, for a refund measure (annex table 4 sums it).
    Refunded {
        measure: MeasureId,
        yuan: Option<Yuan>,
    },
    AddMeasure(Measure),
    Progress(ProgressEntry),
    /// 已化解 on this day; `None` reopens the plan.
    Resolved(Option<Day>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("请填写处置进展")]
    ProgressRequired,
    #[error("请填写措施内容")]
    DetailRequired,
    #[error("金额不能为负数")]
    NegativeAmount,
    #[error("找不到这项措施，请刷新后再试")]
    UnknownMeasure,
}

/// Checks what can be checked before the edit is queued.
pub fn check(edit: &PlanEdit) -> Result<(), PlanError> {
    match edit {
        PlanEdit::Progress(p) if p.text.trim().is_empty() => Err(PlanError::ProgressRequired),
        PlanEdit::AddMeasure(m) if m.detail.trim().is_empty() => Err(PlanError::DetailRequired),
        PlanEdit::Refunded { yuan: Some(y), .. } if *y < 0 => Err(PlanError::NegativeAmount),
        _ => Ok(()),
    }
}

/// Makes `edit` on `plan`. On error nothing has changed.
pub fn apply(plan: &mut DisposalPlan, edit: &PlanEdit) -> Result<(), PlanError> {
    check(edit)?;
    match edit {
        PlanEdit::Prefill(measures) => {
            if plan.measures.is_empty() {
                plan.measures = measures.clone();
            }
        }
        PlanEdit::Unit(unit) => plan.responsible_unit = unit.clone(),
        PlanEdit::Person(person) => plan.responsible_person = person.clone(),
        PlanEdit::Deadline(day) => plan.deadline = *day,
        PlanEdit::Done { measure, on } => measure_mut(plan, *measure)?.done_on = *on,
        PlanEdit::Refunded { measure, yuan } => measure_mut(plan, *measure)?.refunded_yuan = *yuan,
        // Applying the same edit twice (a retried flush) adds nothing.
        PlanEdit::AddMeasure(m) => {
            if plan.measures.iter().all(|x| x.id != m.id) {
                plan.measures.push(Measure {
                    detail: m.detail.trim().to_owned(),
                    ..m.clone()
                });
            }
        }
        PlanEdit::Progress(p) => {
            if plan.progress.iter().all(|x| x.id != p.id) {
                plan.progress.push(ProgressEntry {
                    text: p.text.trim().to_owned(),
                    ..p.clone()
                });
            }
        }
        PlanEdit::Resolved(day) => plan.resolved_on = *day,
    }
    Ok(())
}

fn measure_mut(plan: &mut DisposalPlan, id: MeasureId) -> Result<&mut Measure, PlanError> {
    plan.measures
        .iter_mut()
        .find(|m| m.id == id)
        .ok_or(PlanError::UnknownMeasure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mopai_shared::ids::{ProgressId, UserId};
    use mopai_shared::model::{MeasureKind, RiskLevel};
    use mopai_shared::risk::plan::prefill;

    fn day(s: &str) -> Option<Day> {
        s.parse().ok()
    }

    #[test]
    fn the_first_change_stores_the_prefilled_measures_once() {
        let shown = prefill(RiskLevel::Red, None);
        let mut plan = DisposalPlan::default();
        let first = shown[0].id;
        for edit in [
            PlanEdit::Prefill(shown.clone()),
            PlanEdit::Done {
                measure: first,
                on: day("2022-01-15"),
            },
            // A later keystroke sends the prefill again: no duplicates.
            PlanEdit::Prefill(prefill(RiskLevel::Red, None)),
            PlanEdit::Unit("开云镇人民政府".into()),
        ] {
            apply(&mut plan, &edit).unwrap();
        }
        assert_eq!(plan.measures.len(), shown.len());
        assert_eq!(plan.measures[0].done_on, day("2022-01-15"));
        assert_eq!(plan.responsible_unit, "开云镇人民政府");
    }

    #[test]
    fn progress_and_measures_need_text_and_are_added_once() {
        let mut plan = DisposalPlan::default();
        let entry = ProgressEntry {
            id: ProgressId::random(),
            at: "2022-01-16T09:00:00+08:00".parse().unwrap(),
            by: UserId::random(),
            text: "  已约谈负责人  ".into(),
        };
        let blank = PlanEdit::Progress(ProgressEntry {
            text: " ".into(),
            ..entry.clone()
        });
        assert_eq!(apply(&mut plan, &blank), Err(PlanError::ProgressRequired));
        apply(&mut plan, &PlanEdit::Progress(entry.clone())).unwrap();
        apply(&mut plan, &PlanEdit::Progress(entry)).unwrap();
        assert_eq!(plan.progress.len(), 1);
        assert_eq!(plan.progress[0].text, "已约谈负责人");
        let other = Measure {
            id: MeasureId::random(),
            kind: MeasureKind::Other,
            detail: String::new(),
            done_on: None,
            refunded_yuan: None,
        };
        assert_eq!(
            apply(&mut plan, &PlanEdit::AddMeasure(other)),
            Err(PlanError::DetailRequired)
        );
        assert!(plan.measures.is_empty(), "nothing changed on error");
    }

    #[test]
    fn refunds_deadline_and_resolution_are_kept() {
        let mut plan = DisposalPlan::default();
        let measures = prefill(RiskLevel::Orange, None);
        let refund = measures
            .iter()
            .find(|m| m.kind == MeasureKind::Refund)
            .unwrap()
            .id;
        apply(&mut plan, &PlanEdit::Prefill(measures)).unwrap();
        let negative = PlanEdit::Refunded {
            measure: refund,
            yuan: Some(-1),
        };
        assert_eq!(apply(&mut plan, &negative), Err(PlanError::NegativeAmount));
        apply(
            &mut plan,
            &PlanEdit::Refunded {
                measure: refund,
                yuan: Some(120_000),
            },
        )
        .unwrap();
        apply(&mut plan, &PlanEdit::Deadline(day("2022-01-20"))).unwrap();
        assert!(plan.overdue(day("2022-01-21").unwrap()));
        apply(&mut plan, &PlanEdit::Resolved(day("2022-01-21"))).unwrap();
        assert!(!plan.overdue(day("2022-01-22").unwrap()));
        let unknown = PlanEdit::Done {
            measure: MeasureId::random(),
            on: None,
        };
        assert_eq!(apply(&mut plan, &unknown), Err(PlanError::UnknownMeasure));
        assert_eq!(
            plan.measures
                .iter()
                .filter_map(|m| m.refunded_yuan)
                .sum::<i64>(),
            120_000
        );
    }
}
