//! [`Edit`]: one change an inspector makes to a facility document, and
//! [`apply`], the one function that makes it.
//!
//! Every edit is applied twice: at once to the page's state (the reducer),
//! and again by the writer to the document freshly read from IndexedDB, so a
//! sync that merged someone else's changes in between is never overwritten
//! by a stale copy. `apply` is therefore pure and deterministic.

use mopai_shared::ids::{InterviewId, PhotoId, UserId, VisitId};
use mopai_shared::model::{
    Comment, Facility, GpsFix, PhotoRef, ResidentInterview, Timestamp, Visit,
};

use super::field::{SetError, set};
use super::profile::FACILITY_FIELDS;
use super::value::Value;
use super::visit::{INTERVIEW_FIELDS, PHOTO_FIELDS, VISIT_FIELDS};

/// Which struct a field edit writes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Facility,
    Visit(VisitId),
    Interview(VisitId, InterviewId),
    Photo(VisitId, PhotoId),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// One field, by its key in the target's field table.
    Set {
        target: Target,
        key: &'static str,
        value: Value,
    },
    AddVisit {
        id: VisitId,
        by: UserId,
    },
    /// Only a draft may be removed; submitted entries stay for the record.
    RemoveVisit(VisitId),
    AddInterview(VisitId, InterviewId),
    RemoveInterview(VisitId, InterviewId),
    AddPhoto(VisitId, PhotoRef),
    RemovePhoto(VisitId, PhotoId),
    ArrivedAt(VisitId, Option<Timestamp>),
    /// A fix for the visit; the first fix also locates the facility.
    Gps(VisitId, GpsFix),
    /// Submit or resubmit, with the inspector's reply to the lead if any.
    Submit {
        visit: VisitId,
        at: Timestamp,
        reply: Option<Comment>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("找不到这次走访记录")]
    NoSuchVisit,
    #[error("找不到这条记录")]
    NoSuchItem,
    #[error("已提交的走访记录不能删除")]
    Submitted,
    #[error(transparent)]
    Field(#[from] SetError),
    /// The server's write gate would refuse the result (shared checks).
    #[error("{0}")]
    Refused(String),
}

/// Makes `edit` on `facility`. On error nothing has changed. An edit whose
/// result the server's write gate would refuse (a negative amount, an ID
/// number, a text over the cap) is refused here, so the page never writes a
/// change the server cannot store ([`mopai_shared::gate::check_edit`]).
pub fn apply(facility: &mut Facility, edit: &Edit) -> Result<(), EditError> {
    let mut next = facility.clone();
    apply_unchecked(&mut next, edit)?;
    mopai_shared::gate::check_edit(facility, &next).map_err(|f| EditError::Refused(f.message))?;
    *facility = next;
    Ok(())
}

fn apply_unchecked(facility: &mut Facility, edit: &Edit) -> Result<(), EditError> {
    match edit {
        Edit::Set { target, key, value } => set_field(facility, *target, key, value.clone()),
        Edit::AddVisit { id, by } => {
            if facility.visits.iter().all(|v| v.id != *id) {
                facility.visits.push(Visit::new(*id, *by));
            }
            Ok(())
        }
        Edit::RemoveVisit(id) => {
            if visit(facility, *id)?.submitted_at.is_some() {
                return Err(EditError::Submitted);
            }
            facility.visits.retain(|v| v.id != *id);
            Ok(())
        }
        Edit::AddInterview(v, id) => {
            let interviews = &mut visit(facility, *v)?.interviews;
            if interviews.iter().all(|i| i.id != *id) {
                interviews.push(ResidentInterview::new(*id));
            }
            Ok(())
        }
        Edit::RemoveInterview(v, id) => {
            visit(facility, *v)?.interviews.retain(|i| i.id != *id);
            Ok(())
        }
        Edit::AddPhoto(v, photo) => {
            let photos = &mut visit(facility, *v)?.photos;
            if photos.iter().all(|p| p.id != photo.id) {
                photos.push(photo.clone());
            }
            Ok(())
        }
        Edit::RemovePhoto(v, id) => {
            visit(facility, *v)?.photos.retain(|p| p.id != *id);
            Ok(())
        }
        Edit::ArrivedAt(v, at) => {
            visit(facility, *v)?.arrived_at = *at;
            Ok(())
        }
        Edit::Gps(v, fix) => {
            visit(facility, *v)?.gps = Some(fix.clone());
            // The first fix taken on site is the best location anyone has.
            facility.profile.gps.get_or_insert_with(|| fix.clone());
            Ok(())
        }
        Edit::Submit {
            visit: v,
            at,
            reply,
        } => {
            let visit = visit(facility, *v)?;
            visit.submitted_at = Some(*at);
            let new = reply
                .iter()
                .filter(|r| visit.replies.iter().all(|x| x.id != r.id));
            let new: Vec<Comment> = new.cloned().collect();
            visit.replies.extend(new);
            Ok(())
        }
    }
}

fn visit(facility: &mut Facility, id: VisitId) -> Result<&mut Visit, EditError> {
    facility
        .visits
        .iter_mut()
        .find(|v| v.id == id)
        .ok_or(EditError::NoSuchVisit)
}

fn set_field(f: &mut Facility, target: Target, key: &str, value: Value) -> Result<(), EditError> {
    match target {
        Target::Facility => set(FACILITY_FIELDS, f, key, value)?,
        Target::Visit(v) => set(VISIT_FIELDS, visit(f, v)?, key, value)?,
        Target::Interview(v, i) => {
            let item = visit(f, v)?.interviews.iter_mut().find(|x| x.id == i);
            set(
                INTERVIEW_FIELDS,
                item.ok_or(EditError::NoSuchItem)?,
                key,
                value,
            )?;
        }
        Target::Photo(v, p) => {
            let item = visit(f, v)?.photos.iter_mut().find(|x| x.id == p);
            set(PHOTO_FIELDS, item.ok_or(EditError::NoSuchItem)?, key, value)?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use mopai_shared::ids::CommentId;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// A blank facility with one visit.
    pub(crate) fn with_visit() -> (Facility, VisitId) {
        let mut f = Facility::default();
        let v = VisitId::random();
        apply(
            &mut f,
            &Edit::AddVisit {
                id: v,
                by: UserId::random(),
            },
        )
        .unwrap();
        (f, v)
    }

    #[test]
    fn adding_twice_adds_once() {
        let (mut f, v) = with_visit();
        let by = f.visits[0].created_by;
        apply(&mut f, &Edit::AddVisit { id: v, by }).unwrap();
        assert_eq!(f.visits.len(), 1);
        assert_eq!(f.visits[0].inspectors, vec![by]);
    }

    #[test]
    fn interviews_are_added_edited_and_removed_by_id() {
        let (mut f, v) = with_visit();
        let (a, b) = (InterviewId::random(), InterviewId::random());
        apply(&mut f, &Edit::AddInterview(v, a)).unwrap();
        apply(&mut f, &Edit::AddInterview(v, b)).unwrap();
        let label = Edit::Set {
            target: Target::Interview(v, b),
            key: "label",
            value: Value::Text("李爷爷".into()),
        };
        apply(&mut f, &label).unwrap();
        apply(&mut f, &Edit::RemoveInterview(v, a)).unwrap();
        assert_eq!(f.visits[0].interviews.len(), 1);
        assert_eq!(f.visits[0].interviews[0].label, "李爷爷");
        let gone = Edit::Set {
            target: Target::Interview(v, a),
            key: "label",
            value: Value::Text("x".into()),
        };
        assert_eq!(apply(&mut f, &gone), Err(EditError::NoSuchItem));
    }

    #[test]
    fn the_first_gps_fix_locates_the_facility() {
        let (mut f, v) = with_visit();
        let fix = |lat| GpsFix {
            lat,
            lon: 112.8,
            accuracy_m: 15.0,
            taken_at: None,
        };
        apply(&mut f, &Edit::Gps(v, fix(27.2))).unwrap();
        apply(&mut f, &Edit::Gps(v, fix(27.3))).unwrap();
        assert_eq!(f.visits[0].gps.as_ref().unwrap().lat, 27.3);
        assert_eq!(f.profile.gps.as_ref().unwrap().lat, 27.2);
    }

    #[test]
    fn resubmitting_moves_submitted_at_and_keeps_the_reply() {
        let (mut f, v) = with_visit();
        let first = t("2022-01-14T10:00:00+08:00");
        apply(
            &mut f,
            &Edit::Submit {
                visit: v,
                at: first,
                reply: None,
            },
        )
        .unwrap();
        assert_eq!(
            apply(&mut f, &Edit::RemoveVisit(v)),
            Err(EditError::Submitted)
        );
        let again = t("2022-01-15T09:00:00+08:00");
        let reply = Comment {
            id: CommentId::random(),
            author: f.visits[0].created_by,
            at: again,
            text: "已补充预付费金额".into(),
        };
        let resubmit = Edit::Submit {
            visit: v,
            at: again,
            reply: Some(reply),
        };
        apply(&mut f, &resubmit).unwrap();
        assert_eq!(f.visits[0].submitted_at, Some(again));
        assert_eq!(f.visits[0].replies.len(), 1);
    }

    #[test]
    fn a_draft_can_be_removed() {
        let (mut f, v) = with_visit();
        apply(&mut f, &Edit::RemoveVisit(v)).unwrap();
        assert!(f.visits.is_empty());
        assert_eq!(
            apply(&mut f, &Edit::ArrivedAt(v, None)),
            Err(EditError::NoSuchVisit)
        );
    }
}
