//! County staff's online checks (互联网大数据核查), free of the browser: the
//! form's [`CheckDraft`], turned into an [`OnlineCheck`] and checked with
//! the shared rules ([`validate_county_record`]) before it is queued, and
//! [`CountyEdit`], what the writer applies to the county document.

use mopai_shared::ids::{CheckId, UserId};
use mopai_shared::model::{CheckFinding, CheckSource, CountyRecord, Day, OnlineCheck};
use mopai_shared::validate::validate_county_record;

/// What the form holds until the check is added.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckDraft {
    pub source: Option<CheckSource>,
    pub subject: String,
    /// `None`: nothing chosen yet; `Some(None)`: still open (核查中), which
    /// the document stores as no finding.
    pub finding: Option<Option<CheckFinding>>,
    pub detail: String,
    pub checked_on: Option<Day>,
    pub reference: String,
}

/// A message for one field of the form, keyed like the document's field
/// (`source`, `subject`, `finding`, `checked_on`, `reference`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl CheckDraft {
    /// The check to store, or every reason it cannot be stored yet.
    pub fn build(
        &self,
        id: CheckId,
        by: UserId,
        today: Day,
    ) -> Result<OnlineCheck, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut missing = |field: &str, message: &str| {
            errors.push(FieldError {
                field: field.to_owned(),
                message: message.to_owned(),
            })
        };
        if self.source.is_none() {
            missing("source", "请选择核查来源");
        }
        if self.finding.is_none() {
            missing("finding", "请选择核查结果（尚无结论的选“核查中”）");
        }
        if self.checked_on.is_none() {
            missing("checked_on", "请填写核查日期");
        }
        let check = OnlineCheck {
            id,
            source: self.source.unwrap_or(CheckSource::Other),
            subject: self.subject.trim().to_owned(),
            finding: self.finding.flatten(),
            detail: self.detail.trim().to_owned(),
            checked_on: self.checked_on.unwrap_or(today),
            reference: self.reference.trim().to_owned(),
            checked_by: by,
        };
        // The shared rules name fields `online_checks[<id>].subject`.
        let record = CountyRecord {
            online_checks: vec![check.clone()],
            notes: Vec::new(),
        };
        for e in validate_county_record(&record, today) {
            let field = e.field.rsplit('.').next().unwrap_or_default().to_owned();
            if errors.iter().all(|x| x.field != field) {
                errors.push(FieldError {
                    field,
                    message: e.message_zh,
                });
            }
        }
        match errors.is_empty() {
            true => Ok(check),
            false => Err(errors),
        }
    }
}

/// What county staff change in a county document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountyEdit {
    AddCheck(OnlineCheck),
}

/// Makes `edit` on `record`. Applying the same edit twice (a retried
/// flush) adds nothing.
pub fn apply(record: &mut CountyRecord, edit: &CountyEdit) -> Result<(), String> {
    match edit {
        CountyEdit::AddCheck(check) => {
            if record.online_checks.iter().all(|c| c.id != check.id) {
                record.online_checks.push(check.clone());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn an_empty_draft_names_every_missing_field_in_chinese() {
        let errors = CheckDraft::default()
            .build(CheckId::random(), UserId::random(), day("2022-01-16"))
            .unwrap_err();
        assert_eq!(
            fields(&errors),
            ["source", "finding", "checked_on", "subject"]
        );
        assert_eq!(errors[3].message, "必填项未填写");
    }

    #[test]
    fn a_finding_needs_a_reference_and_a_past_date() {
        let draft = CheckDraft {
            source: Some(CheckSource::CreditChina),
            subject: "福寿园养老服务有限公司".into(),
            finding: Some(Some(CheckFinding::BlacklistEnterprise)),
            checked_on: Some(day("2022-01-17")),
            ..CheckDraft::default()
        };
        let errors = draft
            .build(CheckId::random(), UserId::random(), day("2022-01-16"))
            .unwrap_err();
        assert_eq!(fields(&errors), ["reference", "checked_on"]);
        assert!(errors[0].message.contains("出处"));
        let fixed = CheckDraft {
            reference: " 信用中国 2022-001 ".into(),
            checked_on: Some(day("2022-01-16")),
            ..draft
        };
        let check = fixed
            .build(CheckId::random(), UserId::random(), day("2022-01-16"))
            .unwrap();
        assert_eq!(check.reference, "信用中国 2022-001");
        let mut record = CountyRecord::default();
        apply(&mut record, &CountyEdit::AddCheck(check.clone())).unwrap();
        apply(&mut record, &CountyEdit::AddCheck(check)).unwrap();
        assert_eq!(record.online_checks.len(), 1);
    }

    #[test]
    fn a_check_still_open_is_stored_without_a_finding() {
        let draft = CheckDraft {
            source: Some(CheckSource::JudgmentDocuments),
            subject: "张某".into(),
            finding: Some(None),
            checked_on: Some(day("2022-01-16")),
            ..CheckDraft::default()
        };
        let check = draft
            .build(CheckId::random(), UserId::random(), day("2022-01-16"))
            .unwrap();
        assert_eq!(check.finding, None, "open needs no reference");
    }
}
