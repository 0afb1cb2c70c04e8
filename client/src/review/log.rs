//! The township work log (乡镇工作台账): field tables for the leadership
//! group and the work plan, the draft of a new publicity activity, and
//! [`LogEdit`] + [`apply`].
//!
//! An activity is entered as an [`ActivityDraft`] (every answer optional
//! while typing) and added once [`ActivityDraft::finish`] accepts it, because
//! the stored activity has a date, a venue type and a head count for annex
//! table 4 (宣传活动场次) and nothing half-typed should be counted.

use mopai_shared::ids::{ActivityId, MemberId};
use mopai_shared::model::{
    Day, GroupMember, GroupRole, PublicityActivity, TownshipLog, VenueType, WorkPlan,
};

use crate::form::field::{Field, SetError, field, set};
use crate::form::value::Value;

pub static PLAN_FIELDS: &[Field<WorkPlan>] = &[
    field!(title, "工作方案名称", text),
    field!(issued_on, "印发日期", date),
    field!(text, "主要内容", long; hint "排查范围、分工、时间安排等"),
];

pub static MEMBER_FIELDS: &[Field<GroupMember>] = &[
    field!(name, "姓名", text),
    field!(position, "职务", text),
    field!(group_role, "小组职务", one(GroupRole)),
    field!(phone, "联系电话", text),
];

/// A publicity activity as typed, before it is added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityDraft {
    pub date: Option<Day>,
    pub venue_type: Option<VenueType>,
    pub venue: String,
    pub participants: Option<u32>,
    pub note: String,
}

pub static ACTIVITY_FIELDS: &[Field<ActivityDraft>] = &[
    field!(date, "日期", date),
    field!(venue_type, "场所类型", one(VenueType)),
    field!(venue, "地点", text; hint "如：城关镇文化广场"),
    field!(participants, "参加人数", count),
    field!(note, "内容", text; hint "如：防范养老诈骗宣传，发放资料 200 份"),
];

/// A draft field the activity cannot be added without, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub key: &'static str,
    pub message: &'static str,
}

impl ActivityDraft {
    /// The activity, or every field still missing.
    pub fn finish(&self, id: ActivityId) -> Result<PublicityActivity, Vec<Missing>> {
        let mut missing = Vec::new();
        let mut need = |absent: bool, key, message| {
            if absent {
                missing.push(Missing { key, message });
            }
        };
        need(self.date.is_none(), "date", "请填写活动日期");
        need(self.venue_type.is_none(), "venue_type", "请选择场所类型");
        need(
            self.participants.is_none(),
            "participants",
            "请填写参加人数",
        );
        match (self.date, self.venue_type, self.participants) {
            (Some(date), Some(venue_type), Some(participants)) => Ok(PublicityActivity {
                id,
                date,
                venue_type,
                venue: self.venue.trim().to_owned(),
                participants,
                note: self.note.trim().to_owned(),
            }),
            _ => Err(missing),
        }
    }
}

/// Which struct of the log a field edit writes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTarget {
    Plan,
    Member(MemberId),
}

#[derive(Debug, Clone, PartialEq)]
pub enum LogEdit {
    Set {
        target: LogTarget,
        key: &'static str,
        value: Value,
    },
    AddMember(MemberId),
    RemoveMember(MemberId),
    AddActivity(PublicityActivity),
    RemoveActivity(ActivityId),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    #[error("找不到这位成员")]
    NoSuchMember,
    #[error(transparent)]
    Field(#[from] SetError),
}

/// Makes `edit` on `log`. Adding twice adds once, so a retried write is harmless.
pub fn apply(log: &mut TownshipLog, edit: &LogEdit) -> Result<(), LogError> {
    match edit {
        LogEdit::Set {
            target: LogTarget::Plan,
            key,
            value,
        } => set(PLAN_FIELDS, &mut log.work_plan, key, value.clone())?,
        LogEdit::Set {
            target: LogTarget::Member(id),
            key,
            value,
        } => {
            let member = log.leadership_group.iter_mut().find(|m| m.id == *id);
            set(
                MEMBER_FIELDS,
                member.ok_or(LogError::NoSuchMember)?,
                key,
                value.clone(),
            )?
        }
        LogEdit::AddMember(id) => {
            if log.leadership_group.iter().all(|m| m.id != *id) {
                log.leadership_group.push(GroupMember {
                    id: *id,
                    name: String::new(),
                    position: String::new(),
                    group_role: None,
                    phone: String::new(),
                });
            }
        }
        LogEdit::RemoveMember(id) => log.leadership_group.retain(|m| m.id != *id),
        LogEdit::AddActivity(activity) => {
            if log.activities.iter().all(|a| a.id != activity.id) {
                log.activities.push(activity.clone());
            }
        }
        LogEdit::RemoveActivity(id) => log.activities.retain(|a| a.id != *id),
    }
    Ok(())
}

/// Activities newest first, as the page lists them.
pub fn activities_newest_first(log: &TownshipLog) -> Vec<&PublicityActivity> {
    let mut all: Vec<&PublicityActivity> = log.activities.iter().collect();
    all.sort_by_key(|a| std::cmp::Reverse((a.date, a.id)));
    all
}

/// (场次, 参加人数) for the totals line and annex table 4.
pub fn totals(log: &TownshipLog) -> (usize, u64) {
    let people = log
        .activities
        .iter()
        .map(|a| u64::from(a.participants))
        .sum();
    (log.activities.len(), people)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ActivityDraft {
        let mut d = ActivityDraft::default();
        set(
            ACTIVITY_FIELDS,
            &mut d,
            "date",
            Value::Date(Day::ymd(2022, 1, 12)),
        )
        .unwrap();
        set(
            ACTIVITY_FIELDS,
            &mut d,
            "venue_type",
            Value::Code(Some("square".into())),
        )
        .unwrap();
        set(
            ACTIVITY_FIELDS,
            &mut d,
            "venue",
            Value::Text(" 文化广场 ".into()),
        )
        .unwrap();
        d
    }

    #[test]
    fn an_activity_needs_date_venue_type_and_head_count() {
        let mut d = draft();
        let missing = d.finish(ActivityId::random()).unwrap_err();
        assert_eq!(
            missing.iter().map(|m| m.key).collect::<Vec<_>>(),
            ["participants"]
        );
        set(
            ACTIVITY_FIELDS,
            &mut d,
            "participants",
            Value::Number(Some(120)),
        )
        .unwrap();
        let a = d.finish(ActivityId::random()).unwrap();
        assert_eq!(a.venue_type, VenueType::Square);
        assert_eq!(a.venue, "文化广场");
        assert_eq!(
            ActivityDraft::default()
                .finish(ActivityId::random())
                .unwrap_err()
                .len(),
            3
        );
    }

    #[test]
    fn members_plan_and_activities_are_edited_by_id() {
        let mut log = TownshipLog::default();
        let (m, other) = (MemberId::random(), MemberId::random());
        apply(&mut log, &LogEdit::AddMember(m)).unwrap();
        apply(&mut log, &LogEdit::AddMember(m)).unwrap();
        let name = |id| LogEdit::Set {
            target: LogTarget::Member(id),
            key: "name",
            value: Value::Text("李明".into()),
        };
        apply(&mut log, &name(m)).unwrap();
        apply(
            &mut log,
            &LogEdit::Set {
                target: LogTarget::Member(m),
                key: "group_role",
                value: Value::Code(Some("leader".into())),
            },
        )
        .unwrap();
        assert_eq!(apply(&mut log, &name(other)), Err(LogError::NoSuchMember));
        assert_eq!(log.leadership_group.len(), 1);
        assert_eq!(log.leadership_group[0].group_role, Some(GroupRole::Leader));
        apply(
            &mut log,
            &LogEdit::Set {
                target: LogTarget::Plan,
                key: "title",
                value: Value::Text("开云镇摸排工作方案".into()),
            },
        )
        .unwrap();
        assert_eq!(log.work_plan.title, "开云镇摸排工作方案");

        let mut d = draft();
        d.participants = Some(80);
        let a = d.finish(ActivityId::random()).unwrap();
        let mut b = a.clone();
        b.id = ActivityId::random();
        b.date = Day::ymd(2022, 1, 13).unwrap();
        b.participants = 40;
        for x in [&a, &b, &a] {
            apply(&mut log, &LogEdit::AddActivity(x.clone())).unwrap();
        }
        assert_eq!(totals(&log), (2, 120));
        assert_eq!(activities_newest_first(&log)[0].id, b.id);
        apply(&mut log, &LogEdit::RemoveActivity(a.id)).unwrap();
        apply(&mut log, &LogEdit::RemoveMember(m)).unwrap();
        assert_eq!(totals(&log), (1, 40));
        assert!(log.leadership_group.is_empty());
    }
}
