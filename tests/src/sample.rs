//! Entries as inspectors make them, for tests that need realistic documents.

use mopai_shared::ids::{InterviewId, UserId, VisitId};
use mopai_shared::model::{Facility, ResidentInterview, Solvency, Visit};

/// A visit as an inspector records it: findings and two interviews.
pub fn visit(by: UserId) -> Visit {
    let mut visit = Visit::new(VisitId::random(), by);
    let f = &mut visit.findings;
    f.prepayment.collected = Some(true);
    f.prepayment.total_yuan = Some(620_000);
    f.prepayment.persons = Some(31);
    f.prepayment.longest_months = Some(36);
    f.solvency = Some(Solvency::Unknown);
    f.operations_stable = Some(true);
    for label in ["3号床 张奶奶", "5号床 李爷爷的女儿"] {
        let mut interview = ResidentInterview::new(InterviewId::random());
        interview.label = label.into();
        interview.prepaid = Some(true);
        interview.prepaid_yuan = Some(30_000);
        interview.notes = "入住时被要求一次性预交三年费用".into();
        visit.interviews.push(interview);
    }
    visit
}

/// A facility named `name` with `visits` visits by `by`.
pub fn facility(name: &str, by: UserId, visits: usize) -> Facility {
    let mut facility = Facility::default();
    facility.profile.name = name.into();
    facility.profile.address = format!("开云镇{name}路 8 号");
    facility.profile.operator = format!("{name}养老服务有限公司");
    facility.profile.beds = Some(120);
    facility.visits = (0..visits).map(|_| visit(by)).collect();
    facility
}
