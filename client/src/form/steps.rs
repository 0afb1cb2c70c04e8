//! The five steps of the visit form, which validation message belongs to
//! which step, and what must be answered before a visit is submitted.
//!
//! Validation never blocks saving (an inspector offline keeps a half-filled
//! form); it blocks only the submit button, and says where to look.

use mopai_shared::model::{Day, Facility, Visit};
use mopai_shared::validate::{validate_facility, validate_visit};

use super::labels::{facility_label, visit_label};
use super::visit::{ARRIVAL_SECTIONS, CHECKLIST_SECTIONS, PROPOSAL_SECTIONS, Slot};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Arrival,
    Checklist,
    Interviews,
    Photos,
    Summary,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Arrival,
        Step::Checklist,
        Step::Interviews,
        Step::Photos,
        Step::Summary,
    ];

    /// 1-based, as the tabs and element ids show it.
    pub fn number(self) -> usize {
        self as usize + 1
    }

    pub fn from_number(n: usize) -> Option<Step> {
        n.checked_sub(1).and_then(|i| Self::ALL.get(i).copied())
    }

    pub fn title_zh(self) -> &'static str {
        match self {
            Step::Arrival => "到达",
            Step::Checklist => "排查情况",
            Step::Interviews => "询问老人",
            Step::Photos => "照片",
            Step::Summary => "小结与提交",
        }
    }

    pub fn next(self) -> Option<Step> {
        Self::from_number(self.number() + 1)
    }

    pub fn prev(self) -> Option<Step> {
        Self::from_number(self.number() - 1)
    }

    /// The step where the field a visit-relative validation path names is edited.
    pub fn of_visit_field(path: &str) -> Step {
        let head = path.split(['.', '[']).next().unwrap_or_default();
        match head {
            "findings" => Step::Checklist,
            "interviews" => Step::Interviews,
            "photos" => Step::Photos,
            "proposed_level" | "proposal_note" => Step::Summary,
            _ => Step::Arrival,
        }
    }

    /// The step that asks a facility field, if one does (most are asked
    /// only on the facility's profile).
    pub fn of_facility_field(key: &str) -> Option<Step> {
        [
            (Step::Arrival, ARRIVAL_SECTIONS),
            (Step::Checklist, CHECKLIST_SECTIONS),
            (Step::Summary, PROPOSAL_SECTIONS),
        ]
        .into_iter()
        .find(|(_, sections)| {
            sections
                .iter()
                .flat_map(|s| s.slots)
                .any(|slot| matches!(slot, Slot::Facility(k) if *k == key))
        })
        .map(|(step, _)| step)
    }
}

/// A problem with the visit, placed on its step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub step: Step,
    /// Relative to the visit (`findings.solvency`), or `profile.…` for the facility.
    pub field: String,
    /// Shown under the field, whose label is right above it.
    pub message: String,
    /// The field's label, for lists away from the field; `None` when the
    /// message names the field already (or the field has no label).
    pub label: Option<String>,
    /// Blocks submitting; facility-profile gaps only warn, because the
    /// profile can be completed after the visit.
    pub blocks: bool,
    /// No step asks the field: it is edited on the facility's profile.
    pub on_profile: bool,
}

impl Issue {
    fn new(step: Step, field: String, message: String, label: Option<String>) -> Self {
        let label = label.filter(|l| !message.contains(l.as_str()));
        Issue {
            step,
            field,
            message,
            label,
            blocks: true,
            on_profile: false,
        }
    }

    /// The message naming its field: `必填项未填写：地址`.
    pub fn text(&self) -> String {
        match &self.label {
            Some(label) => format!("{}：{label}", self.message),
            None => self.message.clone(),
        }
    }
}

/// Validation of the visit, placed on steps, plus the answers a submitted
/// visit must have, plus the facility fields the checklist step asks.
pub fn issues(facility: &Facility, visit: &Visit, today: Day) -> Vec<Issue> {
    let mut out: Vec<Issue> = Vec::new();
    let required = [
        (visit.phase.is_none(), "phase", "请选择排查阶段"),
        (visit.method.is_none(), "method", "请选择排查方式"),
        (
            visit.arrived_at.is_none(),
            "arrived_at",
            "请记录到达（排查）时间",
        ),
    ];
    for (missing, field, message) in required {
        if missing {
            let label = visit_label(field);
            out.push(Issue::new(
                Step::Arrival,
                field.into(),
                message.into(),
                label,
            ));
        }
    }
    out.extend(validate_visit(visit, today).into_iter().map(|e| {
        let label = visit_label(&e.field);
        Issue::new(Step::of_visit_field(&e.field), e.field, e.message_zh, label)
    }));
    let facility_level = validate_facility(facility, today)
        .into_iter()
        .filter(|e| !e.field.starts_with("visits["));
    out.extend(facility_level.map(|e| {
        let step = Step::of_facility_field(&e.field);
        let label = facility_label(&e.field);
        Issue {
            blocks: false,
            on_profile: step.is_none(),
            ..Issue::new(step.unwrap_or(Step::Summary), e.field, e.message_zh, label)
        }
    }));
    out.sort_by_key(|i| (i.step, !i.blocks));
    out
}

/// The issues to list away from their fields, each text once: one rule
/// over several fields (the three filing details) says it all in one line.
pub fn listed(issues: &[Issue]) -> Vec<(&Issue, String)> {
    let mut seen = std::collections::HashSet::new();
    issues
        .iter()
        .map(|i| (i, i.text()))
        .filter(|(_, text)| seen.insert(text.clone()))
        .collect()
}

/// True when nothing blocks submitting.
pub fn can_submit(issues: &[Issue]) -> bool {
    issues.iter().all(|i| !i.blocks)
}

/// The message for one field, if any: pages show it under the control.
pub fn message_for<'a>(issues: &'a [Issue], field: &str) -> Option<&'a str> {
    issues
        .iter()
        .find(|i| i.field == field)
        .map(|i| i.message.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::edit::tests::with_visit;
    use crate::form::edit::{Edit, Target, apply};
    use crate::form::value::Value;
    use mopai_shared::ids::{InterviewId, VisitId};
    use mopai_shared::model::{Method, Phase, Timestamp};

    fn today() -> Day {
        Day::ymd(2022, 1, 20).unwrap()
    }

    fn facility_with_visit() -> (Facility, VisitId) {
        let (mut f, v) = with_visit();
        f.profile.name = "夕阳红养老院".into();
        (f, v)
    }

    fn set(f: &mut Facility, target: Target, key: &'static str, value: Value) {
        apply(f, &Edit::Set { target, key, value }).unwrap();
    }

    #[test]
    fn steps_number_from_one_and_walk_both_ways() {
        assert_eq!(Step::Arrival.number(), 1);
        assert_eq!(Step::from_number(5), Some(Step::Summary));
        assert_eq!(Step::from_number(0), None);
        assert_eq!(Step::Summary.next(), None);
        assert_eq!(Step::Checklist.prev(), Some(Step::Arrival));
    }

    #[test]
    fn validation_paths_land_on_their_steps() {
        assert_eq!(Step::of_visit_field("method_reason"), Step::Arrival);
        assert_eq!(
            Step::of_visit_field("findings.prepayment.persons"),
            Step::Checklist
        );
        assert_eq!(
            Step::of_visit_field("interviews[abc].label"),
            Step::Interviews
        );
        assert_eq!(Step::of_visit_field("photos[abc].mime"), Step::Photos);
        assert_eq!(Step::of_visit_field("proposal_note"), Step::Summary);
    }

    #[test]
    fn an_empty_visit_cannot_be_submitted_until_the_arrival_is_recorded() {
        let (mut f, v) = facility_with_visit();
        let blocked = issues(&f, &f.visits[0], today());
        assert!(!can_submit(&blocked));
        assert!(
            blocked
                .iter()
                .any(|i| i.field == "phase" && i.step == Step::Arrival)
        );
        f.visits[0].phase = Some(Phase::FullSurvey);
        f.visits[0].method = Some(Method::OnSite);
        apply(
            &mut f,
            &Edit::ArrivedAt(
                v,
                Some("2022-01-18T09:30:00+08:00".parse::<Timestamp>().unwrap()),
            ),
        )
        .unwrap();
        let left = issues(&f, &f.visits[0], today());
        assert!(can_submit(&left), "{left:?}");
        // The profile still lacks category and address: warned, not blocked.
        assert!(left.iter().any(|i| i.field == "category" && !i.blocks));
    }

    #[test]
    fn an_id_number_in_an_interview_is_never_written_and_blocks_on_the_interview_step() {
        let (mut f, v) = facility_with_visit();
        let i = InterviewId::random();
        apply(&mut f, &Edit::AddInterview(v, i)).unwrap();
        let before = f.clone();
        let refused = apply(
            &mut f,
            &Edit::Set {
                target: Target::Interview(v, i),
                key: "label",
                value: Value::Text("430423195001011234".into()),
            },
        );
        assert!(refused.unwrap_err().to_string().contains("身份证"));
        assert_eq!(f, before, "the write gate's rule holds on the phone");
        // One stored before the gate existed is still shown where it is.
        f.visits[0].interviews[0].label = "430423195001011234".into();
        let found = issues(&f, &f.visits[0], today());
        let field = format!("interviews[{i}].label");
        let issue = found
            .iter()
            .find(|x| x.field == field)
            .expect("id number flagged");
        assert_eq!(issue.step, Step::Interviews);
        assert!(issue.message.contains("身份证"));
        assert!(message_for(&found, &field).is_some());
    }

    #[test]
    fn listed_issues_name_their_field_and_say_a_rule_once() {
        let (mut f, _) = facility_with_visit();
        f.category = Some(mopai_shared::model::Category::FiledInstitution);
        let found = issues(&f, &f.visits[0], today());
        let filing: Vec<&Issue> = found
            .iter()
            .filter(|i| i.field.starts_with("profile.filing_"))
            .collect();
        assert_eq!(filing.len(), 3, "each filing field still has its message");
        assert!(filing.iter().all(|i| i.on_profile && i.label.is_none()));
        let texts: Vec<String> = listed(&found).into_iter().map(|(_, t)| t).collect();
        let once = |needle: &str| texts.iter().filter(|t| t.contains(needle)).count();
        assert_eq!(once("备案回执号"), 1, "{texts:?}");
        assert_eq!(once("必填项未填写：地址"), 1, "{texts:?}");
        assert!(texts.iter().all(|t| t != "必填项未填写"), "{texts:?}");
        let phase = found.iter().find(|i| i.field == "phase").unwrap();
        assert_eq!(phase.text(), "请选择排查阶段", "already named");
    }

    #[test]
    fn facility_fields_a_step_asks_land_on_that_step() {
        assert_eq!(Step::of_facility_field("category"), Some(Step::Checklist));
        assert_eq!(
            Step::of_facility_field("profile.venue.nature"),
            Some(Step::Checklist)
        );
        assert_eq!(Step::of_facility_field("profile.filing_date"), None);
    }

    #[test]
    fn off_site_needs_a_reason() {
        let (mut f, v) = facility_with_visit();
        set(
            &mut f,
            Target::Visit(v),
            "method",
            Value::Code(Some("phone".into())),
        );
        let found = issues(&f, &f.visits[0], today());
        assert!(message_for(&found, "method_reason").is_some());
        set(
            &mut f,
            Target::Visit(v),
            "method_reason",
            Value::Text("封控期间无法上门".into()),
        );
        let found = issues(&f, &f.visits[0], today());
        assert!(message_for(&found, "method_reason").is_none());
    }
}
